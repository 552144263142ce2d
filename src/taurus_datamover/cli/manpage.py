"""The manual page of ``taurus-datamover`` (roff), generated from the argparse parser: each
sub-command's section is its own ``--help`` text, so the page says what the command does.
"""

from __future__ import annotations

import sys
from datetime import date
from typing import TYPE_CHECKING

from taurus_datamover import __version__
from taurus_datamover.cli.completion import command_paths, command_tree
from taurus_datamover.cli.parser import EPILOG, build_parser

if TYPE_CHECKING:
    from taurus_datamover.cli.context import Context


_ENVIRONMENT = (
    ("TAURUS_DATAMOVER_PATH, TAURUS_WS_PATH", "directories (separated by :) searched first for the dt* and ws_* tools"),
    ("XDG_CACHE_HOME", "the default emulated site (--emulate) is $XDG_CACHE_HOME/taurus-datamover/site"),
    ("NO_COLOR", "no colours in ws report, even on a terminal"),
)


def roff_text(text: str) -> str:
    """*text* safe as roff body text: backslashes escaped, a leading ``.`` or ``'`` guarded."""
    lines = text.replace("\\", "\\e").splitlines()
    return "\n".join("\\&" + line if line.startswith((".", "'")) else line for line in lines)


def manpage(today: date | None = None) -> str:
    """The whole page, section 1."""
    parser = build_parser()
    day = (today or date.today()).isoformat()
    out = [
        f'.TH TAURUS-DATAMOVER 1 "{day}" "taurus-datamover {__version__}" "User Commands"',
        ".SH NAME",
        "taurus-datamover \\- the ZIH datamover (dt*) and workspace (ws_*) tools, for scripts, cron and people",
        ".SH SYNOPSIS",
        ".B taurus-datamover",
        "[\\fIGLOBAL OPTIONS\\fR] \\fICOMMAND\\fR [\\fIARGS\\fR...]",
        ".SH DESCRIPTION",
        roff_text(parser.description or ""),
        ".SH OPTIONS",
        ".nf",
        roff_text(parser.format_help().split("\n\n", 2)[2].split("exit codes:", 1)[0].rstrip()),
        ".fi",
        ".SH COMMANDS",
    ]
    for name, node in command_paths(command_tree(parser))[1:]:
        out.append(f".SS {name.strip()}")
        if node.commands:  # a group (ws): what it is; each of its commands follows
            out.append(roff_text(node.parser.description or ""))
        else:
            out += [".nf", roff_text(node.parser.format_help().rstrip()), ".fi"]
    out += [
        ".SH EXIT STATUS, DURATIONS, EXAMPLES",
        ".nf",
        roff_text(EPILOG.rstrip()),
        ".fi",
        ".SH ENVIRONMENT",
        *(line for name, what in _ENVIRONMENT for line in (".TP", f".B {name}", what)),
        ".SH SEE ALSO",
        "The README of the project; dtls(1) and the other datamover tools at ZIH; ws_allocate(1).",
    ]
    return "\n".join(out) + "\n"


def run_man(ctx: Context) -> int:
    sys.stdout.write(manpage())
    return 0

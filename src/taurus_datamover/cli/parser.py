"""The argparse parser of ``taurus-datamover``: subcommands, global options, exit codes.

Handlers are named ``"module:function"`` (:func:`~.words.handler_of` imports them), so
``--help`` and usage errors never import the library. The sub-parsers are in
:mod:`.subcommands`; :func:`build_parser` builds only the one a command line names.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from taurus_datamover import __version__
from taurus_datamover.cli.durations import ACCEPTED_FORMS
from taurus_datamover.cli.subcommands import COMMANDS, WS_COMMANDS, SubparserBuilder, add_global_options

EPILOG = f"""\
exit codes:
  0    success
  1    a tool (dt*, ws_*) or its Slurm job failed; the reason is one line on stderr
       (-v adds the command line, the tool's output and the traceback)
  2    usage error (unknown option, bad duration, ...)
  3    ws auto-extend: some workspaces that expire soon could not be extended
       (none left, or the tool refused); a run that extends nothing exits 3 again
       as long as such a workspace remains, and 0 otherwise
  130  interrupted (Ctrl-C; a waited-for transfer is cancelled)

durations (--within, --expiring): {ACCEPTED_FORMS}; a bare number is days (7 = 7d)

examples:
  taurus-datamover --emulate demo
  taurus-datamover --emulate emulate --shell     # a shell where /grp, /data/horse/ws, ... exist
  taurus-datamover ls /grp/mygroup --json
  taurus-datamover cp -r /grp/mygroup/raw /data/horse/ws/me-run1/
  taurus-datamover rsync /grp/mygroup/raw /data/horse/ws/me-run1/ -a --info=progress2
  taurus-datamover ws auto-extend --within 7d --days 30     # in a crontab
"""


#: The global options the scan of :func:`named_commands` steps over: with a value, without.
_VALUE_GLOBALS = frozenset({"--site-root", "--datamover-path", "--ws-path"})
_FLAG_GLOBALS = frozenset({"--emulate", "--verbose", "--quiet"})


def _command_word(words: Sequence[str], start: int) -> int | None:
    """The index of the first word from ``start`` on past the global options (spelt out in
    full), or None when another option comes first (``--help``, an abbreviation, ``--``)."""
    at = start
    while at < len(words):
        word = words[at]
        if not word.startswith("-"):
            return at
        if word in _VALUE_GLOBALS:
            if at + 1 >= len(words) or words[at + 1].startswith("-"):
                return None
            at += 2
        elif word.partition("=")[0] in _VALUE_GLOBALS or word in _FLAG_GLOBALS:
            at += 1
        elif len(word) > 1 and word[1] != "-" and set(word[1:]) <= {"v", "q"}:
            at += 1  # -v, -q, -vvq
        else:
            return None
    return None


def named_commands(words: Sequence[str]) -> tuple[str, ...]:
    """The subcommand (and ``ws`` subcommand) the command line ``words`` names, such as
    ``("ws", "list")``; empty where the whole parser must answer: no subcommand, an unknown
    one, ``--help`` or any option but the global ones before it."""
    top = _command_word(words, 0)
    if top is None or words[top] not in COMMANDS:
        return ()
    if words[top] != "ws":
        return (words[top],)
    inner = _command_word(words, top + 1)
    if inner is None or words[inner] not in WS_COMMANDS:
        return ()
    return ("ws", words[inner])


def build_parser(words: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The ``taurus-datamover`` parser: the whole one, or given the command line ``words``
    one with only the sub-parsers they name (:func:`named_commands`), which parses them as
    the whole one does (its help is left to the whole one: ``--help`` names no subcommand)."""
    parser = argparse.ArgumentParser(
        prog="taurus-datamover",
        description="The ZIH datamover (dt*) and workspace (ws_*) tools, for scripts, cron and people.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    add_global_options(parser, suppress=False)
    builder = SubparserBuilder(() if words is None else named_commands(words))
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, add in COMMANDS.items():
        if builder.wants(0, name):
            add(builder, sub)
    return parser

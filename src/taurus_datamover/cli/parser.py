"""The argparse parser of ``taurus-datamover``: subcommands, global options, exit codes.

Handlers are named as ``"module:function"`` of this package (:func:`handler_of` imports
them), so ``--help`` and usage errors never import the library, pydantic or the emulator.

Global options may be given before the subcommand or after it (``taurus-datamover
--emulate ws list`` and ``taurus-datamover ws list --emulate`` are the same): every
sub-parser carries them with ``SUPPRESS`` defaults, so a later one only overrides what it
sets.
"""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from taurus_datamover import __version__
from taurus_datamover.cli.durations import (
    ACCEPTED_FORMS,
    days_or_duration,
    duration_arg,
    non_negative_int,
    positive_int,
)

__all__ = [
    "EPILOG",
    "EXIT_INTERRUPTED",
    "EXIT_NOT_EXTENDED",
    "EXIT_OK",
    "EXIT_TOOL_FAILED",
    "EXIT_USAGE",
    "SubcommandFormatter",
    "build_parser",
    "handler_of",
    "join_option_values",
]

EXIT_OK = 0
EXIT_TOOL_FAILED = 1
EXIT_USAGE = 2
EXIT_NOT_EXTENDED = 3
EXIT_INTERRUPTED = 130

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


#: Options whose value may look like an option (``--expiring -1d``): joined as
#: ``--expiring=-1d`` before parsing, so the value's own error is shown, not argparse's
#: "expected one argument".
VALUE_OPTIONS = ("--expiring", "--within")


def join_option_values(argv: Sequence[str]) -> list[str]:
    """*argv* with ``OPTION VALUE`` joined to ``OPTION=VALUE`` for :data:`VALUE_OPTIONS`
    when the value starts with ``-`` (a ``--`` ends the options)."""
    out: list[str] = []
    words = list(argv)
    index = 0
    while index < len(words):
        word = words[index]
        if word == "--":
            out.extend(words[index:])
            break
        following = words[index + 1] if index + 1 < len(words) else None
        if word in VALUE_OPTIONS and following is not None and following.startswith("-") and following != "--":
            out.append(f"{word}={following}")
            index += 2
            continue
        out.append(word)
        index += 1
    return out


#: dest of every global option (left out of the subcommands' usage lines).
GLOBAL_DESTS = frozenset({"emulate", "site_root", "datamover_path", "ws_path", "verbose", "quiet"})


class SubcommandFormatter(argparse.RawDescriptionHelpFormatter):
    """A subcommand's usage line without the six global options (its help still lists them
    under "global options"), so the usage shows what the subcommand itself takes."""

    def add_usage(
        self,
        usage: str | None,
        actions: Iterable[argparse.Action],
        groups: Iterable[argparse._MutuallyExclusiveGroup],
        prefix: str | None = None,
    ) -> None:
        own = [action for action in actions if action.dest not in GLOBAL_DESTS]
        super().add_usage(usage, own, groups, prefix)


def _global_options(parser: argparse.ArgumentParser, *, suppress: bool) -> None:
    def default(value: object) -> object:
        return argparse.SUPPRESS if suppress else value

    group = parser.add_argument_group("global options")
    group.add_argument(
        "--emulate",
        action="store_true",
        default=default(False),
        help="use the emulated site in the user's cache directory (created on first use)",
    )
    group.add_argument(
        "--site-root", type=Path, metavar="DIR", default=default(None), help="use (or create) the emulated site in DIR"
    )
    group.add_argument("--datamover-path", metavar="DIR", default=default(None), help="directory of the dt* tools")
    group.add_argument("--ws-path", metavar="DIR", default=default(None), help="directory of the ws_* tools")
    group.add_argument(
        "-v", "--verbose", action="count", default=default(0), help="more detail (twice: echo the tool calls)"
    )
    group.add_argument("-q", "--quiet", action="count", default=default(0), help="only results and errors")


class _Builder:
    """Adds sub-parsers that all carry the global options."""

    def __init__(self) -> None:
        self.common = argparse.ArgumentParser(add_help=False)
        _global_options(self.common, suppress=True)

    def add(
        self, subparsers: argparse._SubParsersAction[argparse.ArgumentParser], name: str, help: str
    ) -> argparse.ArgumentParser:
        parser = subparsers.add_parser(
            name, help=help, description=help, parents=[self.common], formatter_class=SubcommandFormatter
        )
        # the deepest sub-parser's usage is the one a usage error of its handler prints
        parser.set_defaults(usage_of=parser.format_usage)
        return parser


def _json_flag(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument("--json", action="store_true", help=f"print {what} as JSON, and nothing else")


def _transfer_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--no-wait", action="store_true", help="submit a batch job, print its id and return")
    _json_flag(parser, "the job")
    parser.add_argument("--time", metavar="LIMIT", help="Slurm time limit of the job (e.g. 2:00:00)")
    parser.add_argument("--account", metavar="ACCOUNT", help="Slurm account of the job")


def _add_transfers(builder: _Builder, sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    cp = builder.add(sub, "cp", "copy files with dtcp")
    cp.add_argument("-r", "--recursive", action="store_true", help="copy directories recursively")
    cp.add_argument("-p", "--preserve", action="store_true", help="keep modes, owners and times")
    _transfer_options(cp)
    cp.add_argument("src", nargs="+", metavar="SRC")
    cp.add_argument("dst", metavar="DST")

    mv = builder.add(sub, "mv", "move files with dtmv")
    _transfer_options(mv)
    mv.add_argument("src", nargs="+", metavar="SRC")
    mv.add_argument("dst", metavar="DST")

    rm = builder.add(sub, "rm", "remove files with dtrm")
    rm.add_argument("-r", "--recursive", action="store_true", help="remove directories and their contents")
    _transfer_options(rm)
    rm.add_argument("paths", nargs="+", metavar="PATH")

    rsync = builder.add(sub, "rsync", "synchronise with dtrsync (our options before SRC, rsync's after DST)")
    _transfer_options(rsync)
    rsync.add_argument("src", metavar="SRC")
    rsync.add_argument("dst", metavar="DST")
    rsync.add_argument(
        "options", nargs=argparse.REMAINDER, metavar="RSYNC_OPTION", help="passed to rsync (e.g. -a --info=progress2)"
    )

    tar = builder.add(sub, "tar", "run dttar; give tar's arguments after -- (or without a dash: czf out.tgz dir)")
    _transfer_options(tar)
    tar.add_argument("tar_args", nargs=argparse.REMAINDER, metavar="TAR_ARG")

    wget = builder.add(sub, "wget", "download with dtwget")
    _transfer_options(wget)
    wget.add_argument("url", metavar="URL")
    wget.add_argument("dst", metavar="DST", help="the file to write")

    for name, parser in (("cp", cp), ("mv", mv), ("rm", rm), ("rsync", rsync), ("tar", tar), ("wget", wget)):
        parser.set_defaults(handler="transfers:run_transfer", command=name)


def _add_ws(builder: _Builder, sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    ws = builder.add(sub, "ws", "workspaces (hpc-workspace tools)")
    wsub = ws.add_subparsers(dest="ws_command", metavar="WS_COMMAND", required=True)

    lst = builder.add(wsub, "list", "list your workspaces")
    lst.add_argument("-F", "--filesystem", help="only this file system")
    lst.add_argument(
        "--expiring", type=days_or_duration, metavar="DURATION", help="only those expiring within DURATION (7 = 7d)"
    )
    _json_flag(lst, "the workspaces")
    lst.set_defaults(handler="ws:run_ws_list")

    alloc = builder.add(wsub, "allocate", "allocate (or reuse) a workspace; prints its path")
    alloc.add_argument("name", metavar="NAME")
    alloc.add_argument("days", type=positive_int, metavar="DAYS")
    alloc.add_argument("-F", "--filesystem", help="file system (default: the site's)")
    alloc.add_argument("--reminder", type=non_negative_int, metavar="DAYS", help="mail a reminder DAYS before expiry")
    alloc.add_argument("--mail", metavar="ADDRESS", help="where reminders go (needs --reminder)")
    alloc.add_argument("--comment", help="a comment stored with the workspace")
    _json_flag(alloc, "the workspace")
    alloc.set_defaults(handler="ws:run_ws_allocate")

    ext = builder.add(wsub, "extend", "extend a workspace to DAYS from now (uses one extension)")
    ext.add_argument("name", metavar="NAME")
    ext.add_argument("days", type=positive_int, metavar="DAYS")
    ext.add_argument("-F", "--filesystem", help="the workspace's file system (default: where it is found)")
    _json_flag(ext, "the workspace")
    ext.set_defaults(handler="ws:run_ws_extend")

    rel = builder.add(wsub, "release", "release a workspace (restorable unless --delete-data)")
    rel.add_argument("name", metavar="NAME")
    rel.add_argument("-F", "--filesystem", help="the workspace's file system (default: where it is found)")
    rel.add_argument("--delete-data", action="store_true", help="delete the data at once")
    rel.set_defaults(handler="ws:run_ws_release")

    res = builder.add(wsub, "restore", "list released workspaces (-l) or restore one into TARGET")
    res.add_argument("-l", "--list", action="store_true", help="list the restorable workspaces")
    res.add_argument("released_id", nargs="?", metavar="ID")
    res.add_argument("target", nargs="?", metavar="TARGET")
    res.add_argument("-F", "--filesystem", help="the file system of the released workspace and of TARGET")
    _json_flag(res, "the result")
    res.set_defaults(handler="ws:run_ws_restore")

    fss = builder.add(wsub, "filesystems", "the workspace file systems")
    _json_flag(fss, "the file systems")
    fss.set_defaults(handler="ws:run_ws_filesystems")

    auto = builder.add(
        wsub,
        "auto-extend",
        "extend every workspace expiring within DURATION that has extensions left (for cron); "
        "exit 3 when some could not be extended",
    )
    auto.add_argument(
        "--within", type=days_or_duration, default=duration_arg("7d"), metavar="DURATION", help="threshold (default 7d)"
    )
    auto.add_argument(
        "--days",
        type=positive_int,
        default=30,
        help="extend to this many days from now (default 30; capped by the file system)",
    )
    auto.add_argument("-F", "--filesystem", help="only this file system")
    auto.add_argument("--dry-run", action="store_true", help="only say what would be done")
    auto.add_argument(
        "--lock-timeout",
        type=duration_arg,
        default=None,
        metavar="DURATION",
        help="how long to wait for another auto-extend run of this user (default 10m)",
    )
    _json_flag(auto, "the report")
    auto.set_defaults(handler="auto_extend:run_ws_auto_extend")

    rep = builder.add(wsub, "report", "all workspaces sorted by remaining time, flagging those expiring soon")
    rep.add_argument(
        "--within",
        type=days_or_duration,
        default=duration_arg("7d"),
        metavar="DURATION",
        help="what counts as soon (default 7d)",
    )
    rep.add_argument("-F", "--filesystem", help="only this file system")
    _json_flag(rep, "the workspaces")
    rep.set_defaults(handler="ws:run_ws_report")


def _add_sync(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("src", nargs="?", metavar="SRC", help="the directory whose tree is copied")
    parser.add_argument("dst", nargs="?", metavar="DST", help="where it goes (created when missing)")
    parser.add_argument("-j", "--jobs", type=positive_int, default=4, metavar="N", help="parallel parts (default 4)")
    parser.add_argument(
        "--verify",
        choices=("size-mtime", "checksum", "none"),
        default="size-mtime",
        help="check the destination afterwards (default size-mtime; checksum reads every byte)",
    )
    parser.add_argument("--time", metavar="LIMIT", help="Slurm time limit of each part (e.g. 2:00:00)")
    parser.add_argument("--dry-run", action="store_true", help="print and record the plan; submit nothing")
    _json_flag(parser, "the run's manifest")
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--resume", metavar="RUN_ID", help="rerun the parts of RUN_ID that did not complete")
    which.add_argument("--list", action="store_true", help="list past runs")
    parser.set_defaults(handler="sync:run_sync")


def handler_of(name: str) -> Callable[[Any], int]:
    """The handler ``"module:function"`` of a sub-parser, imported now."""
    module, _, function = name.partition(":")
    loaded = importlib.import_module(f"taurus_datamover.cli.{module}")
    handler: Callable[[Any], int] = getattr(loaded, function)
    return handler


def build_parser() -> argparse.ArgumentParser:
    """The whole ``taurus-datamover`` parser."""
    formatter = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(
        prog="taurus-datamover",
        description="The ZIH datamover (dt*) and workspace (ws_*) tools, for scripts, cron and people.",
        epilog=EPILOG,
        formatter_class=formatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    _global_options(parser, suppress=False)
    builder = _Builder()
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    ls = builder.add(sub, "ls", "list a directory with dtls")
    ls.add_argument("path", metavar="PATH")
    ls.add_argument("-a", "--all", action="store_true", help="include names starting with a dot")
    ls.add_argument("-R", "--recursive", action="store_true", help="list sub-directories too")
    _json_flag(ls, "the entries")
    ls.set_defaults(handler="listing:run_ls")

    _add_transfers(builder, sub)
    _add_sync(builder.add(sub, "sync", "copy a big tree as N parallel dtrsync jobs, verified and resumable"))

    jobs = builder.add(sub, "jobs", "your datamover jobs (dtqueue)")
    _json_flag(jobs, "the jobs")
    jobs.set_defaults(handler="jobs:run_jobs")

    cancel = builder.add(sub, "cancel", "cancel datamover jobs (dtcancel)")
    cancel.add_argument("job_ids", nargs="+", type=positive_int, metavar="JOBID")
    cancel.set_defaults(handler="jobs:run_cancel")

    _add_ws(builder, sub)

    emulate = builder.add(
        sub,
        "emulate",
        "create or reuse an emulated site (--site-root DIR, default the user's cache); print the shell "
        "lines that use it, or run a command or shell in which /grp, /projects and /data/<fs>/ws are its folders",
    )
    # the older spelling of the global --site-root, kept working but not shown
    emulate.add_argument("--root", type=Path, dest="site_root", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    emulate.add_argument("--no-slurm", action="store_true", help="run jobs locally even where Slurm answers")
    run_in = emulate.add_mutually_exclusive_group()
    run_in.add_argument(
        "--exec",
        nargs=argparse.REMAINDER,
        metavar="CMD",
        help="run CMD (and its arguments, the rest of the line) with the ZIH paths; exits with its code",
    )
    run_in.add_argument("--shell", action="store_true", help="start $SHELL with the ZIH paths")
    emulate.set_defaults(handler="site:run_emulate")

    demo = builder.add(sub, "demo", "stage files into a workspace on the emulated site, step by step")
    demo.set_defaults(handler="site:run_demo")

    completion = builder.add(sub, "completion", "print the shell completion script (bash or zsh)")
    completion.add_argument("shell_name", choices=("bash", "zsh"), metavar="SHELL", help="bash or zsh")
    completion.set_defaults(handler="completion:run_completion")

    man = builder.add(sub, "man", "print the manual page (roff): taurus-datamover man | man -l -")
    man.set_defaults(handler="manpage:run_man")
    return parser

"""Each subcommand's sub-parser, and the global options they all carry (with ``SUPPRESS``
defaults, so that they may come before or after the subcommand). :data:`COMMANDS` and
:data:`WS_COMMANDS` add them one by one, so that a command line builds only the one it
names (see :func:`~taurus_datamover.cli.parser.build_parser`).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterable
from datetime import timedelta
from functools import partial
from typing import Any, TypeAlias

from taurus_datamover.cli.durations import days_or_duration, duration_arg, non_negative_int, positive_int

#: What ``add_subparsers()`` returns.
_Subparsers: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"

#: dest of every global option (left out of the subcommands' usage lines).
GLOBAL_DESTS = frozenset({"emulate", "site_root", "datamover_path", "ws_path", "verbose", "quiet"})


class SubcommandFormatter(argparse.RawDescriptionHelpFormatter):
    """A subcommand's usage line without the global options (its help still lists them)."""

    def add_usage(
        self,
        usage: str | None,
        actions: Iterable[argparse.Action],
        groups: Iterable[argparse._MutuallyExclusiveGroup],
        prefix: str | None = None,
    ) -> None:
        own = [action for action in actions if action.dest not in GLOBAL_DESTS]
        super().add_usage(usage, own, groups, prefix)


def add_global_options(parser: argparse.ArgumentParser, *, suppress: bool) -> None:
    def default(value: object) -> object:
        return argparse.SUPPRESS if suppress else value

    group = parser.add_argument_group("global options")
    help = "use the emulated site in the user's cache directory (created on first use)"
    group.add_argument("--emulate", action="store_true", default=default(False), help=help)
    help = "use (or create) the emulated site in DIR"
    group.add_argument("--site-root", metavar="DIR", default=default(None), help=help)
    group.add_argument("--datamover-path", metavar="DIR", default=default(None), help="directory of the dt* tools")
    group.add_argument("--ws-path", metavar="DIR", default=default(None), help="directory of the ws_* tools")
    help = "more detail (twice: echo the tool calls)"
    group.add_argument("-v", "--verbose", action="count", default=default(0), help=help)
    group.add_argument("-q", "--quiet", action="count", default=default(0), help="only results and errors")


class SubparserBuilder:
    """Adds sub-parsers that all carry the global options; ``named`` (from
    :func:`named_commands`) keeps the others out (empty: all of them)."""

    def __init__(self, named: tuple[str, ...] = ()) -> None:
        self.common = argparse.ArgumentParser(add_help=False)
        add_global_options(self.common, suppress=True)
        self.named = named

    def wants(self, depth: int, name: str) -> bool:
        """True when the sub-parser ``name`` at ``depth`` (0: a subcommand) is to be built."""
        return len(self.named) <= depth or self.named[depth] == name

    def add(
        self,
        subparsers: _Subparsers,
        name: str,
        help: str,
        handler: str | None = None,
        **defaults: Any,
    ) -> argparse.ArgumentParser:
        """A sub-parser ``name`` whose ``handler`` is ``"module:function"``."""
        parser = subparsers.add_parser(
            name, help=help, description=help, parents=[self.common], formatter_class=SubcommandFormatter
        )
        # the deepest sub-parser's usage is the one a usage error of its handler prints
        parser.set_defaults(usage_of=parser.format_usage, **defaults)
        if handler is not None:
            parser.set_defaults(handler=handler)
        return parser


def _json_flag(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument("--json", action="store_true", help=f"print {what} as JSON, and nothing else")


def _filesystem(parser: argparse.ArgumentParser, help: str = "only this file system") -> None:
    parser.add_argument("-F", "--filesystem", help=help)


def _name_and_days(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("name", metavar="NAME")
    parser.add_argument("days", type=positive_int, metavar="DAYS")


def _within(parser: argparse.ArgumentParser, help: str) -> None:
    parser.add_argument("--within", type=days_or_duration, default=timedelta(days=7), metavar="DURATION", help=help)


_SRC_DST = (("src", "+", "SRC", None), ("dst", None, "DST", None))
#: Each transfer's help, its own flags (short, long, help) and its operands (dest, nargs,
#: metavar, help).
_TRANSFERS: dict[str, tuple[str, tuple[tuple[str, str, str], ...], tuple[tuple[str, Any, str, str | None], ...]]] = {
    "cp": (
        "copy files with dtcp",
        (("-r", "--recursive", "copy directories recursively"), ("-p", "--preserve", "keep modes, owners and times")),
        _SRC_DST,
    ),
    "mv": ("move files with dtmv", (), _SRC_DST),
    "rm": (
        "remove files with dtrm",
        (("-r", "--recursive", "remove directories and their contents"),),
        (("paths", "+", "PATH", None),),
    ),
    "rsync": (
        "synchronise with dtrsync (our options before SRC, rsync's after DST)",
        (),
        (
            ("src", None, "SRC", None),
            ("dst", None, "DST", None),
            ("options", argparse.REMAINDER, "RSYNC_OPTION", "passed to rsync (e.g. -a --info=progress2)"),
        ),
    ),
    "tar": (
        "run dttar; give tar's arguments after -- (or without a dash: czf out.tgz dir)",
        (),
        (("tar_args", argparse.REMAINDER, "TAR_ARG", None),),
    ),
    "wget": ("download with dtwget", (), (("url", None, "URL", None), ("dst", None, "DST", "the file to write"))),
}


def _add_plain(
    name: str, help: str, handler: str, json_what: str | None, builder: SubparserBuilder, sub: _Subparsers
) -> None:
    """A sub-parser without operands: ``--json`` (printing ``json_what``) or nothing."""
    parser = builder.add(sub, name, help, handler)
    if json_what is not None:
        _json_flag(parser, json_what)


def _add_transfer(name: str, builder: SubparserBuilder, sub: _Subparsers) -> None:
    help, flags, operands = _TRANSFERS[name]
    parser = builder.add(sub, name, help, "transfers:run_transfer", command=name)
    for short, long, flag_help in flags:
        parser.add_argument(short, long, action="store_true", help=flag_help)
    parser.add_argument("--no-wait", action="store_true", help="submit a batch job, print its id and return")
    _json_flag(parser, "the job")
    parser.add_argument("--time", metavar="LIMIT", help="Slurm time limit of the job (e.g. 2:00:00)")
    parser.add_argument("--account", metavar="ACCOUNT", help="Slurm account of the job")
    for dest, nargs, metavar, operand_help in operands:
        parser.add_argument(dest, nargs=nargs, metavar=metavar, help=operand_help)


def _add_ws_list(builder: SubparserBuilder, wsub: _Subparsers) -> None:
    lst = builder.add(wsub, "list", "list your workspaces", "ws:run_ws_list")
    _filesystem(lst)
    help = "only those expiring within DURATION (7 = 7d)"
    lst.add_argument("--expiring", type=days_or_duration, metavar="DURATION", help=help)
    _json_flag(lst, "the workspaces")


def _add_ws_allocate(builder: SubparserBuilder, wsub: _Subparsers) -> None:
    alloc = builder.add(wsub, "allocate", "allocate (or reuse) a workspace; prints its path", "ws:run_ws_allocate")
    _name_and_days(alloc)
    _filesystem(alloc, "file system (default: the site's)")
    alloc.add_argument("--reminder", type=non_negative_int, metavar="DAYS", help="mail a reminder DAYS before expiry")
    alloc.add_argument("--mail", metavar="ADDRESS", help="where reminders go (needs --reminder)")
    alloc.add_argument("--comment", help="a comment stored with the workspace")
    _json_flag(alloc, "the workspace")


_FOUND_FS = "the workspace's file system (default: where it is found)"


def _add_ws_extend(builder: SubparserBuilder, wsub: _Subparsers) -> None:
    help = "extend a workspace to DAYS from now (uses one extension)"
    ext = builder.add(wsub, "extend", help, "ws:run_ws_extend")
    _name_and_days(ext)
    _filesystem(ext, _FOUND_FS)
    _json_flag(ext, "the workspace")


def _add_ws_release(builder: SubparserBuilder, wsub: _Subparsers) -> None:
    help = "release a workspace (restorable unless --delete-data)"
    rel = builder.add(wsub, "release", help, "ws:run_ws_release")
    rel.add_argument("name", metavar="NAME")
    _filesystem(rel, _FOUND_FS)
    rel.add_argument("--delete-data", action="store_true", help="delete the data at once")


def _add_ws_restore(builder: SubparserBuilder, wsub: _Subparsers) -> None:
    help = "list released workspaces (-l) or restore one into TARGET"
    res = builder.add(wsub, "restore", help, "ws:run_ws_restore")
    res.add_argument("-l", "--list", action="store_true", help="list the restorable workspaces")
    res.add_argument("released_id", nargs="?", metavar="ID")
    res.add_argument("target", nargs="?", metavar="TARGET")
    _filesystem(res, "the file system of the released workspace and of TARGET")
    _json_flag(res, "the result")


def _add_ws_auto_extend(builder: SubparserBuilder, wsub: _Subparsers) -> None:
    help = (
        "extend every workspace expiring within DURATION that has extensions left (for cron); "
        "exit 3 when some could not be extended"
    )
    auto = builder.add(wsub, "auto-extend", help, "auto_extend:run_ws_auto_extend")
    _within(auto, "threshold (default 7d)")
    help = "extend to this many days from now (default 30; capped by the file system)"
    auto.add_argument("--days", type=positive_int, default=30, help=help)
    _filesystem(auto)
    auto.add_argument("--dry-run", action="store_true", help="only say what would be done")
    help = "how long to wait for another auto-extend run of this user (default 10m)"
    auto.add_argument("--lock-timeout", type=duration_arg, default=None, metavar="DURATION", help=help)
    _json_flag(auto, "the report")


def _add_ws_report(builder: SubparserBuilder, wsub: _Subparsers) -> None:
    help = "all workspaces sorted by remaining time, flagging those expiring soon"
    rep = builder.add(wsub, "report", help, "ws:run_ws_report")
    _within(rep, "what counts as soon (default 7d)")
    _filesystem(rep)
    _json_flag(rep, "the workspaces")


#: The ``ws`` subcommands in the order their help lists them.
WS_COMMANDS: dict[str, Callable[[SubparserBuilder, _Subparsers], None]] = {
    "list": _add_ws_list,
    "allocate": _add_ws_allocate,
    "extend": _add_ws_extend,
    "release": _add_ws_release,
    "restore": _add_ws_restore,
    "filesystems": partial(
        _add_plain, "filesystems", "the workspace file systems", "ws:run_ws_filesystems", "the file systems"
    ),
    "auto-extend": _add_ws_auto_extend,
    "report": _add_ws_report,
}


def _add_ws(builder: SubparserBuilder, sub: _Subparsers) -> None:
    ws = builder.add(sub, "ws", "workspaces (hpc-workspace tools)")
    wsub = ws.add_subparsers(dest="ws_command", metavar="WS_COMMAND", required=True)
    for name, add in WS_COMMANDS.items():
        if builder.wants(1, name):
            add(builder, wsub)


def _add_ls(builder: SubparserBuilder, sub: _Subparsers) -> None:
    ls = builder.add(sub, "ls", "list a directory with dtls", "queries:run_ls")
    ls.add_argument("path", metavar="PATH")
    ls.add_argument("-a", "--all", action="store_true", help="include names starting with a dot")
    ls.add_argument("-R", "--recursive", action="store_true", help="list sub-directories too")
    _json_flag(ls, "the entries")


def _add_sync(builder: SubparserBuilder, sub: _Subparsers) -> None:
    help = "copy a big tree as N parallel dtrsync jobs, verified and resumable"
    parser = builder.add(sub, "sync", help, "sync:run_sync")
    parser.add_argument("src", nargs="?", metavar="SRC", help="the directory whose tree is copied")
    parser.add_argument("dst", nargs="?", metavar="DST", help="where it goes (created when missing)")
    parser.add_argument("-j", "--jobs", type=positive_int, default=4, metavar="N", help="parallel parts (default 4)")
    help = "check the destination afterwards (default size-mtime; checksum reads every byte)"
    parser.add_argument("--verify", choices=("size-mtime", "checksum", "none"), default="size-mtime", help=help)
    parser.add_argument("--time", metavar="LIMIT", help="Slurm time limit of each part (e.g. 2:00:00)")
    parser.add_argument("--dry-run", action="store_true", help="print and record the plan; submit nothing")
    _json_flag(parser, "the run's manifest")
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--resume", metavar="RUN_ID", help="rerun the parts of RUN_ID that did not complete")
    which.add_argument("--list", action="store_true", help="list past runs")


def _add_cancel(builder: SubparserBuilder, sub: _Subparsers) -> None:
    cancel = builder.add(sub, "cancel", "cancel datamover jobs (dtcancel)", "queries:run_cancel")
    cancel.add_argument("job_ids", nargs="+", type=positive_int, metavar="JOBID")


def _add_emulate(builder: SubparserBuilder, sub: _Subparsers) -> None:
    help = (
        "create or reuse an emulated site (--site-root DIR, default the user's cache); print the shell "
        "lines that use it, or run a command or shell in which /grp, /projects and /data/<fs>/ws are its folders"
    )
    emulate = builder.add(sub, "emulate", help, "site:run_emulate")
    # the older spelling of the global --site-root, kept working but not shown
    emulate.add_argument("--root", dest="site_root", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    emulate.add_argument("--no-slurm", action="store_true", help="run jobs locally even where Slurm answers")
    run_in = emulate.add_mutually_exclusive_group()
    help = "run CMD (and its arguments, the rest of the line) with the ZIH paths; exits with its code"
    run_in.add_argument("--exec", nargs=argparse.REMAINDER, metavar="CMD", help=help)
    run_in.add_argument("--shell", action="store_true", help="start $SHELL with the ZIH paths")


def _add_completion(builder: SubparserBuilder, sub: _Subparsers) -> None:
    help = "print the shell completion script (bash or zsh)"
    completion = builder.add(sub, "completion", help, "completion:run_completion")
    completion.add_argument("shell_name", choices=("bash", "zsh"), metavar="SHELL", help="bash or zsh")


#: The subcommands in the order the help lists them.
COMMANDS: dict[str, Callable[[SubparserBuilder, _Subparsers], None]] = {
    "ls": _add_ls,
    **{name: partial(_add_transfer, name) for name in _TRANSFERS},
    "sync": _add_sync,
    "jobs": partial(_add_plain, "jobs", "your datamover jobs (dtqueue)", "queries:run_jobs", "the jobs"),
    "cancel": _add_cancel,
    "ws": _add_ws,
    "emulate": _add_emulate,
    "demo": partial(
        _add_plain, "demo", "stage files into a workspace on the emulated site, step by step", "site:run_demo", None
    ),
    "completion": _add_completion,
    "man": partial(
        _add_plain, "man", "print the manual page (roff): taurus-datamover man | man -l -", "completion:run_man", None
    ),
}

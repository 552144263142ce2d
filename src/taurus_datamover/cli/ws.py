"""``taurus-datamover ws ...``: workspaces through the hpc-workspace tools.

``ws auto-extend`` is made for cron: it extends every workspace that expires within
``--within`` and still has extensions, and reports those it cannot extend (none left,
refused by the tool) with exit code 3. It is safe to run at any rate, twice at once
included: runs of one user take turns (a lock in the user's cache directory), each
workspace is read again just before it is extended, and an extension is spent only when
it adds a real margin (a quarter of what it can give, with ``--days`` cut to the file
system's maximum); ``--within``/``--days`` pairs that would be due again on every run
are refused (exit 2). See :mod:`taurus_datamover.cli.auto_extend`.
"""

from __future__ import annotations

import sys
import warnings
from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import TypeVar

from taurus_datamover.cli.context import Context
from taurus_datamover.cli.durations import format_duration
from taurus_datamover.cli.output import (
    AutoExtendReport,
    counted,
    print_json,
    print_table,
    remaining,
    when,
)
from taurus_datamover.errors import ParseError, WorkspaceError
from taurus_datamover.models.workspaces import WorkspaceInfo
from taurus_datamover.workspace import AllocatedWorkspace

__all__ = [
    "EXIT_NOT_EXTENDED",
    "auto_extend",
    "run_ws_allocate",
    "run_ws_auto_extend",
    "run_ws_extend",
    "run_ws_filesystems",
    "run_ws_list",
    "run_ws_release",
    "run_ws_report",
    "run_ws_restore",
]

#: Exit code of ``ws auto-extend`` when some due workspace could not be extended.
EXIT_NOT_EXTENDED = 3

_T = TypeVar("_T")


def _warned(ctx: Context, action: Callable[[], _T]) -> _T:
    """Run ``action``; the library's warnings (a capped duration) become one stderr line each."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = action()
    if ctx.verbosity >= 0:
        for warning in caught:
            print(f"taurus-datamover: warning: {warning.message}", file=sys.stderr)
    return result


def _plain(info: WorkspaceInfo) -> WorkspaceInfo:
    """A plain :class:`WorkspaceInfo` (``AllocatedWorkspace`` carries more fields)."""
    return info.info if isinstance(info, AllocatedWorkspace) else info


def _sort_key(info: WorkspaceInfo) -> tuple[int, float]:
    if info.expired:
        return (0, -1e18 if info.remaining is None else info.remaining.total_seconds())
    if info.remaining is None:
        return (2, 0.0)
    return (1, info.remaining.total_seconds())


def _list(ctx: Context, filesystem: str | None, *, confirm: bool = False) -> list[WorkspaceInfo]:
    """Every workspace of the user (or those of ``filesystem``); ``confirm`` checks the
    listing against the terse one, for decisions (see :meth:`Workspace.list`)."""
    ws = ctx.workspace
    if filesystem is not None:
        return ws.list(filesystem, confirm=confirm)
    return ws.list(all_filesystems=True, confirm=confirm)


def _workspace_rows(infos: Sequence[WorkspaceInfo]) -> list[tuple[str, ...]]:
    return [
        (
            i.name,
            i.filesystem or "-",
            remaining(i),
            when(i.expires),
            "-" if i.extensions_left is None else str(i.extensions_left),
            str(i.path),
        )
        for i in infos
    ]


_WS_HEADERS = ("NAME", "FILESYSTEM", "REMAINING", "EXPIRES", "EXT", "PATH")


def run_ws_list(ctx: Context) -> int:
    """``ws list [--filesystem F] [--expiring D] [--json]``."""
    args = ctx.args
    infos = _list(ctx, args.filesystem)
    if args.expiring is not None:
        due: timedelta = args.expiring
        infos = sorted((i for i in infos if _is_due(i, due)), key=_sort_key)
    if args.json:
        print_json(infos)
    elif infos:
        print_table(_WS_HEADERS, _workspace_rows(infos))
    elif ctx.verbosity >= 0:
        print("no workspaces", file=sys.stderr)
    return 0


def _is_due(info: WorkspaceInfo, within: timedelta) -> bool:
    return info.expired or (info.remaining is not None and info.remaining <= within)


def run_ws_allocate(ctx: Context) -> int:
    """``ws allocate NAME DAYS [-F fs] [--reminder D] [--mail M] [--comment C]``: prints the path."""
    args = ctx.args
    info = _warned(
        ctx,
        lambda: ctx.workspace.allocate(
            args.name,
            args.days,
            filesystem=args.filesystem,
            reminder=args.reminder,
            mail=args.mail,
            comment=args.comment,
        ),
    )
    if args.json:
        print_json(_plain(info))
        return 0
    if ctx.verbosity >= 0:
        verb = "reused" if info.reused else "allocated"
        print(
            f"{verb} workspace {info.name} ({info.filesystem or 'default file system'}), "
            f"{remaining(info)} left, {counted(info.extensions_left, 'extension')} left",
            file=sys.stderr,
        )
    print(info.path)
    return 0


def run_ws_extend(ctx: Context) -> int:
    """``ws extend NAME DAYS [-F fs]``: prints the path."""
    args = ctx.args
    info = _warned(ctx, lambda: ctx.workspace.extend(args.name, args.days, filesystem=args.filesystem))
    if args.json:
        print_json(_plain(info))
        return 0
    if ctx.verbosity >= 0:
        print(
            f"extended workspace {info.name}: {remaining(info)} left, "
            f"{counted(info.extensions_left, 'extension')} left",
            file=sys.stderr,
        )
    print(info.path)
    return 0


def run_ws_release(ctx: Context) -> int:
    """``ws release NAME [-F fs] [--delete-data]``."""
    args = ctx.args
    ctx.workspace.release(args.name, filesystem=args.filesystem, delete_data=args.delete_data)
    if ctx.verbosity >= 0:
        how = "released and deleted" if args.delete_data else "released (restorable: ws restore -l)"
        print(f"workspace {args.name} {how}", file=sys.stderr)
    return 0


def run_ws_restore(ctx: Context) -> int:
    """``ws restore -l [--json]`` or ``ws restore ID TARGET [-F fs]``."""
    args = ctx.args
    if args.list and args.released_id is not None:
        ctx.parser_error("ws restore: give either -l or ID TARGET")
    if not args.list and (args.released_id is None or args.target is None):
        ctx.parser_error("ws restore: give -l, or the released ID and the TARGET workspace")
    ws = ctx.workspace
    if args.list:
        released = ws.restorable(args.filesystem)
        if args.json:
            print_json(released)
        elif released:
            rows = [(r.id, r.filesystem or "-", when(r.released), when(r.restorable_until)) for r in released]
            print_table(("ID", "FILESYSTEM", "RELEASED", "RESTORABLE UNTIL"), rows)
        elif ctx.verbosity >= 0:
            print("no released workspaces", file=sys.stderr)
        return 0
    path = ws.restore(args.released_id, args.target, filesystem=args.filesystem)
    if args.json:
        print_json({"released_id": args.released_id, "target": args.target, "path": str(path)})
    else:
        print(path)
    return 0


def run_ws_filesystems(ctx: Context) -> int:
    """``ws filesystems [--json]``."""
    filesystems = ctx.workspace.filesystems()
    if ctx.args.json:
        print_json(filesystems)
        return 0
    rows = [(fs.name, "yes" if fs.is_default else "", fs.comment or "") for fs in filesystems]
    print_table(("FILESYSTEM", "DEFAULT", "COMMENT"), rows)
    return 0


def auto_extend(
    ctx: Context,
    within: timedelta,
    days: int,
    filesystem: str | None,
    dry_run: bool,
    *,
    lock_timeout: float | None = None,
) -> AutoExtendReport:
    """Extend every due workspace that an extension really helps (see
    :func:`taurus_datamover.cli.auto_extend.run_auto_extend`); the report of what happened."""
    from taurus_datamover.cli.auto_extend import DEFAULT_LOCK_TIMEOUT, run_auto_extend

    wait = DEFAULT_LOCK_TIMEOUT if lock_timeout is None else lock_timeout
    return run_auto_extend(ctx, within, days, filesystem, dry_run, lock_timeout=wait)


def run_ws_auto_extend(ctx: Context) -> int:
    """``ws auto-extend --within D [--days N] [--filesystem F] [--dry-run] [--lock-timeout D] [--json]``."""
    args = ctx.args
    within: timedelta = args.within
    lock_wait: timedelta | None = getattr(args, "lock_timeout", None)
    report = auto_extend(
        ctx,
        within,
        args.days,
        args.filesystem,
        args.dry_run,
        lock_timeout=None if lock_wait is None else lock_wait.total_seconds(),
    )
    if args.json:
        print_json(report)
    else:
        verb = "would extend" if args.dry_run else "extended"
        for info in report.extended:
            left = (
                ""
                if args.dry_run
                else f", now {remaining(info)} left, {counted(info.extensions_left, 'extension')} left"
            )
            print(f"{verb} {info.name} ({info.filesystem or '-'}){left}")
        for item in report.not_extended:
            info = item.workspace
            print(f"NOT extended {info.name} ({info.filesystem or '-'}, {remaining(info)} left): {item.reason}")
        if ctx.verbosity > 0:  # skipped on purpose: no news for cron's mail
            for item in report.skipped:
                info = item.workspace
                print(f"skipped {info.name} ({info.filesystem or '-'}, {remaining(info)} left): {item.reason}")
        if ctx.verbosity > 0 or (not report.extended and not report.not_extended and ctx.verbosity >= 0):
            print(
                f"checked {report.checked} workspaces: none expires within {format_duration(within)}"
                if not report.extended and not report.not_extended and not report.skipped
                else f"checked {report.checked} workspaces, {len(report.skipped)} skipped",
                file=sys.stderr,
            )
    return EXIT_NOT_EXTENDED if report.not_extended else 0


def _max_days(ctx: Context) -> dict[str, int]:
    """File system -> longest allocation in days, where the tools print it (v2 ``-L``)."""
    try:
        filesystems = ctx.workspace.filesystems(details=True)
    except (WorkspaceError, ParseError):
        return {}
    return {fs.name: fs.max_duration for fs in filesystems if fs.max_duration}


def run_ws_report(ctx: Context) -> int:
    """``ws report [--within D] [--filesystem F] [--json]``: every workspace, soonest expiry first."""
    args = ctx.args
    within: timedelta = args.within
    infos = sorted(_list(ctx, args.filesystem), key=_sort_key)
    if args.json:
        print_json(infos)
        return 0
    if not infos:
        if ctx.verbosity >= 0:
            print("no workspaces", file=sys.stderr)
        return 0
    from taurus_datamover.cli.bars import bar, reach, scale_of, use_colour

    limits = _max_days(ctx)
    scale = scale_of(infos)
    colour = use_colour(sys.stdout)
    rows = []
    for info in infos:
        if info.expired:
            flag = "EXPIRED"
        elif _is_due(info, within):
            flag = "EXPIRES SOON" + (" (no extensions left)" if info.extensions_left == 0 else "")
        else:
            flag = ""
        could = reach(info, limits)
        drawn = bar(info, scale, extended_to=could, due=_is_due(info, within), colour=colour)
        if drawn and could is not None and could > scale:
            drawn += f" up to {format_duration(could)}"
        rows.append((*_workspace_rows([info])[0][:5], flag, drawn))
    print_table(("NAME", "FILESYSTEM", "REMAINING", "EXPIRES", "EXT", "NOTE", "TIME LEFT"), rows, raw=(6,))
    if ctx.verbosity >= 0:
        known = "; - where the extensions left could take it" if limits else ""
        print(f"TIME LEFT: # remaining, against the longest{known}; | the reminder mail", file=sys.stderr)
    due = sum(1 for i in infos if _is_due(i, within))
    if ctx.verbosity >= 0:
        print(
            f"{len(infos)} workspaces, {due} expire within {format_duration(within)}",
            file=sys.stderr,
        )
    return 0

"""``taurus-datamover ws ...``: workspaces through the hpc-workspace tools; each handler
prints what one or two tool calls tell. What ``ws auto-extend`` (:mod:`.auto_extend`) shares
with them is here too: the listing, what counts as due, warnings as stderr lines.
"""

from __future__ import annotations

import sys

from taurus_datamover.cli.durations import format_duration
from taurus_datamover.cli.output import counted, nothing_listed, print_json, print_table, remaining, when
from taurus_datamover.errors import ParseError, WorkspaceError

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing
if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from datetime import timedelta
    from typing import Any, TypeVar

    from taurus_datamover.cli.context import Context
    from taurus_datamover.models.workspaces import WorkspaceInfo
    from taurus_datamover.parsers.workspaces.records import ListedWorkspace
    from taurus_datamover.workspace import Workspace

    _T = TypeVar("_T")
    _Listed = TypeVar("_Listed", "ListedWorkspace", "WorkspaceInfo")


def warned(ctx: Context, action: Callable[[], _T]) -> _T:
    """Run ``action``; the library's warnings (a capped duration) become one stderr line each."""
    import warnings

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = action()
    if ctx.verbosity >= 0:
        for warning in caught:
            print(f"taurus-datamover: warning: {warning.message}", file=sys.stderr)
    return result


def plain(info: Any) -> WorkspaceInfo:
    """The :class:`WorkspaceInfo` of a listing entry, or of an allocation result (its ``info``)."""
    found: WorkspaceInfo = getattr(info, "info", info)
    return found


def soonest_first(infos: Sequence[_Listed]) -> list[_Listed]:
    """``infos`` sorted: expired first, then by remaining time; unknown ones last."""

    def key(info: _Listed) -> tuple[int, float]:
        left = None if info.remaining is None else info.remaining.total_seconds()
        if info.expired:
            return (0, -1e18 if left is None else left)
        return (2, 0.0) if left is None else (1, left)

    return sorted(infos, key=key)


def is_due(info: ListedWorkspace | WorkspaceInfo, within: timedelta) -> bool:
    """Expired, or expiring within ``within``."""
    return info.expired or (info.remaining is not None and info.remaining <= within)


def list_workspaces(ctx: Context, filesystem: str | None, *, confirm: bool = False) -> list[WorkspaceInfo]:
    """Every workspace of the user (or those of ``filesystem``); ``confirm``: for decisions."""
    return ctx.workspace.list(filesystem, all_filesystems=filesystem is None, confirm=confirm)


WS_HEADERS = ("NAME", "FILESYSTEM", "REMAINING", "EXPIRES", "EXT")


def table_row(i: ListedWorkspace | WorkspaceInfo, *, with_path: bool = True) -> tuple[str, ...]:
    """``i`` as a row under :data:`WS_HEADERS` (and ``PATH``), as ``ws list`` prints it."""
    ext = "-" if i.extensions_left is None else str(i.extensions_left)
    row = (i.name, i.filesystem or "-", remaining(i), when(i.expires), ext)
    return (*row, str(i.path)) if with_path else row


def run_ws_list(ctx: Context) -> int:
    """``ws list``: one ``ws_list`` read into plain records (:mod:`.ws_listing`), without the
    object API where the run allows it."""
    from taurus_datamover.cli.ws_listing import listed_records, record_json

    records = None if ctx.has_workspace else listed_records(ctx, ctx.args.filesystem)
    if records is None:
        return _print_listing(ctx, list_workspaces(ctx, ctx.args.filesystem), lambda info: info)
    return _print_listing(ctx, records, record_json)


def _print_listing(ctx: Context, infos: list[_Listed], dump: Callable[[_Listed], object]) -> int:
    args = ctx.args
    if args.expiring is not None:
        infos = soonest_first([i for i in infos if is_due(i, args.expiring)])
    if args.json:
        print_json([dump(i) for i in infos])
    elif not infos:
        return nothing_listed(ctx.verbosity, "workspaces")
    else:
        print_table((*WS_HEADERS, "PATH"), [table_row(info) for info in infos])
    return 0


def _print_changed(ctx: Context, result: Any, verb: str) -> int:
    """The workspace as JSON, or a line on stderr and the path on stdout."""
    info = plain(result)
    if ctx.args.json:
        print_json(info)
        return 0
    if ctx.verbosity >= 0:
        where = f" ({info.filesystem or 'default file system'})," if verb != "extended" else ":"
        print(
            f"{verb} workspace {info.name}{where} {remaining(info)} left, "
            f"{counted(info.extensions_left, 'extension')} left",
            file=sys.stderr,
        )
    print(info.path)
    return 0


def run_ws_allocate(ctx: Context) -> int:
    a = ctx.args
    result = warned(
        ctx,
        lambda: ctx.workspace.allocate(
            a.name, a.days, filesystem=a.filesystem, reminder=a.reminder, mail=a.mail, comment=a.comment
        ),
    )
    return _print_changed(ctx, result, "reused" if result.reused else "allocated")


def run_ws_extend(ctx: Context) -> int:
    a = ctx.args
    return _print_changed(
        ctx, warned(ctx, lambda: ctx.workspace.extend(a.name, a.days, filesystem=a.filesystem)), "extended"
    )


def run_ws_release(ctx: Context) -> int:
    args = ctx.args
    ctx.workspace.release(args.name, filesystem=args.filesystem, delete_data=args.delete_data)
    if ctx.verbosity >= 0:
        how = "released and deleted" if args.delete_data else "released (restorable: ws restore -l)"
        print(f"workspace {args.name} {how}", file=sys.stderr)
    return 0


def run_ws_restore(ctx: Context) -> int:
    args = ctx.args
    if args.list and args.released_id is not None:
        ctx.parser_error("ws restore: give either -l or ID TARGET")
    if not args.list and (args.released_id is None or args.target is None):
        ctx.parser_error("ws restore: give -l, or the released ID and the TARGET workspace")
    if args.list:
        released = ctx.workspace.restorable(args.filesystem)
        if args.json:
            print_json(released)
        elif not released:
            return nothing_listed(ctx.verbosity, "released workspaces")
        else:
            rows = [(r.id, r.filesystem or "-", when(r.released), when(r.restorable_until)) for r in released]
            print_table(("ID", "FILESYSTEM", "RELEASED", "RESTORABLE UNTIL"), rows)
        return 0
    path = ctx.workspace.restore(args.released_id, args.target, filesystem=args.filesystem)
    if args.json:
        print_json({"released_id": args.released_id, "target": args.target, "path": str(path)})
    else:
        print(path)
    return 0


def run_ws_filesystems(ctx: Context) -> int:
    filesystems = ctx.workspace.filesystems()
    if ctx.args.json:
        print_json(filesystems)
        return 0
    rows = [(fs.name, "yes" if fs.is_default else "", fs.comment or "") for fs in filesystems]
    print_table(("FILESYSTEM", "DEFAULT", "COMMENT"), rows)
    return 0


def printed_max_days(workspace: Workspace) -> dict[str, int]:
    """File system -> longest allocation in days, where the tools print it (v2 ``-L``)."""
    try:
        return {fs.name: fs.max_duration for fs in workspace.filesystems(details=True) if fs.max_duration}
    except (WorkspaceError, ParseError):
        return {}


def run_ws_report(ctx: Context) -> int:
    """``ws report``: every workspace, soonest expiry first, with bars (:mod:`.bars`)."""
    args = ctx.args
    within: timedelta = args.within
    infos = soonest_first(list_workspaces(ctx, args.filesystem))
    if args.json:
        print_json(infos)
        return 0
    if not infos:
        return nothing_listed(ctx.verbosity, "workspaces")
    from taurus_datamover.cli.bars import bar, reach, scale_of, use_colour

    limits, scale, colour = printed_max_days(ctx.workspace), scale_of(infos), use_colour(sys.stdout)
    rows = []
    for info in infos:
        due = is_due(info, within)
        flag = "EXPIRED" if info.expired else ""
        if due and not info.expired:
            flag = "EXPIRES SOON" + (" (no extensions left)" if info.extensions_left == 0 else "")
        could = reach(info, limits)
        drawn = bar(info, scale, extended_to=could, due=due, colour=colour)
        if drawn and could is not None and could > scale:
            drawn += f" up to {format_duration(could)}"
        rows.append((*table_row(info, with_path=False), flag, drawn))
    print_table((*WS_HEADERS, "NOTE", "TIME LEFT"), rows, raw=(6,))
    if ctx.verbosity >= 0:
        known = "; - where the extensions left could take it" if limits else ""
        print(f"TIME LEFT: # remaining, against the longest{known}; | the reminder mail", file=sys.stderr)
        due_count = sum(1 for i in infos if is_due(i, within))
        print(f"{len(infos)} workspaces, {due_count} expire within {format_duration(within)}", file=sys.stderr)
    return 0

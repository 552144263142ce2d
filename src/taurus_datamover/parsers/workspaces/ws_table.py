"""v2 ``ws_list -T`` (the fixed-width table) to :class:`WorkspaceInfo`.

The tool prints (hpc-workspace 2.0, its ``ws_list.cpp``, format ``{:<30} {:<50} {:<25} {:<10} {:<9}``)::

    ID                             PATH                       ...  EXPIRATION   EXTENSIONS REMAINING
    ============================== ==========================  ... ============ ========== =========
    simdata                        /srv/ws/usera-simdata      ...  Thu Dec 24 22:35:44 2026  10  29

``-t`` keeps ``ID PATH REMAINING``. An id longer than 30 characters is followed by a line
break and 31 blanks, a path longer than 50 by a break and 82 blanks: the rest of the row
stays in its columns on a continuation line. REMAINING is whole days (truncated toward
zero, so ``-2`` or ``0`` once expired); under ``-e`` the id is the timestamp of the
deleted entry and REMAINING counts the days to deletion, so pass ``expired_listing``.

What the table does not print (creation time, file system, comment, hours) is ``None``.
The table carries no user text (ids are names the tools checked, paths the site's), so no
comment can forge a row here.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, tzinfo
from typing import Any

from taurus_datamover.errors import ParseError
from taurus_datamover.models.workspaces import WorkspaceInfo, workspace_infos
from taurus_datamover.parsers.workspaces.common import MAX_DAYS, aware_now, ctime_at, numbered_lines, parse_whole_number
from taurus_datamover.parsers.workspaces.ctime import local_zone
from taurus_datamover.parsers.workspaces.records import ListedWorkspace, Listing, listed_workspace

_ID_WIDTH = 30
_PATH_WIDTH = 50
_PATH_AT = _ID_WIDTH + 1
_REST_AT = _PATH_AT + _PATH_WIDTH + 1
_FULL = ("ID", "PATH", "EXPIRATION", "EXTENSIONS", "REMAINING")
_TERSE = ("ID", "PATH", "REMAINING")
_ID = re.compile(r"[A-Za-z0-9._-]*")
# EXPIRATION (a ctime, 24 characters padded to 25), EXTENSIONS, REMAINING
_FULL_REST = re.compile(r"(\S.{22}\S) +([0-9]+) +(-?[0-9]+) *")
_TERSE_REST = re.compile(r"(-?[0-9]+) *")


def parse_ws_list_table(
    text: str,
    *,
    tz: tzinfo | None = None,
    now: datetime | None = None,
    user: str | None = None,
    group_listing: bool = False,
    expired_listing: bool = False,
) -> list[WorkspaceInfo]:
    """Parse v2 ``ws_list -T`` (with or without ``-t``) into workspaces, in printed order.

    Args:
        tz, now, user, group_listing: as for :func:`~.ws_list.parse_ws_list`.
        expired_listing: the table came from ``ws_list -e -T``: ids are timestamps,
            REMAINING counts to deletion, and the entries are ``removed``.

    Raises:
        ParseError: no header, a rule line that does not fit, or a row that does not fit
            the columns (with its number and text).
    """
    listing = Listing(aware_now(now), user, group_listing)
    zone = tz if tz is not None else local_zone()
    lines = [(n, raw) for n, raw in numbered_lines(text) if raw.strip()]
    if not lines:
        return []
    columns = tuple(lines[0][1].split())
    if columns not in (_FULL, _TERSE):
        message = "expected the `ws_list -T` header (ID PATH [EXPIRATION EXTENSIONS] REMAINING)"
        raise ParseError(message, lineno=lines[0][0], line=lines[0][1])
    rule = lines[1][1].rstrip(" ").split(" ") if len(lines) > 1 else []
    if len(rule) != len(columns) or not all(part and set(part) == {"="} for part in rule):
        lineno, raw = lines[1] if len(lines) > 1 else lines[0]
        raise ParseError("expected the `=====` rule under the table header", lineno=lineno, line=raw)
    rows: list[ListedWorkspace] = []
    index = 2
    while index < len(lines):
        row, index = _row(lines, index, columns == _FULL, zone, listing, expired_listing)
        rows.append(row)
    return workspace_infos(rows)


def _row(
    lines: list[tuple[int, str]], index: int, full: bool, zone: tzinfo, listing: Listing, expired_listing: bool
) -> tuple[ListedWorkspace, int]:
    """The row from ``lines[index]`` on (1 to 3 physical lines), and the next index."""
    lineno, raw = lines[index]
    index += 1
    bad = "not a row of the `ws_list -T` table"
    if len(raw) > _ID_WIDTH and raw[_ID_WIDTH] != " ":
        # an id longer than the column: alone on its line, the row goes on at column 31
        shown_id = raw
        if index >= len(lines) or not lines[index][1].startswith(" " * _PATH_AT):
            raise ParseError(f"{bad}: a long id without its continuation line", lineno=lineno, line=raw)
        lineno, raw = lines[index]
        index += 1
    else:
        shown_id = raw[:_ID_WIDTH].rstrip(" ")
    if not _ID.fullmatch(shown_id):
        raise ParseError(f"{bad}: the ID column holds no workspace id", lineno=lineno, line=raw)
    after_id = raw[_PATH_AT:]
    if len(after_id) > _PATH_WIDTH and after_id[_PATH_WIDTH] != " ":
        path = after_id.rstrip(" ")
        if " " in path or index >= len(lines) or not lines[index][1].startswith(" " * _REST_AT):
            raise ParseError(f"{bad}: a long path without its continuation line", lineno=lineno, line=raw)
        lineno, raw = lines[index]
        index += 1
        rest = raw[_REST_AT:]
    else:
        path = after_id[:_PATH_WIDTH].rstrip(" ")
        rest = after_id[_PATH_WIDTH + 1 :]
    if not path.startswith("/"):
        raise ParseError(f"{bad}: the PATH column holds no absolute path", lineno=lineno, line=raw)
    match = (_FULL_REST if full else _TERSE_REST).fullmatch(rest)
    if match is None:
        what = "EXPIRATION, EXTENSIONS and REMAINING" if full else "REMAINING"
        raise ParseError(f"{bad}: expected {what} in their columns", lineno=lineno, line=raw)
    *stamp, days_text = match.groups()  # EXPIRATION and EXTENSIONS in the full table
    days = parse_whole_number(days_text, signed=True)
    if days is None or abs(days) > MAX_DAYS:
        raise ParseError("REMAINING is no day count (ASCII digits)", lineno=lineno, line=raw)
    fields: dict[str, Any] = {}
    if full:
        fields["expires"] = ctime_at(stamp[0], zone, lineno, raw)
        fields["extensions_left"] = parse_whole_number(stamp[1])
        if fields["extensions_left"] is None:
            raise ParseError("EXTENSIONS is no whole number", lineno=lineno, line=raw)
    whole_days = timedelta(days=days)
    if not expired_listing:
        return listed_workspace(shown_id, path, fields, listing, remaining=whole_days, where=(lineno, raw)), index
    # a row of -e -T: the table does not say released or expired (the block listing does)
    record = listed_workspace(
        shown_id, path, fields, listing, remaining=None, until_deletion=whole_days, where=(lineno, raw)
    )
    return record._replace(state=None, expired=True, remaining=None), index

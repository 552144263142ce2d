"""``ws_restore -l`` (v1 and v2, with or without ``-b``) to :class:`ReleasedWorkspace`.

v1 prints a header per file system, then each released id and (unless ``-b``) when it
became unavailable::

    scratch:
    marie-commented-1795555454
    <TAB>unavailable since Tue Nov 24 21:24:14 2026

v2 prints no headers; each id is followed (unless ``-b``) by tab-indented lines::

    alice-myws-1700000000
    <TAB>unavailable since : Tue Nov 14 22:13:20 2023
    <TAB>restorable until  : Tue Nov 21 22:13:20 2023 (6 days, 23 hours)
    <TAB>in filesystem     : ws2

Ids are ``<user>-<name>-<unix time>``; ``released`` comes from the number (UTC), and
``name``/``owner`` are only filled when ``user`` is given (usernames may contain ``-``).
Unknown v2 keys go to ``extra``; anything else is a ``ParseError`` with the line.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone, tzinfo
from typing import Any

from taurus_datamover.errors import ParseError
from taurus_datamover.models.workspaces import ReleasedWorkspace
from taurus_datamover.parsers.workspaces.common import ctime_at, numbered_lines, parse_days_hours
from taurus_datamover.parsers.workspaces.ctime import local_zone

_FS_HEADER = re.compile(r"([A-Za-z0-9_.][A-Za-z0-9_.-]*):")
_RELEASED_ID = re.compile(r"([A-Za-z0-9_.][A-Za-z0-9_.-]*)-([0-9]+)")
_V1_SINCE = re.compile(r"(unavailable since) (.*)")
_V2_ENTRY = re.compile(r"([a-z][a-z ]*?)[ \t]*:(?: (.*))?")
_UNTIL = re.compile(r"(.*?) \((.*)\)")
_MAX_TIMESTAMP_DIGITS = 11  # Unix times up to year 5138; longer numbers are no timestamps


def parse_ws_restore_list(text: str, *, tz: tzinfo | None = None, user: str | None = None) -> list[ReleasedWorkspace]:
    """Parse ``ws_restore -l`` output into released workspaces, in printed order.

    Args:
        text: the tool's stdout (empty: nothing restorable, ``[]``).
        tz: the zone of printed wall times (v2 ``restorable until``); default: this machine's.
        user: the listing user; ids starting ``<user>-`` get ``owner`` and ``name``.
    """
    zone = tz if tz is not None else local_zone()
    entries: list[dict[str, Any]] = []  # filled in as their detail lines come
    filesystem: str | None = None
    current: dict[str, Any] | None = None
    for lineno, raw in numbered_lines(text):
        if not raw.strip():
            continue
        if raw[:1] in ("\t", " "):
            if current is None:
                raise ParseError("detail line before any workspace id", lineno=lineno, line=raw)
            _detail(current, raw, zone, lineno)
            continue
        line = raw.rstrip()
        header = _FS_HEADER.fullmatch(line)
        if header is not None:
            current, filesystem = None, header.group(1)
            continue
        released = _RELEASED_ID.fullmatch(line)
        if released is None or len(released.group(2)) > _MAX_TIMESTAMP_DIGITS:
            message = "expected a released id (`user-name-timestamp`) or a `filesystem:` header"
            raise ParseError(message, lineno=lineno, line=raw)
        db_id, prefix = released.group(1), f"{user}-"
        mine = bool(user) and db_id.startswith(prefix) and len(db_id) > len(prefix)
        current = {
            "id": line,
            "name": db_id[len(prefix) :] if mine else None,
            "owner": user if mine else None,
            "released": datetime.fromtimestamp(int(released.group(2)), timezone.utc),
            "filesystem": filesystem,
            "extra": {},
        }
        entries.append(current)
    return [ReleasedWorkspace(**entry) for entry in entries]


def _detail(current: dict[str, Any], raw: str, zone: tzinfo, lineno: int) -> None:
    line = raw.strip()
    entry = _V2_ENTRY.fullmatch(line) or _V1_SINCE.fullmatch(line)
    if entry is None:
        raise ParseError("not a ws_restore -l detail line", lineno=lineno, line=raw)
    key, value = " ".join(entry.group(1).split()), entry.group(2) or ""
    if key == "unavailable since":
        ctime_at(value, zone, lineno, raw)  # checked, but `released` comes from the id
    elif key == "restorable until":
        until = _UNTIL.fullmatch(value)
        if until is None or parse_days_hours(until.group(2)) is None:
            raise ParseError("expected `<time> (N days, M hours)`", lineno=lineno, line=raw)
        current["restorable_until"] = ctime_at(until.group(1), zone, lineno, raw)
    elif key == "in filesystem":
        current["filesystem"] = value
    else:
        current["extra"][key] = value

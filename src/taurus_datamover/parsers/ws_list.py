"""``ws_list`` listings (hpc-workspace v1 and v2) to :class:`WorkspaceInfo`.

Block form (normal, ``-t`` terse, ``-v`` verbose, admin ``-u``/``-e``)::

    id: first                                       <- v1: "id:", 5-space indent
         workspace directory  : /scratch/ws/0/marie-first
         remaining time       : 9 days 23 hours     <- or "expired"
    Id: first                                       <- v2: "Id:", 4-space indent
        remaining time       : 6 days, 23 hours     <- parts may be negative

Every indented line is ``key : value``: the key ends at the first ``:`` (keys are words),
so a comment containing `` : `` survives. Known keys (both spellings, e.g. ``expiration
date``/``expiration time``) fill fields; unknown keys go to ``extra`` verbatim; a key
printed twice (v1 ``-v`` prints ``group`` twice) must repeat its value. Blank lines are
skipped. ``workspace directory`` is required; every other line is optional. Anything else
(text before the first header, an unindented line that is no header) is a ``ParseError``
naming the line.

Short form (``-s``, bare names) is read by :func:`parse_ws_list_short` into plain names:
it carries no path, so it cannot make a ``WorkspaceInfo``. :func:`parse_ws_list` rejects
it with a ``ParseError`` that says so. The v2 ``-T`` table is not read.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone, tzinfo
from typing import Any

from taurus_datamover.errors import ParseError
from taurus_datamover.models.workspaces import WorkspaceInfo
from taurus_datamover.parsers.ctime import local_zone, parse_ctime
from taurus_datamover.parsers.ws_common import (
    NAME_PATTERN,
    derive_name,
    numbered_lines,
    parse_days_hours,
)

__all__ = ["parse_ws_list", "parse_ws_list_short"]

_HEADER = re.compile(r"(?:id|Id): (\S+)")
_ENTRY = re.compile(r"[ \t]+([A-Za-z][A-Za-z ]*?)[ \t]*:(?: (.*))?")

# key as printed -> (field, kind)
_KEYS: dict[str, tuple[str, str]] = {
    "workspace directory": ("path", "text"),
    "remaining time": ("remaining_text", "remaining"),
    "comment": ("comment", "text"),
    "creation time": ("created", "time"),
    "expiration date": ("expires", "time"),
    "expiration time": ("expires", "time"),
    "expired time": ("expired_at", "time"),
    "release time": ("released_at", "time"),
    "group": ("group", "optional"),
    "filesystem name": ("filesystem", "text"),
    "available extensions": ("extensions_left", "int"),
    "acctcode": ("acctcode", "optional"),
    "reminder": ("reminder", "time"),
    "mailaddress": ("mail", "optional"),
    "permissions": ("permissions", "text"),
    "until deletion": ("until_deletion", "days_hours"),
}
_SAID_EXPIRED = frozenset({"expired", "released"})


def parse_ws_list(
    text: str,
    *,
    tz: tzinfo | None = None,
    now: datetime | None = None,
    user: str | None = None,
) -> list[WorkspaceInfo]:
    """Parse a ``ws_list`` block listing (v1 or v2) into workspaces, in printed order.

    Args:
        text: the tool's stdout. Empty text (the tools print nothing when nothing
            matches) gives ``[]``.
        tz: the cluster's zone for the printed wall times; default: this machine's zone.
        now: the moment ``remaining`` is measured from (aware); default: the current time.
        user: the user whose workspaces these are, used to derive ``name`` and ``owner``
            from the directory (see :func:`~taurus_datamover.parsers.ws_common.derive_name`).

    Raises:
        ParseError: a line that fits none of the shapes above (with its number and text).
    """
    if now is None:
        now = datetime.now(timezone.utc)
    elif now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    zone = tz if tz is not None else local_zone()
    result: list[WorkspaceInfo] = []
    block: _Block | None = None
    for lineno, raw in numbered_lines(text):
        if not raw.strip():
            continue
        header = _HEADER.fullmatch(raw.rstrip())
        if header is not None:
            if block is not None:
                result.append(block.finish(now, user))
            block = _Block(header.group(1), lineno, raw)
            continue
        entry = _ENTRY.fullmatch(raw)
        if entry is None or block is None:
            raise ParseError(_why_not(raw, block is None), lineno=lineno, line=raw)
        block.add(" ".join(entry.group(1).split()), entry.group(2) or "", zone, lineno, raw)
    if block is not None:
        result.append(block.finish(now, user))
    return result


def _why_not(raw: str, before_first_block: bool) -> str:
    if NAME_PATTERN.fullmatch(raw.strip()) and before_first_block:
        return "a bare name: this looks like `ws_list -s`; use parse_ws_list_short"
    if raw[:1] in (" ", "\t"):
        return "not a `key : value` line of a ws_list block"
    return "not a ws_list block header (`id: ...` / `Id: ...`)"


class _Block:
    """The lines of one workspace, collected until the next header."""

    def __init__(self, shown_id: str, lineno: int, line: str) -> None:
        self.shown_id = shown_id
        self.lineno = lineno
        self.line = line
        self.fields: dict[str, Any] = {}
        self.extra: dict[str, str] = {}

    def add(self, key: str, value: str, zone: tzinfo, lineno: int, raw: str) -> None:
        spec = _KEYS.get(key)
        if spec is None:
            self._store(self.extra, key, value, lineno, raw)
            return
        field, kind = spec
        self._store(self.fields, field, _convert(kind, value, zone, lineno, raw), lineno, raw)

    @staticmethod
    def _store(target: dict[str, Any], key: str, value: Any, lineno: int, raw: str) -> None:
        if key in target and target[key] != value:
            raise ParseError(f"{key!r} given twice with different values", lineno=lineno, line=raw)
        target[key] = value

    def finish(self, now: datetime, user: str | None) -> WorkspaceInfo:
        fields = self.fields
        path = fields.get("path")
        if not path:
            raise ParseError(
                "workspace block without a `workspace directory` line",
                lineno=self.lineno,
                line=self.line,
            )
        name, owner = derive_name(self.shown_id, path, user)
        remaining_text: str | None = fields.get("remaining_text")
        expires: datetime | None = fields.get("expires")
        remaining: timedelta | None = None
        if expires is not None:
            remaining = expires.astimezone(timezone.utc) - now.astimezone(timezone.utc)
        elif remaining_text is not None:
            remaining = parse_days_hours(remaining_text)
        said_expired = remaining_text in _SAID_EXPIRED
        expired = said_expired or (remaining is not None and remaining < timedelta(0))
        return WorkspaceInfo(
            id=self.shown_id,
            name=name,
            owner=owner,
            remaining=remaining,
            expired=expired,
            extra=self.extra,
            **fields,
        )


def _convert(kind: str, value: str, zone: tzinfo, lineno: int, raw: str) -> Any:
    """The value of a known key in its field's type (ParseError naming the line if not)."""
    if kind == "text":
        return value
    if kind == "optional":
        return value or None
    if kind == "int":
        try:
            return int(value.strip())
        except ValueError:
            raise ParseError("expected a whole number", lineno=lineno, line=raw) from None
    if kind == "time":
        try:
            return parse_ctime(value, zone)
        except ValueError as exc:
            raise ParseError(str(exc), lineno=lineno, line=raw) from None
    if kind == "remaining" and value in _SAID_EXPIRED:
        return value
    remaining = parse_days_hours(value)
    if remaining is None:
        raise ParseError("expected `N days, M hours`", lineno=lineno, line=raw)
    return value if kind == "remaining" else remaining


def parse_ws_list_short(text: str) -> list[str]:
    """Parse ``ws_list -s`` (one name per line) into names, in printed order.

    Blank lines are skipped; a line that is not a workspace name (e.g. a block listing's
    ``id: x``) is a ``ParseError``.
    """
    names: list[str] = []
    for lineno, raw in numbered_lines(text):
        name = raw.strip()
        if not name:
            continue
        if not NAME_PATTERN.fullmatch(name):
            hint = "; use parse_ws_list for block listings" if _HEADER.fullmatch(name) else ""
            raise ParseError(f"not a workspace name{hint}", lineno=lineno, line=raw)
        names.append(name)
    return names

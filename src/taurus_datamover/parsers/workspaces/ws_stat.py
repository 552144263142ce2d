"""v2 ``ws_stat`` (new in v2: what a workspace holds) to :class:`WorkspaceStat`.

The tool prints per workspace (hpc-workspace 2.0, its ``ws_stat.cpp``; the directory line ends in a blank)::

    Id: usera-simdata
        workspace directory : /srv/wsroot/horse/ws/usera-simdata<blank>
        files               : 1
        softlinks           : 0
        directories         : 1
        bytes               : 0 (0 B)
        blocks              : 0

``-v`` adds a blank line, ``time[msec]`` and ``KFiles/sec`` (kept in ``extra``). Numbers
may carry the locale's thousands commas (``{:L}``). The id is the DB id ``<user>-<name>``;
``name``/``owner`` come from it as for listings. Every block starts with ``Id:`` and has
the keys in this order; anything else is a ``ParseError``.
"""

from __future__ import annotations

import re
from typing import Any

from taurus_datamover.errors import ParseError
from taurus_datamover.models.workspaces import WorkspaceStat
from taurus_datamover.parsers.workspaces.common import derive_name, numbered_lines

_HEADER = re.compile(r"Id: ([A-Za-z0-9._-]+)")
_ENTRY = re.compile(r"    ([a-zA-Z][a-zA-Z/\[\] ]*?) *: (.*)")
_COUNT = re.compile(r"[0-9]{1,3}(?:,[0-9]{3}){0,6}|[0-9]{1,20}")
_BYTES = re.compile(rf"({_COUNT.pattern}) \((.*)\)")
_ORDER = ("workspace directory", "files", "softlinks", "directories", "bytes", "blocks")


def parse_ws_stat(text: str, *, user: str | None = None) -> list[WorkspaceStat]:
    """Parse ``ws_stat`` output into one :class:`WorkspaceStat` per workspace, in order.

    Args:
        user: the user whose workspaces these are (to split ``<user>-<name>``).
    """
    result: list[WorkspaceStat] = []
    current: dict[str, Any] | None = None
    for lineno, raw in numbered_lines(text):
        if not raw.strip():
            continue
        header = _HEADER.fullmatch(raw.rstrip(" "))
        if header is not None:
            _flush(result, current, user)
            current = {"id": header.group(1), "seen": [], "extra": {}, "lineno": lineno, "line": raw}
            continue
        entry = _ENTRY.fullmatch(raw)
        if entry is None or current is None:
            raise ParseError("not a line of ws_stat output", lineno=lineno, line=raw)
        _add(current, entry.group(1), entry.group(2), lineno, raw)
    _flush(result, current, user)
    return result


def _add(current: dict[str, Any], key: str, value: str, lineno: int, raw: str) -> None:
    seen: list[str] = current["seen"]
    if key not in _ORDER:
        if len(seen) < len(_ORDER) or key in current["extra"]:
            raise ParseError(f"{key!r} where ws_stat prints its counts", lineno=lineno, line=raw)
        current["extra"][key] = value
        return
    if len(seen) >= len(_ORDER) or _ORDER[len(seen)] != key:
        raise ParseError(f"{key!r} out of ws_stat's order", lineno=lineno, line=raw)
    seen.append(key)
    if key == "workspace directory":
        path = value[:-1] if value.endswith(" ") else value
        if not path.startswith("/"):
            raise ParseError("expected an absolute path", lineno=lineno, line=raw)
        current["path"] = path
        return
    if key == "bytes":
        match = _BYTES.fullmatch(value)
        if match is None:
            raise ParseError("expected `N (size)`", lineno=lineno, line=raw)
        current["bytes"] = _count(match.group(1), lineno, raw)
        current["size_text"] = match.group(2)
        return
    current[key] = _count(value, lineno, raw)


def _count(text: str, lineno: int, raw: str) -> int:
    if _COUNT.fullmatch(text) is None:
        raise ParseError("expected a count in ASCII digits", lineno=lineno, line=raw)
    return int(text.replace(",", ""))


def _flush(result: list[WorkspaceStat], current: dict[str, Any] | None, user: str | None) -> None:
    if current is None:
        return
    if len(current["seen"]) != len(_ORDER):
        missing = _ORDER[len(current["seen"])]
        raise ParseError(f"ws_stat block without `{missing}`", lineno=current["lineno"], line=current["line"])
    shown: str = current["id"]
    name, owner = derive_name(shown, current["path"], user)
    fields = {k: v for k, v in current.items() if k not in ("seen", "lineno", "line")}
    result.append(WorkspaceStat(name=name, owner=owner, **fields))

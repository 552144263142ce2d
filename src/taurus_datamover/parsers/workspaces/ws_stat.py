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
    blocks: list[list[tuple[int, str]]] = []  # each block's lines, its header first
    for lineno, raw in numbered_lines(text):
        if not raw.strip():
            continue
        if _HEADER.fullmatch(raw.rstrip(" ")) is not None:
            blocks.append([])
        elif not blocks:
            raise ParseError("not a line of ws_stat output", lineno=lineno, line=raw)
        blocks[-1].append((lineno, raw))
    return [_stat(block, user) for block in blocks]


def _stat(block: list[tuple[int, str]], user: str | None) -> WorkspaceStat:
    (head_lineno, head), *lines = block
    fields: dict[str, Any] = {"id": head.rstrip(" ")[4:], "extra": {}}
    for index, (lineno, raw) in enumerate(lines):
        entry = _ENTRY.fullmatch(raw)
        if entry is None:
            raise ParseError("not a line of ws_stat output", lineno=lineno, line=raw)
        key, value = entry.groups()
        expected = _ORDER[index] if index < len(_ORDER) else None
        if key not in _ORDER:
            if expected is not None or key in fields["extra"]:
                raise ParseError(f"{key!r} where ws_stat prints its counts", lineno=lineno, line=raw)
            fields["extra"][key] = value
        elif key != expected:
            raise ParseError(f"{key!r} out of ws_stat's order", lineno=lineno, line=raw)
        elif key == "workspace directory":
            fields["path"] = value[:-1] if value.endswith(" ") else value
            if not fields["path"].startswith("/"):
                raise ParseError("expected an absolute path", lineno=lineno, line=raw)
        elif key == "bytes":
            match = _BYTES.fullmatch(value)
            if match is None:
                raise ParseError("expected `N (size)`", lineno=lineno, line=raw)
            fields["bytes"], fields["size_text"] = _count(match.group(1), lineno, raw), match.group(2)
        else:
            fields[key] = _count(value, lineno, raw)
    if len(lines) < len(_ORDER):
        raise ParseError(f"ws_stat block without `{_ORDER[len(lines)]}`", lineno=head_lineno, line=head)
    name, owner = derive_name(fields["id"], fields["path"], user)
    return WorkspaceStat(name=name, owner=owner, **fields)


def _count(text: str, lineno: int, raw: str) -> int:
    if _COUNT.fullmatch(text) is None:
        raise ParseError("expected a count in ASCII digits", lineno=lineno, line=raw)
    return int(text.replace(",", ""))

"""File system lists (``ws_list -l``/``-L``, ``ws_find -l``) to :class:`FilesystemInfo`.

Shapes read::

    available filesystems:                                   v1 ws_list -l / ws_find -l
    scratch (default)                                        (ZIH: "Available filesystems:")
    ssd

    available filesystems (sorted according to priority):    v2 ws_list -l
    ws2
    ws1

    available filesystems (sorted according to priority):    v2 ws_list -L
    <blank>
          name maxduration  extensions  keeptime  releasekeeptime allocatable ...  comment
           ws2          32           3         7                7        true ...   text

``is_default``: v1 marks it with `` (default)``; v2 lists by priority and marks nothing,
so its first entry (what ``ws_allocate`` takes without ``-F``) is the default. The
``Explanation:`` section of ``-L -v`` ends the table. A ``-L`` comment is kept exactly as
written after the three blanks that separate it; an empty one is ``None``. Empty text gives ``[]``; text without
the header line, or a row that does not fit, is a ``ParseError``.
"""

from __future__ import annotations

import re

from taurus_datamover.errors import ParseError
from taurus_datamover.models.workspaces import FilesystemInfo
from taurus_datamover.parsers.workspaces.common import numbered_lines, parse_whole_number

_HEADER = re.compile(r"[Aa]vailable filesystems( \(sorted according to priority\))?:")
_FS_NAME = re.compile(r"[A-Za-z0-9_.][A-Za-z0-9_.-]*")
_DEFAULT = " (default)"
_TABLE_COLUMNS = "name maxduration extensions keeptime releasekeeptime allocatable extendable restorable comment"
#: The fields of a ``-L`` row's four numbers and three flags, in their order.
_TABLE_FIELDS = "max_duration max_extensions keeptime release_keeptime allocatable extendable restorable".split()
_BOOLS = {"true": True, "false": False}
# 8 right-aligned columns, then three blanks and the comment as written
_ROW = re.compile(r"[ \t]*" + r"[ \t]+".join([r"(\S+)"] * 8) + r"(?:   (.*)|[ \t]*)")


def parse_ws_filesystems(text: str) -> list[FilesystemInfo]:
    """Parse a file system list of v1 or v2 (names, or v2's ``-L`` table) in printed order."""
    result: list[FilesystemInfo] = []
    by_priority: bool | None = None  # until the header line
    table = False
    for lineno, raw in numbered_lines(text):
        line = raw.strip()
        if not line:
            continue
        if by_priority is None:
            header = _HEADER.fullmatch(line)
            if header is None:
                raise ParseError("expected the `available filesystems:` header", lineno=lineno, line=raw)
            by_priority = header.group(1) is not None
            continue
        if line == "Explanation:":
            break
        if " ".join(line.split()) == _TABLE_COLUMNS:
            table = True
            continue
        if table:
            result.append(_table_row(raw, lineno, is_default=not result))
            continue
        name = line.removesuffix(_DEFAULT)
        if not _FS_NAME.fullmatch(name):
            raise ParseError("not a file system name", lineno=lineno, line=raw)
        result.append(FilesystemInfo(name=name, is_default=name != line or (by_priority and not result)))
    return result


def _table_row(raw: str, lineno: int, *, is_default: bool) -> FilesystemInfo:
    row = _ROW.fullmatch(raw)
    if row is None or not _FS_NAME.fullmatch(row.group(1)):
        raise ParseError("not a row of the `ws_list -L` table", lineno=lineno, line=raw)
    parts = row.groups()
    numbers = [parse_whole_number(part) for part in parts[1:5]]
    flags = [_BOOLS.get(part) for part in parts[5:8]]
    if any(number is None for number in numbers) or any(flag is None for flag in flags):
        message = "expected 4 numbers (ASCII digits) and 3 true/false in a `ws_list -L` row"
        raise ParseError(message, lineno=lineno, line=raw)
    values = dict(zip(_TABLE_FIELDS, [*numbers, *flags]))
    return FilesystemInfo(name=parts[0], is_default=is_default, comment=parts[8] or None, **values)

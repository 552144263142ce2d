"""The fast path of the ``ls -l`` parser: one compiled regex for the common entry lines.

One job: read an entry line of the two shapes that make up nearly every real listing, and
say nothing about any other line. The shapes are

* the default style: ``MODE LINKS OWNER GROUP SIZE Mon DD HH:MM|YYYY NAME``
  (C month names), and
* the library's own form (``UNAMBIGUOUS_LS_OPTIONS``): ``... SIZE SECONDS.NANOS NAME``,

with owner and group columns, no inode or block column, not a device, printable-ASCII
owner and group separated by plain spaces. :meth:`FastReader.read` returns the record
(the dict of FileEntry fields) and the block alignment the careful reader would compute,
or ``None``; ``None`` only means "not sure": the caller then reads the line with the
careful reader (``ls_line.read_head`` and the checks of ``ls._Parser``), which decides and
raises ParseError where needed. So the fast path can only ever accept a line, never reject
one, and what it accepts must be exactly what the careful reader makes of it: every
condition below mirrors one of the careful reader's (they are named in the comments), and
tests/test_parse_ls_fast.py checks both readers against each other on generated lines.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta, timezone, tzinfo
from typing import Any

from taurus_datamover.models.files import EntryType, TimePrecision
from taurus_datamover.parsers.ls_line import TYPES, permissions
from taurus_datamover.parsers.ls_names import NameError_, Quoting, decode_name_field, split_symlink_literal
from taurus_datamover.parsers.ls_options import Layout
from taurus_datamover.parsers.ls_time import MONTHS, DateMatch

__all__ = ["FastReader", "Resolver"]

_PERM = r"[-r][-w][-xsS][-r][-w][-xsS][-r][-w][-xtT]"
_C_MONTHS = "Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec"

#: ``(DateMatch) -> (mtime, mtime_ns)``; raises ValueError/OverflowError/OSError.
Resolver = Callable[[DateMatch], "tuple[datetime, int | None]"]


def _pattern(names_may_be_sizes: bool) -> re.Pattern[str]:
    # Without options the careful reader raises when the owner or the group column could
    # be a size (the line would read with -g/-o too): accept no id starting with a digit.
    ident = r"(?![0-9])[!-~]+" if names_may_be_sizes else r"[!-~]+"
    return re.compile(
        # type, permissions, ACL/SELinux marker, links: as ls_line._PREFIX, at column 0
        r"([-dlps])(" + _PERM + r")([+.]?) +([0-9]+) "
        # an owner shaped like a mode would let _PREFIX read the mode and links as
        # inode/blocks columns: leave such lines to the careful reader
        r"(?![-dlpsbc]" + _PERM + r")"
        rf"({ident}) +({ident}) +([0-9]+) "
        # locale date (C names): "Nov 25 13:47" or "Mar  5  2024" (year right-aligned:
        # no pad); or the epoch form "SECONDS.NANOS"; then the one separating space
        rf"(?:({_C_MONTHS}) +([0-9]{{1,2}}) (?:([0-9]{{2}}):([0-9]{{2}})| +([0-9]{{4}}))"
        r"|(-?)([0-9]{1,12})\.([0-9]{9})) "
    )


_PATTERNS = {True: _pattern(True), False: _pattern(False)}
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_PRECISIONS = {p.value: p for p in TimePrecision}
#: Distinct dates cached per listing (a recent-form date is one per minute of six months).
_MAX_DATES = 1 << 16
# enum members as module constants: attribute access on an Enum class is slow per line
_SYMLINK = EntryType.SYMLINK
_NANOSECOND = TimePrecision.NANOSECOND


class FastReader:
    """Reads the common entry lines of one listing (see the module docstring)."""

    def __init__(self, layout: Layout, resolve: Resolver, tz: tzinfo | None) -> None:
        self.match = _PATTERNS[not layout.known].match
        self.literal = layout.quoting is Quoting.LITERAL
        self.escape = layout.quoting is Quoting.ESCAPE
        self.quoting = layout.quoting
        self.resolve = resolve
        self.tz = tz
        self.dates: dict[tuple[str, ...], tuple[datetime, TimePrecision]] = {}

    @staticmethod
    def usable(layout: Layout) -> bool:
        """Whether ``layout`` has the columns the fast shapes assume."""
        return layout.owner and layout.group and not layout.inode and not layout.blocks

    def _locale_date(self, key: tuple[str, ...], start: int) -> tuple[datetime, TimePrecision] | None:
        """``(mtime, precision)`` of ``Mon DD HH:MM`` / ``Mon DD YYYY`` (cached)."""
        mon, day, hh, mi, year = key
        d = int(day)
        if not 1 <= d <= 31:  # ls_time._day
            return None
        if year is None:
            h, m = int(hh), int(mi)
            if h >= 24 or m >= 60:  # ls_time._hhmm
                return None
            match = DateMatch("locale", "minute", None, MONTHS[mon], d, h, m, 0, 0,
                              None, None, start)
        else:
            match = DateMatch("locale", "day", int(year), MONTHS[mon], d, 0, 0, 0, 0,
                              None, None, start)
        try:
            mtime, _ = self.resolve(match)
        except (ValueError, OverflowError, OSError):
            return None  # the careful reader reports it
        found = (mtime, _PRECISIONS[match.precision])
        if len(self.dates) > _MAX_DATES:
            self.dates.clear()
        self.dates[key] = found
        return found

    def read(self, line: str) -> tuple[dict[str, Any], str, int] | None:
        """``(record, date family, alignment column)`` of an entry line, or ``None``.

        The record (FileEntry's fields in order, with their final types) lacks only the
        ``directory`` (the caller's). The alignment column is the careful reader's
        ``date_col`` for literal names (its ``mode_col`` is 0 for every line read here).
        """
        m = self.match(line)
        if m is None:
            return None
        (tchar, perm, marker, links, owner, group, size_text,
         mon, day, hh, mi, year, sign, sec, frac) = m.groups()
        end = m.end()
        mtime_ns: int | None = None
        if mon is None:
            # ls_time._epoch and resolve_date: int(sec) * 10**9 + int(frac), the sign on
            # the seconds only; the fraction is 0 <= frac < 10**9, so these are the divmod
            seconds = -int(sec) if sign else int(sec)
            nanos = int(frac)
            try:
                base = _EPOCH + timedelta(0, seconds, nanos // 1000)
                mtime = base.astimezone(self.tz)
            except (ValueError, OverflowError, OSError):
                return None
            mtime_ns = seconds * 1_000_000_000 + nanos
            precision = _NANOSECOND
            family = "epoch"
        else:
            key = (mon, day, hh, mi, year)
            date = self.dates.get(key)
            if date is None:
                date = self._locale_date(key, end)
                if date is None:
                    return None
            mtime, precision = date
            family = "locale"
        etype = TYPES[tchar]
        size = int(size_text)
        field = line[end:]
        target: str | None = None
        col = 0
        if self.literal:
            if etype is _SYMLINK:
                try:
                    parts = split_symlink_literal(field, size)
                except NameError_:
                    return None
                if parts is None:
                    return None  # not complete: the name may go on on the next lines
                name, target = parts
            elif not field:
                return None  # an empty name goes on on the next line
            else:
                name = field
            # ls_line.read_head: date_col is the display width up to the end of the size,
            # here the index (the columns before it are ASCII)
            col = m.end(7)
        elif self.escape and field.isascii() and "\\" not in field:
            # ls_names._scan_escape of a field without escapes: the field itself
            if etype is _SYMLINK:
                j = field.find(" ")
                if j <= 0 or not field.startswith(" -> ", j) or len(field) == j + 4:
                    return None
                name, target = field[:j], field[j + 4 :]
            elif not field:
                return None
            else:
                name = field
        else:
            try:
                name, target = decode_name_field(field, self.quoting,
                                                 etype is _SYMLINK)
            except (NameError_, UnicodeError):
                return None
        # ls._Parser.record: a link's size is its target's byte length
        if target is not None and len(target.encode("utf-8", "surrogateescape")) != size:
            return None
        record = {
            "name": name,
            "directory": None,
            "type": etype,
            "mode": tchar + perm,
            "permissions": permissions(perm),
            "acl": marker == "+",
            "selinux": marker == ".",
            "links": int(links),
            "owner": owner,
            "group": group,
            "size": size,
            "size_text": size_text,
            "device": None,
            "mtime": mtime,
            "mtime_precision": precision,
            "mtime_ns": mtime_ns,
            "target": target,
            "inode": None,
            "blocks": None,
            "line": line,
        }
        return record, family, col

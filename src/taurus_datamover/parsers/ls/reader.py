"""The entry lines of ``ls -l``: one regular expression over the whole text, and models.

One job: read every entry-shaped line of a listing (matched by the shape of ``shape``, in
one ``finditer`` pass) into the record of a :class:`FileEntry`, checking what the shape
cannot (alignment, device numbers, which id columns there are), and hand every other line
to the rules of :class:`~.blocks.Blocks`. The common shapes are read inline; any other
line goes through :meth:`Reader.entry` (same rules, all the checks).

What is checked where: the shape's regex checks every column's characters (the mode, ASCII
digits for numbers, the date's shape); this module checks the date's values (``dates``),
the alignment and the name field (``fields``); pydantic validates every record's types
when the models are built, a chunk at a time (``TypeAdapter(list[FileEntry])``), so the
record dicts die young and the garbage collector has fewer live objects to walk.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from datetime import datetime, tzinfo
from typing import Any

from pydantic import TypeAdapter, ValidationError

from taurus_datamover.errors import ParseError
from taurus_datamover.models.files import FileEntry
from taurus_datamover.parsers.ls.blocks import Blocks, OpenEntry
from taurus_datamover.parsers.ls.dates import DateReader, Resolved
from taurus_datamover.parsers.ls.names import Quoting
from taurus_datamover.parsers.ls.options import Layout
from taurus_datamover.parsers.ls.shape import DATE_START, Shape, shape_for

__all__ = ["ANY_TIME", "CHUNK", "Reader"]

#: Families tried when the options do not name the time style (in this order).
ANY_TIME = ("locale", "locale-day-first", "long-iso", "full-iso", "iso", "epoch")
_SYMLINK_MODE = "l"
_DEVICE_MODES = "bc"
#: Records validated per pydantic call: their dicts are freed while the listing is read.
CHUNK = 4096
_ENTRIES: TypeAdapter[list[FileEntry]] = TypeAdapter(list[FileEntry])


def _families(layout: Layout) -> tuple[str, ...]:
    if layout.times is None:
        return ANY_TIME
    out: list[str] = []
    for family in layout.times:
        out.extend(("locale", "locale-day-first") if family == "locale" else (family,))
    return tuple(out)


def display_width(text: str) -> int:
    """Terminal columns of ``text``: ls pads its columns by display width, so lines with
    non-ASCII ids differ in characters but not in width."""
    if text.isascii():
        return len(text)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text if not unicodedata.combining(ch))


class Reader(Blocks):
    """The state of one listing: its shape and dates, the records read so far."""

    def __init__(self, layout: Layout, now: datetime | None, tz: tzinfo | None, directory: str | None) -> None:
        super().__init__(layout, directory)
        self.plain = self.literal and not (layout.color or layout.classify or layout.lossy)
        self.general = shape_for(layout, _families(layout))
        self.shape: Shape = self.general
        # one "now" for the whole listing (the year of recent times is inferred from it)
        moment = now if now is not None else (datetime.now(tz) if tz is not None else datetime.now().astimezone())
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=tz) if tz is not None else moment.astimezone()
        self.dates = DateReader(moment, tz, list(self.general.format_fields))
        self.read_date: Callable[[tuple[str | None, ...]], Resolved] | None = (
            None if len(self.general.spans) > 1 else self._date_reader(self.general)
        )
        #: the records not validated yet (the last one may still go on) and the entries
        self.records: list[dict[str, Any]] = []
        self.entries: list[FileEntry] = []
        self.dates_seen: dict[str, Resolved] = {}

        # dates that repeat (a minute, a day) are read once; instants (epoch, full-iso,
        # +FORMAT with %s or %N) are read per entry
        self.cache_dates = True
        # one object per distinct owner, group, context and mode (a listing has few)
        self.strings: dict[str | None, str | None] = {}

    # -- the shape and its dates ----------------------------------------------------------------
    def _date_reader(self, shape: Shape) -> Callable[[tuple[str | None, ...]], Resolved]:
        family, _, _ = shape.spans[0]
        return self.dates.reader(family)

    def _settle_family(self, groups: tuple[str | None, ...]) -> tuple[str, int, int]:
        """The family of the first entry; later lines are matched with its shape alone."""
        for family, index, count in self.general.spans:
            if groups[index] is not None:
                self.shape = shape_for(self.layout, (family,))
                self.read_date = self._date_reader(self.shape)
                fields = {f for fs in self.general.format_fields for f in fs}
                self.cache_dates = family not in ("epoch", "full-iso") and not (
                    family == "format" and bool(fields & {"s", "N"})
                )
                return family, index, count
        raise AssertionError("a match without a date")  # pragma: no cover

    # -- reading ----------------------------------------------------------------------------
    def feed(self, text: str, base: int) -> None:
        """Read ``text`` (whole lines, no final newline); line numbers start at ``base``."""
        self.text, self.base = text, base
        pos = 0
        while self.read_date is None:  # the first entry settles the time style
            m = self.shape.regex.search(text, pos)
            if m is None:
                break
            if m.start() != pos:
                self.gap(pos, m.start() - 1, at_end=False)
            pos = m.end() + 1
            self._settle_family(m.groups())
            again = self.shape.regex.match(text, m.start())
            assert again is not None, "a family's own shape matches its lines"
            self.entry(again, m.start())
        if self.read_date is not None:
            pos = self._entries(text, pos)
        if pos <= len(text):
            self.gap(pos, len(text), at_end=True)

    def _entries(self, text: str, pos: int) -> int:
        """Read the entry lines from ``pos`` on (and the lines between them); the position
        after the last entry. Entries of the common shapes are read here, inline; any other
        goes through :meth:`entry` (same rules, all the checks)."""
        dates = self.dates_seen
        cache_dates = self.cache_dates
        intern = self.strings.setdefault
        records = self.records
        append = records.append
        layout = self.layout
        literal = self.literal
        inline = self.plain or (
            layout.quoting is Quoting.ESCAPE and not (layout.color or layout.classify or layout.lossy)
        )
        check_ids = not layout.known
        directory = self.directory
        align = self.align[0] if self.align is not None else None
        pending = self._pending()
        last: dict[str, Any] | None = None  # the record of the last inline entry, and its line
        last_start = pos
        start = pos
        try:
            for m in self.shape.regex.finditer(text, pos):
                start = m.start()
                if start != pos:
                    if last is not None:
                        self._keep(last, last_start)
                        last = None
                    self.gap(pos, start - 1, at_end=False)
                    directory = self.directory
                    align = self.align[0] if self.align is not None else None
                    pending = self._pending()
                pos = m.end() + 1
                g = m.groups()
                name = field = g[-1]
                mode = g[2]
                size_text = g[9]
                group = g[6]
                slow = (
                    not inline
                    or pending
                    or not field
                    or mode[0] == "l"
                    or (size_text is None and g[10] is None)  # a device
                    or g[0] is not None
                    or g[1] is not None
                    or (check_ids and group is not None and " " in group)
                )
                if not (slow or literal):  # -b: a name without escapes, or with escaped spaces only
                    if "\\" in field:
                        if field.count("\\") == field.count("\\ "):
                            name = field.replace("\\ ", " ")
                        else:
                            slow = True
                    elif " " in field:
                        slow = True
                if slow:
                    if last is not None:
                        self._keep(last, last_start)
                        last = None
                    self.entry(m, start)
                    directory = self.directory
                    align = self.align[0] if self.align is not None else None
                    pending = self._pending()
                    continue
                if literal:
                    col = m.end(9) - start
                    if align is None:
                        self.align = (col, 0)
                        self.align_width = self._width(m, start)
                        align = col
                    elif col != align and self._width(m, start) != self.align_width:
                        raise self.error(
                            "entry-shaped line not aligned with its block: a forged line inside "
                            "a name with a newline? (list with -b to be sure)",
                            start,
                        )
                if cache_dates:
                    when = dates.get(g[DATE_START])
                    if when is None:
                        when = dates[g[DATE_START]] = self._read_date(g[DATE_START:-1], start)
                else:
                    when = self._read_date(g[DATE_START:-1], start)
                size = None if size_text is None else int(size_text)
                # every key, None where the column is absent: one dict display, no branches
                rec: dict[str, Any] = {
                    "name": name,
                    "directory": directory,
                    "mode": intern(mode, mode),
                    "marker": g[3],
                    "links": int(g[4]),
                    "owner": intern(g[5], g[5]),
                    "group": intern(group, group),
                    "context": intern(g[7], g[7]),
                    "size": size,
                    "size_text": size_text or g[10],
                    "mtime": when[0],
                    "mtime_precision": when[1],
                    "mtime_ns": when[2],
                    "line": m.group(),
                }
                append(rec)
                last, last_start = rec, start
                if len(records) > CHUNK:
                    self.flush()
        except ValueError as exc:  # int() of more digits than Python reads
            if isinstance(exc, ParseError):
                raise
            raise self.error("a number too long to read", start) from None
        if last is not None:
            self._keep(last, last_start)
        return pos

    def flush(self, final: bool = False) -> None:
        """Validate the records read so far into :attr:`entries`, in one pydantic call, but
        the last one unless ``final`` (the next lines may go on with its literal name)."""
        records = self.records
        ready = records if final else records[:-1]
        if not ready:
            return
        try:
            self.entries += _ENTRIES.validate_python(ready)
        except ValidationError as exc:  # a number longer than Python reads
            line = ready[int(exc.errors()[0]["loc"][0])]["line"]
            raise self.error(
                f"unreadable entry ({exc.errors()[0]['msg']})", max(self.text.find(line), 0), line
            ) from None
        del records[: len(ready)]

    def _keep(self, rec: dict[str, Any], start: int) -> None:
        """Remember the last inline entry (a later line may go on with it; inline, its
        name is its literal field, or a ``-b`` one that never goes on)."""
        self.state = "entries"
        self.open = None
        self.quick = (rec, rec["name"], rec["mode"], rec["size"], start)

    def _pending(self) -> bool:
        """Whether the last entry is a literal name that the next line may go on with."""
        return self.open is not None and not self.open.complete

    def _number(self, digits: str, start: int) -> int:
        """``int(digits)``, or ParseError for more digits than Python reads."""
        try:
            return int(digits)
        except ValueError:
            raise self.error("a number too long to read", start) from None

    def _read_date(self, groups: tuple[Any, ...], start: int) -> Resolved:
        """The date of the date groups (the wrapper first), or ParseError for the line."""
        read_date = self.read_date
        assert read_date is not None  # settled by feed before the first entry
        try:
            when = read_date(groups)
        except (ValueError, OverflowError, OSError) as exc:
            raise self.error(f"bad timestamp ({exc})", start) from None
        return when

    def entry(self, m: Any, start: int) -> None:
        """One entry-shaped line (every shape, every check)."""
        last = self.last
        if last is not None and not last.complete:
            self.extend(m.group(), start)  # an incomplete literal name goes on
            return
        g = m.groups()
        (inode, blocks, mode, marker, links, owner, group, context, _size_col, size_text, human, major, minor) = g[
            :DATE_START
        ]
        field: str = g[-1]
        if self.literal:
            col = (m.end(9) - start, m.start(3) - start)
            if self.align is None:
                self.align = col
                self.align_width = self._width(m, start)
            elif col != self.align and self._width(m, start) != self.align_width:
                raise self.error(
                    "entry-shaped line not aligned with its block: a forged line inside a "
                    "name with a newline? (list with -b to be sure)",
                    start,
                )
        if self.cache_dates:
            key = g[DATE_START]
            when = self.dates_seen.get(key)
            if when is None:
                when = self.dates_seen[key] = self._read_date(g[DATE_START:-1], start)
        else:
            when = self._read_date(g[DATE_START:-1], start)
        mtime, precision, mtime_ns = when
        strings = self.strings
        rec: dict[str, Any] = {
            "name": "",
            "mode": strings.setdefault(mode, mode),
            "links": self._number(links, start),
            "mtime": mtime,
            "mtime_precision": precision,
            "line": m.group(),
        }
        if owner is not None:
            rec["owner"] = strings.setdefault(owner, owner)
        if group is not None:
            rec["group"] = strings.setdefault(group, group)
        size: int | None = None
        if size_text is not None:
            size = self._number(size_text, start)
            rec["size"] = size
            rec["size_text"] = size_text
        elif human is not None:
            rec["size_text"] = human
        else:
            if mode[0] not in _DEVICE_MODES:
                raise self.error("device numbers on an entry that is not a device", start)
            rec["device"] = (self._number(major, start), self._number(minor, start))
        if mtime_ns is not None:
            rec["mtime_ns"] = mtime_ns
        if marker:
            rec["marker"] = marker
        if context is not None:
            rec["context"] = strings.setdefault(context, context)
        if inode is not None:
            if blocks is None and not self.layout.known:
                raise self.error("one number before the mode: inode (-i) or block count (-s)? pass options=", start)
            rec["inode"] = self._number(inode, start)
        if blocks is not None:
            rec["blocks"] = blocks
        if self.directory is not None:
            rec["directory"] = self.directory
        if group is not None and " " in group and not self.layout.known:
            self._check_fewer_ids(m.group(), start)
        self.state = "entries"
        self.records.append(rec)
        if self.plain and mode[0] != _SYMLINK_MODE and field:
            rec["name"] = field  # the common case: a literal name, complete
            self.last = OpenEntry(rec, field, mode, size, True, start)
            return
        self.last = OpenEntry(rec, field, mode, size, False, start)
        self.settle(self.last)

    def _width(self, m: Any, start: int) -> tuple[int, int]:
        """The alignment columns of an entry line by display width (ls pads by width, so
        lines with non-ASCII ids differ in characters but not in width)."""
        text = self.text
        return (display_width(text[start : m.end(9)]), display_width(text[start : m.start(3)]))

    def _check_fewer_ids(self, line: str, start: int) -> None:
        """Without options, a group with a space must not also read as -g/-o output."""
        for fewer in (Layout(group=False), Layout(owner=False, group=False)):
            if shape_for(fewer, self.shape.families, spaced_ids=False).regex.match(line):
                raise self.error("the line reads with fewer owner/group columns too (-g/-o?); pass options=", start)

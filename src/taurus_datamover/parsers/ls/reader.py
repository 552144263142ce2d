"""The entry lines of ``ls -l``: runs of regular lines by one ``findall``, and models.

One job: read every entry-shaped line into the record of a :class:`FileEntry`, checking
what the patterns cannot (alignment, device numbers, which id columns there are), and hand
every other line to :class:`~.blocks.Blocks`. A block's regular lines (``shape.run_for``)
are read a run at a time (one ``findall``, one comprehension); from the first line a run
does not match, or a run that meets an error or an unfinished name, the full pattern reads
line by line (every check, errors in line order). Pydantic validates the records a run at
a time (``TypeAdapter(list[FileEntry])``), so they die young.
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
from taurus_datamover.parsers.ls.options import Layout
from taurus_datamover.parsers.ls.shape import DATE_START, Run, Shape, date_fragment, run_for, shape_for

__all__ = ["ANY_TIME", "CHUNK", "Reader"]

#: Families tried when the options do not name the time style (in this order).
ANY_TIME = ("locale", "locale-day-first", "long-iso", "full-iso", "iso", "epoch")
_SYMLINK_MODE = "l"
_DEVICE_MODES = "bc"
#: Lines per chunk of ``iter_ls``; a run starts at this many characters and doubles up to 4 times that.
CHUNK = 4096
#: a run's most characters (~250 lines): its tuples and records die before the GC's next
#: young pass instead of being promoted (which makes full collections come sooner)
_RUN_MAX = 4 * CHUNK
_ENTRIES: TypeAdapter[list[FileEntry]] = TypeAdapter(list[FileEntry])


class _Unfinished(Exception):
    """A name in a run that the next line may go on with: the run is read line by line."""


def _families(layout: Layout) -> tuple[str, ...]:
    if layout.times is None:
        return ANY_TIME
    return tuple(f for t in layout.times for f in (("locale", "locale-day-first") if t == "locale" else (t,)))


def display_width(text: str) -> int:
    """Terminal columns of ``text`` (ls pads by them: non-ASCII ids differ in characters only)."""
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
        self.family = ""
        # one "now" for the whole listing (the year of recent times is inferred from it)
        moment = now if now is not None else (datetime.now(tz) if tz is not None else datetime.now().astimezone())
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=tz) if tz is not None else moment.astimezone()
        self.dates = DateReader(moment, tz, list(self.general.format_fields))
        self.cache_dates = True  # set with the family (_date_reader)
        self.read_date: Callable[[str], Resolved] | None = (
            None if len(self.general.spans) > 1 else self._date_reader(self.general)
        )
        #: the records not validated yet (the last one may still go on) and the entries
        self.records: list[dict[str, Any]] = []
        self.entries: list[FileEntry] = []
        self.dates_seen: dict[str, Resolved] = {}
        # one object per distinct owner, group, context and mode (a listing has few)
        self.strings: dict[str | None, str | None] = {}

    def _date_reader(self, shape: Shape) -> Callable[[str], Resolved]:
        """The reader of the shape's one family; dates that repeat (the locale's) are cached."""
        self.family = family = shape.spans[0][0]
        fields = {f for fs in self.general.format_fields for f in fs}
        self.cache_dates = family not in ("epoch", "full-iso", "long-iso") and not (
            family == "format" and bool(fields & {"s", "N"})
        )
        return self.dates.reader(family, date_fragment(self.layout, family))

    def _settle_family(self, groups: tuple[str | None, ...]) -> None:
        """The family of the first entry; later lines are matched with its shape alone."""
        for family, index, _count in self.general.spans:
            if groups[index] is not None:
                self.shape = shape_for(self.layout, (family,))
                self.read_date = self._date_reader(self.shape)
                return
        raise AssertionError("a match without a date")  # pragma: no cover

    def _run(self) -> Run | None:
        """The run pattern that can read the next lines, or None (the last name may go on,
        a header wants its total, the block's alignment is not known)."""
        last = self.last
        if self.state != "entries" or (last is not None and not last.complete):
            return None
        if not self.literal:
            return run_for(self.layout, self.family, None)
        if self.align is None or self.align[1] != 0:
            return None
        return run_for(self.layout, self.family, self.align[0])

    def _when(self, text: str, start: int | None = None) -> Resolved:
        """The date of a date column as printed, cached where dates repeat; ``start``: the
        line's position, for ParseError (a run reads the line again instead)."""
        read_date = self.read_date
        assert read_date is not None  # settled by feed before the first entry
        try:
            when = read_date(text)
        except (ValueError, OverflowError, OSError) as exc:
            if start is None:
                raise
            raise self.error(f"bad timestamp ({exc})", start) from None
        if self.cache_dates:
            self.dates_seen[text] = when
        return when

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
        more = self.read_date is not None and pos <= len(text)
        size = CHUNK  # characters of the next run: it doubles while the lines are regular
        while more:
            run = self._run()
            if run is None:
                pos, more = self._lines(text, pos, pos)
                continue
            end = text.find("\n", pos + size) if pos + size < len(text) else -1
            end = len(text) if end < 0 else end
            stop, until = self._read_run(run, text, pos, end)
            if stop > end:
                pos, more, size = stop, stop <= len(text), min(2 * size, _RUN_MAX)
            else:
                pos, more = self._lines(text, stop, until)
                size = CHUNK
        if pos <= len(text):
            self.gap(pos, len(text), at_end=True)

    def _lines(self, text: str, pos: int, until: int) -> tuple[int, bool]:
        """Read line by line from ``pos`` (the full pattern, every check) through the line at
        ``until``, then up to an entry line from which a run can go on: (its position, True),
        or (the position after the last entry, False) at the end of the text."""
        for m in self.shape.regex.finditer(text, pos):
            start = m.start()
            if start != pos:
                self.gap(pos, start - 1, at_end=False)
            if start > until and self._run() is not None:
                return start, True
            self.entry(m, start)
            pos = m.end() + 1
        return pos, False

    def _read_run(self, run: Run, text: str, a: int, b: int) -> tuple[int, int]:
        """Read the lines of ``text[a:b]`` that the run pattern matches, up to the first it
        does not: (the position of the first line not read, the last line to read line by line)."""
        rows = run.regex.findall(text, a, b)
        lines = text[a:b].split("\n")
        stop = b + 1
        if len(rows) != len(lines):  # not every line matched: read up to the first that did not
            found = run.irregular.search(text, a, b)
            if found is None:  # pragma: no cover - a line did not match
                return a, b
            stop = found.start()
            count = text.count("\n", a, stop)
            if count == 0:
                return a, a
            del rows[count:], lines[count:]
        try:
            seen, intern, directory = self.dates_seen, self.strings.setdefault, self.directory
            cached = self.cache_dates
            read = (self.read_date if not cached else None) or self._when  # errors: read by lines
            when = [seen.get(row[7]) or read(row[7]) for row in rows] if cached else [read(row[7]) for row in rows]
            # numbers stay digit strings: pydantic reads them (in Rust, with Python's limit); a
            # field left at its default costs pydantic less than one given
            records: list[dict[str, Any]] = [
                {
                    "name": name,
                    "mode": intern(mode, mode),
                    "marker": marker,
                    "links": links,
                    "owner": intern(owner, owner) or None,
                    "group": intern(group, group) or None,
                    "size_text": size or human,
                    "mtime": mtime,
                    "mtime_precision": precision,
                    "line": line,
                }
                for (mode, marker, links, owner, group, size, human, _, name), line, (mtime, precision, _) in zip(
                    rows, lines, when
                )
            ]
            if directory is not None:
                for record in records:
                    record["directory"] = directory
            if not cached or self.family == "format":  # the families that may print nanoseconds
                for record, (_, _, mtime_ns) in zip(records, when):
                    record["mtime_ns"] = mtime_ns
            # names to decode (a literal backslash reads as itself: decoding it changes nothing)
            for i in [i for i, row in enumerate(rows) if row[0][0] == _SYMLINK_MODE or not row[8] or "\\" in row[8]]:
                o = self._open(records[i], rows[i], False, a)
                self.settle(o)
                if not o.complete:
                    raise _Unfinished
            last = self._open(records[-1], rows[-1], True, stop - 1 - len(lines[-1]))
        except (ParseError, ValueError, OverflowError, OSError, _Unfinished):
            return a, b  # read again line by line: the errors in the order of the lines
        self.records += records
        self.last = last
        self.flush()
        return stop, stop

    @staticmethod
    def _open(record: dict[str, Any], row: tuple[str, ...], complete: bool, pos: int) -> OpenEntry:
        """The entry of a run's row (its size as a number, for a symlink's target)."""
        return OpenEntry(record, row[8], row[0], int(row[5]) if row[5] else None, complete, pos)

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

    def _number(self, digits: str, start: int) -> int:
        """``int(digits)``, or ParseError for more digits than Python reads."""
        try:
            return int(digits)
        except ValueError:
            raise self.error("a number too long to read", start) from None

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
        date = g[DATE_START]
        mtime, precision, mtime_ns = (self.cache_dates and self.dates_seen.get(date)) or self._when(date, start)
        size = None if size_text is None else self._number(size_text, start)
        if size_text is None and human is None:
            if mode[0] not in _DEVICE_MODES:
                raise self.error("device numbers on an entry that is not a device", start)
            human = f"{self._number(major, start)}, {self._number(minor, start)}"
        if inode is not None and blocks is None and not self.layout.known:
            raise self.error("one number before the mode: inode (-i) or block count (-s)? pass options=", start)
        intern = self.strings.setdefault
        rec: dict[str, Any] = {
            "name": "",
            "directory": self.directory,
            "mode": intern(mode, mode),
            "marker": marker,
            "links": self._number(links, start),
            "owner": intern(owner, owner),
            "group": intern(group, group),
            "context": intern(context, context),
            "size_text": size_text or human,
            "mtime": mtime,
            "mtime_precision": precision,
            "mtime_ns": mtime_ns,
            "inode": None if inode is None else self._number(inode, start),
            "blocks": blocks,
            "line": m.group(),
        }
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
        """The alignment columns of an entry line by display width."""
        text = self.text
        return (display_width(text[start : m.end(9)]), display_width(text[start : m.start(3)]))

    def _check_fewer_ids(self, line: str, start: int) -> None:
        """Without options, a group with a space must not also read as -g/-o output."""
        for fewer in (Layout(group=False), Layout(owner=False, group=False)):
            if shape_for(fewer, self.shape.families, spaced_ids=False).regex.match(line):
                raise self.error("the line reads with fewer owner/group columns too (-g/-o?); pass options=", start)

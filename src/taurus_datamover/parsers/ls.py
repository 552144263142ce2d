"""Parse GNU ``ls -l`` output (as ``dtls -l`` prints it) into :class:`FileEntry` models.

``parse_ls(text)`` and ``iter_ls(lines)`` are pure functions. Without ``options=`` they read
what plain ``ls -l`` prints with stdout a pipe (what ``dtls -l`` returns): owner and group
columns, names in the *literal* quoting style (``it's`` and ``a\\b`` are names like any
other), and any of ls's own time styles (the locale's, in any locale; ``long-iso``,
``iso``, ``full-iso``/``--full-time``). ``-a``, ``-A``, ``-R``, ``-d``, ``-h``, ``--si``,
``-n`` and several operands need no options either: the text says what they did.

``options=`` (the ls argv, or an option string) is for what the text cannot say:

=====================================  ===================================================
``-b``, ``-Q``, ``--quoting-style=``   how names are quoted (``escape``, ``c``,
                                       ``shell-escape``; ``literal`` is the default)
``-i``, ``-s``                         one number before the mode: inode or blocks
``-g``, ``-o``                         one id column: the group or the owner (it may
                                       contain spaces)
``-Z``                                 the SELinux context column (``?`` without SELinux)
``-F``, ``--file-type``, ``-p``        the indicator after names (``/ * @ | =``)
``--color=always``                     ANSI color sequences around names
``-q``                                 ``?`` for hidden characters: a name with ``?`` is
                                       lossy and raises ParseError
``--time-style=+FORMAT``               the shape of the time column
=====================================  ===================================================

One reader: every entry line is matched by one regular expression built from the options
(``ls_shape``), over the whole text at once (``finditer``); the lines between two matches
(headers, ``total`` lines, blank separators, the rest of a literal name with newlines) are
read by the same reader's rules below. The models are built in bulk through pydantic's
public validation, ``TypeAdapter(list[FileEntry])``.

Literal names with newlines span several lines. The rules, applied in order and never by
guessing:

* a line that continues an entry that cannot be complete (an empty name; a symlink whose
  ``-> target`` does not yet have the target's byte length given by the size) is part of it;
* a line that is not shaped like an entry is part of the previous entry's name: a header or
  ``total`` line is only real after a blank line / a header, so ``evil\\nfake_header:`` and
  ``n\\ntotal 5`` are names;
* a blank line is a block separator only when it is followed by a header (possibly spanning
  lines) and a ``total`` line; otherwise it is part of the name;
* a line shaped like an entry is a new entry when it is aligned like the other entries of its
  block (ls pads every column to the same width); when it is not aligned
  (``x\\n-rw-r--r-- 1 root root 999 Jan  1  2020 forged`` in a real listing), it could be a
  forged line inside a name, and ParseError is raised;
* a name that is continued by an entry-shaped, perfectly aligned line cannot be told apart
  from two entries in literal output: that is a limit of the literal style (use ``-b``).

The unambiguous form, for when the library runs ls itself, is ``UNAMBIGUOUS_LS_OPTIONS``
with ``UNAMBIGUOUS_LS_ENV``: one line per entry, escaped names, exact nanosecond times.

Times outside ``datetime``'s years (``May 25  12110``) give ``mtime=None`` and, where the
instant is printed, an exact ``mtime_ns``: the entry is never lost and columns never shift.

Errors: every problem is a :class:`ParseError` with the 1-based line number and the raw
line; no other exception leaves the parser. Lines end at ``\\n`` only (a ``\\r`` belongs to
the name). Bytes are decoded as UTF-8 with ``surrogateescape`` (raw bytes are kept).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import datetime, tzinfo
from typing import Any

from pydantic import TypeAdapter, ValidationError

from taurus_datamover.errors import ParseError
from taurus_datamover.models.files import FileEntry
from taurus_datamover.parsers.ls_dates import DateReader, Resolved
from taurus_datamover.parsers.ls_marks import LossyName, decorated_field, strip_decorations
from taurus_datamover.parsers.ls_modes import MODES, display_width, mode_info
from taurus_datamover.parsers.ls_names import (
    NameError_,
    Quoting,
    decode_header,
    decode_name_field,
    split_symlink_literal,
)
from taurus_datamover.parsers.ls_options import Layout, layout_from_options
from taurus_datamover.parsers.ls_shape import DATE_START, TOTAL_RE, Shape, shape_for

__all__ = ["UNAMBIGUOUS_LS_ENV", "UNAMBIGUOUS_LS_OPTIONS", "iter_ls", "parse_ls"]

#: ls options that make every entry one line with an exactly decodable name and time.
UNAMBIGUOUS_LS_OPTIONS: tuple[str, ...] = ("-l", "-b", "--time-style=+%s.%N")
#: Environment for that listing (C month names, ``total``, octal escapes for non-ASCII).
UNAMBIGUOUS_LS_ENV: dict[str, str] = {"LC_ALL": "C"}

#: How many lines a literal directory header with newlines may span.
MAX_HEADER_LINES = 64
#: Records validated per call (the input dicts of a chunk are freed before the next).
CHUNK = 4096
#: Families tried when the options do not name the time style (in this order).
ANY_TIME = ("locale", "locale-day-first", "long-iso", "full-iso", "iso", "epoch")

_ENTRIES: TypeAdapter[list[FileEntry]] = TypeAdapter(list[FileEntry])
_SYMLINK_MODE = "l"
_DEVICE_MODES = "bc"


def _text(raw: str | bytes) -> str:
    if isinstance(raw, bytes):
        return raw.decode("utf-8", "surrogateescape")
    return raw


def _families(layout: Layout) -> tuple[str, ...]:
    if layout.times is None:
        return ANY_TIME
    out: list[str] = []
    for family in layout.times:
        out.extend(("locale", "locale-day-first") if family == "locale" else (family,))
    return tuple(out)


class _Open:
    """The last entry read, whose literal name may still go on on the next lines."""

    __slots__ = ("complete", "field", "mode", "pos", "rec", "size")

    def __init__(self, rec: dict[str, Any], field: str, mode: str, size: int | None, complete: bool, pos: int) -> None:
        self.rec = rec
        self.field = field
        self.mode = mode
        self.size = size
        self.complete = complete
        self.pos = pos


class _Reader:
    """The state of one listing: its shape, the current directory and block, the last entry."""

    def __init__(self, layout: Layout, now: datetime | None, tz: tzinfo | None, directory: str | None) -> None:
        self.layout = layout
        self.literal = layout.quoting is Quoting.LITERAL
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
        self.directory = directory
        self.state = "start"  # start | header (a total must follow) | entries
        self.align: tuple[int, int] | None = None
        self.align_width: tuple[int, int] | None = None
        self.lead = layout.inode is not False or layout.blocks is not False
        self.quick: tuple[dict[str, Any], str, str, int | None, int] | None = None
        self.open: _Open | None = None
        self.records: list[dict[str, Any]] = []
        self.dates_seen: dict[str, Resolved] = {}
        # dates that repeat (a minute, a day) are read once; instants (epoch, full-iso,
        # +FORMAT with %s or %N) are read per entry
        self.cache_dates = True
        self.text = ""
        self.base = 1
        self.strings: dict[str, str] = {}

    # -- errors ----------------------------------------------------------------------------
    def error(self, message: str, pos: int, line: str | None = None) -> ParseError:
        lineno = self.base + self.text.count("\n", 0, pos)
        if line is None:
            end = self.text.find("\n", pos)
            line = self.text[pos : end if end >= 0 else len(self.text)]
        return ParseError(message, lineno=lineno, line=line)

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
        strings = self.strings
        append = self.records.append
        layout = self.layout
        quick = self.plain or (
            layout.quoting is Quoting.ESCAPE and not (layout.color or layout.classify or layout.lossy)
        )
        literal = self.literal
        check_ids = not self.layout.known
        directory = self.directory
        align = self.align[0] if self.align is not None else None
        for m in self.shape.regex.finditer(text, pos):
            start = m.start()
            if start != pos:
                self.gap(pos, start - 1, at_end=False)
                directory = self.directory
                align = self.align[0] if self.align is not None else None
            pos = m.end() + 1
            g = m.groups()
            field = g[-1]
            mode = g[2]
            size_text = g[9]
            group = g[6]
            pending = self.open
            if (
                not quick
                or (pending is not None and not pending.complete)
                or size_text is None
                or g[0] is not None
                or g[1] is not None
                or g[3]
                or not field
                or mode[0] == "l"
                or (check_ids and group is not None and " " in group)
                or (not literal and ("\\" in field or " " in field))
            ):
                self.entry(m, start)
                directory = self.directory
                align = self.align[0] if self.align is not None else None
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
                key = g[DATE_START]
                when = dates.get(key)
                if when is None:
                    when = dates[key] = self._read_date(g, start)
            else:
                when = self._read_date(g, start)
            info = MODES.get(mode) or mode_info(mode)
            owner = g[5]
            rec: dict[str, Any] = {
                "name": field,
                "type": info[1],
                "mode": info[0],
                "permissions": info[2],
                "links": int(g[4]),
                "size": int(size_text),
                "size_text": size_text,
                "mtime": when[0],
                "mtime_precision": when[1],
                "line": m.group(),
            }
            if owner is not None:
                rec["owner"] = strings.setdefault(owner, owner)
            if group is not None:
                rec["group"] = strings.setdefault(group, group)
            if when[2] is not None:
                rec["mtime_ns"] = when[2]
            if g[7] is not None:
                rec["context"] = strings.setdefault(g[7], g[7])
            if directory is not None:
                rec["directory"] = directory
            append(rec)
            self.state = "entries"
            self.open = None
            self.quick = (rec, field, mode, rec["size"], start)
        return pos

    def _read_date(self, g: tuple[Any, ...], start: int) -> Resolved:
        read_date = self.read_date
        assert read_date is not None  # settled by feed before the first entry
        try:
            return read_date(g[DATE_START:-1])
        except (ValueError, OverflowError, OSError) as exc:
            raise self.error(f"bad timestamp ({exc})", start) from None

    @property
    def last(self) -> _Open | None:
        """The last entry, as an open one (the inline reader keeps it as a tuple)."""
        if self.quick is not None:
            rec, field, mode, size, start = self.quick
            self.quick = None
            self.open = _Open(rec, field, mode, size, True, start)
        return self.open

    @last.setter
    def last(self, value: _Open | None) -> None:
        self.quick = None
        self.open = value

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
                when = self.dates_seen[key] = self._read_date(g, start)
        else:
            when = self._read_date(g, start)
        mtime, precision, mtime_ns = when
        mode, etype, perms = mode_info(mode)
        strings = self.strings
        rec: dict[str, Any] = {
            "name": "",
            "type": etype,
            "mode": mode,
            "permissions": perms,
            "links": int(links),
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
            size = int(size_text)
            rec["size"] = size
            rec["size_text"] = size_text
        elif human is not None:
            rec["size_text"] = human
        else:
            if mode[0] not in _DEVICE_MODES:
                raise self.error("device numbers on an entry that is not a device", start)
            rec["device"] = (int(major), int(minor))
        if mtime_ns is not None:
            rec["mtime_ns"] = mtime_ns
        if marker:
            rec["acl" if marker == "+" else "selinux"] = True
        if context is not None:
            rec["context"] = strings.setdefault(context, context)
        if inode is not None:
            if blocks is None and not self.layout.known:
                raise self.error("one number before the mode: inode (-i) or block count (-s)? pass options=", start)
            rec["inode"] = int(inode)
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
            self.last = _Open(rec, field, mode, size, True, start)
            return
        self.last = _Open(rec, field, mode, size, False, start)
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

    def settle(self, o: _Open) -> None:
        """Decode the name field of ``o`` and say whether a literal name is complete."""
        field, mode = o.field, o.mode
        layout = self.layout
        target: str | None
        try:
            if not self.literal:
                name, target = self._quoted_decorated(field, mode, o.size)
            elif not self.plain:
                try:
                    name, target = decorated_field(field, mode, o.size, layout)
                except LossyName:
                    raise
                except NameError_:
                    if mode[0] == _SYMLINK_MODE or not field:
                        return  # may be completed by the next lines
                    raise
            elif mode[0] == _SYMLINK_MODE:
                parts = split_symlink_literal(field, o.size)
                if parts is None:
                    return  # the target goes on on the next lines
                name, target = parts
            elif field:
                name, target = field, None
            else:
                return  # an empty name goes on on the next line
        except NameError_ as exc:
            raise self.error(f"bad name ({exc})", o.pos, o.rec["line"]) from None
        if mode[0] == _SYMLINK_MODE:
            if target is None:
                raise self.error("symlink without a target", o.pos, o.rec["line"])
            if o.size is not None and len(target.encode("utf-8", "surrogateescape")) != o.size:
                raise self.error("symlink size differs from its target's length", o.pos, o.rec["line"])
            o.rec["target"] = target
        elif target is not None:  # pragma: no cover - decoders give targets to links only
            raise self.error("target on a non-symlink", o.pos, o.rec["line"])
        o.rec["name"] = name
        o.complete = True

    def _quoted_decorated(self, field: str, mode: str, size: int | None) -> tuple[str, str | None]:
        """A quoted name field, without ls's colors and indicator (see ls_marks)."""
        layout = self.layout
        symlink = mode[0] == _SYMLINK_MODE
        if not (layout.color or layout.classify or layout.lossy):
            return self._quoted(field, symlink)
        error: NameError_ | None = None
        for candidate in strip_decorations(field, mode, layout):
            try:
                name, target = self._quoted(candidate, symlink)
            except NameError_ as exc:
                error = exc
                continue
            if target is not None and size is not None and len(target.encode("utf-8", "surrogateescape")) != size:
                continue
            if layout.lossy and "?" in name + (target or ""):
                raise LossyName("-q printed '?' for characters it hides: the name is lost (list without -q, with -b)")
            return name, target
        raise error or NameError_("symlink size differs from its target's length")

    def _quoted(self, field: str, symlink: bool) -> tuple[str, str | None]:
        """A ``-b``/``-Q``/shell-escape name field; ``-b`` fields without a backslash are
        the name as it is (a raw space only stands in `` -> ``)."""
        quoting = self.layout.quoting
        if quoting is Quoting.ESCAPE and "\\" not in field:
            if not symlink and field and " " not in field:
                return field, None
            if symlink and field.count(" ") == 2:
                name, arrow, target = field.partition(" -> ")
                if arrow and name and target:
                    return name, target
        return decode_name_field(field, quoting, symlink)

    def extend(self, line: str, pos: int) -> None:
        """The next line of the last entry's literal name (or target)."""
        o = self.last
        assert o is not None
        o.field += "\n" + line
        o.rec["line"] += "\n" + line
        o.complete = False
        o.rec.pop("target", None)
        self.settle(o)

    def close(self) -> None:
        """The listing (or a block) ends: the last entry must be complete."""
        o = self.last
        if o is not None and not o.complete:
            self.settle(o)
            if not o.complete:
                raise self.error("the listing ends inside a name", o.pos, o.rec["line"])
        self.last = None

    # -- the lines between entries ------------------------------------------------------
    def gap(self, a: int, b: int, *, at_end: bool) -> None:
        """Read the non-entry lines ``text[a:b]`` (headers, totals, blanks, name parts)."""
        lines = self.text[a:b].split("\n")
        offsets = [a]
        for line in lines[:-1]:
            offsets.append(offsets[-1] + len(line) + 1)
        i = 0
        while i < len(lines):
            line, pos = lines[i], offsets[i]
            last = self.last
            if last is not None and self.literal and not last.complete:
                self.extend(line, pos)
                i += 1
                continue
            if line == "":
                found = self.header_at(lines, i + 1, at_end)
                if found is not None:
                    self.close()
                    i = self.enter(found, i + 1)
                    continue
                if self.literal and last is not None:
                    self.extend(line, pos)
                    i += 1
                    continue
                if i + 1 < len(lines):
                    raise self.error(
                        "expected a directory header ('dir:' then 'total N') after a blank line",
                        offsets[i + 1],
                        lines[i + 1],
                    )
                raise self.error("unexpected blank line", pos, line)
            if self.state == "start":
                if TOTAL_RE.fullmatch(line):
                    self.state = "entries"
                    i += 1
                    continue
                found = self.header_at(lines, i, at_end)
                if found is not None:
                    i = self.enter(found, i)
                    continue
                raise self.error("expected a directory header ('dir:' then 'total N')", pos, line)
            if self.literal and last is not None:
                self.extend(line, pos)
                i += 1
                continue
            raise self.error("not an ls -l line", pos, line)

    def header_at(self, lines: list[str], k: int, at_end: bool) -> tuple[str, int, bool] | None:
        """A directory header at ``lines[k]``: (directory, lines it spans, total follows)."""
        parts: list[str] = []
        j = k
        while j < len(lines) and len(parts) < MAX_HEADER_LINES:
            cur = lines[j]
            if cur == "" and (not parts or self.literal):
                return None
            parts.append(cur)
            if cur.endswith(":"):
                nxt = lines[j + 1] if j + 1 < len(lines) else None
                total = nxt is not None and TOTAL_RE.fullmatch(nxt) is not None
                unreadable = not self.literal and ((nxt is None and at_end) or nxt == "")
                if total or unreadable:
                    try:
                        return decode_header("\n".join(parts)[:-1], self.layout.quoting), len(parts), total
                    except NameError_:
                        return None
            if not self.literal:
                return None
            j += 1
        return None

    def enter(self, found: tuple[str, int, bool], i: int) -> int:
        """Start the block of a header at line ``i``; the index after it (and its total)."""
        directory, count, total = found
        self.directory = directory
        self.align = None
        # without a total: an unreadable directory (no entries, a blank line may follow)
        self.state = "entries" if total else "start"
        return i + count + (1 if total else 0)


def _split_lines(text: str) -> str:
    return text[:-1] if text.endswith("\n") else text


def _validate(records: list[dict[str, Any]]) -> list[FileEntry]:
    try:
        return _ENTRIES.validate_python(records)
    except ValidationError as exc:  # pragma: no cover - records are built by the reader
        raise ParseError(f"invalid entries ({exc.error_count()} errors)") from None


def _reader(options: object, now: datetime | None, tz: tzinfo | None, directory: str | None) -> _Reader:
    try:  # bad options, or a +FORMAT the reader cannot read
        return _Reader(layout_from_options(options), now, tz, directory)  # type: ignore[arg-type]
    except ValueError as exc:
        raise ParseError(str(exc)) from None


def parse_ls(
    text: str | bytes,
    *,
    now: datetime | None = None,
    tz: tzinfo | None = None,
    options: str | Iterable[str] | None = None,
    directory: str | None = None,
) -> list[FileEntry]:
    """All entries of an ``ls -l`` listing (see the module docstring for what is read).

    ``now``: when ls ran (to infer the year of recent times; default: now). ``tz``: the zone
    ls printed local times in (default: the local zone). ``options``: the ls flags used.
    ``directory``: the directory that was listed, given to every entry printed before any
    ``dir:`` header (so ``entry.path`` names it); entries under a header get the header's.
    """
    reader = _reader(options, now, tz, directory)
    body = _split_lines(_text(text))
    if body or text:
        reader.feed(body, 1)
    reader.close()
    return _validate(reader.records)


def iter_ls(
    lines: Iterable[str | bytes],
    *,
    now: datetime | None = None,
    tz: tzinfo | None = None,
    options: str | Iterable[str] | None = None,
    directory: str | None = None,
) -> Iterator[FileEntry]:
    """The entries of an ``ls -l`` listing given line by line (``\\n`` optional), as
    ``parse_ls`` reads them, yielded in chunks of validated entries."""
    reader = _reader(options, now, tz, directory)
    chunk: list[str] = []
    base = 1
    done = 0
    for raw in lines:
        line = _text(raw)
        chunk.append(line[:-1] if line.endswith("\n") else line)
        if len(chunk) >= CHUNK and reader.shape.regex.match(chunk[-1]):
            # cut before an entry-shaped line: it starts an entry or goes on with the
            # last one, either way the reader's state carries over
            tail = chunk.pop()
            reader.feed("\n".join(chunk), base)
            base += len(chunk)
            chunk = [tail]
            ready = reader.records[done:-1]  # the last one may go on in the next chunk
            done += len(ready)
            yield from _validate(ready)
    if chunk:
        reader.feed("\n".join(chunk), base)
    reader.close()
    yield from _validate(reader.records[done:])

"""Parse GNU ``ls -l`` output (as ``dtls -l`` prints it) into :class:`FileEntry` models.

``parse_ls(text)`` and its streaming twin ``iter_ls(lines)`` are pure functions. They read
what GNU ls prints with stdout a pipe, with any of ``-a -A -h --si -i -s -n -g -o -d -R``,
several operands (file operands first, then ``dir:`` headers, ``total N`` lines and blank
separators), ``--full-time`` / ``--time-style=full-iso|long-iso|iso|+%s|+%s.%N`` or the
locale's default style (C/English, German, French month names and ``total``/``insgesamt``),
and the quoting styles literal, ``-b``, ``-Q`` and ``shell-escape`` (see ``ls_names``,
``ls_time``, ``ls_line`` for each column).

``options`` (the ls argv, or an option string) settles what the text cannot say: whether a
single number before the mode is the inode (``-i``) or the block count (``-s``), whether a
single name column is the owner (``-o``) or the group (``-g``), and the quoting style.
Without options the parser reads what plain ``ls -l`` prints with stdout a pipe (what
``dtls -l`` returns): owner and group columns and the *literal* quoting style, so names such
as ``it's`` or ``a\\b`` are read as they are; it raises :class:`ParseError` where a line reads
two ways. Pass ``options=`` for ``-b``, ``-Q``, ``--quoting-style``, ``-i``, ``-s``, ``-g``,
``-o``. The unambiguous form, for when the library
runs ls itself, is ``UNAMBIGUOUS_LS_OPTIONS`` with ``UNAMBIGUOUS_LS_ENV``: one line per entry,
escaped names, exact nanosecond times.

Literal names with newlines (the default style) span several lines. The rules, applied in
order and never by guessing:

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

Speed: entry lines of the common shapes (the default style with C month names, and the
unambiguous form) are read by ``ls_fast.FastReader`` with one regex and cached dates, and
every other line by the careful reader above; the fast path only accepts lines the careful
reader would read the same way (tests/test_parse_ls_fast.py runs both on generated lines).
``parse_ls`` then builds the models in bulk (``models.files.file_entries``) with the cyclic
GC paused. ``bench/parse_ls.py`` measures it against the careful reader alone.

Errors: every problem is a :class:`ParseError` with the 1-based line number and the raw
line; no other exception leaves the parser. Lines end at ``\\n`` only (a ``\\r`` belongs to
the name). Bytes are decoded as UTF-8 with ``surrogateescape`` (raw bytes are kept).
"""

from __future__ import annotations

import gc
from collections import deque
from collections.abc import Iterable, Iterator
from datetime import datetime, tzinfo
from typing import Any

from pydantic import TypeAdapter, ValidationError

from taurus_datamover.errors import ParseError
from taurus_datamover.models.files import EntryType, FileEntry, file_entries
from taurus_datamover.parsers.ls_fast import FastReader
from taurus_datamover.parsers.ls_line import TOTAL_RE, Head, LineAmbiguous, read_head
from taurus_datamover.parsers.ls_names import (
    NameError_,
    Quoting,
    decode_header,
    decode_name_field,
    split_symlink_literal,
)
from taurus_datamover.parsers.ls_options import Layout, layout_from_options
from taurus_datamover.parsers.ls_time import DateMatch, resolve_date

__all__ = ["UNAMBIGUOUS_LS_ENV", "UNAMBIGUOUS_LS_OPTIONS", "iter_ls", "parse_ls"]

#: ls options that make every entry one line with an exactly decodable name and time.
UNAMBIGUOUS_LS_OPTIONS: tuple[str, ...] = ("-l", "-b", "--time-style=+%s.%N")
#: Environment for that listing (C month names, ``total``, octal escapes for non-ASCII).
UNAMBIGUOUS_LS_ENV: dict[str, str] = {"LC_ALL": "C"}

#: How many lines a literal directory header with newlines may span.
MAX_HEADER_LINES = 64

_ENTRIES_ADAPTER: TypeAdapter[list[FileEntry]] = TypeAdapter(list[FileEntry])


def _text(raw: str | bytes) -> str:
    if isinstance(raw, bytes):
        return raw.decode("utf-8", "surrogateescape")
    return raw


class _Lines:
    """Lines with 1-based numbers and lookahead (a header is known by what follows it)."""

    def __init__(self, lines: Iterable[str | bytes]) -> None:
        self._it = iter(lines)
        self._buf: deque[str] = deque()
        self.lineno = 0

    def _pull(self) -> str | None:
        try:
            raw = next(self._it)
        except StopIteration:
            return None
        line = _text(raw)
        return line[:-1] if line.endswith("\n") else line

    def peek(self, k: int = 0) -> str | None:
        while len(self._buf) <= k:
            line = self._pull()
            if line is None:
                return None
            self._buf.append(line)
        return self._buf[k]

    def next(self) -> str | None:
        line = self._buf.popleft() if self._buf else self._pull()
        if line is not None:
            self.lineno += 1
        return line


class _Pending:
    """An entry whose literal name may still continue on the next lines."""

    __slots__ = ("head", "field", "lines", "lineno", "directory")

    def __init__(self, head: Head, line: str, lineno: int, directory: str | None) -> None:
        self.head = head
        self.field = line[head.name_start :]
        self.lines = [line]
        self.lineno = lineno
        self.directory = directory

    def add(self, line: str) -> None:
        self.field += "\n" + line
        self.lines.append(line)

    def split(self) -> tuple[str, str | None] | None:
        """``(name, target)`` when the literal field is complete, else ``None``."""
        if self.head.type is EntryType.SYMLINK:
            return split_symlink_literal(self.field, self.head.size)
        return (self.field, None) if self.field else None


class _Parser:
    """The careful reader as a state machine over lines, with the fast path in front.

    With ``fast``, entry lines of the common shapes are read by :class:`FastReader`; any
    line it does not accept (headers, totals, blanks, continued names, other styles,
    anything odd) goes through the careful reader, whose state the fast path keeps up to
    date (``family``, ``align``), so both give the same entries and the same ParseError.
    """

    def __init__(self, layout: Layout, now: datetime | None, tz: tzinfo | None,
                 fast: bool = True) -> None:
        self.layout = layout
        self.literal = layout.quoting is Quoting.LITERAL
        # one "now" for the whole listing (the year of recent times is inferred from it)
        self.now = now if now is not None else (
            datetime.now(tz) if tz is not None else datetime.now().astimezone())
        self.tz = tz
        self.fast = FastReader(layout, self.resolve, tz) if fast and FastReader.usable(layout) else None
        self.directory: str | None = None
        self.align: tuple[int, int] | None = None
        self.family: str | None = None
        self.dates: dict[tuple[object, ...], tuple[datetime, int | None]] = {}

    # -- helpers ---------------------------------------------------------------------
    def resolve(self, date: DateMatch) -> tuple[datetime, int | None]:
        """``(mtime, mtime_ns)`` of a timestamp (see ``ls_time.resolve_date``)."""
        return resolve_date(date, self.now, self.tz)

    def head(self, line: str, lineno: int) -> Head | None:
        try:
            head = read_head(line, self.layout)
        except LineAmbiguous as exc:
            raise ParseError(str(exc), lineno=lineno, line=line) from None
        if head is None:
            return None
        if self.family is None:
            self.family = head.date.family
        elif head.date.family != self.family:
            raise ParseError(
                f"timestamp style {head.date.family!r} differs from the listing's "
                f"{self.family!r}", lineno=lineno, line=line)
        if self.literal:
            cols = (head.mode_col, head.date_col)
            if self.align is None:
                self.align = cols
            elif cols != self.align:
                raise ParseError(
                    "entry-shaped line not aligned with its block: a forged line inside a "
                    "name with a newline? (list with -b to be sure)", lineno=lineno, line=line)
        return head

    def header_ahead(self, src: _Lines, base: int) -> tuple[str, int] | None:
        """A header starting at lookahead ``base``: (decoded text, lines it spans)."""
        parts: list[str] = []
        k = base
        while True:
            cur = src.peek(k)
            if cur is None or (cur == "" and not parts) or (cur == "" and self.literal):
                return None
            parts.append(cur)
            if cur.endswith(":"):
                nxt = src.peek(k + 1)
                if nxt is not None and TOTAL_RE.fullmatch(nxt):
                    text = "\n".join(parts)[:-1]
                    try:
                        return decode_header(text, self.layout.quoting), len(parts)
                    except NameError_:
                        return None
                if not self.literal and (nxt is None or nxt == ""):
                    try:  # an unreadable directory: header, no total
                        return decode_header("\n".join(parts)[:-1], self.layout.quoting), 1
                    except NameError_:
                        return None
            if not self.literal or len(parts) >= MAX_HEADER_LINES:
                return None
            k += 1

    def record(self, head: Head, name: str, target: str | None, lines: list[str],
               lineno: int, directory: str | None) -> dict[str, Any]:
        raw = "\n".join(lines)
        if head.type is EntryType.SYMLINK and target is None:
            raise ParseError("symlink without a target", lineno=lineno, line=raw)
        if target is not None and head.type is not EntryType.SYMLINK:
            raise ParseError("target on a non-symlink", lineno=lineno, line=raw)
        if (target is not None and head.size is not None
                and len(target.encode("utf-8", "surrogateescape")) != head.size):
            raise ParseError("symlink size differs from its target's length", lineno=lineno, line=raw)
        key = head.date[:-1]  # all but name_start: entries of one minute share the result
        resolved = self.dates.get(key)
        if resolved is None:
            try:
                resolved = self.resolve(head.date)
            except (ValueError, OverflowError, OSError) as exc:
                raise ParseError(f"bad timestamp ({exc})", lineno=lineno, line=raw) from None
            if len(self.dates) > 4096:
                self.dates.clear()
            self.dates[key] = resolved
        mtime, mtime_ns = resolved
        return {
            "name": name,
            "directory": directory,
            "type": head.type,
            "mode": head.mode,
            "permissions": head.permissions,
            "acl": head.acl,
            "selinux": head.selinux,
            "links": head.links,
            "owner": head.owner,
            "group": head.group,
            "size": head.size,
            "size_text": head.size_text,
            "device": head.device,
            "mtime": mtime,
            "mtime_precision": head.date.precision,
            "mtime_ns": mtime_ns,
            "target": target,
            "inode": head.inode,
            "blocks": head.blocks,
            "line": raw,
        }

    def finish(self, p: _Pending) -> dict[str, Any]:
        try:
            parts = p.split()
        except NameError_ as exc:
            raise ParseError(str(exc), lineno=p.lineno, line="\n".join(p.lines)) from None
        if parts is None:
            raise ParseError("the listing ends inside a name", lineno=p.lineno,
                             line="\n".join(p.lines))
        return self.record(p.head, parts[0], parts[1], p.lines, p.lineno, p.directory)

    def quoted_entry(self, head: Head, line: str, lineno: int) -> dict[str, Any]:
        try:
            name, target = decode_name_field(
                line[head.name_start :], self.layout.quoting, head.type is EntryType.SYMLINK)
        except NameError_ as exc:
            raise ParseError(f"bad {self.layout.quoting.value} name ({exc})",
                             lineno=lineno, line=line) from None
        return self.record(head, name, target, [line], lineno, self.directory)

    # -- the state machine ---------------------------------------------------------------
    def run(self, src: _Lines) -> Iterator[tuple[dict[str, Any], bool]]:
        """``(record, exact)`` per entry; ``exact``: read by the fast path, with the final
        types of every field (validation would return it unchanged)."""
        state = "start"  # start | header | entries | blank
        pending: _Pending | None = None
        fast = self.fast
        # literal style: an entry read by the fast path, complete, but whose name could
        # still go on on the next line; (record, line, lineno)
        held: tuple[dict[str, Any], str, int] | None = None
        while True:
            line = src.next()
            if line is None:
                break
            n = src.lineno
            if fast is not None and line and (state == "entries" or state == "start"):
                got = fast.read(line)
                # the careful reader would take the line as a new entry, as is: same
                # timestamp style, aligned with its block (literal names), and any
                # pending name complete (else the line would go on with it)
                if got is not None and (
                    (got[1] == self.family or self.family is None)
                    and (not self.literal or self.align is None or self.align == (0, got[2]))
                    and (pending is None or self.complete(pending))
                ):
                    rec, family, col = got
                    self.family = family
                    state = "entries"
                    rec["directory"] = self.directory
                    if pending is not None:
                        yield self.finish(pending), False
                        pending = None
                    if not self.literal:
                        yield rec, True
                        continue
                    self.align = (0, col)
                    if held is not None:
                        yield held[0], True
                    held = (rec, line, n)
                    continue
            if held is not None:  # the careful reader takes over the held entry
                rec, hline, hn = held
                head = self.head(hline, hn)
                assert head is not None, "the fast and careful readers disagree"
                pending = _Pending(head, hline, hn, rec["directory"])
                held = None
            if pending is not None:
                try:
                    complete = pending.split() is not None
                except NameError_:
                    complete = True  # several ' -> ': finish() reports it
                if not complete:
                    pending.add(line)
                    continue
                if line == "":
                    found = self.header_ahead(src, 0)
                    if found is None:
                        pending.add(line)
                        continue
                    yield self.finish(pending), False
                    pending = None
                    self.enter_header(src, found)
                    state = "header"
                    continue
                head = self.head(line, n)
                if head is None:
                    pending.add(line)
                    continue
                yield self.finish(pending), False
                pending = _Pending(head, line, n, self.directory)
                continue
            if state == "header":
                if TOTAL_RE.fullmatch(line):
                    state = "entries"
                    continue
                if line == "" and not self.literal:
                    state = "blank"
                    continue
                raise ParseError("expected a 'total' line after a directory header",
                                 lineno=n, line=line)
            if line == "":
                if state != "entries":
                    raise ParseError("unexpected blank line", lineno=n, line=line)
                state = "blank"
                continue
            if state == "start" and TOTAL_RE.fullmatch(line):
                state = "entries"
                continue
            if state in ("start", "entries"):
                head = self.head(line, n)
                if head is not None:
                    state = "entries"
                    if self.literal:
                        pending = _Pending(head, line, n, self.directory)
                    else:
                        yield self.quoted_entry(head, line, n), False
                    continue
                if state == "entries":
                    raise ParseError("not an ls -l line", lineno=n, line=line)
            # start or after a blank line: a directory header
            src_found = self._header_here(src, line)
            if src_found is None:
                raise ParseError("expected a directory header ('dir:' then 'total N')",
                                 lineno=n, line=line)
            self.enter_header(src, src_found, consumed_first=True)
            state = "header"
        if held is not None:
            yield held[0], True
        if pending is not None:
            yield self.finish(pending), False

    @staticmethod
    def complete(pending: _Pending) -> bool:
        """Whether a pending literal name is complete (a next entry line ends it)."""
        try:
            return pending.split() is not None
        except NameError_:
            return False  # several ' -> ' with a rounded size: the careful path reports it

    def _header_here(self, src: _Lines, first: str) -> tuple[str, int] | None:
        """A header whose first line has just been read (lookahead for the rest)."""
        src._buf.appendleft(first)  # noqa: SLF001 - re-read the first line in the lookahead
        try:
            return self.header_ahead(src, 0)
        finally:
            src._buf.popleft()  # noqa: SLF001

    def enter_header(self, src: _Lines, found: tuple[str, int], consumed_first: bool = False) -> None:
        text, count = found
        for _ in range(count - 1 if consumed_first else count):
            src.next()
        self.directory = text
        self.align = None


def _records(lines: Iterable[str | bytes], now: datetime | None, tz: tzinfo | None,
             options: str | Iterable[str] | None, fast: bool = True
             ) -> Iterator[tuple[dict[str, Any], bool]]:
    try:
        layout = layout_from_options(options)
    except ValueError as exc:
        raise ParseError(str(exc)) from None
    return _Parser(layout, now, tz, fast).run(_Lines(lines))


def _validate_one(rec: dict[str, Any]) -> FileEntry:
    try:
        return FileEntry.model_validate(rec)
    except ValidationError as exc:  # pragma: no cover - records are built by the parser
        raise ParseError(f"invalid entry ({exc.error_count()} errors)", line=rec["line"]) from None


def iter_ls(
    lines: Iterable[str | bytes],
    *,
    now: datetime | None = None,
    tz: tzinfo | None = None,
    options: str | Iterable[str] | None = None,
) -> Iterator[FileEntry]:
    """Yield the entries of an ``ls -l`` listing given line by line (``\\n`` optional).

    ``now``: when ls ran (to infer the year of recent times; default: now). ``tz``: the zone
    ls printed local times in (default: the local zone). ``options``: the ls flags used.
    """
    for rec, exact in _records(lines, now, tz, options):
        yield file_entries([rec], [exact])[0] if exact else _validate_one(rec)


def _split_text(text: str | bytes) -> list[str]:
    s = _text(text)
    if not s:
        return []
    parts = s.split("\n")
    if s.endswith("\n"):
        parts.pop()
    return parts


def parse_ls(
    text: str | bytes,
    *,
    now: datetime | None = None,
    tz: tzinfo | None = None,
    options: str | Iterable[str] | None = None,
) -> list[FileEntry]:
    """All entries of an ``ls -l`` listing (see the module docstring for what is read)."""
    return _parse(text, now, tz, options, fast=True)


def _parse(text: str | bytes, now: datetime | None, tz: tzinfo | None,
           options: str | Iterable[str] | None, *, fast: bool) -> list[FileEntry]:
    """``parse_ls``; ``fast=False`` reads every line with the careful reader and validates
    with ``TypeAdapter(list[FileEntry])``, as before the fast path (for tests, benches)."""
    enabled = gc.isenabled()
    gc.disable()  # building and bulk-validating many small objects: no cyclic GC passes
    try:
        pairs = list(_records(_split_text(text), now, tz, options, fast))
        records = [rec for rec, _ in pairs]
        if fast:
            return file_entries(records, [exact for _, exact in pairs])
        return _ENTRIES_ADAPTER.validate_python(records)
    except ValidationError as exc:  # pragma: no cover - records are built by the parser
        raise ParseError(f"invalid entries ({exc.error_count()} errors)") from None
    finally:
        if enabled:
            gc.enable()

"""The lines between entry lines of ``ls -l``, and the entries they may go on with.

One job, the base of the listing reader: the state of a listing's blocks (the current
directory, whether a ``total`` must follow, the alignment of the block's entries) and the
rules for every line that is not shaped like an entry: directory headers (possibly spanning
lines), ``total`` lines of any locale, blank separators, and the rest of a literal name with
newlines. The rules are listed in the package docstring; :class:`~.reader.Reader` reads the
entry lines themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from taurus_datamover.errors import ParseError
from taurus_datamover.parsers.ls.fields import read_field
from taurus_datamover.parsers.ls.names import NameFieldError, Quoting, decode_header
from taurus_datamover.parsers.ls.options import Layout
from taurus_datamover.parsers.ls.shape import TOTAL_RE

__all__ = ["MAX_HEADER_LINES", "Blocks", "OpenEntry"]

#: How many lines a literal directory header with newlines may span.
MAX_HEADER_LINES = 64
_SYMLINK_MODE = "l"


@dataclass(slots=True)
class OpenEntry:
    """The last entry read, whose literal name may still go on on the next lines."""

    rec: dict[str, Any]
    field: str
    mode: str
    size: int | None
    complete: bool
    pos: int


class Blocks:
    """The state of one listing between its entry lines (see the module docstring)."""

    def __init__(self, layout: Layout, directory: str | None) -> None:
        self.layout = layout
        self.literal = layout.quoting is Quoting.LITERAL
        self.directory = directory
        self.state = "start"  # start | header (a total must follow) | entries
        self.align: tuple[int, int] | None = None
        self.align_width: tuple[int, int] | None = None
        self.last: OpenEntry | None = None  # the last entry read
        self.text = ""
        self.base = 1

    def error(self, message: str, pos: int, line: str | None = None) -> ParseError:
        lineno = self.base + self.text.count("\n", 0, pos)
        if line is None:
            end = self.text.find("\n", pos)
            line = self.text[pos : end if end >= 0 else len(self.text)]
        return ParseError(message, lineno=lineno, line=line)

    def settle(self, o: OpenEntry) -> None:
        """Decode the name field of ``o`` and say whether a literal name is complete."""
        mode = o.mode
        try:
            parts = read_field(o.field, mode, o.size, self.layout)
        except NameFieldError as exc:
            raise self.error(f"bad name ({exc})", o.pos, o.rec["line"]) from None
        if parts is None:
            return  # a literal name that the next lines may complete
        name, target = parts
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
            elif self.state == "start":
                if TOTAL_RE.fullmatch(line):
                    self.state = "entries"
                    i += 1
                    continue
                found = self.header_at(lines, i, at_end)
                if found is not None:
                    i = self.enter(found, i)
                    continue
                raise self.error("expected a directory header ('dir:' then 'total N')", pos, line)
            if self.literal and last is not None:  # a part of the last name
                self.extend(line, pos)
                i += 1
                continue
            if line:
                raise self.error("not an ls -l line", pos, line)
            if i + 1 < len(lines):
                raise self.error(
                    "expected a directory header ('dir:' then 'total N') after a blank line",
                    offsets[i + 1],
                    lines[i + 1],
                )
            raise self.error("unexpected blank line", pos, line)

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
                    except NameFieldError:
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

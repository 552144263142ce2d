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

One reader: entry lines are matched by one regular expression built from the options
(``shape``); the regular lines of a block are read a run at a time (one ``findall``), the
others line by line, and every line between entries (headers, ``total`` lines, blank
separators, the rest of a literal name with newlines) by the rules below. The models are
built through pydantic's public validation, ``TypeAdapter(list[FileEntry])``, a run at a time.

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

from collections.abc import Iterable, Iterator
from datetime import datetime, tzinfo

from taurus_datamover.errors import ParseError
from taurus_datamover.models.files import FileEntry
from taurus_datamover.parsers.ls.options import layout_from_options
from taurus_datamover.parsers.ls.reader import CHUNK, Reader

__all__ = ["UNAMBIGUOUS_LS_ENV", "UNAMBIGUOUS_LS_OPTIONS", "iter_ls", "parse_ls"]

#: ls options that make every entry one line with an exactly decodable name and time.
UNAMBIGUOUS_LS_OPTIONS: tuple[str, ...] = ("-l", "-b", "--time-style=+%s.%N")
#: Environment for that listing (C month names, ``total``, octal escapes for non-ASCII).
UNAMBIGUOUS_LS_ENV: dict[str, str] = {"LC_ALL": "C"}


def _text(raw: str | bytes) -> str:
    if isinstance(raw, bytes):
        return raw.decode("utf-8", "surrogateescape")
    return raw


def _reader(options: object, now: datetime | None, tz: tzinfo | None, directory: str | None) -> Reader:
    try:  # bad options, or a +FORMAT the reader cannot read
        return Reader(layout_from_options(options), now, tz, directory)  # type: ignore[arg-type]
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
    body = _text(text)
    body = body[:-1] if body.endswith("\n") else body
    if body or text:
        reader.feed(body, 1)
    reader.close()
    reader.flush(final=True)
    return reader.entries


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
            reader.flush()  # the last one may go on in the next chunk
            yield from reader.entries
            reader.entries = []
    if chunk:
        reader.feed("\n".join(chunk), base)
    reader.close()
    reader.flush(final=True)
    yield from reader.entries

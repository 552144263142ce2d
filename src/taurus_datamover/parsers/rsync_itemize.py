"""rsync's itemized changes (``--itemize-changes``, ``%i`` of ``--out-format``): pure parser.

One line per entry rsync would change (``--dry-run``) or did change::

    >f.st...... data/run 1.csv
    >f+++++++++ new\\#012line
    cd+++++++++ results/
    *deleting   old.txt

The first word is ``YXcstpoguax`` (11 characters): ``Y`` the update (``<`` sent, ``>``
received, ``c`` local change, ``h`` hard link, ``.`` none, ``*`` a message such as
``*deleting``), ``X`` the file type (``f d L D S``), then one letter per changed attribute
(``c`` checksum, ``s`` size, ``t`` time, ...), ``.`` unchanged, all ``+`` for a new entry.

rsync escapes names: a byte that is not printable (``\\n``, non-ASCII in the C locale) and a
backslash that would read as an escape as ``\\#ooo`` (octal), so every name reads back to
its exact bytes and none can start a line. Directory names end in ``/``. The default
format's `` -> TARGET`` of a symlink is ambiguous when a name holds `` -> ``: use
``--out-format=%i %n``, as the sync verification does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from taurus_datamover.errors import ParseError

_ITEM = re.compile(r"(?P<update>[<>ch.])(?P<type>[fdLDS])(?P<attrs>[.+ a-zA-Z?]{9})")
_DELETING = "*deleting   "  # %i is 11 characters wide, then a space
_ESCAPE = re.compile(rb"\\#([0-7]{3})")
_CREATED = "created directory "


@dataclass(frozen=True)
class ItemizedChange:
    """One itemized line: ``update`` and ``file_type`` characters, the nine attribute
    characters, and the entry's ``name`` as raw bytes (a directory without its ``/``)."""

    update: str
    file_type: str
    attributes: str
    name: bytes

    @property
    def is_new(self) -> bool:
        """The entry does not exist at the destination (``+++++++++``)."""
        return self.attributes == "+" * 9

    @property
    def is_deletion(self) -> bool:
        return self.update == "*"

    @property
    def changed(self) -> frozenset[str]:
        """The attribute letters that differ (``c``, ``s``, ``t``, ...); empty for new."""
        return frozenset(ch for ch in self.attributes if ch not in ". +")

    @property
    def transfers_data(self) -> bool:
        """The file's data would be (or was) sent: ``<`` or ``>``."""
        return self.update in "<>"


def decode_rsync_name(text: str) -> bytes:
    """The bytes of a name as rsync printed it (``\\#ooo`` escapes undone)."""
    raw = text.encode("utf-8", "surrogateescape")
    return _ESCAPE.sub(lambda m: bytes([int(m.group(1), 8)]), raw)


def parse_itemized_line(line: str, *, lineno: int = 0) -> ItemizedChange:
    """The change of one ``%i %n`` line; :class:`ParseError` otherwise."""
    if line.startswith(_DELETING):
        update, file_type, attributes, rest = "*", "", "deleting", line[len(_DELETING) :]
    else:
        found = _ITEM.match(line)
        if found is None or line[11:12] != " ":
            raise ParseError("not an itemized rsync line", lineno=lineno, line=line)
        update, file_type, attributes = found.group("update"), found.group("type"), found.group("attrs")
        rest = line[12:]
    if not rest:
        raise ParseError("itemized line without a name", lineno=lineno, line=line)
    name = decode_rsync_name(rest)
    if file_type == "d" and name.endswith(b"/") and name != b"/":
        name = name[:-1]
    return ItemizedChange(update, file_type, attributes, name)


def parse_itemized(text: str, *, tag: str | None = None) -> list[ItemizedChange]:
    """Every itemized line of ``text``, else :class:`ParseError`. With ``tag`` (of
    ``--out-format=TAG%i %n``) only lines starting with it are read, passing over rsync's and
    Slurm's own messages; without, every non-empty line must be (or ``created directory``)."""
    changes: list[ItemizedChange] = []
    for lineno, raw in enumerate(text.split("\n"), start=1):
        line = raw.rstrip("\r")
        if tag is not None:
            if not line.startswith(tag):
                continue
            line = line[len(tag) :]
        elif not line or line.startswith(_CREATED):
            continue
        changes.append(parse_itemized_line(line, lineno=lineno))
    return changes

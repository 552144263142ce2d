"""Read the columns of one ``ls -l`` entry line, up to where its name begins.

One job: from a line, the inode / blocks / mode / links / owner / group / size-or-device /
timestamp columns and the index where the name field starts; ``None`` when the line is not
shaped like an entry (the caller decides whether it is a header, a total, a continuation of
a name, or an error). Raises :class:`LineAmbiguous` when the line is an entry but its
columns can be read in more than one way.
"""

from __future__ import annotations

import re
import unicodedata
from typing import NamedTuple

from taurus_datamover.models.files import EntryType
from taurus_datamover.parsers.ls_options import Layout
from taurus_datamover.parsers.ls_time import DateMatch, match_date

__all__ = ["Head", "LineAmbiguous", "TOTAL_RE", "TYPES", "display_width", "permissions", "read_head"]

_PREFIX = re.compile(
    r" *(?:(\S+) +)?(?:(\S+) +)?"
    r"([-dlpsbc])([-r][-w][-xsS][-r][-w][-xsS][-r][-w][-xtT])([+.]?) +(\d+) "
)
_TOKEN = re.compile(r"\S+")
_HUMAN = re.compile(r"\d+(?:[.,]\d+)?[KMGTPEZYRQk]?")
#: ``total N`` in C/English, French (``total``) and German (``insgesamt``).
TOTAL_RE = re.compile(r"(?:total|insgesamt) \d+(?:[.,]\d+)?[KMGTPEZYRQk]?")
_MAX_TOKENS = 16

_TYPES = {
    "-": EntryType.FILE,
    "d": EntryType.DIRECTORY,
    "l": EntryType.SYMLINK,
    "p": EntryType.FIFO,
    "s": EntryType.SOCKET,
    "b": EntryType.BLOCK_DEVICE,
    "c": EntryType.CHAR_DEVICE,
}
# bits of each of the nine permission characters
_BITS: tuple[dict[str, int], ...] = (
    {"r": 0o400},
    {"w": 0o200},
    {"x": 0o100, "s": 0o4100, "S": 0o4000},
    {"r": 0o040},
    {"w": 0o020},
    {"x": 0o010, "s": 0o2010, "S": 0o2000},
    {"r": 0o004},
    {"w": 0o002},
    {"x": 0o001, "t": 0o1001, "T": 0o1000},
)
_PERM_CACHE: dict[str, int] = {}
#: Entry type of each mode character.
TYPES = _TYPES


class LineAmbiguous(ValueError):
    """An entry line whose columns can be read in more than one way."""


class Head(NamedTuple):
    """Everything of an entry line before its name."""

    inode: int | None
    blocks: str | None
    type: EntryType
    mode: str
    permissions: int
    acl: bool
    selinux: bool
    links: int
    owner: str | None
    group: str | None
    size: int | None
    size_text: str | None
    device: tuple[int, int] | None
    date: DateMatch
    name_start: int
    mode_col: int
    date_col: int


def display_width(text: str) -> int:
    """Terminal columns of ``text`` (ls aligns by display width, not by characters)."""
    if text.isascii():
        return len(text)
    width = 0
    for ch in text:
        if unicodedata.combining(ch):
            continue
        width += 2 if unicodedata.east_asian_width(ch) in "WF" else 1
    return width


def permissions(perm: str) -> int:
    """The mode bits of the nine permission characters (``rwsr-xr-T`` -> 0o5754), cached."""
    cached = _PERM_CACHE.get(perm)
    if cached is None:
        cached = 0
        for table, ch in zip(_BITS, perm):
            cached |= table.get(ch, 0)
        _PERM_CACHE[perm] = cached
    return cached


Token = tuple[int, int, str]


def _size_at(
    toks: list[Token], k: int, is_dev: bool, line: str
) -> tuple[int | None, str | None, tuple[int, int] | None, DateMatch] | None:
    if k >= len(toks):
        return None
    tok = toks[k][2]
    if is_dev:
        if k + 1 >= len(toks) or not tok.endswith(",") or not tok[:-1].isdigit():
            return None
        minor = toks[k + 1][2]
        if not (minor.isascii() and minor.isdigit()):
            return None
        date = match_date(toks, k + 2, line)
        if date is None:
            return None
        return None, None, (int(tok[:-1]), int(minor)), date
    if not tok.isascii():
        return None
    if tok.isdigit():
        size: int | None = int(tok)
    elif _HUMAN.fullmatch(tok):
        size = None
    else:
        return None
    date = match_date(toks, k + 1, line)
    if date is None:
        return None
    return size, tok, None, date


def read_head(line: str, layout: Layout) -> Head | None:
    """The columns of an entry line, or ``None`` if the line is not shaped like an entry."""
    m = _PREFIX.match(line)
    if m is None:
        return None
    lead1, lead2, tchar, perm, marker, links = m.groups()
    inode: int | None = None
    blocks: str | None = None
    leads = [x for x in (lead1, lead2) if x is not None]
    if len(leads) == 2:
        if not (lead1.isascii() and lead1.isdigit()) or layout.inode is False or layout.blocks is False:
            return None
        inode, blocks = int(lead1), lead2
    elif len(leads) == 1:
        lead = leads[0]
        if layout.known:
            if layout.inode and not layout.blocks:
                if not (lead.isascii() and lead.isdigit()):
                    return None
                inode = int(lead)
            elif layout.blocks and not layout.inode:
                blocks = lead
            else:
                return None
        elif lead.isascii() and lead.isdigit():
            raise LineAmbiguous(
                "one number before the mode: inode (-i) or block count (-s)? pass options="
            )
        elif _HUMAN.fullmatch(lead):
            blocks = lead
        else:
            return None
    elif layout.known and (layout.inode or layout.blocks):
        return None
    if not (blocks is None or _HUMAN.fullmatch(blocks)):
        return None

    is_dev = tchar in "bc"
    n_ids = int(layout.owner) + int(layout.group)
    # tokens after the links: ids, size (two for a device), at most three for the date
    toks: list[Token] = []
    scan = _TOKEN.finditer(line, m.end())
    want = n_ids + 6
    for tm in scan:
        toks.append((tm.start(), tm.end(), tm.group()))
        if len(toks) >= want:
            break
    found = None
    k = n_ids
    while k < len(toks):
        found = _size_at(toks, k, is_dev, line)
        if found is not None or n_ids < 2 or len(toks) >= _MAX_TOKENS:
            break
        k += 1  # a group name with spaces: look one token further
        nxt = next(scan, None)
        if nxt is not None:
            toks.append((nxt.start(), nxt.end(), nxt.group()))
    if found is None:
        return None
    if not layout.known:
        for early in range(min(k, 2)):
            alt = _size_at(toks, early, is_dev, line)
            if alt is not None and alt[3].family == found[3].family:
                raise LineAmbiguous(
                    "the line reads with fewer owner/group columns too (-g/-o?); pass options="
                )
    owner: str | None = None
    group: str | None = None
    if layout.owner and layout.group:
        owner = toks[0][2]
        group = line[toks[1][0] : toks[k - 1][1]]
    elif layout.owner:
        owner = line[toks[0][0] : toks[k - 1][1]] if k else None
    elif layout.group:
        group = line[toks[0][0] : toks[k - 1][1]] if k else None
    size, size_text, device, date = found
    date_tok = k + (2 if is_dev else 1)
    mode_start = m.start(3)
    return Head(
        inode=inode,
        blocks=blocks,
        type=_TYPES[tchar],
        mode=tchar + perm,
        permissions=permissions(perm),
        acl=marker == "+",
        selinux=marker == ".",
        links=int(links),
        owner=owner,
        group=group,
        size=size,
        size_text=size_text,
        device=device,
        date=date,
        name_start=date.name_start,
        mode_col=mode_start,
        date_col=display_width(line[: toks[date_tok - 1][1]]),
    )

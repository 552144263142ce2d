"""The mode column of ``ls -l`` (``drwxr-sr-T``) and the display width ls aligns by.

One job: the entry type and permission bits of a mode string, computed once per distinct
mode of a listing (a listing has few), and the terminal width of a text.
"""

from __future__ import annotations

import unicodedata

from taurus_datamover.models.files import EntryType

__all__ = ["MODES", "ModeInfo", "display_width", "mode_info", "permissions"]

TYPES = {
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

ModeInfo = tuple[str, EntryType, int]
#: the modes seen so far (``MODES.get(mode) or mode_info(mode)`` is the fast lookup)
MODES: dict[str, ModeInfo] = {}
_CACHE = MODES


def permissions(perm: str) -> int:
    """The mode bits of the nine permission characters (``rwsr-xr-T`` -> 0o5754)."""
    bits = 0
    for table, ch in zip(_BITS, perm):
        bits |= table.get(ch, 0)
    return bits


def mode_info(mode: str) -> ModeInfo:
    """``(mode, type, permission bits)`` of a 10-character mode; the mode string is shared
    by every entry with that mode (one object, not one per line)."""
    found = _CACHE.get(mode)
    if found is None:
        found = (mode, TYPES[mode[0]], permissions(mode[1:]))
        if len(_CACHE) < 4096:
            _CACHE[mode] = found
    return found


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

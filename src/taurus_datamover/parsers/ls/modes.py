"""The display width ls aligns its columns by.

One job: the terminal width of a text (ls pads every column to the same width, so lines
with non-ASCII ids differ in characters but not in width). The mode column's meaning
(type, permission bits) is the model's: see ``FileEntry.type`` and ``permissions``.
"""

from __future__ import annotations

import unicodedata

__all__ = ["display_width"]


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

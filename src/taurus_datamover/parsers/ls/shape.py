"""The shape of an ``ls -l`` entry line as one regular expression, built from the layout.

One job: from a :class:`Layout` and the date families allowed, the multi-line pattern that
matches every entry line of a listing in one pass over the whole text (``finditer``), with
its groups always in the same places (a column the layout does not have is a group that
never matches, so the reader unpacks every match the same way):

``INODE BLOCKS MODE MARKER LINKS OWNER GROUP CONTEXT SIZEWRAP SIZE HUMAN MAJOR MINOR
DATE... NAME``

An id column that may hold spaces (the group, or the only id column of ``-g``/``-o``) is
matched lazily: ``alice domain users 5 ...`` reads as group ``domain users``. Numbers are
ASCII digits only.

``run_for``: the pattern of a block's regular lines (one-word ids, no device, the size at
the block's column), with fewer groups, for one ``findall`` over a run of lines.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from taurus_datamover.parsers.ls.dates import FAMILIES
from taurus_datamover.parsers.ls.names import Quoting
from taurus_datamover.parsers.ls.options import Layout
from taurus_datamover.parsers.ls.time_format import format_fragment

__all__ = ["DATE_START", "TOTAL_RE", "Run", "Shape", "date_fragment", "run_for", "shape_for"]

_MODE = r"([-dlpsbc][-r][-w][-xsS][-r][-w][-xsS][-r][-w][-xtT])([+.]?) +([0-9]+) +"
_HUMAN = r"[0-9]+(?:[.,][0-9]+)?[KMGTPEZYRQk]?"
#: the size: bytes, or rounded (``-h``)
_SIZE = r"(?:([0-9]+)|([0-9]+[.,][0-9]+[KMGTPEZYRQk]?|[0-9]+[KMGTPEZYRQk])"
#: ``total N`` of any locale (``total``, ``insgesamt``, ``合計``, ``итого``): one word, a size.
TOTAL_RE = re.compile(r"\S+ " + _HUMAN)
_NEVER = r"((?!))?"  # a group that never takes part: a column this layout does not have
_ONE = r"(\S+)"
_SPACED = r"(\S+(?: \S+)*?)"
#: index of the first date group (after the fixed columns)
DATE_START = 13


class Shape(NamedTuple):
    """A compiled entry-line pattern and what its date groups are."""

    regex: re.Pattern[str]
    families: tuple[str, ...]
    #: (family, index of its wrapper group in ``match.groups()``, number of groups)
    spans: tuple[tuple[str, int, int], ...]
    format_fields: tuple[tuple[str, ...], ...]


class Run(NamedTuple):
    """The regular lines of a block: their pattern and the lines it does not match."""

    #: groups ``MODE MARKER LINKS OWNER GROUP SIZE HUMAN DATE NAME`` (an absent id is "")
    regex: re.Pattern[str]
    irregular: re.Pattern[str]


def date_fragment(layout: Layout, family: str) -> str:
    """The date pattern of one family (its first group wraps the whole date)."""
    return FAMILIES[family] if family != "format" else format_fragment(layout.time_format or "")[0]


def _columns(layout: Layout, spaced_ids: bool) -> str:
    lead = " *" if layout.inode is not False or layout.blocks is not False else ""
    if layout.inode is False:
        lead += _NEVER
    else:  # required with -i, optional when the options are not known
        lead += r"(?:([0-9]+) +)" + ("" if layout.inode else "?")
    if layout.blocks is False:
        lead += _NEVER
    else:
        lead += rf"(?:({_HUMAN}) +)" + ("" if layout.blocks else "?")
    both = layout.owner and layout.group
    spaced = _SPACED if spaced_ids else _ONE
    owner = (_ONE if both else spaced) + " +" if layout.owner else _NEVER
    group = spaced + " +" if layout.group else _NEVER
    context = _ONE + " +" if layout.context else _NEVER
    # the size (or "MAJOR, MINOR"); the spaces after it are outside the group, whose end
    # is the column that ls aligns (sizes are right-aligned)
    size = "(" + _SIZE + r"|([0-9]+), +([0-9]+))) +"
    return lead + _MODE + owner + group + context + size


@lru_cache(maxsize=64)
def shape_for(layout: Layout, families: tuple[str, ...], spaced_ids: bool = True) -> Shape:
    """The pattern for ``layout`` with the dates of ``families`` (in the order tried);
    ``spaced_ids=False``: every id column is one word."""
    parts: list[str] = []
    spans: list[tuple[str, int, int]] = []
    format_fields: tuple[tuple[str, ...], ...] = ()
    index = DATE_START
    for family in families:
        if family == "format":
            assert layout.time_format is not None
            frag, fields = format_fragment(layout.time_format)
            format_fields = tuple(fields)
        else:
            frag = FAMILIES[family]
        count = re.compile(frag).groups
        spans.append((family, index, count))
        parts.append(frag)
        index += count
    pattern = "^" + _columns(layout, spaced_ids) + "(?:" + "|".join(parts) + ")(.*)$"
    return Shape(re.compile(pattern, re.MULTILINE), families, tuple(spans), format_fields)


_GROUP = re.compile(r"(?<!\\)\((?!\?)")


@lru_cache(maxsize=64)
def run_for(layout: Layout, family: str, align: int | None) -> Run | None:
    """The run pattern of a block whose dates are of ``family`` and whose sizes end at
    column ``align`` (None: not checked); None for a layout it does not read (leading
    numbers, ``-Z``, decorations, ``-Q``/shell-escape). It only leaves alternatives of the
    full pattern out: where it matches, it reads a line as the full pattern does."""
    if layout.inode or layout.blocks or layout.context or layout.color or layout.classify or layout.lossy:
        return None
    if layout.quoting not in (Quoting.LITERAL, Quoting.ESCAPE):
        return None
    fragment = date_fragment(layout, family)
    first = _GROUP.search(fragment)
    assert first is not None, "a date fragment has a group"
    date = fragment[: first.end()] + _GROUP.sub("(?:", fragment[first.end() :])  # only the date as printed
    ids = (r"(\S+) +" if layout.owner else "()") + (r"(\S+) +" if layout.group else "()")
    column = "" if align is None else rf"(?<=^.{{{align}}})"
    body = _MODE + ids + _SIZE + ")" + column + " +" + date + "(.*)"
    regex = re.compile(f"^{body}$", re.MULTILINE)
    if regex.groups != 9:  # a +FORMAT whose escapes hide a group
        return None
    return Run(regex, re.compile(f"^(?!{body}$)", re.MULTILINE))

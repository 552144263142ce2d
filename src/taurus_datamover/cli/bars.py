"""The bars of ``ws report``: each workspace's remaining time against the longest: ``#``
the time left, ``-`` where the extensions left could take it (known where ``ws_list -L``
prints the limits), ``>`` beyond the scale, ``|`` the reminder mail. Colours only on a
terminal without ``NO_COLOR``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import IO

from taurus_datamover.models.workspaces import WorkspaceInfo

#: Characters of the longest bar.
WIDTH = 30

_GREEN, _YELLOW, _RED, _DIM, _BOLD, _RESET = "\x1b[32m", "\x1b[33m", "\x1b[31m", "\x1b[2m", "\x1b[1m", "\x1b[0m"


def use_colour(stream: IO[str]) -> bool:
    """Colours on a terminal, unless ``NO_COLOR`` is set (https://no-color.org)."""
    try:
        return not os.environ.get("NO_COLOR") and stream.isatty()
    except (AttributeError, ValueError):
        return False


def reach(info: WorkspaceInfo, max_days: Mapping[str, int]) -> timedelta | None:
    """Remaining time plus the longest allocation per extension left (None: unknown)."""
    days = max_days.get(info.filesystem or "")
    if info.remaining is None or info.extensions_left is None or days is None:
        return None
    return max(info.remaining, timedelta(0)) + timedelta(days=days * info.extensions_left)


def _cells(length: timedelta, scale: timedelta) -> int:
    return max(0, min(WIDTH, round(WIDTH * length.total_seconds() / scale.total_seconds())))


def bar(info: WorkspaceInfo, scale: timedelta, *, extended_to: timedelta | None, due: bool, colour: bool) -> str:
    """The bar of *info* with *scale* as the full width (the longest remaining time)."""
    if info.expired or info.remaining is None or scale <= timedelta(0):
        return ""
    filled = max(1, _cells(info.remaining, scale))
    cells = ["#"] * filled
    if extended_to is not None:
        cells += ["-"] * max(0, _cells(extended_to, scale) - filled)
    beyond = extended_to is not None and extended_to > scale
    mark: int | None = None
    if info.reminder is not None and info.expires is not None:
        offset = info.remaining - (info.expires - info.reminder)
        if offset >= timedelta(0):
            mark = min(filled - 1, _cells(offset, scale))
            cells[mark] = "|"
    text = "".join(cells) + (">" if beyond else "")
    if not colour:
        return text
    paint = _RED if due else _GREEN
    styles = (f"{_BOLD}{_YELLOW}" if i == mark else paint if char == "#" else _DIM for i, char in enumerate(text))
    return "".join(f"{style}{char}{_RESET}" for style, char in zip(styles, text))


def scale_of(infos: Sequence[WorkspaceInfo]) -> timedelta:
    """The longest remaining time among *infos* (zero when none is left)."""
    lengths = [i.remaining for i in infos if i.remaining is not None and not i.expired]
    return max(lengths, default=timedelta(0))

"""Bytes and percent of a ``cp``/``mv`` (which print no progress) whose files this machine
sees: :func:`copy_meter` adds up the sources before the job starts, :meth:`CopyMeter.text`
what has arrived, at most once a second. Trees over :data:`MAX_ENTRIES` are not measured.
"""

from __future__ import annotations

import os
import stat
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

from taurus_datamover.cli.durations import format_size

#: Entries (files and directories) a tree may have for the meter to measure it.
MAX_ENTRIES = 20_000
#: Seconds between two measurements of the destination.
INTERVAL = 1.0


def tree_size(path: str, budget: int = MAX_ENTRIES) -> int | None:
    """Bytes of regular files under *path* (links not followed), or None when it cannot be
    read, is neither file nor directory, or has more than *budget* entries."""
    try:
        info = os.lstat(path)
    except OSError:
        return None
    if not stat.S_ISDIR(info.st_mode):
        return info.st_size if stat.S_ISREG(info.st_mode) else None
    total, seen = 0, 0
    stack = [path]
    while stack:
        try:
            with os.scandir(stack.pop()) as entries:
                for entry in entries:
                    seen += 1
                    if seen > budget:
                        return None
                    if entry.is_dir(follow_symlinks=False):
                        stack.append(entry.path)
                    elif entry.is_file(follow_symlinks=False):
                        total += entry.stat(follow_symlinks=False).st_size
        except OSError:
            continue
    return total


@dataclass
class CopyMeter:
    """How much of *total* bytes has arrived at *targets* (the paths the copy creates)."""

    targets: list[str]
    total: int
    _last: float = field(default=0.0, repr=False)
    _text: str = field(default="", repr=False)

    def arrived(self) -> int:
        """Bytes at the targets now (at most *total*)."""
        return min(sum(tree_size(target) or 0 for target in self.targets), self.total)

    def text(self, *, final: bool = False) -> str:
        """``  1.2 MiB of 3.0 MiB  40%`` (re-measured at most once a second, always when *final*)."""
        now = time.monotonic()
        if final or not self._text or now - self._last >= INTERVAL:
            done = self.arrived()
            percent = 100 if self.total == 0 else int(100 * done / self.total)
            self._text = f"  {format_size(done)} of {format_size(self.total)}  {percent}%"
            self._last = now
        return self._text


def copy_meter(sources: Sequence[str], destination: str) -> CopyMeter | None:
    """A meter for copying *sources* to *destination*, or None when one cannot be measured."""
    if not sources:
        return None
    into = len(sources) > 1 or os.path.isdir(destination)
    sizes = [tree_size(source) for source in sources]
    names = [os.path.basename(source.rstrip("/")) or source for source in sources]
    targets = [os.path.join(destination, name) if into else destination for name in names]
    if None in sizes or any(os.path.exists(target) for target in targets):
        return None  # unmeasurable, or would count what was there before
    return CopyMeter(targets=targets, total=sum(size or 0 for size in sizes))

"""Splitting a tree into parts: pure functions, no process.

The wall time of a sync is that of its slowest part, so :func:`split` balances the parts by
*cost*: a file's size plus :data:`FILE_COST` (an open, a create, metadata: what any file
costs), so by bytes and file count alike. It is the longest-processing-time rule: entries,
costliest first, each to the part that costs least so far; a file worth a part's fair
share is a part of its own.

rsync with ``--files-from`` creates the parents of every listed entry (``-R``'s implied
directories; a part that finds one another part made goes on), so only the empty
directories are listed, round the parts (:func:`place_empty_directories`). The destination
must exist before the parts start (their ``mkdir`` of it fails when another part made it
first); every directory is listed too (:func:`directory_paths`) for resume to make them.
"""

from __future__ import annotations

import heapq
import os
import posixpath
from collections.abc import Sequence
from dataclasses import dataclass, replace

from taurus_datamover.errors import SyncError, SyncFileListError
from taurus_datamover.sync.tree import TreeItem

#: The cost of one file in bytes-equivalents (see the module docstring).
FILE_COST = 256 * 1024


@dataclass(frozen=True)
class PartPlan:
    """One part: the relative paths it copies (sorted), its files' bytes, the empty directories it makes."""

    index: int
    paths: tuple[str, ...]
    bytes: int
    directories: tuple[str, ...] = ()

    @property
    def files(self) -> int:
        """How many entries the part copies."""
        return len(self.paths)

    @property
    def listed(self) -> tuple[str, ...]:
        """Its ``--files-from`` list: the entries, then the directories."""
        return self.paths + self.directories


def check_jobs(jobs: object) -> int:
    """``jobs`` as a whole number >= 1, else :class:`SyncError`."""
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise SyncError(f"jobs must be a whole number of at least 1, not {jobs!r}")
    return jobs


def _absolute(path: str) -> str:
    return posixpath.normpath(path if path.startswith("/") else posixpath.join(os.getcwd(), path))


def check_paths(src: str, dst: str) -> tuple[str, str]:
    """Both paths absolute and normal, or :class:`SyncError` for a source ``/`` or a destination
    equal to, inside or above the source (lexically, and after resolving symlinks where visible)."""
    source, target = _absolute(src), _absolute(dst)
    if source == "/":
        raise SyncError("refusing to sync the whole file system ('/')")
    pairs = [(source, target)]
    if os.path.lexists(source):
        pairs.append((os.path.realpath(source), os.path.realpath(target)))
    for a, b in pairs:
        if b == a or b.startswith(a.rstrip("/") + "/"):
            raise SyncError(f"the destination {dst!r} is inside the source {src!r}")
        if a.startswith(b.rstrip("/") + "/"):
            raise SyncError(f"the destination {dst!r} contains the source {src!r}")
    return source, target


def _cost(item: TreeItem) -> int:
    return (item.size if item.kind == "file" else 0) + FILE_COST


def split(items: Sequence[TreeItem], jobs: int) -> list[PartPlan]:
    """The parts of the entries of ``items`` that are not directories, for at most ``jobs``
    parallel jobs (fewer when there are fewer entries, none for a tree of directories).
    Deterministic: the same items give the same parts."""
    check_jobs(jobs)
    entries = [item for item in items if item.kind != "directory"]
    count = min(jobs, len(entries))
    if count == 0:
        return []
    ordered = sorted(entries, key=lambda item: (-_cost(item), item.path))
    fair_share = sum(_cost(item) for item in ordered) / count
    members: list[list[TreeItem]] = [[] for _ in range(count)]
    solo = 0
    # the costliest entries first: those worth a part of their own take one each
    while solo < count - 1 and _cost(ordered[solo]) >= fair_share:
        members[solo].append(ordered[solo])
        solo += 1
    heap = [(0, index) for index in range(solo, count)]
    for item in ordered[solo:]:
        load, index = heapq.heappop(heap)
        members[index].append(item)
        heapq.heappush(heap, (load + _cost(item), index))
    return [
        PartPlan(index, tuple(sorted(item.path for item in chosen)), sum(i.size for i in chosen if i.kind == "file"))
        for index, chosen in enumerate(members)
    ]


def directory_paths(items: Sequence[TreeItem]) -> list[str]:
    """The directories of ``items``, parents first (sorted), for the run that creates them."""
    return sorted(item.path for item in items if item.kind == "directory")


def place_empty_directories(parts: Sequence[PartPlan], items: Sequence[TreeItem]) -> list[PartPlan]:
    """``parts`` with the empty directories of ``items`` dealt round them (one part of them
    alone for a tree of directories)."""
    implied: set[str] = set()
    for item in items:
        parent = item.path.rpartition("/")[0]
        while parent and parent not in implied:
            implied.add(parent)
            parent = parent.rpartition("/")[0]
    empty = sorted(item.path for item in items if item.kind == "directory" and item.path not in implied)
    if not empty:
        return list(parts)
    plans = list(parts) or [PartPlan(0, (), 0)]
    return [replace(part, directories=tuple(empty[part.index :: len(plans)])) for part in plans]


def encode_file_list(paths: Sequence[str]) -> bytes:
    """The ``--from0`` list of ``paths``: raw bytes, NUL-terminated, so any name survives
    (:class:`SyncFileListError` for an empty path or one holding a NUL, which no name can)."""
    chunks: list[bytes] = []
    for path in paths:
        raw = os.fsencode(path)
        if b"\0" in raw or not raw:
            raise SyncFileListError(f"not a relative file name: {path!r}")
        chunks.append(raw + b"\0")
    return b"".join(chunks)

"""How far a sync has come: one :class:`SyncProgress` over all parts (pure arithmetic).

Each running part reports through rsync's ``--info=progress2`` line in its job's output
file (bytes so far, and ``to-chk=L/T``: entries left of the part's list); a completed part
counts whole. The rate is what this session moved divided by its time so far (parts that
completed in an earlier session are done but not part of the rate), the ETA the bytes left
at that rate.
"""

from __future__ import annotations

from dataclasses import dataclass

from taurus_datamover.parsers.progress import Progress
from taurus_datamover.sync.manifest import PartState

__all__ = ["SyncProgress", "part_done", "run_progress"]


@dataclass(frozen=True)
class SyncProgress:
    """Bytes and files done across parts, how many parts stand where, rate and ETA."""

    bytes_done: int
    bytes_total: int
    files_done: int
    files_total: int
    parts_pending: int
    parts_running: int
    parts_done: int
    parts_failed: int
    elapsed: float
    rate: float  # bytes per second in this session
    eta: float | None  # seconds left at that rate; None while nothing moved

    @property
    def fraction(self) -> float:
        """0..1 of the bytes (of the entries when there are no bytes)."""
        if self.bytes_total:
            return min(1.0, self.bytes_done / self.bytes_total)
        return min(1.0, self.files_done / self.files_total) if self.files_total else 1.0


def part_done(progress: Progress | None, files: int, size: int) -> tuple[int, int]:
    """Bytes and entries a running part has done, from its last progress report
    (capped at the part's own totals; rsync counts the directories of the list too)."""
    if progress is None:
        return 0, 0
    done_bytes = min(progress.bytes or 0, size)
    if progress.files_total is not None and progress.files_to_check is not None:
        checked = progress.files_total - progress.files_to_check
    else:
        checked = progress.transferred_files or 0
    return done_bytes, max(0, min(checked, files))


def run_progress(
    parts: list[tuple[PartState, int, int]],
    *,
    bytes_total: int,
    files_total: int,
    bytes_before: int,
    elapsed: float,
) -> SyncProgress:
    """The :class:`SyncProgress` of parts given as ``(state, bytes done, files done)``;
    ``bytes_before`` were done before this session (not part of the rate)."""
    counts = dict.fromkeys(PartState, 0)
    for state, _, _ in parts:
        counts[state] += 1
    bytes_done = sum(done for _, done, _ in parts)
    files_done = sum(done for _, _, done in parts)
    moved = max(0, bytes_done - bytes_before)
    rate = moved / elapsed if elapsed > 0 else 0.0
    return SyncProgress(
        bytes_done=bytes_done,
        bytes_total=bytes_total,
        files_done=files_done,
        files_total=files_total,
        parts_pending=counts[PartState.PENDING] + counts[PartState.PLANNED],
        parts_running=counts[PartState.RUNNING],
        parts_done=counts[PartState.COMPLETED],
        parts_failed=counts[PartState.FAILED] + counts[PartState.CANCELLED],
        elapsed=elapsed,
        rate=rate,
        eta=(bytes_total - bytes_done) / rate if rate > 0 else None,
    )

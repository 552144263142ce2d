"""What a run reports: each part as the run follows it, how far the run has come, and the
result of a finished run. A running part reports through rsync's ``--info=progress2`` line
in its job's output file; the rate counts only what this session moved.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict

from taurus_datamover.command.job import PROGRESS_TAIL, Job
from taurus_datamover.models.jobs import JobState
from taurus_datamover.parsers.progress import latest_progress
from taurus_datamover.sync.manifest import PartRecord, PartState, SyncState, VerifyResult


class SyncResult(BaseModel):
    """What a finished run did (``SyncRun.result()``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    run_id: str
    manifest: str
    src: str
    dst: str
    state: SyncState
    files: int
    bytes: int
    parts: int
    parts_run: list[int]
    elapsed: float
    verification: VerifyResult | None = None


class SyncPart:
    """One part of a run: its manifest record and, once submitted here, its Job."""

    def __init__(self, record: PartRecord) -> None:
        self.record = record
        self.job: Job | None = None

    @property
    def index(self) -> int:
        return self.record.index

    @property
    def files(self) -> int:
        return self.record.files

    @property
    def bytes(self) -> int:
        return self.record.bytes

    @property
    def attempts(self) -> int:
        return self.record.attempts

    @property
    def state(self) -> PartState:
        """The recorded state, or while its job runs here, what the queue says."""
        job = self.job
        if job is not None and not job.done() and not self.record.state.ended:
            return PartState.RUNNING if job.state is JobState.RUNNING else PartState.PENDING
        return self.record.state

    def note_job_id(self) -> PartRecord:
        """Record the Slurm id of this part's Job (once it is known); the record."""
        job_id = self.job.job_id if self.job is not None else None
        if job_id is not None and job_id not in self.record.job_ids:
            self.record.job_ids.append(job_id)
        return self.record

    def done(self) -> tuple[int, int]:
        """Bytes and entries done: whole once completed, else from the job's last progress report
        (capped at the part's totals: rsync counts the list's directories too)."""
        if self.record.state is PartState.COMPLETED:
            return self.bytes, self.files
        progress = None if self.job is None else latest_progress(self.job.batch_output(PROGRESS_TAIL))
        if progress is None:
            return 0, 0
        if progress.files_total is not None and progress.files_to_check is not None:
            checked = progress.files_total - progress.files_to_check
        else:
            checked = progress.transferred_files or 0
        return min(progress.bytes or 0, self.bytes), max(0, min(checked, self.files))

    def __repr__(self) -> str:
        job = f" job {self.job.job_id}" if self.job is not None and self.job.job_id is not None else ""
        return f"<SyncPart {self.index} {self.state.value}{job} {self.files} files {self.bytes} B>"


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

"""One part of a sync as the run follows it, and the result of a finished run."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from taurus_datamover.command.job import PROGRESS_TAIL, Job
from taurus_datamover.models.jobs import JobState
from taurus_datamover.parsers.progress import latest_progress
from taurus_datamover.sync.manifest import PartRecord, PartState, SyncState, VerifyResult
from taurus_datamover.sync.progress import part_done

__all__ = ["SyncPart", "SyncResult"]


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
        """Bytes and entries done (whole once completed, else from the job's output)."""
        if self.record.state is PartState.COMPLETED:
            return self.bytes, self.files
        if self.job is None:
            return 0, 0
        return part_done(latest_progress(self.job.batch_output(PROGRESS_TAIL)), self.files, self.bytes)

    def __repr__(self) -> str:
        job = f" job {self.job.job_id}" if self.job is not None and self.job.job_id is not None else ""
        return f"<SyncPart {self.index} {self.state.value}{job} {self.files} files {self.bytes} B>"

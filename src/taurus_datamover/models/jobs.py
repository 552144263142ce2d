"""Job states and queue records of datamover (Slurm) jobs."""

from __future__ import annotations

from enum import Enum

from taurus_datamover.models.base import FrozenModel


class JobState(str, Enum):
    """``PENDING -> RUNNING -> COMPLETED | FAILED | CANCELLED | TIMEOUT``; ``UNKNOWN`` when
    Slurm could not be asked or no longer knows the job."""

    PENDING = "PENDING"
    RUNNING = "RUNNING"
    COMPLETED = "COMPLETED"
    FAILED = "FAILED"
    CANCELLED = "CANCELLED"
    TIMEOUT = "TIMEOUT"
    UNKNOWN = "UNKNOWN"

    @property
    def is_terminal(self) -> bool:
        """True once the job has ended (:data:`TERMINAL_STATES` never change)."""
        return self in TERMINAL_STATES


#: States after which a job never changes again.
TERMINAL_STATES = frozenset({JobState.COMPLETED, JobState.FAILED, JobState.CANCELLED, JobState.TIMEOUT})


class JobInfo(FrozenModel):
    """A job as a queue listing (``dtqueue``/``squeue``) or ``scontrol show job`` shows it."""

    job_id: int
    state: JobState
    raw_state: str
    partition: str | None = None
    name: str | None = None
    user: str | None = None
    time: str | None = None
    reason: str | None = None
    exit_code: int | None = None
    signal: int | None = None

"""The local batch queue of the emulated datamover (used when there is no Slurm).

Each job is a JSON record ``<root>/jobs/<id>.json``, ids counting up from
:data:`FIRST_JOB_ID` in ``jobs/next_id``; every read-modify-write happens under one ``flock``
and replaces files atomically, so the submitting tool, the detached runner and ``dtcancel``
never race. States follow Slurm: PENDING -> RUNNING -> COMPLETED/FAILED/CANCELLED/TIMEOUT.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import Any

from taurus_datamover.emulator.files import locked, write_atomic

FIRST_JOB_ID = 1000
#: Seconds a finished job stays visible (Slurm's MinJobAge in the CI cluster).
MIN_JOB_AGE = 300.0
ACTIVE_STATES = frozenset({"PENDING", "RUNNING"})


@dataclass(frozen=True)
class JobRecord:
    """One local batch job, as stored in ``<root>/jobs/<id>.json``."""

    job_id: int
    name: str
    user: str
    partition: str
    argv: tuple[str, ...]
    workdir: str
    stdout: str
    time_limit: int | None  # seconds, None = no limit
    account: str | None
    state: str
    submit_time: float
    start_time: float | None = None
    end_time: float | None = None
    exit_code: int | None = None
    signal: int | None = None
    pgid: int | None = None  # process group of the running command
    cancel_time: float | None = None

    @property
    def active(self) -> bool:
        """True while the job is pending or running."""
        return self.state in ACTIVE_STATES

    def visible(self, now: float) -> bool:
        """True while ``dtqueue`` may still show the job (MinJobAge after its end)."""
        return self.end_time is None or now - self.end_time <= MIN_JOB_AGE

    def elapsed(self, now: float) -> float:
        """Run time so far (0 while pending), like squeue's TIME column."""
        if self.start_time is None:
            return 0.0
        end = now if self.end_time is None else self.end_time
        return max(0.0, end - self.start_time)

    @classmethod
    def from_json(cls, text: str) -> JobRecord:
        data = json.loads(text)
        known = {f.name for f in fields(cls)}
        return cls(**{**{k: v for k, v in data.items() if k in known}, "argv": tuple(data["argv"])})


def signal_group(pgid: int, sig: signal.Signals) -> None:
    """Send *sig* to process group *pgid*, if it is still there."""
    try:
        os.killpg(pgid, sig)
    except (ProcessLookupError, PermissionError):
        pass


class JobStore:
    """Access to the local queue of one site root."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)
        self.dir = self.root / "jobs"

    def path(self, job_id: int) -> Path:
        return self.dir / f"{job_id}.json"

    def locked(self) -> AbstractContextManager[None]:
        """Hold the queue's lock (exclusive, blocking) for the duration of the block."""
        return locked(self.dir / ".lock")

    def save(self, record: JobRecord) -> None:
        """Write *record* atomically (call with the lock held)."""
        write_atomic(self.path(record.job_id), json.dumps(asdict(record), indent=1) + "\n")

    def load(self, job_id: int) -> JobRecord | None:
        """The record of *job_id*, or None when there is no such job."""
        try:
            return JobRecord.from_json(self.path(job_id).read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None

    def all(self) -> list[JobRecord]:
        """All records, oldest id first."""
        if not self.dir.is_dir():
            return []
        ids = sorted(int(p.stem) for p in self.dir.glob("*.json") if p.stem.isdigit())
        records = (self.load(i) for i in ids)
        return [r for r in records if r is not None]

    def submit(self, argv: tuple[str, ...], *, workdir: str, **job: Any) -> JobRecord:
        """Queue *argv* (*job*: the record's name, user, partition, time_limit and account)
        and start its detached runner; return the PENDING record."""
        with self.locked():
            counter = self.dir / "next_id"
            try:
                job_id = int(counter.read_text(encoding="utf-8").strip())
            except (FileNotFoundError, ValueError):
                job_id = FIRST_JOB_ID
            write_atomic(counter, f"{job_id + 1}\n")
            stdout = os.path.join(workdir, f"slurm-{job_id}.out")
            record = JobRecord(
                job_id, argv=argv, workdir=workdir, stdout=stdout, state="PENDING", submit_time=time.time(), **job
            )
            self.save(record)
        subprocess.Popen(
            [sys.executable, "-m", "taurus_datamover.emulator.dt.runner", str(self.root), str(job_id)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            cwd=workdir,
            start_new_session=True,  # detached: survives the submitting tool
            close_fds=True,
        )
        return record

    def update(self, job_id: int, change: Callable[[JobRecord], JobRecord | None]) -> JobRecord | None:
        """Under the lock, save ``change(record)`` of *job_id* and return it (None: no such
        job, or *change* leaves it as it is)."""
        with self.locked():
            record = self.load(job_id)
            new = None if record is None else change(record)
            if new is not None:
                self.save(new)
            return new

    def cancel(self, job_id: int) -> bool:
        """Cancel a pending or running job (SIGTERM to its process group); False when it is
        unknown or finished (like ``scancel``, the callers stay silent about that)."""
        now = time.time()
        record = self.update(
            job_id, lambda r: replace(r, state="CANCELLED", end_time=now, cancel_time=now) if r.active else None
        )
        if record is not None and record.pgid is not None:
            signal_group(record.pgid, signal.SIGTERM)
        return record is not None

    def cancel_active(self) -> list[int]:
        """Cancel every pending or running job; return their ids."""
        return [r.job_id for r in self.all() if r.active and self.cancel(r.job_id)]

"""The local batch queue of the emulated datamover (used when there is no Slurm).

Each job is a JSON record ``<root>/jobs/<id>.json`` (ids from :data:`FIRST_JOB_ID` up);
every read-modify-write happens under one ``flock`` and replaces files atomically, so the
submitting tool, the runner and ``dtcancel`` never race. States follow Slurm. The detached
runner of a job (``python -m taurus_datamover.emulator.dt.jobs ROOT JOB_ID``) plays
slurmstepd: the command in its own process group (output to ``slurm-<id>.out``), the
cancellation and time limit, SIGTERM then SIGKILL after :data:`KILL_WAIT` seconds, the end.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from contextlib import AbstractContextManager, suppress
from dataclasses import asdict, dataclass, fields, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from taurus_datamover.emulator.errors import JobFileError
from taurus_datamover.emulator.files import locked, write_atomic

FIRST_JOB_ID = 1000
#: Seconds a finished job stays visible (Slurm's MinJobAge in the CI cluster).
MIN_JOB_AGE = 300.0
ACTIVE_STATES = frozenset({"PENDING", "RUNNING"})
#: Seconds between SIGTERM and SIGKILL (Slurm's KillWait in the CI cluster).
KILL_WAIT = 5.0
_POLL = 0.1


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


def signal_group(pgid: int, sig: signal.Signals) -> None:
    with suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, sig)


class JobStore:
    """Access to the local queue of one site root."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)
        self.dir = self.root / "jobs"

    def path(self, job_id: int) -> Path:
        return self.dir / f"{job_id}.json"

    def locked(self) -> AbstractContextManager[None]:
        return locked(self.dir / ".lock")

    def save(self, record: JobRecord) -> None:
        """Write *record* atomically (call with the lock held)."""
        write_atomic(self.path(record.job_id), json.dumps(asdict(record), indent=1) + "\n")

    def load(self, job_id: int) -> JobRecord | None:
        """The record of *job_id*, None when there is no such job; :class:`JobFileError` if its file is none."""
        try:
            data = json.loads(self.path(job_id).read_text(encoding="utf-8"))
            known = {f.name for f in fields(JobRecord)}
            return JobRecord(**{**{k: v for k, v in data.items() if k in known}, "argv": tuple(data["argv"])})
        except FileNotFoundError:
            return None
        except (OSError, ValueError, TypeError, KeyError, AttributeError) as exc:
            raise JobFileError(f"{self.path(job_id)}: not a job of the emulated queue ({exc!r}); remove it") from None

    def ids(self) -> list[int]:
        return sorted(int(p.stem) for p in self.dir.glob("*.json") if p.stem.isdigit())

    def all(self) -> list[JobRecord]:
        return [r for r in map(self.load, self.ids()) if r is not None]

    def submit(self, argv: tuple[str, ...], *, workdir: str, **job: Any) -> JobRecord:
        """Queue *argv* (*job*: the record's other fields), start its runner; the PENDING record."""
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
        runner = [sys.executable, "-m", "taurus_datamover.emulator.dt.jobs", str(self.root), str(job_id)]
        quiet = subprocess.DEVNULL  # and a session of its own: the runner survives the submitting tool
        subprocess.Popen(runner, stdin=quiet, stdout=quiet, stderr=quiet, cwd=workdir, start_new_session=True)
        return record

    def update(self, job_id: int, change: Callable[[JobRecord], JobRecord | None]) -> JobRecord | None:
        """Save and return ``change(record)`` of *job_id* under the lock (None: left as it is)."""
        with self.locked():
            record = self.load(job_id)
            new = None if record is None else change(record)
            if new is not None:
                self.save(new)
            return new

    def cancel(self, job_id: int) -> bool:
        """Cancel a pending or running job (SIGTERM to its process group); False if unknown or ended."""
        now = time.time()
        record = self.update(
            job_id,
            lambda r: replace(r, state="CANCELLED", end_time=now, cancel_time=now) if r.active else None,
        )
        if record is not None and record.pgid is not None:
            signal_group(record.pgid, signal.SIGTERM)
        return record is not None

    def cancel_active(self) -> tuple[list[int], list[JobFileError]]:
        """Cancel every pending or running job: their ids, and the errors of the job files that are none."""
        cancelled, bad = [], []
        for job_id in self.ids():
            try:
                cancelled += [job_id] if self.cancel(job_id) else []
            except JobFileError as exc:
                bad.append(exc)
        return cancelled, bad


def _note(record: JobRecord, reason: str) -> None:
    """Append slurmstepd's cancellation line to the job's output file."""
    stamp = datetime.now().strftime("%Y-%m-%dT%H:%M:%S")
    line = f"slurmstepd-localhost: error: *** JOB {record.job_id} ON localhost CANCELLED AT {stamp}{reason} ***\n"
    with suppress(OSError), open(record.stdout, "a", encoding="utf-8") as out:
        out.write(line)


def _start(store: JobStore, job_id: int) -> tuple[JobRecord, subprocess.Popen[bytes]] | None:
    """PENDING -> RUNNING; None when the job was cancelled first or could not start."""
    with store.locked():
        record = store.load(job_id)
        if record is None or record.state != "PENDING":
            return None
        try:
            with open(record.stdout, "wb") as out:  # truncated, as Slurm does by default
                try:
                    proc = subprocess.Popen(
                        list(record.argv),
                        stdin=subprocess.DEVNULL,
                        stdout=out,
                        stderr=subprocess.STDOUT,
                        cwd=record.workdir,
                        start_new_session=True,  # its own process group, for cancel/timeout
                    )
                except FileNotFoundError:
                    out.write(f"/bin/sh: 1: exec: {record.argv[0]}: not found\n".encode())
                    raise
        except OSError as exc:
            code = 127 if isinstance(exc, FileNotFoundError) else 1
            now = time.time()
            store.save(replace(record, state="FAILED", start_time=now, end_time=now, exit_code=code))
            return None
        record = replace(record, state="RUNNING", start_time=time.time(), pgid=proc.pid)
        store.save(record)
    return record, proc


def _timed_out(record: JobRecord) -> JobRecord | None:
    """RUNNING -> TIMEOUT (None when the job is no longer running)."""
    if record.state != "RUNNING":
        return None
    return replace(record, state="TIMEOUT", end_time=time.time(), exit_code=0, signal=15)


def _ended(record: JobRecord, returncode: int) -> JobRecord | None:
    """The end: COMPLETED/FAILED from RUNNING; CANCELLED/TIMEOUT stay, with the exit code."""
    code, sig = (returncode, 0) if returncode >= 0 else (0, -returncode)
    if record.state == "RUNNING":
        state = "COMPLETED" if returncode == 0 else "FAILED"
        return replace(record, state=state, end_time=time.time(), exit_code=code, signal=sig)
    return replace(record, exit_code=code, signal=sig or 15) if record.exit_code is None else None


def run_job(root: str, job_id: int) -> int:
    """Run local job *job_id* of the site at *root* to its end."""
    store = JobStore(root)
    started = _start(store, job_id)
    if started is None:
        return 0
    record, proc = started
    assert record.pgid is not None and record.start_time is not None
    term_sent: float | None = None  # when SIGTERM went to the job (cancel or time limit)
    noted = False
    while (returncode := proc.poll()) is None:
        now, current = time.time(), store.load(job_id)
        over = record.time_limit is not None and now - record.start_time >= record.time_limit
        if current is not None and current.state == "RUNNING" and over:
            expired = store.update(job_id, _timed_out)
            if expired is not None:
                _note(expired, " DUE TO TIME LIMIT")
                noted = True
                signal_group(record.pgid, signal.SIGTERM)
                term_sent = now
        elif current is not None and current.state == "CANCELLED":
            if not noted:
                _note(current, "")
                noted = True
            if term_sent is None:
                term_sent = current.cancel_time or now
        if term_sent is not None and now - term_sent >= KILL_WAIT:
            signal_group(record.pgid, signal.SIGKILL)
        time.sleep(_POLL)
    current = store.load(job_id)
    if current is not None and current.state == "CANCELLED" and not noted:
        _note(current, "")
    store.update(job_id, lambda r: _ended(r, returncode))
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``python -m taurus_datamover.emulator.dt.jobs ROOT JOB_ID``."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2 or not args[1].isdecimal():
        print("usage: python -m taurus_datamover.emulator.dt.jobs ROOT JOB_ID", file=sys.stderr)
        return 2
    return run_job(args[0], int(args[1]))


if __name__ == "__main__":
    raise SystemExit(main())

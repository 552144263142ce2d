"""The detached runner of one local batch job: ``python -m ...dt.runner ROOT JOB_ID``.

It plays slurmstepd: starts the job's command in its own process group (output to
``slurm-<id>.out``), watches for cancellation and the time limit, escalates SIGTERM to
SIGKILL after :data:`KILL_WAIT` seconds and records the end; its messages copy Slurm's.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from dataclasses import replace
from datetime import datetime

from taurus_datamover.emulator.dt.jobs import JobRecord, JobStore, signal_group

#: Seconds between SIGTERM and SIGKILL (Slurm's KillWait in the CI cluster).
KILL_WAIT = 5.0
_POLL = 0.1


def _note(record: JobRecord, reason: str) -> None:
    """Append slurmstepd's cancellation line to the job's output file."""
    stamp = datetime.now().strftime("%Y-%m-%dT%H:%M:%S")
    line = f"slurmstepd-localhost: error: *** JOB {record.job_id} ON localhost CANCELLED AT {stamp}{reason} ***\n"
    try:
        with open(record.stdout, "a", encoding="utf-8") as out:
            out.write(line)
    except OSError:
        pass


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
    """Entry point of ``python -m taurus_datamover.emulator.dt.runner ROOT JOB_ID``."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2 or not args[1].isdigit():
        print("usage: python -m taurus_datamover.emulator.dt.runner ROOT JOB_ID", file=sys.stderr)
        return 2
    return run_job(args[0], int(args[1]))


if __name__ == "__main__":
    raise SystemExit(main())

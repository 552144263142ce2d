"""A fake datamover tool for the core tests: what a ZIH ``dt*`` tool does, minus Slurm.

Installed (by ``tests/conftest.py``) as ``dtls dtcp ...`` scripts that call ``main(tool)``.
It prints the real Slurm lines (``srun: job N has been allocated resources`` for blocking
calls, ``Submitted batch job N`` for batch calls), then runs the real command. Batch jobs
run in a detached child that records its state in ``$FAKE_DT_STATE/<id>.state``; the fake
``dtqueue`` lists them in squeue's default format and ``dtcancel`` kills them.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

STATE = Path(os.environ.get("FAKE_DT_STATE", "/tmp/fake-dt-state"))
COMMANDS = {
    "dtls": "ls",
    "dtcp": "cp",
    "dtmv": "mv",
    "dtrm": "rm",
    "dtrsync": "rsync",
    "dttar": "tar",
    "dtwget": "wget",
}


def _next_id() -> int:
    STATE.mkdir(parents=True, exist_ok=True)
    import fcntl

    with open(STATE / "counter.lock", "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        counter = STATE / "counter"
        value = int(counter.read_text()) + 1 if counter.exists() else 5000
        counter.write_text(str(value))
        return value


def _write_state(job_id: int, state: str, extra: str = "") -> None:
    tmp = STATE / f"{job_id}.tmp"
    tmp.write_text(f"{state} {extra}".strip())
    os.replace(tmp, STATE / f"{job_id}.state")


def _transfer(tool: str, argv: list[str]) -> int:
    blocking = tool == "dtls"
    args: list[str] = []
    options_done = False
    for arg in argv:
        if not options_done and arg == "--":
            options_done = True
        if not options_done and arg == "--blocking":
            blocking = True
            continue
        if not options_done and (arg.startswith("--time=") or arg.startswith("--account=")):
            continue
        args.append(arg)
    command = [COMMANDS[tool], *args]
    if os.environ.get("FAKE_DT_EXIT"):  # a fault: the tool itself fails at once
        print(f"{tool}: injected failure", file=sys.stderr)
        return int(os.environ["FAKE_DT_EXIT"])
    job_id = _next_id()
    if blocking:
        if os.environ.get("FAKE_DT_QUEUED"):
            print(f"srun: job {job_id} queued and waiting for resources", file=sys.stderr, flush=True)
        print(f"srun: job {job_id} has been allocated resources", file=sys.stderr, flush=True)
        rc = subprocess.call(command)
        if rc != 0:
            print(f"srun: error: localhost: task 0: Exited with exit code {rc}", file=sys.stderr)
        return rc
    _write_state(job_id, "PD")
    print(f"Submitted batch job {job_id}", flush=True)
    if os.fork() == 0:  # the "batch job", detached like sbatch's: it keeps no pipe open
        os.setsid()
        devnull = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(devnull, fd)
        delay = float(os.environ.get("FAKE_DT_BATCH_DELAY", "0.3"))
        time.sleep(delay)
        with open(f"slurm-{job_id}.out", "wb") as out:
            child = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
            _write_state(job_id, "R", str(child.pid))
            rc = child.wait()
        if (STATE / f"{job_id}.state").read_text().startswith("CA"):
            os._exit(0)
        _write_state(job_id, "CD" if rc == 0 else "F", str(rc))
        os._exit(0)
    return 0


def _dtqueue(argv: list[str]) -> int:
    if os.environ.get("FAKE_DTQUEUE_FAIL"):
        print("slurm_load_jobs error: Unable to contact slurm controller (connect failure)", file=sys.stderr)
        return 1
    with open(STATE / "queries.log", "a") as log:
        log.write(" ".join(argv) + "\n")
    show_all = "-t" in argv and argv[argv.index("-t") + 1] == "all"
    print("             JOBID PARTITION     NAME     USER ST       TIME  NODES NODELIST(REASON)")
    for path in sorted(STATE.glob("*.state")):
        state = path.read_text().split()[0]
        if state in ("CD", "F", "CA", "TO") and not show_all:
            continue
        print(f"{path.stem:>18} datamover     fake     user {state:>2}       0:01      1 localhost")
    return 0


def _dtcancel(argv: list[str]) -> int:
    for job in argv:
        path = STATE / f"{job}.state"
        if not path.exists():
            continue
        parts = path.read_text().split()
        _write_state(int(job), "CA")
        if parts[0] == "R" and len(parts) > 1:
            try:
                os.kill(int(parts[1]), signal.SIGTERM)
            except ProcessLookupError:
                pass
    return 0


def main(tool: str) -> int:
    argv = sys.argv[1:]
    if tool in COMMANDS:
        return _transfer(tool, argv)
    if tool in ("dtqueue", "dtq"):
        return _dtqueue(argv)
    if tool == "dtcancel":
        return _dtcancel(argv)
    print(f"{tool}: not faked", file=sys.stderr)
    return 2

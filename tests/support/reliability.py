"""Helpers of the reliability suite: Slurm detection, process and queue checks.

Kept out of ``conftest.py`` so test modules can import them (``from reliability_helpers
import ...``).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from taurus_datamover.emulator.dt.mode import detect_slurm


def _slurm_reason() -> str | None:
    if shutil.which("sinfo") is None:
        return "no sinfo on PATH (start a CI Slurm with ci/start-slurm.sh)"
    if not detect_slurm():
        return "no Slurm 'datamover' partition answers (ci/start-slurm.sh)"
    return None


SLURM_REASON = _slurm_reason()
#: Mark for tests that need the real Slurm: ``@needs_slurm``.
needs_slurm = pytest.mark.skipif(SLURM_REASON is not None, reason=SLURM_REASON or "")


# ------------------------------------------------------------------------ process checks
def our_slurm_jobs(work: Path) -> list[int]:
    """Ids of the Slurm jobs (any state squeue still lists) whose work dir is ``work``."""
    done = subprocess.run(["squeue", "-h", "-o", "%i|%Z"], capture_output=True, text=True, timeout=60, check=False)
    ids: list[int] = []
    for line in done.stdout.splitlines():
        job, _, workdir = line.partition("|")
        if workdir.strip() == str(work) and job.strip().isdigit():
            ids.append(int(job))
    return ids


def wait_no_slurm_jobs(work: Path, timeout: float = 30.0) -> tuple[list[int], float]:
    """Wait until squeue lists no job of ``work``; return what is left and the seconds taken."""
    start = time.monotonic()
    while True:
        left = our_slurm_jobs(work)
        if not left or time.monotonic() - start > timeout:
            return left, time.monotonic() - start
        time.sleep(0.25)


def processes_matching(needle: str) -> list[int]:
    """Pids of live (non-zombie) processes whose command line contains ``needle``."""
    found: list[int] = []
    raw = os.fsencode(needle)
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        try:
            cmdline = Path(f"/proc/{entry}/cmdline").read_bytes()
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        state = stat.rpartition(")")[2].split()[0]
        if raw in cmdline and state != "Z":
            found.append(int(entry))
    return found


def process_group_members(pgid: int) -> list[int]:
    """Live (non-zombie) processes in process group ``pgid``."""
    members: list[int] = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            fields = Path(f"/proc/{entry}/stat").read_text().rpartition(")")[2].split()
        except OSError:
            continue
        if fields[0] != "Z" and int(fields[2]) == pgid:
            members.append(int(entry))
    return members


def wait_gone(check: Callable[[], list[int]], timeout: float = 15.0) -> list[int]:
    """Poll ``check()`` (a list of pids) until it is empty or ``timeout`` passed."""
    deadline = time.monotonic() + timeout
    while True:
        left = check()
        if not left or time.monotonic() > deadline:
            return left
        time.sleep(0.05)


def assert_no_local_runner(root: Path) -> None:
    """No detached local-queue runner of the site at ``root`` is alive."""
    left = wait_gone(lambda: processes_matching(f"taurus_datamover.emulator.dt.jobs\x00{root}\x00"), 20.0)
    assert not left, f"local queue runners left behind: {left}"


def controller_down_conf(directory: Path) -> Path:
    """A copy of the real slurm.conf whose SlurmctldPort nobody listens on."""
    source = Path(os.environ.get("SLURM_CONF", "/etc/slurm/slurm.conf")).read_text()
    port = _unused_port()
    text, count = re.subn(r"(?m)^SlurmctldPort=.*$", f"SlurmctldPort={port}", source)
    if count == 0:
        text += f"\nSlurmctldPort={port}\n"
    conf = directory / "slurm-controller-down.conf"
    conf.write_text(text)
    return conf


def _unused_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])

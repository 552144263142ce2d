"""The emulated dt* tools on a real Slurm (ci/start-slurm.sh): srun, sbatch, squeue, scancel.

Skipped unless ``sinfo`` exists and a ``datamover`` partition answers.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from taurus_datamover.emulator.dt.mode import detect_slurm
from taurus_datamover.emulator.site import EmulatedSite

PTY_LINES = [
    "srun: error: ioctl(TIOCGWINSZ): Inappropriate ioctl for device",
    "srun: error: Not using a pseudo-terminal, disregarding --pty option",
]
SQUEUE_HEADER = "             JOBID PARTITION     NAME     USER ST       TIME  NODES NODELIST(REASON)"
SUBMITTED = re.compile(r"Submitted batch job (\d+)\n")


def _slurm_reason() -> str | None:
    if shutil.which("sinfo") is None:
        return "no sinfo on PATH (start a CI Slurm with ci/start-slurm.sh)"
    if not detect_slurm():
        return "sinfo found, but no 'datamover' partition answers (see ci/start-slurm.sh)"
    return None


_REASON = _slurm_reason()
pytestmark = [pytest.mark.slurm, pytest.mark.skipif(_REASON is not None, reason=_REASON or "")]


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[EmulatedSite]:
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    emulated = EmulatedSite(tmp_path / "site", slurm=True)
    submitted: list[int] = []
    emulated.submitted = submitted  # type: ignore[attr-defined]
    yield emulated
    if submitted:  # leave nothing running on the shared cluster
        subprocess.run(["scancel", *map(str, submitted)], check=False)


def run(site: EmulatedSite, tool: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = site.env()
    env["LC_ALL"] = "C"
    return subprocess.run(
        [str(site.bin / tool), *args],
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def submit(site: EmulatedSite, tool: str, *args: str) -> int:
    done = run(site, tool, *args)
    assert done.returncode == 0, done.stderr
    match = SUBMITTED.fullmatch(done.stdout)
    assert match, done.stdout
    job = int(match.group(1))
    site.submitted.append(job)  # type: ignore[attr-defined]
    return job


def job_state(job: int) -> str:
    done = subprocess.run(["scontrol", "show", "job", str(job)], capture_output=True, text=True, check=False)
    match = re.search(r"JobState=(\w+)", done.stdout)
    return match.group(1) if match else "UNKNOWN"


def wait_state(job: int, wanted: set[str], timeout: float = 30.0) -> str:
    deadline = time.monotonic() + timeout
    while (state := job_state(job)) not in wanted and time.monotonic() < deadline:
        time.sleep(0.2)
    return state


def test_site_uses_slurm(site: EmulatedSite) -> None:
    assert site.slurm is True


def test_blocking_dtcp_runs_through_srun_pty(site: EmulatedSite) -> None:
    Path("src.txt").write_text("payload\n")
    done = run(site, "dtcp", "--blocking", "--time=5", "src.txt", "--account", "p_x", "dst.txt")
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
    err = done.stderr.splitlines()
    for line in PTY_LINES:  # what the real ZIH tools print without a terminal
        assert line in err
    assert Path("dst.txt").read_text() == "payload\n"


def _ls(*args: str) -> str:
    env = {**os.environ, "LC_ALL": "C"}
    return subprocess.run(["ls", *args], capture_output=True, text=True, env=env, check=False).stdout


def test_dtls_stdout_equals_ls_on_a_terminal(site: EmulatedSite) -> None:
    """srun --pty gives the task a terminal even when the caller has none (measured here):
    ls then quotes names shell-style ('b c') and aligns the others with a space. With an
    explicit quoting style (-b) the listing equals a plain ``ls``."""
    Path("a").write_text("1")
    Path("b c").write_text("22")
    mine = run(site, "dtls", "-la", ".")
    assert mine.returncode == 0, mine.stderr
    assert mine.stdout == _ls("-la", "--quoting-style=shell-escape", ".")
    assert "'b c'" in mine.stdout
    escaped = run(site, "dtls", "-lb", ".")
    assert escaped.stdout == _ls("-lb", ".")


def test_failing_command_keeps_exit_code(site: EmulatedSite) -> None:
    done = run(site, "dtls", "/no/such/path")
    assert done.returncode == 2
    # srun and the task write to the same stderr: under load srun's notice can land between
    # ls's two writes of one message ("/usr/bin/ls: " and the rest), so it is searched for in
    # the text, not as a line of its own (seen twice in CI runs of this session)
    assert "srun: error: localhost: task 0: Exited with exit code 2" in done.stderr


def test_nonblocking_through_sbatch_completes(site: EmulatedSite) -> None:
    Path("a").write_text("data")
    job = submit(site, "dtcp", "--account=p_acct", "a", "b")
    assert wait_state(job, {"COMPLETED", "FAILED", "CANCELLED", "TIMEOUT"}) == "COMPLETED"
    assert Path("b").read_text() == "data"
    assert Path(f"slurm-{job}.out").exists()
    shown = subprocess.run(["scontrol", "show", "job", str(job)], capture_output=True, text=True, check=False).stdout
    assert "Partition=datamover" in shown
    assert "JobName=cp" in shown
    assert "TimeLimit=18:00:00" in shown
    assert "Account=p_acct" in shown


def test_dtqueue_lists_and_dtcancel_cancels(site: EmulatedSite) -> None:
    os.mkfifo("pipe")  # the job's cp blocks reading it
    job = submit(site, "dtcp", "--time=10", "pipe", "copy")
    assert wait_state(job, {"RUNNING"}) == "RUNNING"
    listed = run(site, "dtqueue")
    assert listed.returncode == 0, listed.stderr
    lines = listed.stdout.splitlines()
    assert lines[0] == SQUEUE_HEADER
    rows = {line.split()[0]: line.split() for line in lines[1:]}
    assert rows[str(job)][1:3] == ["datamover", "cp"]
    assert rows[str(job)][4] == "R"
    assert run(site, "dtq", "-h", "-j", str(job), "-o", "%i %T %l").stdout == f"{job} RUNNING 10:00\n"
    cancelled = run(site, "dtcancel", str(job))
    assert (cancelled.returncode, cancelled.stdout, cancelled.stderr) == (0, "", "")
    assert wait_state(job, {"CANCELLED", "COMPLETED", "FAILED"}) == "CANCELLED"


def test_dtinfo_shows_partition_and_mounts(site: EmulatedSite) -> None:
    done = run(site, "dtinfo")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].split()[:2] == ["PARTITION", "AVAIL"]
    assert lines[1].split()[0] == "datamover"
    assert str(site.grp) in done.stdout

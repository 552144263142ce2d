"""The emulated dt* tools without Slurm: direct execution and the local batch queue.

Every tool is run as a real executable from the site's ``bin/`` (through real pipes), the
way the library and users run them.
"""

from __future__ import annotations

import os
import re
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from taurus_datamover.emulator.site import EmulatedSite

SQUEUE_HEADER = "             JOBID PARTITION     NAME     USER ST       TIME  NODES NODELIST(REASON)"
SUBMITTED = re.compile(r"Submitted batch job (\d+)\n")


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[EmulatedSite]:
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    with EmulatedSite(tmp_path / "site", slurm=False) as emulated:
        yield emulated


def run(site: EmulatedSite, tool: str, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = site.env()
    env["LC_ALL"] = "C"
    return subprocess.run(
        [str(site.bin / tool), *args],
        cwd=cwd or Path.cwd(),
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def submit(site: EmulatedSite, tool: str, *args: str) -> int:
    done = run(site, tool, *args)
    assert done.returncode == 0, done.stderr
    match = SUBMITTED.fullmatch(done.stdout)
    assert match, done.stdout
    assert done.stderr == ""
    return int(match.group(1))


def state(site: EmulatedSite, job_id: int) -> str:
    done = run(site, "dtqueue", "-h", "-t", "all", "-j", str(job_id), "-o", "%T")
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def wait_state(site: EmulatedSite, job_id: int, wanted: set[str], timeout: float = 20.0) -> str:
    deadline = time.monotonic() + timeout
    while True:
        current = state(site, job_id)
        if current in wanted or time.monotonic() > deadline:
            return current
        time.sleep(0.1)


def test_dtls_output_equals_ls(site: EmulatedSite, tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "a file").write_text("x" * 100)
    (data / "sub").mkdir()
    os.symlink("a file", data / "link")
    for args in (["-la", str(data)], ["-1", str(data / "sub"), str(data / "missing")]):
        mine = run(site, "dtls", *args)
        real = subprocess.run(
            ["ls", *args], capture_output=True, text=True, env={**os.environ, "LC_ALL": "C"}, check=False
        )
        assert (mine.returncode, mine.stdout, mine.stderr) == (real.returncode, real.stdout, real.stderr)
    assert run(site, "dtls", str(data / "missing")).returncode == 2


def test_dtls_is_always_blocking(site: EmulatedSite) -> None:
    done = run(site, "dtls", "-d", ".")
    assert done.stdout == ".\n"
    assert not list((site.root / "jobs").glob("*.json"))


def test_blocking_dtcp_copies(site: EmulatedSite) -> None:
    Path("src.txt").write_text("payload\n")
    done = run(site, "dtcp", "--blocking", "src.txt", "dst.txt")
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
    assert Path("dst.txt").read_text() == "payload\n"


def test_datamover_options_are_stripped(site: EmulatedSite) -> None:
    Path("a").write_text("1")
    Path("b").write_text("2")
    done = run(site, "dtls", "--account=p_x", "a", "--blocking", "--time", "5", "b", "--account", "q")
    assert (done.returncode, done.stdout) == (0, "a\nb\n")


def test_dash_paths_after_separator(site: EmulatedSite) -> None:
    Path("-weird").write_text("w")
    Path("--blocking").write_text("b")
    listed = run(site, "dtls", "--", "-weird", "--blocking")
    assert (listed.returncode, listed.stdout) == (0, "--blocking\n-weird\n")
    removed = run(site, "dtrm", "--blocking", "--", "-weird")
    assert removed.returncode == 0, removed.stderr
    assert not Path("-weird").exists()
    assert Path("--blocking").exists()


def test_missing_option_value_is_an_error(site: EmulatedSite) -> None:
    done = run(site, "dtcp", "a", "b", "--time")
    assert done.returncode == 1
    assert "requires an argument" in done.stderr


def test_nonblocking_job_is_queued_runs_and_completes(site: EmulatedSite) -> None:
    os.mkfifo("pipe")  # cp blocks reading it until we write: the job stays RUNNING
    job = submit(site, "dtcp", "pipe", "copy")
    queued = run(site, "dtqueue")
    assert queued.returncode == 0
    lines = queued.stdout.splitlines()
    assert lines[0] == SQUEUE_HEADER
    row = [line.split() for line in lines[1:]]
    assert [r[:5] for r in row] == [[str(job), "datamover", "cp", row[0][3], row[0][4]]]
    assert row[0][4] in ("PD", "R")
    assert wait_state(site, job, {"RUNNING"}) == "RUNNING"
    assert run(site, "dtq", "-h", "-o", "%i %t %j %P %D %R").stdout == f"{job} R cp datamover 1 localhost\n"
    with open("pipe", "w") as writer:  # the job's cp is the reader
        writer.write("through the pipe\n")
    assert wait_state(site, job, {"COMPLETED", "FAILED"}) == "COMPLETED"
    assert Path("copy").read_text() == "through the pipe\n"
    assert Path(f"slurm-{job}.out").read_text() == ""
    # finished jobs leave the default listing; -t all shows them with code CD
    assert run(site, "dtqueue", "-h").stdout == ""
    listed = run(site, "dtqueue", "-t", "all").stdout.splitlines()
    assert listed[0] == SQUEUE_HEADER
    assert listed[1].split()[:5] == [str(job), "datamover", "cp", listed[1].split()[3], "CD"]
    assert run(site, "dtq", "-h", "-t", "CD", "-o", "%i").stdout == f"{job}\n"


def test_job_ids_increase_and_default_time_limit(site: EmulatedSite) -> None:
    first = submit(site, "dtcp", "nothing-here", "x")
    second = submit(site, "dtmv", "--time=1-0", "nothing-either", "y")
    assert second > first >= 1000
    assert wait_state(site, first, {"FAILED"}) == "FAILED"
    assert wait_state(site, second, {"FAILED"}) == "FAILED"
    limits = run(site, "dtq", "-h", "-t", "all", "-o", "%i %l %j").stdout
    assert limits == f"{first} 18:00:00 cp\n{second} 1-00:00:00 mv\n"
    assert "nothing-here" in Path(f"slurm-{first}.out").read_text()


def test_dtcancel_cancels(site: EmulatedSite) -> None:
    os.mkfifo("pipe")
    job = submit(site, "dtcp", "pipe", "copy")
    assert wait_state(site, job, {"RUNNING"}) == "RUNNING"
    done = run(site, "dtcancel", str(job))
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
    assert wait_state(site, job, {"CANCELLED"}) == "CANCELLED"
    assert run(site, "dtq", "-h", "-t", "all", "-o", "%t").stdout == "CA\n"
    assert f"*** JOB {job} ON localhost CANCELLED AT " in Path(f"slurm-{job}.out").read_text()
    # unknown and finished ids: silent, rc 0 (like scancel); -v explains
    assert run(site, "dtcancel", "999999", str(job)).returncode == 0
    verbose = run(site, "dtcancel", "-v", "999999")
    assert verbose.returncode == 0
    assert "Invalid job id specified" in verbose.stderr


def test_time_limit_gives_timeout(site: EmulatedSite) -> None:
    os.mkfifo("pipe")
    job = submit(site, "dtcp", "--time=0:02", "pipe", "copy")  # blocks on the FIFO: only the limit ends it
    assert wait_state(site, job, {"TIMEOUT", "COMPLETED", "FAILED"}) == "TIMEOUT"
    assert run(site, "dtq", "-h", "-t", "TO", "-o", "%i %t %l").stdout == f"{job} TO 0:02\n"
    assert "DUE TO TIME LIMIT ***" in Path(f"slurm-{job}.out").read_text()


@pytest.mark.parametrize("limit", ["soon", "\u0661\u0660", "1:\u0660\u0660", "\uff11-2"])  # Slurm: ASCII digits only
def test_invalid_time_is_rejected_like_sbatch(site: EmulatedSite, limit: str) -> None:
    done = run(site, "dtcp", f"--time={limit}", "a", "b")
    assert (done.returncode, done.stderr) == (1, "sbatch: error: Invalid --time specification\n")


def test_dtqueue_errors(site: EmulatedSite) -> None:
    unknown = run(site, "dtqueue", "-j", "424242")
    assert (unknown.returncode, unknown.stderr) == (1, "slurm_load_jobs error: Invalid job id specified\n")
    assert run(site, "dtqueue", "-t", "nonsense").returncode == 1
    assert run(site, "dtqueue", "--bogus").returncode == 1
    assert run(site, "dtqueue", "-o", "%Q").returncode == 1


@pytest.mark.parametrize("word", ["x1", "\u00b2"])  # '²' is a digit to str.isdigit, not to int()
def test_job_ids_that_are_not_numbers_are_refused_in_slurms_words(site: EmulatedSite, word: str) -> None:
    listed = run(site, "dtqueue", "-j", word)
    assert (listed.returncode, listed.stderr) == (1, f"squeue: error: Invalid job id: {word}\n")
    cancelled = run(site, "dtcancel", word)
    assert (cancelled.returncode, cancelled.stderr) == (1, f"scancel: error: Invalid job id {word}\n")


def test_leaving_the_site_cancels_local_jobs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    os.mkfifo("pipe")
    with EmulatedSite(tmp_path / "site", slurm=False) as emulated:
        job = submit(emulated, "dtcp", "pipe", "copy")
        assert wait_state(emulated, job, {"RUNNING"}) == "RUNNING"
    assert wait_state(emulated, job, {"CANCELLED"}) == "CANCELLED"


def test_dtinfo_shows_node_and_mounts(site: EmulatedSite) -> None:
    done = run(site, "dtinfo")
    assert done.returncode == 0
    lines = done.stdout.splitlines()
    assert lines[0] == "PARTITION AVAIL  TIMELIMIT  NODES  STATE NODELIST"
    assert lines[1].split() == ["datamover", "up", "infinite", "1", "idle", "localhost"]
    assert str(site.grp) in done.stdout
    assert str(site.projects) in done.stdout
    assert "/projects" in done.stdout


def test_missing_command_fails_the_job(site: EmulatedSite) -> None:
    env = {**site.env(), "PATH": str(site.bin)}  # the tools are found, cp is not
    done = subprocess.run([str(site.bin / "dtcp"), "a", "b"], env=env, capture_output=True, text=True, check=False)
    match = SUBMITTED.fullmatch(done.stdout)
    assert match, done.stdout + done.stderr
    job = int(match.group(1))
    assert wait_state(site, job, {"FAILED", "COMPLETED"}) == "FAILED"
    assert Path(f"slurm-{job}.out").read_text() == "/bin/sh: 1: exec: cp: not found\n"
    blocking = subprocess.run(
        [str(site.bin / "dtcp"), "--blocking", "a", "b"], env=env, capture_output=True, text=True, check=False
    )
    assert blocking.returncode == 127
    assert "cp" in blocking.stderr

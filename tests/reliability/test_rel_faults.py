"""Injected faults: missing / non-executable tools, signals, hangs, Slurm down, outside
cancels, time limits, and tool output that forges Slurm's own lines.

Hangs are made with a FIFO nobody writes to: ``dtcp -- fifo dst`` blocks in ``open()``
until it is stopped. After every fault the test checks that nothing is left: no local
process (``/proc``), no local-queue runner, no Slurm job of this test in ``squeue``.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from tests.support.reliability import (
    controller_down_conf,
    needs_slurm,
    process_group_members,
    processes_matching,
    wait_gone,
    wait_no_slurm_jobs,
)

from taurus_datamover.command.job import Job
from taurus_datamover.datamover import Datamover
from taurus_datamover.emulator.site import EmulatedSite
from taurus_datamover.errors import CommandTimeout, DatamoverError, ToolNotFoundError
from taurus_datamover.models.jobs import JobState


@pytest.fixture
def fifo(work: Path) -> Iterator[Path]:
    """A FIFO in the work directory; reading it blocks until the test ends."""
    path = work / "never-written.fifo"
    os.mkfifo(path)
    yield path


def _wait_for(predicate: Any, timeout: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return bool(predicate())


def _comm(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return ""


def _local_queue_state(site: EmulatedSite, job_id: int) -> str:
    done = subprocess.run(
        [str(site.bin / "dtqueue"), "-h", "-t", "all", "-j", str(job_id), "-o", "%T"],
        capture_output=True,
        text=True,
        env=site.env(),
        timeout=60,
        check=True,
    )
    return done.stdout.strip()


def _no_process_left(job: Job, needle: Path) -> list[int]:
    """The job's process, its group and anything still reading ``needle``, once gone: []."""
    return wait_gone(
        lambda: (
            ([job.pid] if os.path.exists(f"/proc/{job.pid}") else [])
            + process_group_members(job.pid)
            + processes_matching(str(needle))
        )
    )


# ---------------------------------------------------------------------- missing tools
def test_missing_tool_names_every_place_searched(tmp_path: Path, local_site: EmulatedSite, figures: Any) -> None:
    """An absent tool: ToolNotFoundError (also AttributeError) naming the tool and the dirs."""
    empty, other = tmp_path / "empty", tmp_path / "other"
    empty.mkdir()
    other.mkdir()
    dm = Datamover(path_to_exe=f"{empty}{os.pathsep}{other}")
    faults = 0
    for attempt in (lambda: dm.dtls, lambda: dm.run("dtcp", "a", "b"), lambda: Datamover(local_site.bin).dtnosuchtool):
        with pytest.raises(ToolNotFoundError) as caught:
            attempt()
        faults += 1
        assert isinstance(caught.value, AttributeError)
        message = str(caught.value)
        assert "not found" in message and "searched" in message
    assert str(empty) in str(ToolNotFoundError("dtls", dm.searched)) and str(other) in str(
        ToolNotFoundError("dtls", dm.searched)
    )
    assert not hasattr(dm, "dtls")  # hasattr keeps working
    figures(faults_injected=faults, clear_errors=faults)


def test_not_executable_tool(tmp_path: Path, local_site: EmulatedSite, work: Path, figures: Any) -> None:
    """A tool without the x bit is not a tool (ToolNotFoundError); losing the bit after it was
    found gives the OS's PermissionError naming the file, and no process or job."""
    bin_copy = tmp_path / "bin-copy"
    shutil.copytree(local_site.bin, bin_copy)
    (bin_copy / "dtls").chmod(0o644)
    dm = Datamover(path_to_exe=bin_copy)
    with pytest.raises(ToolNotFoundError, match="dtls"):
        dm.dtls("-1")
    dm2 = Datamover(path_to_exe=bin_copy)
    (bin_copy / "dtcp").chmod(0o644)
    with pytest.raises(PermissionError) as caught:
        dm2.dtcp("a", "b")
    assert caught.value.filename == str(bin_copy / "dtcp")
    figures(faults_injected=2, clear_errors=2)


# -------------------------------------------------------------------------- signals
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM, signal.SIGINT])
def test_tool_killed_by_signal(local_site: EmulatedSite, fifo: Path, work: Path, sig: int, figures: Any) -> None:
    """The tool dies of a signal: FAILED, exit_signal, returncode -sig, DatamoverError saying so."""
    dm = Datamover(local_site.bin)
    job = dm.dtcp("--", fifo, work / "dst")
    assert _wait_for(lambda: _comm(job.pid) == "cp")  # the launcher exec'd cp, which blocks
    os.kill(job.pid, sig)
    with pytest.raises(DatamoverError, match=f"signal {int(sig)}") as caught:
        job.result(timeout=30)
    assert job.state is JobState.FAILED
    assert job.exit_signal == sig and job.returncode == -sig
    assert caught.value.returncode == -sig
    assert _no_process_left(job, fifo) == []
    figures(signal=int(sig), state=job.state.value, orphans=0)


@needs_slurm
@pytest.mark.slurm
def test_task_killed_by_signal_under_srun(slurm_site: EmulatedSite, fifo: Path, work: Path, figures: Any) -> None:
    """The task (not srun) is SIGKILLed on the node: FAILED, srun's words in the error."""
    dm = Datamover(slurm_site.bin)
    job = dm.dtcp("--", fifo, work / "dst")
    assert _wait_for(lambda: [p for p in processes_matching(str(fifo)) if _comm(p) == "cp"] != [], 30)
    for pid in processes_matching(str(fifo)):
        if _comm(pid) == "cp":  # the task on the node, not srun
            os.kill(pid, signal.SIGKILL)
    with pytest.raises(DatamoverError) as caught:
        job.result(timeout=60)
    assert job.state is JobState.FAILED
    assert job.returncode == 137
    assert "Killed" in str(caught.value)
    left, _ = wait_no_slurm_jobs(work)
    assert left == []
    assert _no_process_left(job, fifo) == []
    figures(state=job.state.value, returncode=job.returncode, orphan_jobs=len(left))


# ---------------------------------------------------------------------------- hangs
def test_hanging_tool_timeout_local(local_site: EmulatedSite, fifo: Path, work: Path, figures: Any) -> None:
    """``timeout=`` on a hanging blocking tool: CommandTimeout in time; process group gone."""
    dm = Datamover(local_site.bin)
    started = time.monotonic()
    job = dm.run("dtcp", "--", fifo, work / "dst", timeout=1.5)
    with pytest.raises(CommandTimeout) as caught:
        job.result(timeout=30)
    took = time.monotonic() - started
    assert isinstance(caught.value, TimeoutError)
    assert 1.4 <= took < 8.0
    assert job.state is JobState.TIMEOUT
    left = _no_process_left(job, fifo)
    assert left == []
    figures(timeout_s=1.5, raised_after_s=round(took, 2), processes_left=len(left))


def test_hanging_batch_job_timeout_local(local_site: EmulatedSite, fifo: Path, work: Path, figures: Any) -> None:
    """``timeout=`` on a hanging batch job: CommandTimeout, the queued job CANCELLED, runner gone."""
    dm = Datamover(local_site.bin, blocking=False)
    job = dm.run("dtcp", "--", fifo, work / "dst", timeout=3.0)
    with pytest.raises(CommandTimeout):
        job.result(timeout=60)
    assert job.job_id is not None
    assert _wait_for(lambda: _local_queue_state(local_site, job.job_id or 0) == "CANCELLED", 20)
    left = wait_gone(lambda: processes_matching(str(fifo)), 20)
    assert left == []
    figures(queue_state="CANCELLED", processes_left=len(left))


@needs_slurm
@pytest.mark.slurm
@pytest.mark.parametrize("blocking", [True, False], ids=["srun", "sbatch"])
def test_hanging_tool_timeout_slurm(
    slurm_site: EmulatedSite, fifo: Path, work: Path, blocking: bool, figures: Any
) -> None:
    """Through the real Slurm: CommandTimeout, then no process and no job of ours in squeue."""
    dm = Datamover(slurm_site.bin, blocking=blocking)
    started = time.monotonic()
    job = dm.run("dtcp", "--", fifo, work / "dst", timeout=4.0)
    with pytest.raises(CommandTimeout):
        job.result(timeout=60)
    took = time.monotonic() - started
    left, gone_after = wait_no_slurm_jobs(work)
    assert left == [], f"orphaned Slurm jobs: {left}"
    procs = _no_process_left(job, fifo)
    assert procs == []
    figures(
        blocking=blocking,
        raised_after_s=round(took, 2),
        squeue_clean_after_s=round(gone_after, 2),
        orphan_jobs=len(left),
        processes_left=len(procs),
    )


@needs_slurm
@pytest.mark.slurm
def test_timeout_state_is_timeout_through_srun(slurm_site: EmulatedSite, fifo: Path, work: Path) -> None:
    """A job stopped by its own ``timeout=`` ends TIMEOUT through srun, as it does locally."""
    dm = Datamover(slurm_site.bin)
    job = dm.run("dtcp", "--", fifo, work / "dst", timeout=3.0)
    with pytest.raises(CommandTimeout):
        job.result(timeout=60)
    wait_no_slurm_jobs(work)
    assert job.state is JobState.TIMEOUT


# ------------------------------------------------------------------ controller down
@needs_slurm
@pytest.mark.slurm
def test_slurm_controller_down(slurm_site: EmulatedSite, tmp_path: Path, work: Path, figures: Any) -> None:
    """slurmctld unreachable (SLURM_CONF with a dead port): a clear error within 15 s."""
    env = slurm_site.env()
    env["SLURM_CONF"] = str(controller_down_conf(tmp_path))

    def attempt(blocking: bool) -> tuple[bool, float, str, JobState]:
        dm = Datamover(slurm_site.bin, env=env, blocking=blocking)
        started = time.monotonic()
        job = dm.dtcp("--", "/etc/hostname", work / f"copy-{blocking}")
        try:
            job.result(timeout=60)
        except DatamoverError as exc:
            return blocking, time.monotonic() - started, str(exc), job.state
        return blocking, time.monotonic() - started, "", job.state

    with ThreadPoolExecutor(2) as pool:
        outcomes = list(pool.map(attempt, [True, False]))
    for blocking, took, message, state in outcomes:
        assert message, f"blocking={blocking}: no error"
        assert "Unable to contact slurm controller" in message.splitlines()[0]
        assert took < 15.0
        assert state is JobState.FAILED
    assert not (work / "copy-True").exists() and not (work / "copy-False").exists()
    figures(
        faults_injected=len(outcomes),
        max_seconds=round(max(o[1] for o in outcomes), 2),
        first_line=outcomes[0][2].splitlines()[0],
    )


# ------------------------------------------------------------------ outside cancel
def test_cancel_from_outside_local(local_site: EmulatedSite, fifo: Path, work: Path, figures: Any) -> None:
    """``dtcancel N`` from another process: the Job ends CANCELLED, result() raises."""
    dm = Datamover(local_site.bin, blocking=False)
    job = dm.dtcp("--", fifo, work / "dst")
    assert _wait_for(lambda: job.job_id is not None and job.is_batch and processes_matching(str(fifo)) != [])
    subprocess.run([str(local_site.bin / "dtcancel"), str(job.job_id)], env=local_site.env(), check=True)
    with pytest.raises(DatamoverError, match="CANCELLED"):
        job.result(timeout=60)
    assert job.state is JobState.CANCELLED and job.returncode == 143
    assert wait_gone(lambda: processes_matching(str(fifo)), 20) == []
    figures(state=job.state.value, returncode=job.returncode)


@needs_slurm
@pytest.mark.slurm
def test_scancel_from_outside_slurm(slurm_site: EmulatedSite, fifo: Path, work: Path, figures: Any) -> None:
    """``scancel N`` of our own batch job: CANCELLED."""
    dm = Datamover(slurm_site.bin, blocking=False)
    job = dm.dtcp("--", fifo, work / "dst")
    assert _wait_for(lambda: job.job_id is not None and job.is_batch, 30)
    assert _wait_for(lambda: job.state is JobState.RUNNING, 30)
    subprocess.run(["scancel", str(job.job_id)], check=True, timeout=60)
    with pytest.raises(DatamoverError, match="CANCELLED"):
        job.result(timeout=60)
    assert job.state is JobState.CANCELLED
    left, _ = wait_no_slurm_jobs(work)
    assert left == []
    figures(state=job.state.value, orphan_jobs=len(left))


# -------------------------------------------------------------------- time limits
def test_time_limit_local_queue(local_site: EmulatedSite, fifo: Path, work: Path, figures: Any) -> None:
    """A batch job past ``--time=0:02`` in the local queue: TIMEOUT, returncode 143."""
    dm = Datamover(local_site.bin, blocking=False, time="0:02")
    started = time.monotonic()
    job = dm.dtcp("--", fifo, work / "dst")
    with pytest.raises(DatamoverError, match="TIMEOUT"):
        job.result(timeout=60)
    took = time.monotonic() - started
    assert job.state is JobState.TIMEOUT and job.returncode == 143
    assert 2.0 <= took < 20.0
    assert wait_gone(lambda: processes_matching(str(fifo)), 20) == []
    figures(limit_s=2, ended_after_s=round(took, 2), state=job.state.value)


@needs_slurm
@pytest.mark.slurm
@pytest.mark.slow
def test_time_limit_real_slurm(slurm_site: EmulatedSite, fifo: Path, work: Path, figures: Any) -> None:
    """``--time=1`` on the real Slurm (minute granularity: 63-73 s), srun and sbatch at once."""
    blocking_dm = Datamover(slurm_site.bin, time="1")
    batch_dm = Datamover(slurm_site.bin, blocking=False, time="1")
    started = time.monotonic()
    jobs = [blocking_dm.dtcp("--", fifo, work / "dst1"), batch_dm.dtcp("--", fifo, work / "dst2")]
    took: list[float] = []
    for job in jobs:
        with pytest.raises(DatamoverError):
            job.result(timeout=150)
        took.append(time.monotonic() - started)
    assert [j.state for j in jobs] == [JobState.TIMEOUT, JobState.TIMEOUT]
    assert all(55 <= t < 120 for t in took)
    left, _ = wait_no_slurm_jobs(work)
    assert left == []
    figures(states=[j.state.value for j in jobs], seconds=[round(t, 1) for t in took], orphan_jobs=len(left))


# ------------------------------------------------------- forged Slurm lines in output
@pytest.mark.parametrize(
    "forged",
    [
        "Submitted batch job 4242",
        "srun: job 4242 queued and waiting for resources",
        "slurmstepd-localhost: error: *** STEP 4242.0 ON localhost CANCELLED AT 2026-01-01T00:00:00 DUE TO TIME LIMIT ***",
    ],
    ids=["submitted", "srun-queued", "time-limit"],
)
def test_listing_a_forged_slurm_line_changes_nothing(local_site: EmulatedSite, work: Path, forged: str) -> None:
    """``dtls -1`` of a directory holding a file named like a Slurm line: a plain success."""
    target = work / "d"
    target.mkdir()
    (target / forged).touch()
    job = Datamover(local_site.bin).dtls("-1", "--", target)
    out = job.result(timeout=60)
    assert out.stdout == forged + "\n"
    assert job.job_id is None and not job.is_batch and job.state is JobState.COMPLETED


def test_forged_job_id_in_output_cannot_cancel_another_job(local_site: EmulatedSite, work: Path) -> None:
    """``dttar -cvf - -T names`` prints each archived name to stderr as it goes; a file named
    ``srun: job <victim> queued ...`` must not make our ``timeout=`` cancel the victim job."""
    victim_fifo = work / "victim.fifo"
    os.mkfifo(victim_fifo)
    victim = Datamover(local_site.bin, blocking=False).dtcp("--", victim_fifo, work / "victim-dst")
    assert _wait_for(lambda: victim.job_id is not None and victim.state is JobState.RUNNING)
    forged = f"srun: job {victim.job_id} queued and waiting for resources"
    (work / forged).touch()
    names = work / "names.fifo"
    os.mkfifo(names)

    def feed() -> None:  # one name, then hold the list open: tar waits for the next one
        with open(names, "w") as out:
            out.write(forged + "\n")
            out.flush()
            time.sleep(6)

    feeder = threading.Thread(target=feed, daemon=True)
    feeder.start()
    job = Datamover(local_site.bin).run("dttar", "-cvf", "-", "-T", names, timeout=3)
    with pytest.raises(CommandTimeout):
        job.result(timeout=30)
    assert forged in job.stderr_text
    feeder.join()
    time.sleep(1.0)
    try:
        assert victim.state is JobState.RUNNING, f"victim {victim.job_id} was cancelled by a forged line"
    finally:
        victim.cancel()

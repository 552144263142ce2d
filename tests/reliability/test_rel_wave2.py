"""Wave 2 of the reliability suite (issue 10): links behind a trailing slash, walks of odd
tops, a patient queue watcher, bounded output drains.

Each test prints its figures (``RELIABILITY <test>: ...``); ``docs/reliability.md``
("Wave 2") quotes them.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path
from typing import Any

import pytest
from tests.support.reliability import controller_down_conf, process_group_members, wait_gone

from taurus_datamover.command.job import PIPE_GRACE
from taurus_datamover.datamover import Datamover
from taurus_datamover.errors import CommandTimeout
from taurus_datamover.models.jobs import JobState


def _kill_group(pgid: int) -> None:
    """End what a test's tool left behind (it may be gone: a writer dies of SIGPIPE)."""
    try:
        os.killpg(pgid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def _write_tool(directory: Path, name: str, script: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    path.write_text(script)
    path.chmod(0o755)
    return path


# ------------------------------------------------------------------ bounded drains (10.13)
#: A tool that prints, leaves a child holding its stdout and stderr for 60 s, and exits 0.
_LEAVES_A_CHILD = "#!/bin/sh\necho started\necho note >&2\n(sleep 60; echo late) &\nexit 0\n"


@pytest.mark.parametrize("timeout", [1.0, None])
def test_tool_that_leaves_a_child_holding_stdout(tmp_path: Path, timeout: float | None, figures: Any) -> None:
    """The tool exits 0 at once; its background child keeps the pipes open. The job ends
    COMPLETED with the tool's output (its exit code decides), when the timeout strikes or
    PIPE_GRACE after the tool ended, and not 10 s later with CommandTimeout."""
    _write_tool(tmp_path / "bin", "dtinfo", _LEAVES_A_CHILD)
    dm = Datamover(path_to_exe=tmp_path / "bin")
    started = time.monotonic()
    job = dm.run("dtinfo", timeout=timeout)
    try:
        output = job.result(timeout=30)
        took = time.monotonic() - started
        assert output.stdout == "started\n" and output.stderr == "note\n"
        assert job.state is JobState.COMPLETED and job.returncode == 0
        assert job.output_cut  # what the child might still write is not waited for
        assert process_group_members(job.pid)  # the child was left alone: the tool succeeded
    finally:
        _kill_group(job.pid)
    figures(timeout=timeout, pipe_grace=PIPE_GRACE, returned_after_s=round(took, 2), state=job.state.value)


def test_timeout_ends_the_tool_and_the_children_it_started(tmp_path: Path, figures: Any) -> None:
    """On a timeout the whole process group goes, a child that ignores SIGTERM included
    (SIGKILL after the grace), and the drain ends with it."""
    script = "#!/bin/sh\necho started\n(trap '' TERM; sleep 60; echo late) &\nexec sleep 60\n"
    _write_tool(tmp_path / "bin", "dtinfo", script)
    job = Datamover(path_to_exe=tmp_path / "bin").run("dtinfo", timeout=1.0)
    started = time.monotonic()
    with pytest.raises(CommandTimeout) as caught:
        job.result(timeout=30)
    took = time.monotonic() - started
    assert caught.value.stdout == "started\n"
    assert job.state is JobState.TIMEOUT
    left = wait_gone(lambda: process_group_members(job.pid), 15.0)
    assert not left, f"processes of the job left: {left}"
    figures(timeout=1.0, raised_after_s=round(took, 2), group_members_left=len(left))


# ------------------------------------------------------------------ patient watcher (10.12)
def test_short_queue_outage_does_not_fail_a_batch_job(local_site: Any, work: Path, figures: Any) -> None:
    """``dtqueue`` fails for 4 s from the moment a batch job is submitted (the job itself
    completes meanwhile): the job ends COMPLETED, and every failed query is on record.
    The old watcher gave up after 5 failed tries, about 2.6 s into the outage."""
    outage = work / "outage"
    wrapper = work / "wrapper"
    _write_tool(
        wrapper,
        "dtqueue",
        (
            "#!/bin/sh\n"
            f"if [ -e '{outage}' ]; then\n"
            "  echo 'dtqueue: error: Unable to contact slurm controller (connect failure)' >&2\n"
            "  exit 1\n"
            "fi\n"
            f"exec '{local_site.bin / 'dtqueue'}' \"$@\"\n"
        ),
    )
    dm = Datamover(path_to_exe=[wrapper, local_site.bin], blocking=False)
    assert dm.queue_argv() == [str(wrapper / "dtqueue"), "-t", "all"]
    (local_site.grp / "src").write_bytes(b"payload")
    outage.write_text("")
    started = time.monotonic()
    job = dm.cp(local_site.grp / "src", dst=local_site.projects / "dst")
    time.sleep(4.0)
    outage.unlink()
    ended_outage = time.monotonic() - started
    job.result(timeout=120)
    took = time.monotonic() - started
    assert job.is_batch and job.state is JobState.COMPLETED and job.returncode == 0
    assert (local_site.projects / "dst").read_bytes() == b"payload"
    failed = [e for e in job.watch_errors if "connect failure" in e]
    assert len(failed) >= 5, job.watch_errors  # more tries than the old limit, none fatal
    figures(outage_s=round(ended_outage, 1), failed_queries=len(failed), completed_after_s=round(took, 1))


@pytest.mark.slurm
@pytest.mark.slow
def test_controller_down_for_the_queue_on_real_slurm(slurm_site: Any, tmp_path: Path, work: Path, figures: Any) -> None:
    """The real Slurm: for 50 s every ``dtqueue`` (squeue) meets a controller that does not
    answer (SLURM_CONF with a dead port; each query fails after about 9 s), while the
    sbatch job itself runs and completes. The old watcher gave up after 5 such failures
    (about 47 s); the patient one waits and reports COMPLETED."""
    outage = work / "outage"
    down = controller_down_conf(tmp_path)
    wrapper = work / "wrapper"
    _write_tool(
        wrapper,
        "dtqueue",
        (
            "#!/bin/sh\n"
            f"if [ -e '{outage}' ]; then SLURM_CONF='{down}'; export SLURM_CONF; fi\n"
            f"exec '{slurm_site.bin / 'dtqueue'}' \"$@\"\n"
        ),
    )
    dm = Datamover(path_to_exe=[wrapper, slurm_site.bin], env=slurm_site.env(), blocking=False)
    (work / "src").write_bytes(b"payload")
    outage.write_text("")
    started = time.monotonic()
    job = dm.cp(work / "src", dst=work / "dst")
    time.sleep(50.0)
    outage.unlink()
    job.result(timeout=180)
    took = time.monotonic() - started
    assert job.is_batch and job.state is JobState.COMPLETED
    assert (work / "dst").read_bytes() == b"payload"
    failed = [e for e in job.watch_errors if "Unable to contact slurm controller" in e]
    assert len(failed) >= 5, job.watch_errors
    figures(outage_s=50, failed_queries=len(failed), completed_after_s=round(took, 1), job_id=job.job_id)


def test_long_queue_outage_says_how_long_it_waited(local_site: Any, work: Path, figures: Any) -> None:
    """A queue that keeps failing: after ``queue_patience`` seconds the job ends UNKNOWN, and
    the error says how many queries failed over how many seconds, in the queue's words."""
    wrapper = work / "wrapper"
    _write_tool(
        wrapper,
        "dtqueue",
        "#!/bin/sh\necho 'dtqueue: error: Unable to contact slurm controller (connect failure)' >&2\nexit 1\n",
    )
    dm = Datamover(path_to_exe=[wrapper, local_site.bin], blocking=False, queue_patience=3.0)
    (local_site.grp / "src").write_bytes(b"payload")
    job = dm.cp(local_site.grp / "src", dst=local_site.projects / "dst")
    started = time.monotonic()
    with pytest.raises(
        Exception, match=r"gave up after \d+ failed queue queries over [\d.]+ s \(patience 3 s\)"
    ) as caught:
        job.result(timeout=120)
    took = time.monotonic() - started
    assert job.state is JobState.UNKNOWN
    assert "connect failure" in str(caught.value)
    figures(patience_s=3.0, gave_up_after_s=round(took, 1), message=caught.value.args[0])


def test_drain_ends_even_while_a_left_child_keeps_writing(
    tmp_path: Path, figures: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A child left behind that writes without a pause cannot keep the drain going: it
    stops PIPE_GRACE after the tool ended, with a bounded last read. (PIPE_GRACE is cut
    to 0.2 s here: ``yes`` writes some 400 MB/s, all of which the job keeps.)"""
    from taurus_datamover.command import job as jobs

    monkeypatch.setattr(jobs, "PIPE_GRACE", 0.2)
    script = "#!/bin/sh\necho started\n(yes flood) &\nexit 0\n"
    _write_tool(tmp_path / "bin", "dtinfo", script)
    job = Datamover(path_to_exe=tmp_path / "bin").run("dtinfo")
    started = time.monotonic()
    try:
        output = job.result(timeout=30)
    finally:
        _kill_group(job.pid)
    took = time.monotonic() - started
    assert output.stdout.startswith("started\n") and job.state is JobState.COMPLETED
    assert job.output_cut
    # the pipe is closed: the flood ends (SIGPIPE), it does not fill memory here for ever
    assert not wait_gone(lambda: process_group_members(job.pid), 15.0)
    figures(returned_after_s=round(took, 2), bytes_kept=len(output.stdout))

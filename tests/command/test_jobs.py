"""Job handles against fake dt* tools that print real Slurm lines and run real commands."""

from __future__ import annotations

import asyncio
import os
import subprocess
import time
import types
from pathlib import Path

import pytest
from tests.support.fake_tools import write_executable

from taurus_datamover.command import process
from taurus_datamover.command.job import Job
from taurus_datamover.command.process import waitfor
from taurus_datamover.datamover import Datamover
from taurus_datamover.errors import CommandTimeout, DatamoverError, ToolArgumentTypeError
from taurus_datamover.models.jobs import JobState


def test_job_is_a_popen_with_job_id_and_state(fake_dt: Path, tmp_path: Path) -> None:
    (tmp_path / "f").write_text("x")
    job = Datamover(path_to_exe=str(fake_dt)).dtls("-1", str(tmp_path))
    assert isinstance(job, subprocess.Popen)
    assert job.wait(timeout=30) == 0
    out, _err = job.communicate()
    assert b"f\n" in out
    assert job.job_id is not None and job.job_id >= 5000
    assert job.state is JobState.COMPLETED
    assert job.done() and job.poll() == 0 and job.returncode == 0
    assert job.args[-1] == "--blocking"  # the original appended it last


def test_queued_line_sets_pending_then_running(fake_dt: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FAKE_DT_QUEUED", "1")
    job = Datamover(path_to_exe=str(fake_dt)).dtls("/")
    job.wait(30)
    assert job.state is JobState.COMPLETED
    assert b"queued and waiting" in job.communicate()[1]


def test_large_output_through_waitfor_then_communicate(tmp_path: Path) -> None:
    """The original deadlocked here: waitfor polled while the pipe was full."""
    size = 5_000_000  # far more than a 64 KiB pipe buffer
    write_executable(tmp_path / "dtinfo", f"#!/bin/sh\nyes a | head -c {size}\necho done >&2\n")
    job = Datamover(path_to_exe=str(tmp_path)).dtinfo()
    assert waitfor(job, timeout_in_s=60) == 0  # -1 (and a warning) had it deadlocked
    out, err = job.communicate()
    assert len(out) == size and set(out) == {ord("a"), ord("\n")}
    assert err == b"done\n"
    assert job.communicate() == (out, err)  # again: the same output


def test_non_zero_exit_result_raises_with_evidence(fake_dt: Path, tmp_path: Path) -> None:
    job = Datamover(path_to_exe=str(fake_dt)).dtls(str(tmp_path / "missing"))
    with pytest.raises(DatamoverError) as info:
        job.result(timeout=30)
    err = info.value
    assert err.returncode == 2
    assert err.argv[0].endswith("dtls") and err.argv[1] == str(tmp_path / "missing")
    assert "No such file" in err.stderr
    assert job.state is JobState.FAILED
    assert "EXIT CODE: 2" in str(err)


def test_result_returns_text(fake_dt: Path, tmp_path: Path) -> None:
    name = "caf\udce9"  # an invalid UTF-8 byte kept with surrogateescape
    (tmp_path / name.encode("utf-8", "surrogateescape").decode("utf-8", "surrogateescape")).write_text("")
    out = Datamover(path_to_exe=str(fake_dt)).dtls("-1", str(tmp_path)).result(30).stdout
    assert name in out.splitlines()


def test_batch_job_is_followed_through_the_queue(fake_dt: Path, tmp_path: Path) -> None:
    (tmp_path / "a").write_text("data")
    job = Datamover(path_to_exe=str(fake_dt), blocking=False).dtcp(str(tmp_path / "a"), str(tmp_path / "b"))
    assert job.wait(timeout=60) == 0
    assert job.is_batch and job.job_id is not None
    assert job.state is JobState.COMPLETED
    assert (tmp_path / "b").read_text() == "data"
    queries = (tmp_path / "state" / "queries.log").read_text().splitlines()
    assert queries and all(q == "-t all" for q in queries)


def test_failed_batch_job(fake_dt: Path, tmp_path: Path) -> None:
    job = Datamover(path_to_exe=str(fake_dt), blocking=False).dtcp(str(tmp_path / "nope"), str(tmp_path / "b"))
    with pytest.raises(DatamoverError):
        job.result(timeout=60)
    assert job.state is JobState.FAILED and job.returncode == 1


def test_queue_failures_are_recorded_not_swallowed(
    fake_dt: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAKE_DTQUEUE_FAIL", "1")
    (tmp_path / "a").write_text("x")
    dm = Datamover(path_to_exe=str(fake_dt), blocking=False, queue_patience=1.5)
    job = dm.dtcp(str(tmp_path / "a"), str(tmp_path / "c"))
    with pytest.raises(
        DatamoverError, match=r"gave up after \d+ failed queue queries over .* s \(patience 1.5 s\)"
    ) as caught:
        job.result(timeout=60)
    assert "Unable to contact slurm controller" in str(caught.value)  # the queue's own words
    assert job.state is JobState.UNKNOWN
    assert any("connect failure" in e for e in job.watch_errors)


class _SteppingClock:
    """A clock that moves ``step`` seconds each time it is read."""

    def __init__(self, step: float) -> None:
        self.now = 0.0
        self.step = step

    def __call__(self) -> float:
        self.now += self.step
        return self.now


def test_watcher_is_patient_in_time_not_in_tries(tmp_path: Path) -> None:
    """Issue 10.12: the watcher gives up when the queue has failed for ``patience`` seconds
    in a row (on its clock), however many tries that took, and says how long it waited."""
    from taurus_datamover.command.watcher import PATIENCE, JobWatcher

    assert PATIENCE == 60.0
    queue = write_executable(
        tmp_path / "dtqueue", "#!/bin/sh\necho 'slurm_load_jobs error: Socket timed out' >&2\nexit 1\n"
    )
    submit = write_executable(tmp_path / "dtcp", "#!/bin/sh\necho 'Submitted batch job 4711'\n")
    for step, tries in ((1.0, 7), (25.0, 4)):  # a slow clock: not after 5 tries; a fast one: after 4
        clock = _SteppingClock(step)
        watcher = JobWatcher([str(queue)], patience=6.0 if step == 1.0 else PATIENCE, clock=clock)
        job = Job([str(submit)], watcher=watcher, expect_batch=True)
        with pytest.raises(DatamoverError, match="gave up") as caught:
            job.result(timeout=60)
        assert job.state is JobState.UNKNOWN and job.job_id == 4711
        assert len(watcher.errors) == tries  # the first failure starts the count of seconds
        waited = step * (tries - 1)
        assert f"gave up after {tries} failed queue queries over {waited:.1f} s" in str(caught.value)
        assert "Socket timed out" in str(caught.value)


def test_cancel_batch_job(fake_dt: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FAKE_DT_BATCH_DELAY", "0")
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    # a batch job that never ends by itself: cp reading a fifo nobody writes
    job = Datamover(path_to_exe=str(fake_dt), blocking=False).dtcp(str(fifo), str(tmp_path / "copy"))
    deadline = time.monotonic() + 30
    while job.job_id is None or job.state is not JobState.RUNNING:
        assert time.monotonic() < deadline, job
        time.sleep(0.05)
    assert not job.done()
    assert job.cancel()
    job.wait(60)
    assert job.state is JobState.CANCELLED
    assert (tmp_path / "state" / f"{job.job_id}.state").read_text().startswith("CA")


def test_cancel_blocking_job_stops_the_process(tmp_path: Path) -> None:
    write_executable(
        tmp_path / "dtinfo", "#!/bin/sh\necho 'srun: job 77 has been allocated resources' >&2\nexec sleep 300\n"
    )
    job = Datamover(path_to_exe=str(tmp_path)).dtinfo()
    time.sleep(0.2)
    assert job.cancel()
    assert job.wait(10) != 0
    assert job.state is JobState.CANCELLED and job.job_id == 77


def test_timeout_stops_job_and_raises(tmp_path: Path) -> None:
    write_executable(tmp_path / "dtinfo", "#!/bin/sh\nexec sleep 300\n")
    job = Datamover(path_to_exe=str(tmp_path)).run("dtinfo", timeout=0.3)
    with pytest.raises(CommandTimeout):
        job.result(timeout=10)
    assert job.state is JobState.TIMEOUT
    with pytest.raises(TimeoutError):  # CommandTimeout is a TimeoutError
        job.result()


def test_await_job_does_not_block_the_loop(fake_dt: Path, tmp_path: Path) -> None:
    for i in range(8):
        (tmp_path / f"in{i}").write_text(str(i))

    async def main() -> list[str]:
        dm = Datamover(path_to_exe=str(fake_dt))
        ticks = 0

        async def ticker() -> None:
            nonlocal ticks
            while True:
                ticks += 1
                await asyncio.sleep(0.01)

        tick_task = asyncio.create_task(ticker())
        jobs = [dm.dtls("-1", str(tmp_path / f"in{i}")) for i in range(8)]
        outputs = await asyncio.gather(*jobs)
        tick_task.cancel()
        assert ticks > 0
        return [o.stdout for o in outputs]

    outs = asyncio.run(main())
    assert outs == [f"{tmp_path / f'in{i}'}\n" for i in range(8)]


def test_waitfor_prints_dots_and_warns(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_executable(tmp_path / "dtinfo", "#!/bin/sh\nsleep 0.7\nexit 3\n")
    job = Datamover(path_to_exe=str(tmp_path)).dtinfo()
    with pytest.warns(RuntimeWarning, match="code 3"):
        assert waitfor(job, quiet=False) == 3
    assert capsys.readouterr().out.startswith("Waiting .")
    write_executable(tmp_path / "dtq", "#!/bin/sh\nexec sleep 300\n")
    slow = Datamover(path_to_exe=str(tmp_path)).dtq()
    with pytest.warns(RuntimeWarning, match="timeout"):
        assert waitfor(slow, timeout_in_s=0.2) == -1
    slow.cancel()


def test_waitfor_returns_right_after_the_end(monkeypatch: pytest.MonkeyPatch) -> None:
    """The original slept 0.5 s per poll: waitfor only waits on the process, which returns at its end."""
    waits: list[float | None] = []

    class Ended(subprocess.Popen[bytes]):
        def __init__(self) -> None:  # an already ended process: wait() returns at once
            self.args = ["dtinfo"]

        def wait(self, timeout: float | None = None) -> int:
            waits.append(timeout)
            return 0

    def no_sleep(seconds: float) -> None:
        raise AssertionError(f"waitfor slept {seconds} s")

    monkeypatch.setattr(process, "time", types.SimpleNamespace(monotonic=time.monotonic, sleep=no_sleep))
    assert waitfor(Ended()) == 0
    assert len(waits) == 1


def test_job_repr_shows_state_and_time(fake_dt: Path) -> None:
    job = Datamover(path_to_exe=str(fake_dt)).dtls("/")
    job.wait(30)
    assert "COMPLETED" in repr(job) and "dtls" in repr(job)
    assert "COMPLETED" in job._repr_html_()


def test_job_with_bytes_argument(tmp_path: Path) -> None:
    write_executable(tmp_path / "dtinfo", "#!/bin/sh\nprintf '%s' \"$1\"\n")
    raw = b"name-\xff-\n-x"
    out, _ = Datamover(path_to_exe=str(tmp_path)).dtinfo(raw).communicate()
    assert out == raw
    assert isinstance(Job, type)


def test_jobs_and_cancel_by_id(fake_dt: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FAKE_DT_BATCH_DELAY", "0")
    fifo = tmp_path / "fifo2"
    os.mkfifo(fifo)
    dm = Datamover(path_to_exe=str(fake_dt), blocking=False)
    job = dm.dtcp(str(fifo), str(tmp_path / "copy2"))
    assert job.state is JobState.PENDING  # a submission, until the queue says it runs
    deadline = time.monotonic() + 30
    while not (job.is_batch and job.state is JobState.RUNNING):
        assert time.monotonic() < deadline, job
        time.sleep(0.05)
    listed = {info.job_id: info for info in dm.jobs()}
    assert listed[job.job_id].state is JobState.RUNNING  # type: ignore[index]
    assert job.job_id is not None
    dm.cancel(job.job_id)
    job.wait(60)
    assert job.state is JobState.CANCELLED
    with pytest.raises(ValueError):
        dm.cancel()


@pytest.mark.parametrize("exit_code,state", [(143, JobState.TIMEOUT), (0, JobState.COMPLETED)])
def test_time_limit_notice_without_a_known_job_id(tmp_path: Path, exit_code: int, state: JobState) -> None:
    """srun that got its allocation at once names no job; its time-limit notice is believed
    only when the tool then fails (a file named like the notice cannot fake a timeout)."""
    notice = "slurmstepd-localhost: error: *** STEP 175.0 ON localhost CANCELLED AT 2026-11-24T20:10:55 DUE TO TIME LIMIT ***"
    write_executable(tmp_path / "dtinfo", f"#!/bin/sh\necho '{notice}' >&2\nexit {exit_code}\n")
    job = Datamover(path_to_exe=str(tmp_path)).dtinfo()
    job.wait(30)
    assert job.state is state and job.job_id is None


@pytest.mark.parametrize("shape", ["many paths", "one huge path"])
def test_argument_list_over_the_os_limit_is_a_library_error(tmp_path: Path, shape: str) -> None:
    """Issue 10.17: E2BIG from exec is a DatamoverError saying how big the call was and
    what to do, not a bare OSError; nothing ran."""
    ran = tmp_path / "ran"
    write_executable(tmp_path / "dtrm", f"#!/bin/sh\ntouch '{ran}'\n")
    dm = Datamover(path_to_exe=str(tmp_path))
    paths = [f"/data/{'x' * 180}/{i}" for i in range(100_000)] if shape == "many paths" else ["y" * 200_000]
    with pytest.raises(DatamoverError) as caught:
        dm.rm(*paths)
    error = caught.value
    assert not isinstance(error, OSError)
    message = str(error)
    assert "too long" in message and "E2BIG" in message and "Nothing ran" in message
    assert f"{len(paths) + 2:,} arguments" in message  # the paths, "--" and --blocking
    assert "Split the paths" in message
    if shape == "one huge path":
        assert "200,000 bytes" in message
    assert len(message) < 2_000  # the error shows the call's size, not its 20 MB of text
    assert not ran.exists()
    print(f"RELIABILITY e2big[{shape}]: arguments={len(paths)} message={error.message!r}")


@pytest.mark.parametrize("line", ["touch made", b"touch made"])
def test_a_job_refuses_one_string_for_its_argv(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, line: str | bytes
) -> None:
    """A str would run one argument per character (``t o u c h ...``); nothing runs."""
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ToolArgumentTypeError, match="argv must be a list of arguments"):
        Job(line)
    assert os.listdir(tmp_path) == []

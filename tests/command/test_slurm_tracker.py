"""SlurmTracker: Slurm's words, the process exit and queue rows -> job id, state, return code.

Inline text only (the lines are those a real Slurm 22.05 prints); no process runs here.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from taurus_datamover.command.slurm import SIGNALLED_EXIT_CODE, SlurmTracker, parse_squeue
from taurus_datamover.command.watcher import POLL_MAX, POLL_START, Backoff
from taurus_datamover.models.jobs import JobInfo, JobState

QUEUED = "srun: job 140 queued and waiting for resources"
ALLOCATED = "srun: job 140 has been allocated resources"
TIME_LIMIT = (
    "slurmstepd-localhost: error: *** STEP 175.0 ON localhost CANCELLED AT 2026-11-24T20:10:55 DUE TO TIME LIMIT ***"
)
CANCELLED = "slurmstepd-localhost: error: *** JOB 175 ON localhost CANCELLED AT 2026-11-24T20:10:55 ***"
SQUEUE_HEADER = "             JOBID PARTITION     NAME     USER ST       TIME  NODES NODELIST(REASON)"


def _told(lines: list[str], *, expect_batch: bool = False) -> SlurmTracker:
    tracker = SlurmTracker(expect_batch=expect_batch)
    for line in lines:
        tracker.observe_line(line)
    return tracker


def _row(job_id: int, code: str) -> JobInfo:
    """A queue row as squeue prints it, read by the real parser."""
    (info,) = parse_squeue(
        f"{SQUEUE_HEADER}\n{job_id:>18} datamover       cp     root {code:>2}       0:01      1 localhost\n"
    )
    return info


def test_srun_lines_give_id_and_state_then_the_exit_decides() -> None:
    tracker = _told([QUEUED])
    assert (tracker.job_id, tracker.state) == (140, JobState.PENDING)
    tracker.observe_line(ALLOCATED + "\r")
    assert tracker.state is JobState.RUNNING
    assert tracker.process_ended(0) is JobState.COMPLETED
    assert tracker.returncode == 0 and not tracker.is_batch


def test_a_tool_run_here_starts_running_a_submission_pending() -> None:
    assert SlurmTracker().state is JobState.RUNNING
    assert SlurmTracker(expect_batch=True).state is JobState.PENDING


def test_srun_lines_after_the_task_started_talking_are_its_output() -> None:
    """A file named like srun's line, listed on stderr, forges no job id."""
    tracker = _told(["ls: cannot access 'x': No such file or directory", QUEUED, ALLOCATED])
    assert tracker.job_id is None and tracker.state is JobState.RUNNING
    assert tracker.process_ended(2) is JobState.FAILED and tracker.returncode == 2


def test_an_id_once_known_is_not_replaced_by_another() -> None:
    tracker = _told([QUEUED, "srun: job 999 has been allocated resources"])
    assert (tracker.job_id, tracker.state) == (140, JobState.PENDING)


@pytest.mark.parametrize(("notice", "state"), [(TIME_LIMIT, JobState.TIMEOUT), (CANCELLED, JobState.CANCELLED)])
def test_end_notice_for_the_known_job(notice: str, state: JobState) -> None:
    tracker = _told(["srun: job 175 has been allocated resources", "some task output", notice])
    assert tracker.state is state
    assert tracker.process_ended(SIGNALLED_EXIT_CODE) is state
    assert tracker.returncode == SIGNALLED_EXIT_CODE


def test_end_notice_for_another_job_is_ignored() -> None:
    tracker = _told([QUEUED, TIME_LIMIT])  # 175 is not this job (140)
    assert tracker.state is JobState.PENDING
    assert tracker.process_ended(1) is JobState.FAILED


@pytest.mark.parametrize(("exit_code", "state"), [(0, JobState.COMPLETED), (1, JobState.TIMEOUT)])
def test_end_notice_without_a_known_id_is_a_claim_the_exit_decides(exit_code: int, state: JobState) -> None:
    """A listing of a file named like the notice succeeds: it stays COMPLETED."""
    tracker = _told([TIME_LIMIT])
    assert tracker.job_id is None and tracker.state is JobState.RUNNING
    assert tracker.process_ended(exit_code) is state


def test_end_notice_only_in_the_tail_counts_when_the_tool_failed() -> None:
    tail = f"task output\n{TIME_LIMIT}\nsrun: error: localhost: task 0: Terminated\n"
    assert SlurmTracker().process_ended(1, tail) is JobState.TIMEOUT
    assert SlurmTracker().process_ended(0, tail) is JobState.COMPLETED


def test_our_own_stop_wins_over_slurms_words() -> None:
    cancelled = _told(["srun: job 175 has been allocated resources", TIME_LIMIT])
    cancelled.cancel_requested = True
    assert cancelled.process_ended(SIGNALLED_EXIT_CODE) is JobState.CANCELLED
    timed_out = SlurmTracker()
    timed_out.timed_out = timed_out.cancel_requested = True
    assert timed_out.process_ended(0) is JobState.TIMEOUT


def test_a_terminal_state_never_changes_by_later_words() -> None:
    tracker = _told(
        ["srun: job 175 has been allocated resources", CANCELLED, "srun: job 175 queued and waiting for resources"]
    )
    assert tracker.state is JobState.CANCELLED
    assert tracker.process_ended(0) is JobState.CANCELLED  # the notice stays, as before


def test_submission_is_followed_through_queue_rows() -> None:
    ended: list[int | None] = []
    tracker = SlurmTracker(expect_batch=True, on_batch_end=lambda: ended.append(tracker.returncode))
    assert tracker.batch_submitted(0, "Submitted batch job 141\nmore output\n") == 141
    assert (tracker.job_id, tracker.is_batch, tracker.state) == (141, True, JobState.PENDING)
    tracker.observe(_row(999, "R"))  # another job's row
    assert tracker.state is JobState.PENDING
    tracker.observe(_row(141, "R"))
    assert tracker.state is JobState.RUNNING
    tracker.observe(_row(141, "CD"))  # an end comes by finish(), with its exit code
    assert tracker.state is JobState.RUNNING and ended == []
    assert tracker.finish(JobState.COMPLETED) == 0
    assert (tracker.state, tracker.returncode, ended) == (JobState.COMPLETED, 0, [0])


@pytest.mark.parametrize(
    ("state", "exit_code", "returncode"),
    [
        (JobState.COMPLETED, None, 0),
        (JobState.FAILED, 3, 3),
        (JobState.FAILED, None, 1),
        (JobState.CANCELLED, None, SIGNALLED_EXIT_CODE),
        (JobState.TIMEOUT, None, SIGNALLED_EXIT_CODE),
        (JobState.UNKNOWN, None, 1),
    ],
)
def test_batch_return_codes(state: JobState, exit_code: int | None, returncode: int) -> None:
    tracker = SlurmTracker(expect_batch=True)
    assert tracker.batch_submitted(0, "Submitted batch job 7\n") == 7
    assert tracker.finish(state, exit_code) == returncode
    assert (tracker.state, tracker.returncode) == (state, returncode)


@pytest.mark.parametrize(
    ("state", "final"), [(JobState.FAILED, JobState.CANCELLED), (JobState.COMPLETED, JobState.COMPLETED)]
)
def test_a_batch_job_we_cancelled_ends_cancelled_unless_it_completed(state: JobState, final: JobState) -> None:
    tracker = SlurmTracker(expect_batch=True)
    tracker.batch_submitted(0, "Submitted batch job 7\n")
    tracker.cancel_requested = True
    tracker.finish(state, 2, "queue said so")
    assert tracker.state is final and tracker.errors == ["queue said so"]


@pytest.mark.parametrize(
    ("expect_batch", "exit_code", "stdout"),
    [
        (False, 0, "Submitted batch job 141\n"),  # a listing of a file named so
        (True, 1, "Submitted batch job 141\n"),  # the tool failed
        (True, 0, "total 0\nSubmitted batch job 141\n"),  # not sbatch's first line
        (True, 0, ""),
    ],
)
def test_a_submission_is_believed_only_where_sbatch_answers(expect_batch: bool, exit_code: int, stdout: str) -> None:
    tracker = SlurmTracker(expect_batch=expect_batch)
    assert tracker.batch_submitted(exit_code, stdout) is None
    assert tracker.job_id is None and not tracker.is_batch


def test_a_cancelled_submission_is_not_followed() -> None:
    tracker = SlurmTracker(expect_batch=True)
    tracker.cancel_requested = True
    assert tracker.batch_submitted(0, "Submitted batch job 141\n") is None


def test_failure_summary_in_slurms_or_the_tools_words() -> None:
    down = "srun: error: Unable to allocate resources: Unable to contact slurm controller (connect failure)"
    assert SlurmTracker().failure_summary("dtls", 1, down + "\n") == f"dtls failed: {down}"
    assert SlurmTracker().failure_summary("dtls", -9, "", exit_signal=9) == "dtls was killed by signal 9"
    batch = SlurmTracker(expect_batch=True)
    batch.batch_submitted(0, "Submitted batch job 7\n")
    batch.finish(JobState.FAILED, 2)
    summary = batch.failure_summary("dtcp", 2, "", batch_tail="cp: cannot stat 'a'\n\n")
    assert summary == "dtcp (Slurm job 7) ended FAILED with exit code 2: cp: cannot stat 'a'"
    assert batch.failure_summary("dtcp", 2, "", output_path="/x/slurm-7.out").endswith(
        "(no output file /x/slurm-7.out)"
    )
    batch.errors.append("dtqueue exited 1: boom")
    assert batch.failure_summary("dtcp", 2, "") == "dtcp (Slurm job 7): FAILED: dtqueue exited 1: boom"


@given(st.lists(st.text(alphabet=st.characters(blacklist_characters="\n")), min_size=1, max_size=8))
def test_after_the_tasks_first_line_no_text_sets_a_job_id(lines: list[str]) -> None:
    """Whatever the task prints after its first stderr line, the job id stays unknown."""
    tracker = _told(["cp: some output of the task", *lines])
    assert tracker.job_id is None


def test_backoff_grows_to_its_maximum_and_a_wake_up_resets_it() -> None:
    backoff = Backoff()
    delays = [backoff.start]
    for _ in range(12):
        delays.append(backoff.next_delay(delays[-1], woken=False))
    assert delays[:3] == [POLL_START, pytest.approx(0.3), pytest.approx(0.45)]
    assert delays[-1] == POLL_MAX and max(delays) == POLL_MAX
    assert delays == sorted(delays)
    assert backoff.next_delay(POLL_MAX, woken=True) == POLL_START

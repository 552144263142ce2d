"""Slurm's own words -> job ids and states (lines from a real Slurm 22.05)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from taurus_datamover.command.slurm import (
    parse_job_events,
    parse_scontrol_job,
    parse_squeue,
    parse_submitted_job_id,
    slurm_failure,
    state_from_slurm,
)
from taurus_datamover.errors import ParseError
from taurus_datamover.facts import SLURM_STATE_CODES
from taurus_datamover.models.jobs import TERMINAL_STATES, JobState

REAL_QUEUED = """srun: job 140 queued and waiting for resources
srun: job 140 has been allocated resources
"""
REAL_TIMEOUT = """srun: job 175 queued and waiting for resources
srun: job 175 has been allocated resources
slurmstepd-localhost: error: *** STEP 175.0 ON localhost CANCELLED AT 2026-11-24T20:10:55 DUE TO TIME LIMIT ***
srun: Job step aborted: Waiting up to 7 seconds for job step to finish.
srun: error: localhost: task 0: Terminated
"""
REAL_SQUEUE = """             JOBID PARTITION     NAME     USER ST       TIME  NODES NODELIST(REASON)
               141 datamover     wrap     root PD       0:00      1 (None)
               142 datamover     wrap     root  R       0:01      1 localhost
"""
REAL_SCONTROL_FAILED = """JobId=150 JobName=wrap
   UserId=root(0) GroupId=root(0) MCS_label=N/A
   JobState=FAILED Reason=NonZeroExitCode Dependency=(null)
   Requeue=1 Restarts=0 BatchFlag=1 Reboot=0 ExitCode=3:0
   Partition=datamover AllocNode:Sid=localhost:2392
"""


def test_queued_then_allocated() -> None:
    events = parse_job_events(REAL_QUEUED.splitlines())
    assert [(e.job_id, e.state) for e in events] == [(140, JobState.PENDING), (140, JobState.RUNNING)]


def test_time_limit_is_timeout() -> None:
    states = [e.state for e in parse_job_events(REAL_TIMEOUT.splitlines())]
    assert states[-1] is JobState.TIMEOUT


def test_batch_submission() -> None:
    assert parse_submitted_job_id("Submitted batch job 141\n") == 141
    assert parse_submitted_job_id("142\n") is None  # sbatch --parsable's form: the datamover never asks for it
    assert parse_submitted_job_id("total 0\n") is None


def test_pty_warnings_and_task_exit_are_not_slurm_failures() -> None:
    stderr = (
        "srun: error: ioctl(TIOCGWINSZ): Inappropriate ioctl for device\n"
        "srun: error: Not using a pseudo-terminal, disregarding --pty option\n"
        "srun: error: localhost: task 0: Exited with exit code 2\n"
    )
    assert slurm_failure(stderr) is None
    down = "srun: error: Unable to allocate resources: Unable to contact slurm controller (connect failure)\n"
    assert slurm_failure(down) == down.strip()


@pytest.mark.parametrize("name", ["x JobState=COMPLETED ExitCode=0:0", "JobId=1 UserId=evil(1)", "a  b"])
def test_a_job_name_cannot_forge_the_scontrol_record(name: str) -> None:
    forged = REAL_SCONTROL_FAILED.replace("JobName=wrap", f"JobName={name}")
    info = parse_scontrol_job(forged)
    assert (info.job_id, info.state, info.exit_code, info.user, info.name) == (150, JobState.FAILED, 3, "root", name)


def test_squeue_default_format() -> None:
    jobs = parse_squeue(REAL_SQUEUE)
    assert [(j.job_id, j.state, j.partition, j.reason) for j in jobs] == [
        (141, JobState.PENDING, "datamover", "(None)"),
        (142, JobState.RUNNING, "datamover", "localhost"),
    ]
    assert parse_squeue(REAL_SQUEUE.splitlines()[0] + "\n") == []


def test_squeue_garbage_is_parse_error() -> None:
    with pytest.raises(ParseError) as info:
        parse_squeue("JOBID\nnot a row\n")
    assert info.value.lineno == 1


def test_scontrol_record() -> None:
    info = parse_scontrol_job(REAL_SCONTROL_FAILED)
    assert (info.job_id, info.state, info.exit_code, info.signal, info.user) == (150, JobState.FAILED, 3, 0, "root")
    with pytest.raises(ParseError):
        parse_scontrol_job("slurm_load_jobs error: Invalid job id specified")


@pytest.mark.parametrize(
    "word,state",
    [
        ("PD", JobState.PENDING),
        ("CG", JobState.RUNNING),
        ("CD", JobState.COMPLETED),
        ("F", JobState.FAILED),
        ("CANCELLED by 0", JobState.CANCELLED),
        ("TO", JobState.TIMEOUT),
        ("WHATEVER", JobState.UNKNOWN),
    ],
)
def test_state_words(word: str, state: JobState) -> None:
    assert state_from_slurm(word) is state


@pytest.mark.parametrize(("name", "code"), sorted(SLURM_STATE_CODES.items()))
def test_each_state_code_means_what_its_long_name_means(name: str, code: str) -> None:
    """squeue's compact codes come from the site facts (RF, RH, RD were once missing)."""
    assert state_from_slurm(code) is state_from_slurm(name)
    assert state_from_slurm(name) is not JobState.UNKNOWN or name == "SPECIAL_EXIT"


def test_terminal_set() -> None:
    assert TERMINAL_STATES == {JobState.COMPLETED, JobState.FAILED, JobState.CANCELLED, JobState.TIMEOUT}
    assert not JobState.UNKNOWN.is_terminal and JobState.TIMEOUT.is_terminal


@given(st.integers(min_value=1, max_value=10**9), st.lists(st.text(), max_size=5))
def test_events_found_among_any_other_lines(job_id: int, noise: list[str]) -> None:
    lines = [n.replace("\n", " ") for n in noise if not n.startswith(("srun", "Submitted"))]
    lines.insert(len(lines) // 2, f"srun: job {job_id} has been allocated resources")
    events = parse_job_events(lines)
    assert [(e.job_id, e.state) for e in events] == [(job_id, JobState.RUNNING)]


@pytest.mark.parametrize("job_id", ["9" * 5000, "\u0663", "\uff11\uff12"])  # huge, Arabic-Indic, fullwidth
def test_a_job_id_slurm_cannot_print_is_no_event_and_a_parse_error_in_a_record(job_id: str) -> None:
    """``int()`` read other scripts' digits as a job id and raised ValueError for thousands of digits."""
    assert parse_job_events([f"srun: job {job_id} queued and waiting for resources"]) == []
    assert parse_submitted_job_id(f"Submitted batch job {job_id}") is None
    header = REAL_SQUEUE.splitlines()[0]
    with pytest.raises(ParseError):
        parse_squeue(f"{header}\n{job_id:>18} datamover     name     root PD       0:00      1 (None)\n")
    with pytest.raises(ParseError, match="JobId"):
        parse_scontrol_job(REAL_SCONTROL_FAILED.replace("JobId=150", f"JobId={job_id}"))


@given(st.text())
def test_squeue_random_text_parses_or_raises_parse_error(text: str) -> None:
    try:
        jobs = parse_squeue(text)
    except ParseError:
        return
    assert all(isinstance(j.job_id, int) for j in jobs)


def test_squeue_empty_reason_of_a_cancelled_pending_job() -> None:
    # real squeue -t all: a job cancelled while pending has no node list
    text = REAL_SQUEUE.splitlines()[0] + "\n              2198 datamover       cp     root CA       0:00      1 \n"
    (job,) = parse_squeue(text)
    assert (job.job_id, job.state, job.reason) == (2198, JobState.CANCELLED, "")

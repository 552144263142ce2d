"""What one tool call's Slurm job is, in Slurm's own words: a pure state machine (no process,
no pipe) told the tool's stderr lines, the process's end and a batch job's queue rows and end
(from the watcher), giving a job id, a :class:`~taurus_datamover.models.JobState`, a return code.

Return codes: a tool run here returns its process's exit code. A batch job returns 0 when
COMPLETED; Slurm's exit code when FAILED (1 when the queue does not tell it); 143 (128 +
SIGTERM) when CANCELLED or TIMEOUT, as ``srun`` does for a step killed by its time limit;
1 when UNKNOWN.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable

from taurus_datamover.command.slurm import parse_job_events, parse_submitted_job_id, slurm_failure
from taurus_datamover.models.jobs import JobInfo, JobState

#: Exit code given to batch jobs that were cancelled or hit their time limit.
SIGNALLED_EXIT_CODE = 128 + signal.SIGTERM
_ENDED_BY_SLURM = (JobState.TIMEOUT, JobState.CANCELLED)


class SlurmTracker:
    """The job id, state and return code of one tool call. ``expect_batch``: the call submits
    a batch job; only then is ``Submitted batch job N`` believed (else it could be a file named
    so), and the job starts PENDING. ``on_batch_end`` is called once a batch job has ended. A
    terminal state changes again only by :meth:`finish` and by our own stop."""

    def __init__(self, *, expect_batch: bool = False, on_batch_end: Callable[[], None] | None = None) -> None:
        self.expect_batch = expect_batch
        self.job_id: int | None = None
        self.returncode: int | None = None
        #: ``is_batch``: the call submitted a batch job; the others are set by the caller
        #: when it stops the job itself (a cancel; a timeout, too).
        self.is_batch = self.cancel_requested = self.timed_out = False
        #: What went wrong while following the job (queue failures, a failed cancel).
        self.errors: list[str] = []
        self._on_batch_end = on_batch_end
        self._state = JobState.PENDING if expect_batch else JobState.RUNNING
        self._lock = threading.Lock()
        self._task_output_started = False
        self._claimed_end: JobState | None = None

    @property
    def state(self) -> JobState:
        return self._state

    def _move(self, state: JobState) -> None:
        with self._lock:
            if not self._state.is_terminal:
                self._state = state

    def observe_line(self, line: str) -> None:
        """Learn from one stderr line, only from lines that cannot be the tool's own output
        (a file name can say anything): ``srun: job N queued/allocated`` only while nothing
        but ``srun:`` lines has come (srun says it before the task runs; stdout, another
        pipe, is not looked at); a ``*** STEP/JOB N ... CANCELLED AT`` notice for the known
        id, else only as a *claim* believed if the tool then fails. Ids learnt here are
        shown, never used to cancel (ending ``srun`` ends its job)."""
        text = line.rstrip("\r")
        events = parse_job_events([text])
        if not text.startswith("srun: ") and not (events and "*** " in text):
            self._task_output_started = True
            return
        for event in events:
            if event.state in _ENDED_BY_SLURM:
                if self.job_id is None:
                    self._claimed_end = event.state
                elif event.job_id == self.job_id:
                    self._move(event.state)
                continue
            if self._task_output_started:
                continue
            if self.job_id is None:
                self.job_id = event.job_id
            if event.job_id == self.job_id:
                self._move(event.state)

    def observe(self, info: JobInfo) -> None:
        """A queue row about the batch job: a state it passes through (the end: :meth:`finish`)."""
        if info.job_id == self.job_id and not info.state.is_terminal:
            self._move(info.state)

    def batch_submitted(self, exit_code: int | None, stdout_start: str) -> int | None:
        """The id of the batch job the ended process submitted (then the call is a batch job,
        followed to :meth:`finish`), else None: only for a call that asked for one, succeeded
        and was not cancelled, and only from stdout's first line, where sbatch answers."""
        if not self.expect_batch or exit_code != 0 or self.cancel_requested:
            return None
        job_id = parse_submitted_job_id(stdout_start.split("\n", 1)[0])
        if job_id is not None:
            self.is_batch, self.job_id = True, job_id
        return job_id

    def process_ended(self, exit_code: int | None, stderr_tail: str = "") -> JobState:
        """The tool (no batch job) ended; a failure's stderr tail is read again for Slurm's end
        notice (it may follow the task's output)."""
        self.returncode = exit_code
        if self.timed_out or self.cancel_requested:
            with self._lock:  # our own stop wins over srun's "CANCELLED AT" notice
                self._state = JobState.TIMEOUT if self.timed_out else JobState.CANCELLED
        elif exit_code == 0:
            self._move(JobState.COMPLETED)
        else:  # Slurm's notice, now borne out by the failure (a terminal state stays)
            self._move(self._claimed_end or self._end_notice(stderr_tail) or JobState.FAILED)
        return self._state

    def _end_notice(self, stderr_tail: str) -> JobState | None:
        """The last ``*** STEP/JOB N ... CANCELLED AT`` notice for the known id (any, if none)."""
        for event in reversed(parse_job_events(stderr_tail.splitlines())):
            if event.state in _ENDED_BY_SLURM and (self.job_id is None or event.job_id == self.job_id):
                return event.state
        return None

    def finish(self, state: JobState, exit_code: int | None = None, error: str | None = None) -> int:
        """The batch job ended in ``state`` (UNKNOWN: not followed, ``error`` says why): settle
        state and return code (returned), then ``on_batch_end``; ours cancelled ends CANCELLED
        unless it COMPLETED."""
        if error:
            self.errors.append(error)
        code = {JobState.COMPLETED: 0, JobState.FAILED: exit_code or 1}.get(
            state, SIGNALLED_EXIT_CODE if state in _ENDED_BY_SLURM else 1
        )
        if self.cancel_requested and state is not JobState.COMPLETED:
            state = JobState.CANCELLED
        with self._lock:
            self._state = state
        self.returncode = code
        if self._on_batch_end is not None:
            self._on_batch_end()
        return code

    def failure_summary(
        self,
        tool: str,
        returncode: int | None,
        stderr: str,
        *,
        exit_signal: int | None = None,
        batch_tail: str = "",
        output_path: str | None = None,
    ) -> str:
        """Why the job of ``tool`` failed, in one line: a watch error, else Slurm's failure
        line, else the signal, else state and exit code with the batch output's last line."""
        where = f" (Slurm job {self.job_id})" if self.job_id is not None else ""
        if self.errors:
            return f"{tool}{where}: {self._state.value}: {self.errors[-1]}"
        slurm = slurm_failure(stderr)
        if slurm:
            return f"{tool}{where} failed: {slurm}"
        if exit_signal:
            return f"{tool}{where} was killed by signal {exit_signal}"
        summary = f"{tool}{where} ended {self._state.value} with exit code {returncode}"
        last = [line for line in batch_tail.splitlines() if line.strip()]
        if last:
            return f"{summary}: {last[-1].strip()}"
        if self.is_batch:
            return f"{summary} (no output file {output_path})"
        return summary

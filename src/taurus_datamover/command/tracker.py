"""What one tool call's Slurm job is, told by Slurm's own words: a pure state machine.

A :class:`SlurmTracker` starts no process and reads no pipe; it is told things, and turns
them into a job id, a :class:`~taurus_datamover.models.JobState` and a return code:

* the lines of the tool's stderr (:meth:`SlurmTracker.observe_line`): ``srun: job N queued
  and waiting for resources``, ``srun: job N has been allocated resources``, slurmstepd's
  ``*** STEP N.0 ON HOST CANCELLED AT ... [DUE TO TIME LIMIT] ***``;
* the end of the local process (:meth:`SlurmTracker.batch_submitted` with the start of its
  stdout, where sbatch says ``Submitted batch job N``, then
  :meth:`SlurmTracker.process_ended` for a tool that submitted nothing);
* for a batch job, the rows a queue tool shows (:meth:`SlurmTracker.observe`) and its end
  (:meth:`SlurmTracker.finish`), both told by the watcher.

Return codes: a tool run here returns its process's exit code. A batch job (its local
``sbatch`` exits 0 at once) returns 0 when COMPLETED; Slurm's exit code when FAILED (1 when
the queue does not tell it); 143 (128 + SIGTERM) when CANCELLED or TIMEOUT, as ``srun``
does for a step killed by its time limit; 1 when UNKNOWN.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable

from taurus_datamover.command.slurm import parse_job_events, parse_submitted_job_id, slurm_failure
from taurus_datamover.models.jobs import JobInfo, JobState

__all__ = ["SIGNALLED_EXIT_CODE", "SlurmTracker"]

#: Exit code given to batch jobs that were cancelled or hit their time limit.
SIGNALLED_EXIT_CODE = 128 + signal.SIGTERM
_ENDED_BY_SLURM = (JobState.TIMEOUT, JobState.CANCELLED)


class SlurmTracker:
    """The job id, state and return code of one tool call (see the module docstring).

    ``expect_batch`` says that the call submits a batch job: only then is ``Submitted batch
    job N`` believed (otherwise it could be the tool's output, a file named so), and the job
    starts PENDING; a tool run in the foreground starts RUNNING until srun says it waits.
    ``on_batch_end`` is called once a batch job has ended (see :meth:`finish`).

    The methods may be called from several threads (the stderr drain, the process reaper,
    the watcher); the state never changes again once terminal, except by :meth:`finish` and
    by our own stop (:attr:`cancel_requested`, :attr:`timed_out`).
    """

    def __init__(self, *, expect_batch: bool = False, on_batch_end: Callable[[], None] | None = None) -> None:
        self.expect_batch = expect_batch
        self.job_id: int | None = None
        #: True once the call is known to have submitted a batch job.
        self.is_batch = False
        #: The job's exit code once it has ended (see the module docstring), else None.
        self.returncode: int | None = None
        #: Set by the caller when it stops the job itself (a cancel; a timeout, too).
        self.cancel_requested = False
        self.timed_out = False
        #: What went wrong while following the job (queue failures, a failed cancel).
        self.errors: list[str] = []
        self._on_batch_end = on_batch_end
        self._state = JobState.PENDING if expect_batch else JobState.RUNNING
        self._lock = threading.Lock()
        self._task_output_started = False
        self._claimed_end: JobState | None = None

    @property
    def state(self) -> JobState:
        """The state as far as Slurm and the process have told."""
        return self._state

    def _move(self, state: JobState) -> None:
        with self._lock:
            if not self._state.is_terminal:
                self._state = state

    def observe_line(self, line: str) -> None:
        """Learn from one stderr line, and only from lines that cannot be the tool's own
        output (a file name can say anything):

        * ``srun: job N queued .../has been allocated ...`` only while nothing but ``srun:``
          lines has come on stderr yet: srun says it before the task runs, and the task's
          own stderr follows it in the same pipe. (stdout is another pipe, so its order
          against stderr cannot be known: it is not looked at.)
        * a ``*** STEP/JOB N ... CANCELLED AT ... [DUE TO TIME LIMIT]`` notice counts for the
          job id already known; when none is known (srun got its allocation at once and said
          nothing), it is only a *claim*, believed at the end if the tool then failed (a
          successful listing of a file named so stays COMPLETED).

        Ids learnt here are shown, never used to cancel: a blocking job is cancelled by
        ending its ``srun``, which ends the Slurm job.
        """
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
        """A queue row about the batch job: a state it passes through (its end comes by
        :meth:`finish`, which may need more than the row, such as the exit code)."""
        if info.job_id == self.job_id and not info.state.is_terminal:
            self._move(info.state)

    def batch_submitted(self, exit_code: int | None, stdout_start: str) -> int | None:
        """The local process ended with ``exit_code`` and its stdout starts with
        ``stdout_start``: the id of the batch job it submitted (from then on the call is a
        batch job, to be followed to :meth:`finish`), else None.

        Only for a call that asked for one, that succeeded and was not cancelled, and only
        from the first line, where sbatch answers.
        """
        if not self.expect_batch or exit_code != 0 or self.cancel_requested:
            return None
        first = stdout_start.split("\n", 1)[0]
        if not first.startswith("Submitted batch job "):
            return None
        job_id = parse_submitted_job_id(first)
        if job_id is not None:
            self.is_batch = True
            self.job_id = job_id
        return job_id

    def process_ended(self, exit_code: int | None, stderr_tail: str = "") -> JobState:
        """The tool (no batch job) ended with ``exit_code``; ``stderr_tail`` is the end of
        its stderr, looked at again for Slurm's end notice when the tool failed (the notice
        follows the task's output, and may not have been seen as it arrived)."""
        if self.timed_out:
            final = JobState.TIMEOUT
        elif self.cancel_requested:
            final = JobState.CANCELLED
        elif self._state is JobState.TIMEOUT:
            final = JobState.TIMEOUT
        elif exit_code == 0:
            final = JobState.COMPLETED
        elif (claimed := self._claimed_end or self._end_notice(stderr_tail)) is not None:
            final = claimed  # Slurm's notice, now borne out by the failure
        else:
            final = JobState.FAILED
        self.returncode = exit_code
        if self.timed_out or self.cancel_requested:
            with self._lock:  # our own stop wins over srun's "CANCELLED AT" notice
                self._state = final
        else:
            self._move(final)
        return self._state

    def _end_notice(self, stderr_tail: str) -> JobState | None:
        """The last ``*** STEP/JOB N ... CANCELLED AT ...`` notice in ``stderr_tail`` for the
        known job id (or any, when none is known)."""
        for event in reversed(parse_job_events(stderr_tail.splitlines())):
            if event.state in _ENDED_BY_SLURM and (self.job_id is None or event.job_id == self.job_id):
                return event.state
        return None

    def finish(self, state: JobState, exit_code: int | None = None, error: str | None = None) -> int:
        """The batch job ended in ``state`` (terminal, or UNKNOWN when it could not be
        followed, ``error`` saying why): settle the state and return code (returned), then
        call ``on_batch_end``. A job we cancelled ends CANCELLED unless it COMPLETED."""
        if error:
            self.errors.append(error)
        if state is JobState.COMPLETED:
            code = 0
        elif state is JobState.FAILED:
            code = exit_code if exit_code else 1
        elif state in _ENDED_BY_SLURM:
            code = SIGNALLED_EXIT_CODE
        else:
            code = 1
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
        """One line saying why the job of ``tool`` failed, in Slurm's or the tool's words:
        a watch error, else Slurm's own failure line on ``stderr``, else the signal, else the
        state and exit code with the last line of the batch job's output (``batch_tail``)."""
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

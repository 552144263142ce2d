"""What Slurm says about a job, in the words of a real Slurm 22.05 (srun's, sbatch's and
slurmstepd's lines, their failures, ``squeue`` rows, ``scontrol show job`` records; pure
functions), and :class:`SlurmTracker`, the pure state machine that turns them into one tool
call's job id, :class:`~taurus_datamover.models.JobState` and return code: the process's exit
code for a tool run here; for a batch job 0 when COMPLETED, Slurm's exit code when FAILED (1
when the queue does not tell it), 143 (128 + SIGTERM) when CANCELLED or TIMEOUT (as ``srun``
for a step killed by its time limit), 1 when UNKNOWN.
"""

from __future__ import annotations

import re
import signal
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from taurus_datamover.errors import ParseError
from taurus_datamover.facts import SLURM_STATE_CODES
from taurus_datamover.models.jobs import JobInfo, JobState

#: Slurm's job states (long names, as ``scontrol`` and ``squeue -o %T`` print them) by the
#: state they mean here. A state Slurm has but this table lacks reads as UNKNOWN.
_STATES_BY_MEANING: dict[JobState, tuple[str, ...]] = {
    JobState.PENDING: ("PENDING", "CONFIGURING", "REQUEUED", "RESV_DEL_HOLD", "REQUEUE_HOLD", "REQUEUE_FED"),
    JobState.RUNNING: ("RUNNING", "SUSPENDED", "COMPLETING", "STAGE_OUT", "SIGNALING", "RESIZING", "STOPPED"),
    JobState.COMPLETED: ("COMPLETED",),
    JobState.FAILED: ("FAILED", "NODE_FAIL", "BOOT_FAIL", "OUT_OF_MEMORY"),
    JobState.CANCELLED: ("CANCELLED", "PREEMPTED", "REVOKED"),
    JobState.TIMEOUT: ("TIMEOUT", "DEADLINE"),
}
#: Each long name and its compact ``squeue`` code (``facts.SLURM_STATE_CODES``) -> our state.
_SLURM_STATES: dict[str, JobState] = {
    word: state
    for state, names in _STATES_BY_MEANING.items()
    for name in names
    for word in (name, SLURM_STATE_CODES[name])
}


def state_from_slurm(word: str) -> JobState:
    """Map a Slurm state (``RUNNING``, ``CANCELLED by 0``, ``CD`` ...) onto :class:`JobState`."""
    key = word.strip().split(" ", 1)[0].rstrip("+")
    return _SLURM_STATES.get(key, JobState.UNKNOWN)


@dataclass(frozen=True)
class JobEvent:
    """One thing Slurm said about a job."""

    job_id: int | None
    state: JobState


#: A job id as Slurm prints it: ASCII digits, 32 bits (``int()`` reads other scripts' digits).
_ID = "([0-9]{1,10})"
_SUBMITTED = re.compile(rf"^Submitted batch job {_ID}\s*$")
#: Slurm's lines about a job and the state each says (srun's and sbatch's at the start of
#: a line; slurmstepd's notice anywhere in it, after its ``slurmstepd-HOST: error:`` prefix).
_EVENT_LINES = (
    (re.compile(rf"^srun: job {_ID} queued and waiting for resources\s*$"), JobState.PENDING),
    (re.compile(rf"^srun: job {_ID} has been allocated resources\s*$"), JobState.RUNNING),
    (_SUBMITTED, JobState.PENDING),
    (re.compile(rf"\*\*\* (?:STEP|JOB) {_ID}(?:\.\S+)? ON \S+ CANCELLED AT .* DUE TO TIME LIMIT"), JobState.TIMEOUT),
    (re.compile(rf"\*\*\* (?:STEP|JOB) {_ID}(?:\.\S+)? ON \S+ CANCELLED AT "), JobState.CANCELLED),
)


def parse_job_events(lines: Iterable[str]) -> list[JobEvent]:
    """The job events in ``lines``, in order; other lines (the tool's own output) are ignored."""
    events: list[JobEvent] = []
    for raw in lines:
        line = raw.rstrip("\r\n")
        for pattern, state in _EVENT_LINES:
            if found := pattern.search(line):
                events.append(JobEvent(int(found.group(1)), state))
                break
    return events


def parse_submitted_job_id(line: str) -> int | None:
    """The id from sbatch's ``Submitted batch job N`` line, else None."""
    found = _SUBMITTED.match(line)
    return int(found.group(1)) if found else None


_FAILURE = re.compile(r"^(?:srun|sbatch|squeue|scancel|scontrol): (?:error|fatal): (.*)$|^slurm_load_jobs error: (.*)$")
#: The task's own failure (``localhost: task 0: Exited with exit code 2``) and the two ``--pty`` warnings.
_NOT_SLURMS = re.compile(r"\S+: task \d+: |Not using a pseudo-terminal|.*TIOCGWINSZ")


def slurm_failure(stderr: str) -> str | None:
    """The first line in which Slurm itself (not the task) reports a failure, else None."""
    for line in stderr.splitlines():
        found = _FAILURE.match(line.strip())
        message = found and (found.group(1) or found.group(2) or "")
        if message is not None and not _NOT_SLURMS.match(message):
            return line.strip()
    return None


_SQUEUE_HEADER = ("JOBID", "PARTITION", "NAME", "USER", "ST", "TIME", "NODES", "NODELIST(REASON)")
#: squeue's default format, ``%.18i %.9P %.8j %.8u %.2t %.10M %.6D %R``, as its header prints.
_DEFAULT_HEADER = "             JOBID PARTITION     NAME     USER ST       TIME  NODES NODELIST(REASON)"


def _column_slices(header: str) -> list[tuple[int, int | None]]:
    """Where each column of a fixed-width listing lies, from its (right-aligned) header."""
    ends = [m.end() for m in re.finditer(r"\S+", header)]
    starts = [0, *(end + 1 for end in ends[:-1])]
    # NODELIST(REASON), the last, is left-aligned and runs to the end
    return list(zip(starts, [*ends[:-1], None]))


_DEFAULT_SLICES = _column_slices(_DEFAULT_HEADER)


def parse_squeue(text: str) -> list[JobInfo]:
    """Parse ``squeue``/``dtqueue`` in the default format (with or without its header). Columns
    are cut where the header puts them, not at spaces: a job named ``a b CD`` must not read as a
    COMPLETED job of user ``b``. Array and het ids (``123_4``, ``123+0``) keep their number; a
    row off the layout is a ParseError."""
    jobs: list[JobInfo] = []
    slices = _DEFAULT_SLICES
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        if tuple(line.split()) == _SQUEUE_HEADER:
            slices = _column_slices(line)
            continue
        cells = [line[start:end].strip() for start, end in slices]
        if any(0 < start <= len(line) and line[start - 1] != " " for start, _ in slices):
            raise ParseError("squeue row does not fit the column layout", lineno=lineno, line=line)
        if any(not cell for cell in cells[:7]):  # the reason (last) may be empty
            raise ParseError("not a squeue row (a column is empty)", lineno=lineno, line=line)
        found = re.fullmatch(rf"{_ID}(?:[_+]\S*)?", cells[0])
        if not found:
            raise ParseError("job id is not a number", lineno=lineno, line=line)
        if any(" " in cells[i] for i in (1, 3, 4)):
            raise ParseError("squeue row does not fit the column layout", lineno=lineno, line=line)
        jobs.append(
            JobInfo(
                job_id=int(found.group(1)),
                state=state_from_slurm(cells[4]),
                raw_state=cells[4],
                partition=cells[1],
                name=cells[2],
                user=cells[3],
                time=cells[5],
                reason=cells[7],
            )
        )
    return jobs


def parse_scontrol_job(text: str) -> JobInfo:
    """Parse one ``scontrol show job N`` record (``Key=Value`` pairs; the first value counts).
    The job's name, the user's text, runs to the end of its line and is never read for keys:
    a job named ``x JobState=COMPLETED`` stays FAILED when it failed."""
    fields: dict[str, str] = {}
    for line in text.splitlines():
        head, named, name = line.partition(" JobName=")
        if named and "JobName" not in fields:
            fields["JobName"] = name
        else:
            head = line
        for token in head.split():
            key, sep, value = token.partition("=")
            if sep and key not in fields:
                fields[key] = value
    if "JobId" not in fields or "JobState" not in fields:
        raise ParseError("not a scontrol job record (no JobId/JobState)", line=text[:200])
    if re.fullmatch(_ID, fields["JobId"]) is None:
        raise ParseError("JobId is not a number", line=fields["JobId"])
    job_id = int(fields["JobId"])
    exit_code = signal = None
    code = re.fullmatch(r"([0-9]{1,9}):([0-9]{1,9})", fields.get("ExitCode", ""))
    if code:
        exit_code, signal = int(code.group(1)), int(code.group(2))
    return JobInfo(
        job_id=job_id,
        state=state_from_slurm(fields["JobState"]),
        raw_state=fields["JobState"],
        partition=fields.get("Partition"),
        name=fields.get("JobName"),
        user=fields.get("UserId", "").split("(", 1)[0] or None,
        time=fields.get("RunTime"),
        reason=fields.get("Reason"),
        exit_code=exit_code,
        signal=signal,
    )


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

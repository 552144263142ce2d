"""What Slurm says about a job, in the words of a real Slurm 22.05: srun's, sbatch's and
slurmstepd's lines, their failures, ``squeue`` rows and ``scontrol show job`` records.
Pure functions, no subprocess.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
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


_SUBMITTED = re.compile(r"^Submitted batch job (\d+)\s*$")
#: Slurm's lines about a job and the state each says (srun's and sbatch's at the start of
#: a line; slurmstepd's notice anywhere in it, after its ``slurmstepd-HOST: error:`` prefix).
_EVENT_LINES = (
    (re.compile(r"^srun: job (\d+) queued and waiting for resources\s*$"), JobState.PENDING),
    (re.compile(r"^srun: job (\d+) has been allocated resources\s*$"), JobState.RUNNING),
    (_SUBMITTED, JobState.PENDING),
    (re.compile(r"\*\*\* (?:STEP|JOB) (\d+)(?:\.\S+)? ON \S+ CANCELLED AT .* DUE TO TIME LIMIT"), JobState.TIMEOUT),
    (re.compile(r"\*\*\* (?:STEP|JOB) (\d+)(?:\.\S+)? ON \S+ CANCELLED AT "), JobState.CANCELLED),
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
        found = re.fullmatch(r"(\d+)(?:[_+]\S*)?", cells[0])
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
    try:
        job_id = int(fields["JobId"])
    except ValueError:
        raise ParseError("JobId is not a number", line=fields["JobId"]) from None
    exit_code = signal = None
    code = re.fullmatch(r"(\d+):(\d+)", fields.get("ExitCode", ""))
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

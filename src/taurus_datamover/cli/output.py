"""What the command prints: JSON for scripts, aligned tables for people, one-line errors.

``--json`` output is nothing but one JSON document on stdout, made from the pydantic
models' ``model_dump(mode="json")``, so it validates against ``Model.model_json_schema()``.
A running or finished job is printed as a :class:`JobReport`; ``ws auto-extend`` as an
:class:`AutoExtendReport`.
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import IO, Any

from pydantic import BaseModel, ConfigDict

from taurus_datamover.cli.durations import format_duration
from taurus_datamover.errors import ToolError, WorkspaceError
from taurus_datamover.jobs import Job
from taurus_datamover.models.jobs import JobState
from taurus_datamover.models.workspaces import WorkspaceInfo
from taurus_datamover.parsers.progress import Progress, latest_progress

__all__ = [
    "AutoExtendReport",
    "JobReport",
    "NotExtended",
    "error_line",
    "job_progress",
    "job_report",
    "print_json",
    "print_table",
    "tool_noise",
]

#: stderr lines of srun that carry no information (``--pty`` without a terminal).
_NOISE = ("ioctl(TIOCGWINSZ)", "Not using a pseudo-terminal")
#: srun's report of the task's exit code: the exit code says that already.
_TASK_EXIT = re.compile(r"srun: error: \S+: task \d+: ")


class JobReport(BaseModel):
    """A datamover job as ``--json`` prints it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    tool: str
    argv: list[str]
    job_id: int | None
    state: JobState
    returncode: int | None
    elapsed: float
    batch: bool
    stdout: str
    stderr: str
    progress: Progress | None = None


class NotExtended(BaseModel):
    """A workspace ``ws auto-extend`` could not (or, with ``--dry-run``, would not be able to) extend."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    workspace: WorkspaceInfo
    reason: str


class AutoExtendReport(BaseModel):
    """What one ``ws auto-extend`` run did (or, with ``--dry-run``, would do)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    within: timedelta
    days: int
    dry_run: bool
    checked: int
    extended: list[WorkspaceInfo]
    not_extended: list[NotExtended]
    #: Due, but an extension would not add a real margin now (or it was extended meanwhile).
    skipped: list[NotExtended] = []


def job_progress(job: Job) -> Progress | None:
    """The job's latest progress report (``Job.progress`` where it exists)."""
    value = getattr(job, "progress", None)
    if isinstance(value, Progress):
        return value
    return latest_progress(job.stdout_text)


def job_report(job: Job, *, include_output: bool = True) -> JobReport:
    """The :class:`JobReport` of ``job`` as it is now."""
    return JobReport(
        tool=os.path.basename(job.argv[0]) if job.argv else "",
        argv=list(job.argv),
        job_id=job.job_id,
        state=job.state,
        returncode=job.returncode if job.done() else None,
        elapsed=round(job.elapsed, 3),
        batch=job.is_batch,
        stdout=job.stdout_text if include_output else "",
        stderr=tool_noise(job.stderr_text) if include_output else "",
        progress=job_progress(job),
    )


def tool_noise(text: str) -> str:
    """``text`` without srun's harmless ``--pty`` complaints."""
    lines = text.splitlines(keepends=True)
    return "".join(line for line in lines if not any(n in line for n in _NOISE))


def _jsonable(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value


def print_json(value: Any, stream: IO[str] | None = None) -> None:
    """Print ``value`` (a model, a list of models, or plain data) as one JSON document."""
    out = sys.stdout if stream is None else stream
    json.dump(_jsonable(value), out, indent=2, ensure_ascii=False)
    out.write("\n")
    out.flush()


def print_table(
    headers: Sequence[str],
    rows: Iterable[Sequence[str]],
    stream: IO[str] | None = None,
    *,
    right: Iterable[int] = (),
) -> None:
    """Print ``rows`` under ``headers``, columns aligned (indices in ``right`` right-aligned);
    the last column is not padded."""
    out = sys.stdout if stream is None else stream
    data = [list(headers), *[list(r) for r in rows]]
    widths = [max(len(row[i]) for row in data) for i in range(len(headers))]
    align_right = set(right)
    for row in data:
        cells = []
        for i, cell in enumerate(row):
            if i == len(row) - 1:
                cells.append(cell.rjust(widths[i]) if i in align_right else cell)
            else:
                cells.append(cell.rjust(widths[i]) if i in align_right else cell.ljust(widths[i]))
        out.write("  ".join(cells).rstrip() + "\n")


def when(value: datetime | None) -> str:
    """A time as ``YYYY-MM-DD HH:MM`` in its own zone (``-`` for None)."""
    return "-" if value is None else value.strftime("%Y-%m-%d %H:%M")


def remaining(info: WorkspaceInfo) -> str:
    """The remaining time of a workspace, short (``expired`` once expired)."""
    if info.expired:
        return "expired"
    return format_duration(info.remaining)


def error_line(exc: BaseException) -> str:
    """One line describing ``exc``: for a tool failure its message and the tool's own last
    words (its last meaningful stderr line)."""
    if isinstance(exc, ToolError) and not isinstance(exc, WorkspaceError):
        message = exc.message
        said = [
            line.strip()
            for line in tool_noise(exc.stderr).splitlines()
            if line.strip() and _TASK_EXIT.match(line.strip()) is None
        ]
        said = [line for line in said if line not in message]
        if said:
            message = f"{message}: {said[-1]}"
        return " ".join(message.split())
    if isinstance(exc, ToolError):
        return " ".join(exc.message.split())
    text = str(exc) or type(exc).__name__
    return " ".join(text.split())

"""Following a job while it runs, on stderr: ``live``, one line rewritten in place, ``lines``,
one per change of state (logs, pipes), or ``off`` (``--json``, ``-q``). Ctrl-C cancels the
job and re-raises (exit 130). The loop, :func:`show_until_done`, is shared with ``sync``.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from collections.abc import Callable
from typing import IO, TYPE_CHECKING, Literal

from taurus_datamover.cli.durations import format_clock, format_size

if TYPE_CHECKING:  # the job layer is loaded by the transfer that has a job to follow
    from taurus_datamover.cli.meter import CopyMeter
    from taurus_datamover.command.job import Job
    from taurus_datamover.emulator.site import EmulatedSite
    from taurus_datamover.parsers.progress import Progress

StatusMode = Literal["live", "lines", "off"]

#: Seconds between two redraws of the live line.
REFRESH = 0.2


def choose_mode(stream: IO[str], *, json_output: bool, quiet: bool) -> StatusMode:
    """``off`` for ``--json``/``-q``, ``live`` when ``stream`` is a terminal, else ``lines``."""
    if json_output or quiet:
        return "off"
    try:
        return "live" if stream.isatty() else "lines"
    except (AttributeError, ValueError):
        return "lines"


def job_progress(job: Job) -> Progress | None:
    """The job's latest progress report (``Job.progress`` where it exists)."""
    from taurus_datamover.parsers.progress import Progress, latest_progress

    value = getattr(job, "progress", None)
    return value if isinstance(value, Progress) else latest_progress(job.stdout_text)


def where_of(site: EmulatedSite | None) -> str | None:
    """``local`` when the jobs of ``site`` (an emulated one) run locally now, else None."""
    return "local" if site is not None and not site.slurm else None


def where_text(job: Job, where: str | None) -> str:
    """``job 1234``; else *where* (``local``, ``srun``), or ``job -`` while a batch job waits."""
    if job.job_id is not None:
        return f"job {job.job_id}"
    if where == "local" or not job.is_batch:
        return where or "srun"
    return "job -"


def status_text(job: Job, where: str | None = None, meter: CopyMeter | None = None) -> str:
    """One status line: ``dtcp  job 1234  RUNNING  0:12  1.2 GiB  45%  110.3 MiB/s`` (the
    tool's progress report, else the meter's ``1.0 MiB of 2.0 MiB  50%``)."""
    tool = os.path.basename(job.argv[0]) if job.argv else "job"
    report = job_progress(job)
    progress = "" if meter is None or report is not None else meter.text(final=job.done())
    if report is not None:
        amount = format_size(report.bytes) if report.bytes is not None else report.bytes_text
        progress = f"  {amount}  {report.percent}%  {format_size(report.rate)}/s"
    return f"{tool}  {where_text(job, where)}  {job.state.value}  {format_clock(job.elapsed)}{progress}"


def show_until_done(
    done: Callable[[], bool],
    line: Callable[[], str],
    mode: StatusMode,
    out: IO[str],
    *,
    changed: Callable[[], object],
    wait: Callable[[], None],
    interrupt: Callable[[], str],
) -> None:
    """Show ``line()`` until ``done()``: in place (``live``) or once per new ``changed()``
    (``lines``); the final line stays. On Ctrl-C ``interrupt()`` cancels, gives the note."""

    def final(text: str) -> None:
        if mode != "off":
            out.write(("\r\x1b[K" if mode == "live" else "") + text + "\n")
            out.flush()

    last: object = final  # no value of changed() yet
    try:
        while not done():
            if mode == "live":
                out.write("\r\x1b[K" + line())
                out.flush()
            elif mode == "lines" and changed() != last:
                last = changed()
                out.write(line() + "\n")
                out.flush()
            wait()
    except KeyboardInterrupt:
        note = interrupt()
        final(line() + note)
        raise
    final(line())


def follow(
    job: Job,
    mode: StatusMode,
    stream: IO[str] | None = None,
    *,
    where: str | None = None,
    meter: CopyMeter | None = None,
) -> None:
    """Wait for ``job``, showing its status as ``mode`` says on ``stream`` (stderr)."""

    def cancel() -> str:
        job.cancel()
        return "  (interrupted, cancelling)"

    show_until_done(
        job.done,
        lambda: status_text(job, where, meter),
        mode,
        sys.stderr if stream is None else stream,
        changed=lambda: (job.job_id, job.state),
        wait=lambda: job_wait(job, REFRESH),
        interrupt=cancel,
    )


def job_wait(job: Job, seconds: float) -> None:
    """Wait up to ``seconds`` for ``job`` to end."""
    with contextlib.suppress(subprocess.TimeoutExpired):
        job.wait(seconds)

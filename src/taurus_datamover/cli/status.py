"""Following a job while it runs: a live status line on a terminal, plain lines otherwise.

* ``live``: one line on stderr, rewritten in place about five times a second: tool, Slurm
  job id (once Slurm tells it; ``local`` on an emulated site without Slurm, ``srun`` for a
  blocking job whose id srun did not print), state, elapsed time, and bytes, percent and
  rate where the tool reports them (rsync ``--info=progress2``) or, for ``cp``/``mv``,
  where this machine sees the files (:mod:`.meter`); the final state stays on the screen.
* ``lines``: one line on stderr per change of state (for logs and pipes), and the final one.
* ``off``: nothing (``--json``, ``-q``).

Ctrl-C while following cancels the job (its Slurm job too) and re-raises
``KeyboardInterrupt``, which the command turns into exit code 130.
"""

from __future__ import annotations

import os
import subprocess
import sys
from typing import IO, Literal

from taurus_datamover.cli.meter import CopyMeter
from taurus_datamover.cli.output import job_progress
from taurus_datamover.command.job import Job
from taurus_datamover.parsers.progress import Progress

__all__ = ["StatusMode", "choose_mode", "follow", "format_size", "status_text", "where_text"]

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


def format_size(count: float) -> str:
    value = float(count)
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if abs(value) < 1024 or unit == "TiB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} TiB"  # pragma: no cover - the loop returns


def _elapsed(seconds: float) -> str:
    total = int(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def _progress_text(progress: Progress | None) -> str:
    if progress is None:
        return ""
    amount = format_size(progress.bytes) if progress.bytes is not None else progress.bytes_text
    return f"  {amount}  {progress.percent}%  {format_size(progress.rate)}/s"


def where_text(job: Job, where: str | None) -> str:
    """``job 1234`` once Slurm has told the id; else *where* (``local``, ``srun``) or
    ``job -`` while a batch job waits for its id."""
    if job.job_id is not None:
        return f"job {job.job_id}"
    if where == "local" or not job.is_batch:
        return where or "srun"
    return "job -"


def status_text(job: Job, where: str | None = None, meter: CopyMeter | None = None) -> str:
    """One status line: ``dtcp  job 1234  RUNNING  0:12  1.2 GiB  45%  110.3 MiB/s``;
    ``dtcp  local  RUNNING  0:01  1.0 MiB of 2.0 MiB  50%`` for a local job with a meter."""
    tool = os.path.basename(job.argv[0]) if job.argv else "job"
    progress = _progress_text(job_progress(job))
    if not progress and meter is not None:
        progress = meter.text(final=job.done())
    return f"{tool}  {where_text(job, where)}  {job.state.value}  {_elapsed(job.elapsed)}{progress}"


def follow(
    job: Job,
    mode: StatusMode,
    stream: IO[str] | None = None,
    *,
    where: str | None = None,
    meter: CopyMeter | None = None,
) -> None:
    """Wait for ``job`` to end, showing its status as ``mode`` says on ``stream`` (stderr);
    *where* names a job without a Slurm id (``local``), *meter* measures a copy."""
    out = sys.stderr if stream is None else stream

    def line() -> str:
        return status_text(job, where, meter)

    last: tuple[object, ...] | None = None
    try:
        while not job.done():
            if mode == "live":
                out.write("\r\x1b[K" + line())
                out.flush()
            elif mode == "lines":
                key = (job.job_id, job.state)
                if key != last:
                    out.write(line() + "\n")
                    out.flush()
                    last = key
            job_wait(job, REFRESH)
    except KeyboardInterrupt:
        job.cancel()
        if mode == "live":
            out.write("\r\x1b[K" + line() + "  (interrupted, cancelling)\n")
        elif mode == "lines":
            out.write(line() + "  (interrupted, cancelling)\n")
        out.flush()
        raise
    if mode == "live":
        out.write("\r\x1b[K" + line() + "\n")
    elif mode == "lines":
        out.write(line() + "\n")
    out.flush()


def job_wait(job: Job, seconds: float) -> None:
    """Wait up to ``seconds`` for ``job`` to end."""
    try:
        job.wait(seconds)
    except subprocess.TimeoutExpired:
        pass

"""Following a job while it runs: a live status line on a terminal, plain lines otherwise.

* ``live``: one line on stderr, rewritten in place about five times a second: tool, Slurm
  job id (once Slurm tells it), state, elapsed time, and bytes, percent and rate where the
  tool reports them (rsync ``--info=progress2``); the final state stays on the screen.
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

from taurus_datamover.cli.output import job_progress
from taurus_datamover.jobs import Job
from taurus_datamover.parsers.progress import Progress

__all__ = ["StatusMode", "choose_mode", "follow", "status_text"]

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


def _size(count: float) -> str:
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
    amount = _size(progress.bytes) if progress.bytes is not None else progress.bytes_text
    return f"  {amount}  {progress.percent}%  {_size(progress.rate)}/s"


def status_text(job: Job) -> str:
    """One status line: ``dtcp  job 1234  RUNNING  0:12  1.2 GiB  45%  110.3 MiB/s``."""
    tool = os.path.basename(job.argv[0]) if job.argv else "job"
    job_id = f"job {job.job_id}" if job.job_id is not None else "job -"
    return f"{tool}  {job_id}  {job.state.value}  {_elapsed(job.elapsed)}{_progress_text(job_progress(job))}"


def follow(job: Job, mode: StatusMode, stream: IO[str] | None = None) -> None:
    """Wait for ``job`` to end, showing its status as ``mode`` says on ``stream`` (stderr)."""
    out = sys.stderr if stream is None else stream
    last: tuple[object, ...] | None = None
    try:
        while not job.done():
            if mode == "live":
                out.write("\r\x1b[K" + status_text(job))
                out.flush()
            elif mode == "lines":
                key = (job.job_id, job.state)
                if key != last:
                    out.write(status_text(job) + "\n")
                    out.flush()
                    last = key
            job_wait(job, REFRESH)
    except KeyboardInterrupt:
        job.cancel()
        if mode == "live":
            out.write("\r\x1b[K" + status_text(job) + "  (interrupted, cancelling)\n")
        elif mode == "lines":
            out.write(status_text(job) + "  (interrupted, cancelling)\n")
        out.flush()
        raise
    if mode == "live":
        out.write("\r\x1b[K" + status_text(job) + "\n")
    elif mode == "lines":
        out.write(status_text(job) + "\n")
    out.flush()


def job_wait(job: Job, seconds: float) -> None:
    """Wait up to ``seconds`` for ``job`` to end."""
    try:
        job.wait(seconds)
    except subprocess.TimeoutExpired:
        pass

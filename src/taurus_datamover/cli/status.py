"""Following a job on stderr: ``live`` (one line rewritten in place), ``lines`` (one per
change of state: logs, pipes) or ``off``; Ctrl-C cancels the job and re-raises (exit 130).
A ``cp``/``mv`` prints no progress: where this machine sees its files, :func:`copy_meter`
measures what has arrived instead.
"""

from __future__ import annotations

import contextlib
import os
import stat
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING, Literal

from taurus_datamover.cli.durations import format_clock, format_size

if TYPE_CHECKING:  # the job layer is loaded by the transfer that has a job to follow
    from taurus_datamover.command.job import Job
    from taurus_datamover.emulator.site import EmulatedSite

StatusMode = Literal["live", "lines", "off"]

#: Seconds between two redraws of the live line.
REFRESH = 0.2
#: Entries (files and directories) a tree may have for the meter to measure it.
MAX_ENTRIES = 20_000
#: Seconds between two measurements of the destination.
INTERVAL = 1.0


def choose_mode(stream: IO[str], *, json_output: bool, quiet: bool) -> StatusMode:
    """``off`` for ``--json``/``-q``, ``live`` when ``stream`` is a terminal, else ``lines``."""
    if json_output or quiet:
        return "off"
    try:
        return "live" if stream.isatty() else "lines"
    except (AttributeError, ValueError):
        return "lines"


def status_text(job: Job, local: bool = False, meter: CopyMeter | None = None) -> str:
    """``dtcp  job 1234  RUNNING  0:12  1.2 GiB  45%  110.3 MiB/s`` (else the meter's progress);
    before a job id: ``local`` (an emulated site's local job), ``srun``, or ``job -`` (waiting)."""
    tool = os.path.basename(job.argv[0]) if job.argv else "job"
    where = f"job {job.job_id}" if job.job_id is not None else "local" if local else "job -" if job.is_batch else "srun"
    report = job.progress
    progress = "" if meter is None or report is not None else meter.text(final=job.done())
    if report is not None:
        amount = format_size(report.bytes) if report.bytes is not None else report.bytes_text
        progress = f"  {amount}  {report.percent}%  {format_size(report.rate)}/s"
    return f"{tool}  {where}  {job.state.value}  {format_clock(job.elapsed)}{progress}"


def show_until_done(
    done: Callable[[], bool],
    line: Callable[[], str],
    mode: StatusMode,
    out: IO[str],
    *,
    changed: Callable[[], object],
    wait: Callable[[], None],
    cancel: Callable[[], object],
    cancelling: str,
) -> None:
    """Show ``line()`` until ``done()``: in place (``live``) or once per new ``changed()``
    (``lines``); the final line stays. On Ctrl-C: ``cancel()``, the line with ``cancelling``.
    Shared by the transfers and ``sync``."""

    def show(text: str, end: str = "\n") -> None:
        if mode != "off":
            out.write(("\r\x1b[K" if mode == "live" else "") + text + end)
            out.flush()

    last: object = show  # no value of changed() yet
    try:
        while not done():
            if mode == "live":
                show(line(), end="")
            elif mode == "lines" and changed() != last:
                last = changed()
                show(line())
            wait()
    except KeyboardInterrupt:
        cancel()
        show(line() + cancelling)
        raise
    show(line())


def follow(
    job: Job,
    mode: StatusMode,
    stream: IO[str] | None = None,
    *,
    site: EmulatedSite | None = None,
    meter: CopyMeter | None = None,
) -> None:
    """Wait for ``job``, showing its status as ``mode`` says on ``stream`` (stderr)."""
    local = site is not None and not site.slurm
    show_until_done(
        job.done,
        lambda: status_text(job, local, meter),
        mode,
        sys.stderr if stream is None else stream,
        changed=lambda: (job.job_id, job.state),
        wait=lambda: job_wait(job, REFRESH),
        cancel=job.cancel,
        cancelling="  (interrupted, cancelling)",
    )


def job_wait(job: Job, seconds: float) -> None:
    with contextlib.suppress(subprocess.TimeoutExpired):
        job.wait(seconds)


def tree_size(path: str, budget: int = MAX_ENTRIES) -> int | None:
    """Bytes of regular files under *path* (links not followed), or None when it cannot be
    read, is neither file nor directory, or has over *budget* entries (too slow to measure)."""
    try:
        info = os.lstat(path)
    except OSError:
        return None
    if not stat.S_ISDIR(info.st_mode):
        return info.st_size if stat.S_ISREG(info.st_mode) else None
    total, seen = 0, 0
    for top, dirs, files in os.walk(path):  # unreadable directories passed over, links not followed
        seen += len(dirs) + len(files)
        if seen > budget:
            return None
        for name in files:
            with contextlib.suppress(OSError):
                entry = os.lstat(os.path.join(top, name))
                total += entry.st_size if stat.S_ISREG(entry.st_mode) else 0
    return total


@dataclass
class CopyMeter:
    """How much of *total* bytes has arrived at *targets* (the paths the copy creates)."""

    targets: list[str]
    total: int
    _last: float = field(default=0.0, repr=False)
    _text: str = field(default="", repr=False)

    def text(self, *, final: bool = False) -> str:
        """``  1.2 MiB of 3.0 MiB  40%`` (re-measured at most once a second, always when *final*)."""
        now = time.monotonic()
        if final or not self._text or now - self._last >= INTERVAL:
            done = min(sum(tree_size(target) or 0 for target in self.targets), self.total)
            percent = 100 if self.total == 0 else int(100 * done / self.total)
            self._text = f"  {format_size(done)} of {format_size(self.total)}  {percent}%"
            self._last = now
        return self._text


def copy_meter(sources: Sequence[str], destination: str) -> CopyMeter | None:
    """A meter for copying *sources* to *destination* (measured before the job starts), or None."""
    if not sources:
        return None
    into = len(sources) > 1 or os.path.isdir(destination)
    sizes = [tree_size(source) for source in sources]
    names = [os.path.basename(source.rstrip("/")) or source for source in sources]
    targets = [os.path.join(destination, name) if into else destination for name in names]
    if None in sizes or any(os.path.exists(target) for target in targets):
        return None  # unmeasurable, or would count what was there before
    return CopyMeter(targets=targets, total=sum(size or 0 for size in sizes))

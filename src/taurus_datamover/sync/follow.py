"""Following the jobs of a run: waiting for Slurm's job ids, and nudging the watcher.

Both are small loops over :class:`~taurus_datamover.Job` handles, kept apart from
:class:`~taurus_datamover.sync.run.SyncRun` so that it only keeps the books.
"""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable, Iterable

from taurus_datamover.command.job import Job
from taurus_datamover.command.watcher import JobWatcher
from taurus_datamover.parsers.progress import latest_progress

__all__ = ["NUDGE_INTERVAL", "REPOKE_FIRST", "nudge_watcher", "wait_for_ids"]

#: Seconds between two looks at the parts' progress reports (a read of each output's tail).
NUDGE_INTERVAL = 0.05
#: Bytes of each output read per look: rsync's last progress line is at its very end.
NUDGE_TAIL = 2048
#: Seconds after a job's last progress line before the watcher is asked again (doubling).
REPOKE_FIRST = 0.15


def wait_for_ids(jobs: Iterable[Job], timeout: float) -> None:
    """Wait (at most ``timeout`` s in all) until every job has its Slurm id or has ended:
    ``sbatch`` answers within a second, and a job cancelled before that could leave its
    Slurm job behind."""
    deadline = time.monotonic() + timeout
    for job in jobs:
        while job.job_id is None and not job.done() and time.monotonic() < deadline:
            try:
                job.wait(0.05)
            except subprocess.TimeoutExpired:
                pass


def nudge_watcher(
    watcher: JobWatcher | None,
    running: Callable[[], list[Job]],
    *,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], object] = time.sleep,
) -> None:
    """Until ``running()`` is empty: when one of its jobs says through rsync that its list
    is done (nothing left to check), make the shared watcher ask the queue at once, and
    again after :data:`REPOKE_FIRST` s, twice that, ... while the job has not ended (rsync
    still exits, and Slurm records the end, after that line). Left alone, the watcher's
    backoff would see the end seconds late; only a job that said it is done costs queries."""
    if watcher is None:
        return
    due: dict[Job, tuple[float, float]] = {}  # a job that said it is done -> (next poke, delay)
    while jobs := running():
        now = clock()
        poke = False
        for job in jobs:
            if job in due:
                at, delay = due[job]
                if now >= at:
                    poke = True
                    due[job] = (now + 2 * delay, 2 * delay)
                continue
            progress = latest_progress(job.batch_output(NUDGE_TAIL))
            if progress is not None and progress.done:
                poke = True
                due[job] = (now + REPOKE_FIRST, REPOKE_FIRST)
        if poke:
            watcher.poke()
        sleep(NUDGE_INTERVAL)

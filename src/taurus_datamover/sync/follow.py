"""Following the jobs of a run: waiting for Slurm's job ids, and nudging the watcher.

Both are small loops over :class:`~taurus_datamover.Job` handles, kept apart from
:class:`~taurus_datamover.sync.run.SyncRun` so that it only keeps the books.
"""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable, Iterable

from taurus_datamover.command.job import PROGRESS_TAIL, Job
from taurus_datamover.command.watcher import JobWatcher
from taurus_datamover.parsers.progress import latest_progress

__all__ = ["NUDGE_INTERVAL", "nudge_watcher", "wait_for_ids"]

#: Seconds between two looks at the parts' progress reports.
NUDGE_INTERVAL = 0.25


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


def nudge_watcher(watcher: JobWatcher | None, running: Callable[[], list[Job]]) -> None:
    """Until ``running()`` is empty: when one of its jobs reports through rsync that its
    list is done (100 %, nothing left to check), make the shared watcher ask the queue at
    once (at most once a second: each is a queue query). The watcher polls ever more
    slowly while jobs run long, and the run would wait seconds for it."""
    if watcher is None:
        return
    poked = 0.0
    while jobs := running():
        if time.monotonic() - poked >= 1.0:
            for job in jobs:
                progress = latest_progress(job.batch_output(PROGRESS_TAIL))
                if progress is not None and progress.done:
                    watcher.poke()
                    poked = time.monotonic()
                    break
        time.sleep(NUDGE_INTERVAL)

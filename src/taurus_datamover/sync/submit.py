"""The ``dtrsync`` jobs of a sync: their options, starting them, following them.

Every call is ``dtrsync OPTIONS --files-from=LIST --from0 -- SRC/ DST/`` in the C locale,
``LIST`` NUL-separated paths relative to ``SRC``. Batch jobs run in the run's directory, so
their ``slurm-N.out`` (whence each part's progress is read) lands beside the manifest, not
in the user's current directory.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from taurus_datamover.command.job import Job
from taurus_datamover.command.watcher import JobWatcher
from taurus_datamover.datamover.argv import rsync_args
from taurus_datamover.errors import TaurusDatamoverError, ToolError
from taurus_datamover.parsers.progress import latest_progress

if TYPE_CHECKING:
    from taurus_datamover.datamover import Datamover


#: The prefix of a checksum check's itemized lines (``--out-format``), which rsync's and Slurm's
#: own lines in the same output never start with (rsync escapes newlines in names).
ITEM_TAG = "taurus-item "
_CHECK = ["-a", "--checksum", "--dry-run", "--itemize-changes", f"--out-format={ITEM_TAG}%i %n"]


def _list_options(files_from: Path | str) -> list[str]:
    return [f"--files-from={files_from}", "--from0"]


def copy_options(files_from: Path, *, checksum: bool = False) -> list[str]:
    """Copy the listed entries, keeping links, modes and times (``-a``), with the whole
    part's progress; ``checksum`` re-reads every file (a checksum verification found one
    with its size and time unchanged)."""
    return ["-a", *(["--checksum"] if checksum else []), "--info=progress2", *_list_options(files_from)]


#: Make the destination only (an empty list): rsync makes it once it has entered the source,
#: so a source that is missing or not a directory leaves none; a missing parent fails.
DESTINATION_OPTIONS = tuple(_list_options(os.devnull))


def check_options(files_from: Path) -> list[str]:
    """Compare the listed entries by content, changing nothing: a tagged itemized line each."""
    return [*_CHECK, *_list_options(files_from)]


def start_rsync(
    dm: Datamover,
    src: str,
    dst: str,
    options: Sequence[str],
    *,
    cwd: Path | None = None,
    blocking: bool = True,
    time: str | None,
) -> Job:
    """Start ``dtrsync OPTIONS -- SRC/ DST/`` (a batch job unless ``blocking``) in ``cwd``:
    ``Datamover.rsync``'s argv rules, canceller and watcher, with the working directory."""
    args = rsync_args(src.rstrip("/") + "/", dst.rstrip("/") + "/", options)  # neither is "/" (check_paths)
    argv = dm.build_argv("dtrsync", args, blocking=blocking, time=time)
    return Job(
        argv,
        env={**(dm.env if dm.env is not None else os.environ), "LC_ALL": "C"},  # rsync's words and escapes
        cwd=cwd,
        verbosity=dm.verbosity,
        canceller=dm.canceller,
        watcher=dm.watcher,
        error_class=dm.error_class,
        expect_batch=dm.submits_batch_job("dtrsync", argv),
    )


def rsync_failure(error: TaurusDatamoverError) -> str:
    """One line: the error's message and, for a tool, its own last words on stderr."""
    if isinstance(error, ToolError):
        said = [line.strip() for line in error.stderr.splitlines() if line.strip()]
        said = [line for line in said if line.startswith("rsync: ")] or said  # not "rsync error: ... (code N)"
        return f"{error.message}: {said[-1]}" if said else error.message
    return " ".join(str(error).split())


#: Seconds between two looks at the parts' progress reports (a read of each output's tail).
NUDGE_INTERVAL = 0.05
#: Bytes of each output read per look: rsync's last progress line is at its very end.
NUDGE_TAIL = 2048
#: Seconds after a job's last progress line before the watcher is asked again (doubling).
REPOKE_FIRST = 0.15


def wait_for_ids(jobs: Iterable[Job], timeout: float) -> None:
    """Wait (at most ``timeout`` s in all) until every job has its Slurm id or has ended: a
    job cancelled before ``sbatch`` answered could leave its Slurm job behind."""
    deadline = time.monotonic() + timeout
    for job in jobs:
        while job.job_id is None and not job.done() and time.monotonic() < deadline:
            with contextlib.suppress(subprocess.TimeoutExpired):
                job.wait(0.05)


def nudge_watcher(
    watcher: JobWatcher | None,
    running: Callable[[], list[Job]],
    *,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], object] = time.sleep,
) -> None:
    """Until ``running()`` is empty: when one of its jobs says through rsync that its list is
    done, make the watcher ask the queue at once, again after :data:`REPOKE_FIRST` s, twice
    that, ... while the job has not ended. Left alone, the watcher's backoff would see the end
    seconds late; only a job that said it is done costs queries."""
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

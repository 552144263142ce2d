"""The ``dtrsync`` jobs of a sync: argv options, starting them in the run's directory, and
following them (Slurm's job ids, nudging the watcher).

Every call is ``dtrsync OPTIONS --files-from=LIST --from0 -- SRC/ DST/`` with ``LIST`` a
NUL-separated list of paths relative to ``SRC`` (so every name survives), run in the C
locale. Batch jobs (the parts, the checksum checks) are started with the run's directory
as working directory, so their ``slurm-N.out`` files land there, beside the manifest, and
not in the user's current directory; the library reads each part's progress from it.
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


#: The prefix of the itemized lines of a checksum check (``--out-format``): rsync's and
#: Slurm's own lines in the same output file never start with it (names cannot start a
#: line: rsync escapes newlines).
ITEM_TAG = "taurus-item "
_CHECK = ["-a", "--checksum", "--dry-run", "--itemize-changes", f"--out-format={ITEM_TAG}%i %n"]


def _list_options(files_from: Path) -> list[str]:
    return [f"--files-from={files_from}", "--from0"]


def copy_options(files_from: Path, *, checksum: bool = False) -> list[str]:
    """Copy the listed entries, keeping links, modes and times (``-a``), reporting
    progress for the whole part (``--info=progress2``); ``checksum`` re-reads every file
    (used when a checksum verification found a file with its size and time unchanged)."""
    return ["-a", *(["--checksum"] if checksum else []), "--info=progress2", *_list_options(files_from)]


def destination_options() -> list[str]:
    """Make the destination and nothing else (an empty list). rsync makes it only after it
    has entered the source, so a source that is missing or not a directory leaves none;
    a missing parent fails (``mkdir ... failed``)."""
    return _list_options(Path(os.devnull))


def check_options(files_from: Path) -> list[str]:
    """Compare the listed entries by content without changing anything: one tagged
    itemized line per entry that would change."""
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
    """Start ``dtrsync OPTIONS -- SRC/ DST/`` (a batch job unless ``blocking``) in ``cwd``
    (None: this process's): ``Datamover.rsync``'s argv rules, canceller and watcher, with the
    working directory it does not offer."""
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
        specific = [line for line in said if line.startswith("rsync: ")]  # before "rsync error: ... (code N)"
        said = specific or said
        return f"{error.message}: {said[-1]}" if said else error.message
    return " ".join(str(error).split())


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
            with contextlib.suppress(subprocess.TimeoutExpired):
                job.wait(0.05)


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

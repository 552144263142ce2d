"""The ``dtrsync`` calls of a sync: argv options and starting them in the run's directory.

Every call is ``dtrsync OPTIONS --files-from=LIST --from0 -- SRC/ DST/`` with ``LIST`` a
NUL-separated list of paths relative to ``SRC`` (so every name survives), run in the C
locale. Batch jobs (the parts, the checksum checks) are started with the run's directory
as working directory, so their ``slurm-N.out`` files land there, beside the manifest, and
not in the user's current directory; the library reads each part's progress from it.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from taurus_datamover.command.job import Job
from taurus_datamover.datamover.argv import rsync_args
from taurus_datamover.errors import TaurusDatamoverError, ToolError

if TYPE_CHECKING:
    from taurus_datamover.sync.driver import SyncDatamover

__all__ = ["ITEM_TAG", "check_options", "copy_options", "destination_options", "rsync_failure", "start_rsync"]

#: The prefix of the itemized lines of a checksum check (``--out-format``): rsync's and
#: Slurm's own lines in the same output file never start with it (names cannot start a
#: line: rsync escapes newlines).
ITEM_TAG = "taurus-item "


#: rsync's messages and escapes in the C locale: names print as ``\\#ooo``, the same anywhere.
C_LOCALE = {"LC_ALL": "C"}


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
    return [
        "-a",
        "--checksum",
        "--dry-run",
        "--itemize-changes",
        f"--out-format={ITEM_TAG}%i %n",
        *_list_options(files_from),
    ]


def start_rsync(
    dm: SyncDatamover,
    src: str,
    dst: str,
    options: Sequence[str],
    *,
    cwd: Path | None = None,
    blocking: bool = True,
    time: str | None,
) -> Job:
    """Start ``dtrsync OPTIONS -- SRC/ DST/`` (a batch job unless ``blocking``) in ``cwd``
    (None: this process's).

    Uses the datamover's own argv rules (``build_argv``: its options before ``--``) and
    its canceller and watcher, like ``Datamover.rsync``; only the working directory
    differs, which ``Datamover.rsync`` does not offer.
    """
    args = rsync_args(src.rstrip("/") + "/", dst.rstrip("/") + "/", options)  # neither is "/" (check_paths)
    argv = dm.build_argv("dtrsync", args, blocking=blocking, time=time)
    env = {**(dm.env if dm.env is not None else os.environ), **C_LOCALE}
    return Job(
        argv,
        env=env,
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

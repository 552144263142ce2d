"""Starting a sync (a bad request is refused before anything is submitted) and resuming one.

:func:`resume_sync` submits again only the parts that did not complete (and, after a failed
verification, those holding the entries that differ). A part whose last Slurm job is still
pending or running is not submitted twice: resuming then is refused; one that completed
while no process followed it counts as completed.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import TYPE_CHECKING

from taurus_datamover.command.argv import PathArg
from taurus_datamover.datamover.argv import path_text
from taurus_datamover.datamover.listing import is_missing_path_error
from taurus_datamover.errors import DatamoverError, SyncError
from taurus_datamover.models.jobs import JobState
from taurus_datamover.sync import plan
from taurus_datamover.sync.manifest import (
    PartRecord,
    PartState,
    RunStore,
    SyncManifest,
    SyncState,
    VerifyMode,
    new_run_id,
    now_utc,
)
from taurus_datamover.sync.run import SyncRun
from taurus_datamover.sync.submit import DESTINATION_OPTIONS, start_rsync
from taurus_datamover.sync.tree import list_tree

if TYPE_CHECKING:
    from taurus_datamover.datamover import Datamover


def _check_verify(verify: object) -> VerifyMode | None:
    match verify:
        case None | "size-mtime" | "checksum":
            return verify
    raise SyncError(f"verify must be one of size-mtime, checksum or None, not {verify!r}")


def _check_time_limit(time_limit: object) -> str | None:
    if time_limit is None or (isinstance(time_limit, str) and time_limit and not any(c.isspace() for c in time_limit)):
        return time_limit
    raise SyncError(f"time_limit must be a Slurm time limit such as '2:00:00', not {time_limit!r}")


def start_sync(
    dm: Datamover,
    src: PathArg,
    dst: PathArg,
    *,
    jobs: int = 4,
    verify: str | None = "size-mtime",
    time_limit: str | None = None,
    dry_run: bool = False,
) -> SyncRun:
    """Plan, record and (unless ``dry_run``) start the sync of the tree ``src`` into ``dst``."""
    began = time.monotonic()
    count = plan.check_jobs(jobs)
    mode = _check_verify(verify)
    limit = _check_time_limit(time_limit)
    source, target = plan.check_paths(path_text(src), path_text(dst))
    # the parts need the destination (and make the rest): it is made while the source is listed
    destination = None if dry_run else start_rsync(dm, source, target, DESTINATION_OPTIONS, time=limit)
    try:
        items = list_tree(dm, source, time=limit)
        if items is None:
            raise SyncError(f"the source {source!r} is not a directory (sync copies a directory's tree)")
    except BaseException as error:
        if destination is not None:
            destination.cancel()
        if isinstance(error, DatamoverError) and is_missing_path_error(error.stderr):
            raise SyncError(f"the source {source!r} does not exist") from error
        raise
    listed = time.monotonic()
    parts = plan.place_empty_directories(plan.split(items, count), items)
    directories = plan.directory_paths(items)
    store = RunStore(new_run_id())
    store.create()
    records = []
    for part in parts:
        path = store.write_list(store.part_list_path(part.index), plan.encode_file_list(part.listed))
        records.append(PartRecord(index=part.index, files_from=path, files=part.files, bytes=part.bytes))
    directories_from = store.write_list(store.directory / "directories.files", plan.encode_file_list(directories))
    store.save_source(items)
    manifest = SyncManifest(
        run_id=store.run_id,
        created=now_utc(),
        updated=now_utc(),
        src=source,
        dst=target,
        jobs=count,
        verify=mode,
        time_limit=limit,
        files=sum(p.files for p in parts),
        bytes=sum(p.bytes for p in parts),
        directories=len(directories),
        directories_from=directories_from,
        parts=records,
    )
    store.save(manifest)
    run = SyncRun(dm, store, manifest, items)
    run.timings["listing"] = listed - began
    run.timings["planning"] = time.monotonic() - listed
    if dry_run:
        run.settle(SyncState.PLANNED)
    else:
        run.start(range(len(parts)), destination=destination)
    return run


def resume_sync(dm: Datamover, run_id: str) -> SyncRun:
    """Submit again the parts of run ``run_id`` that did not complete (see the module
    docstring); a run that already completed is returned settled, nothing submitted."""
    store = RunStore(run_id)  # checks the form of the id
    manifest = store.load()
    source = store.load_source()
    submitted = [r for r in manifest.parts if r.state in (PartState.PENDING, PartState.RUNNING) and r.job_ids]
    queued = {info.job_id: info.state for info in dm.jobs()} if submitted else {}
    for record in submitted:  # the queue's word on the last job of each
        state = queued.get(record.job_ids[-1])
        if state in (JobState.PENDING, JobState.RUNNING):
            raise SyncError(
                f"part {record.index} of sync {run_id} is still {state.value} as Slurm job {record.job_ids[-1]}; "
                "wait for it or cancel it first",
                run_id=run_id,
            )
        if state is JobState.COMPLETED:
            record.state = PartState.COMPLETED
    to_run = {r.index for r in manifest.parts if r.state is not PartState.COMPLETED}
    checksum = False
    verification = manifest.verification
    if verification is not None and not verification.ok:
        wrong = {os.fsencode(p) for p in (*verification.differ, *verification.missing)}
        for record in manifest.parts:
            try:
                names = set(Path(record.files_from).read_bytes().split(b"\0")) - {b""}
            except OSError as error:
                raise SyncError(
                    f"the file list {record.files_from} of part {record.index} cannot be read: {error}"
                ) from None
            if names & wrong:
                to_run.add(record.index)
            wrong -= names
        if wrong:  # entries of no part: directories; make them again
            manifest.directories_done = False
        checksum = verification.mode == "checksum"  # same size and time: rsync must compare data
        manifest.verification = None
    run = SyncRun(dm, store, manifest, source)
    if manifest.state is SyncState.COMPLETED and not to_run:
        run.settle(SyncState.COMPLETED)
    else:
        run.start(sorted(to_run), checksum=checksum)
    return run

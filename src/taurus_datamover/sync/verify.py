"""Does the destination match the source? Two ways, each a :class:`VerifyResult`.

* ``size-mtime``: one ``dtls -R`` of the destination against the source listing: same kind,
  a file's size and time (to the nanosecond where both have it), a symlink's target; not a
  directory's time (the parts write into the same directories in parallel).
* ``checksum``: per part, ``dtrsync --checksum --dry-run --itemize-changes`` batch jobs in
  parallel; slow (every byte is read twice), and it sees no ``extra`` entries.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from taurus_datamover.command.job import Job
from taurus_datamover.errors import SyncError
from taurus_datamover.models.jobs import JobState
from taurus_datamover.parsers.rsync_itemize import parse_itemized
from taurus_datamover.sync.manifest import VerifyResult
from taurus_datamover.sync.submit import ITEM_TAG, check_options
from taurus_datamover.sync.tree import TreeItem, list_tree

if TYPE_CHECKING:
    from taurus_datamover.datamover import Datamover


def _differs(source: TreeItem, copy: TreeItem) -> bool:
    if source.kind != copy.kind:
        return True
    if source.kind == "file":  # a listing without times cannot tell a time apart
        times = (source.mtime_ns, copy.mtime_ns)
        return source.size != copy.size or (None not in times and times[0] != times[1])
    if source.kind == "symlink":
        return source.target != copy.target
    return False


def compare_trees(source: Sequence[TreeItem], destination: Iterable[TreeItem]) -> VerifyResult:
    """The ``size-mtime`` comparison of two listings (pure)."""
    copies = {item.path: item for item in destination}  # what is left at the end is extra
    differ: list[str] = []
    missing: list[str] = []
    for item in source:
        copy = copies.pop(item.path, None)
        if copy is None:
            missing.append(item.path)
        elif _differs(item, copy):
            differ.append(item.path)
    return VerifyResult(
        mode="size-mtime", checked=len(source), differ=sorted(differ), missing=sorted(missing), extra=sorted(copies)
    )


def verify_size_mtime(dm: Datamover, source: Sequence[TreeItem], dst: str, *, time: str | None = None) -> VerifyResult:
    """List ``dst`` once through ``dtls`` and compare it with ``source``."""
    copies = list_tree(dm, dst, time=time)
    if copies is None:
        raise SyncError(f"the destination {dst!r} is not a directory")
    return compare_trees(source, copies)


def checksum_result(outputs: Sequence[str], checked: int) -> VerifyResult:
    """The result of the checks' outputs (pure): new entries are ``missing``; data to send, or a
    checksum or size that differs, ``differs``; time-only and directory changes do not count."""
    differ: set[str] = set()
    missing: set[str] = set()
    for output in outputs:
        for change in parse_itemized(output, tag=ITEM_TAG):
            if change.is_deletion or change.name == b".":
                continue
            path = os.fsdecode(change.name)
            if change.is_new:
                missing.add(path)
            elif change.file_type == "d":
                continue
            elif change.transfers_data or change.changed & {"c", "s"}:
                differ.add(path)
    return VerifyResult(mode="checksum", checked=checked, differ=sorted(differ), missing=sorted(missing))


def verify_checksum(start: Callable[[list[str]], Job], lists: Sequence[Path], *, checked: int) -> VerifyResult:
    """One checksum check per list, as parallel batch jobs (``start(options)`` submits one)."""
    jobs = [start(check_options(path)) for path in lists]
    outputs: list[str] = []
    for job in jobs:
        job.wait()
        if job.returncode != 0 or job.state is not JobState.COMPLETED:
            raise SyncError(f"the checksum check failed: {job.failure_summary()}")
        path = job.batch_output_path
        if path is None:  # a blocking call: the output came through the pipe
            outputs.append(job.stdout_text)
            continue
        try:
            outputs.append(Path(path).read_bytes().decode("utf-8", "surrogateescape"))
        except OSError as error:
            raise SyncError(f"cannot read the output of the checksum check {path}: {error}") from None
    return checksum_result(outputs, checked)


def mismatch_error(run_id: str, dst: str, result: VerifyResult) -> SyncError:
    """The :class:`SyncError` of a failed verification, naming the first entries."""
    shown = [f"differs: {p!r}" for p in result.differ[:10]] + [f"missing: {p!r}" for p in result.missing[:10]]
    more = len(result.differ) + len(result.missing) - len(shown)
    listing = "; ".join(shown) + (f"; and {more} more" if more > 0 else "")
    return SyncError(
        f"{dst!r} does not match the source ({result.mode}: {len(result.differ)} differ, "
        f"{len(result.missing)} missing): {listing}",
        run_id=run_id,
        differ=result.differ,
        missing=result.missing,
        extra=result.extra,
    )

"""Staging at scale: one big tree copied as N parallel ``dtrsync`` jobs, verified, resumable.

``Datamover.sync(src, dst, jobs=4)`` lists ``src`` once (:mod:`.tree`), splits it into parts
(:mod:`.plan`), records the run (:mod:`.manifest`), submits one ``dtrsync --files-from``
batch job per part and follows them as one :class:`~.run.SyncRun` (:mod:`.run`), then
checks the destination (:mod:`.verify`). ``Datamover.resume(run_id)`` reruns the parts
that did not complete.
"""

from taurus_datamover.sync.manifest import PartState, SyncManifest, SyncState, VerifyResult, list_runs
from taurus_datamover.sync.part import SyncPart, SyncProgress, SyncResult
from taurus_datamover.sync.run import SyncRun
from taurus_datamover.sync.start import resume_sync, start_sync

__all__ = [
    "PartState", "SyncManifest", "SyncPart", "SyncProgress", "SyncResult", "SyncRun", "SyncState", "VerifyResult",
    "list_runs", "resume_sync", "start_sync",
]  # fmt: skip

"""Staging at scale: one big tree copied as N parallel ``dtrsync`` jobs, verified, resumable
(``Datamover.sync`` and ``Datamover.resume``): listed (:mod:`.tree`), split (:mod:`.plan`),
recorded (:mod:`.manifest`), followed as one :class:`~.run.SyncRun`, checked (:mod:`.verify`).
"""

from taurus_datamover.sync.manifest import PartState, SyncManifest, SyncState, VerifyResult, list_runs
from taurus_datamover.sync.part import SyncPart, SyncProgress, SyncResult
from taurus_datamover.sync.run import SyncRun
from taurus_datamover.sync.start import resume_sync, start_sync

__all__ = [
    "PartState", "SyncManifest", "SyncPart", "SyncProgress", "SyncResult", "SyncRun", "SyncState", "VerifyResult",
    "list_runs", "resume_sync", "start_sync",
]  # fmt: skip

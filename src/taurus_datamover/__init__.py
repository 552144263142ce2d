"""taurus_datamover: typed access to the ZIH datamover (``dt*``) and hpc-workspace (``ws_*``)
tools, with an emulated site for offline use. The public names load on first use.
"""

from __future__ import annotations

from taurus_datamover.facts import LazyNames

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing

if TYPE_CHECKING:
    from taurus_datamover.command.job import Job, JobOutput
    from taurus_datamover.command.waitfor import waitfor
    from taurus_datamover.datamover import Datamover
    from taurus_datamover.errors import (
        CommandTimeout,
        DatamoverArgumentError,
        DatamoverError,
        JobOptionsError,
        NothingSavedError,
        ParseError,
        SaveError,
        SyncError,
        TaurusDatamoverError,
        TimeZoneError,
        ToolError,
        ToolNotFoundError,
        WorkspaceArgumentError,
        WorkspaceError,
        WorkspaceNotFound,
        WorkspaceWarning,
    )
    from taurus_datamover.models import (
        EntryType,
        FileEntry,
        FilesystemInfo,
        JobInfo,
        JobState,
        ReleasedWorkspace,
        WorkspaceInfo,
    )
    from taurus_datamover.parsers import iter_ls, parse_ls, parse_ws_list
    from taurus_datamover.sync import SyncRun
    from taurus_datamover.workspace import AllocatedWorkspace, CacheWorkspace, Workspace

_lazy = LazyNames(
    globals(),
    {
        "taurus_datamover.command.job": "Job JobOutput",
        "taurus_datamover.command.waitfor": "waitfor",
        "taurus_datamover.datamover": "Datamover",
        "taurus_datamover.errors": "CommandTimeout DatamoverArgumentError DatamoverError JobOptionsError NothingSavedError "
        "ParseError SaveError SyncError TaurusDatamoverError TimeZoneError ToolError ToolNotFoundError WorkspaceArgumentError "
        "WorkspaceError WorkspaceNotFound WorkspaceWarning",
        "taurus_datamover.models": "EntryType FileEntry FilesystemInfo JobInfo JobState ReleasedWorkspace WorkspaceInfo",
        "taurus_datamover.parsers": "iter_ls parse_ls parse_ws_list",
        "taurus_datamover.sync": "SyncRun",
        "taurus_datamover.workspace": "AllocatedWorkspace CacheWorkspace Workspace",
    },
)
__getattr__, __dir__ = _lazy.load, _lazy.names

__version__ = "1.0.0.dev0"

__all__ = [
    "AllocatedWorkspace",
    "CacheWorkspace",
    "CommandTimeout",
    "Datamover",
    "DatamoverArgumentError",
    "DatamoverError",
    "EntryType",
    "FileEntry",
    "FilesystemInfo",
    "Job",
    "JobInfo",
    "JobOptionsError",
    "JobOutput",
    "JobState",
    "NothingSavedError",
    "ParseError",
    "ReleasedWorkspace",
    "SaveError",
    "SyncError",
    "SyncRun",
    "TaurusDatamoverError",
    "TimeZoneError",
    "ToolError",
    "ToolNotFoundError",
    "Workspace",
    "WorkspaceArgumentError",
    "WorkspaceError",
    "WorkspaceInfo",
    "WorkspaceNotFound",
    "WorkspaceWarning",
    "__version__",
    "iter_ls",
    "parse_ls",
    "parse_ws_list",
    "waitfor",
]

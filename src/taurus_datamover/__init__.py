"""taurus_datamover: typed access to the ZIH datamover (``dt*``) and hpc-workspace (``ws_*``)
tools, with an emulated site for offline use. The public names load on first use.
"""

from __future__ import annotations

from taurus_datamover.facts import LazyNames

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing

if TYPE_CHECKING:  # ``X as X``: the names are re-exported, for the type checker
    from taurus_datamover.command.job import Job as Job
    from taurus_datamover.command.job import JobOutput as JobOutput
    from taurus_datamover.command.process import waitfor as waitfor
    from taurus_datamover.datamover import Datamover as Datamover
    from taurus_datamover.errors import CommandTimeout as CommandTimeout
    from taurus_datamover.errors import DatamoverArgumentError as DatamoverArgumentError
    from taurus_datamover.errors import DatamoverError as DatamoverError
    from taurus_datamover.errors import JobOptionsError as JobOptionsError
    from taurus_datamover.errors import NothingSavedError as NothingSavedError
    from taurus_datamover.errors import ParseError as ParseError
    from taurus_datamover.errors import SaveError as SaveError
    from taurus_datamover.errors import SyncError as SyncError
    from taurus_datamover.errors import TaurusDatamoverError as TaurusDatamoverError
    from taurus_datamover.errors import TimeZoneError as TimeZoneError
    from taurus_datamover.errors import ToolError as ToolError
    from taurus_datamover.errors import ToolNotFoundError as ToolNotFoundError
    from taurus_datamover.errors import WorkspaceArgumentError as WorkspaceArgumentError
    from taurus_datamover.errors import WorkspaceError as WorkspaceError
    from taurus_datamover.errors import WorkspaceNotFound as WorkspaceNotFound
    from taurus_datamover.errors import WorkspaceWarning as WorkspaceWarning
    from taurus_datamover.models import EntryType as EntryType
    from taurus_datamover.models import FileEntry as FileEntry
    from taurus_datamover.models import FilesystemInfo as FilesystemInfo
    from taurus_datamover.models import JobInfo as JobInfo
    from taurus_datamover.models import JobState as JobState
    from taurus_datamover.models import ReleasedWorkspace as ReleasedWorkspace
    from taurus_datamover.models import WorkspaceInfo as WorkspaceInfo
    from taurus_datamover.parsers import iter_ls as iter_ls
    from taurus_datamover.parsers import parse_ls as parse_ls
    from taurus_datamover.parsers import parse_ws_list as parse_ws_list
    from taurus_datamover.sync import SyncRun as SyncRun
    from taurus_datamover.workspace import AllocatedWorkspace as AllocatedWorkspace
    from taurus_datamover.workspace import CacheWorkspace as CacheWorkspace
    from taurus_datamover.workspace import Workspace as Workspace

_lazy = LazyNames(
    globals(),
    {
        "taurus_datamover.command.job": "Job JobOutput",
        "taurus_datamover.command.process": "waitfor",
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

__all__ = sorted([*_lazy.modules, "__version__"])

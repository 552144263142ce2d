"""taurus_datamover: typed access to the ZIH datamover (``dt*``) and hpc-workspace (``ws_*``)
tools, with an emulated site for offline use.

Three layers, data flowing one way: the command layer (:mod:`.command`) finds and runs the tools and returns :class:`Job` handles; the parser layer
(:mod:`.parsers`) turns their output into models (:mod:`.models`); the object API
(:class:`Datamover`, :class:`Workspace`) gives callers objects with methods.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from taurus_datamover.command.job import Job, JobOutput
    from taurus_datamover.command.waitfor import waitfor
    from taurus_datamover.datamover import Datamover
    from taurus_datamover.errors import (
        CommandTimeout,
        DatamoverArgumentError,
        DatamoverError,
        JobOptionsError,
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

# Public name -> defining module. Imported on first use (PEP 562), so that importing a
# light part of the package (the pytest plugin, an emulated tool) does not load pydantic.
_LAZY = {
    "Datamover": "taurus_datamover.datamover",
    "SaveError": "taurus_datamover.errors",
    "DatamoverArgumentError": "taurus_datamover.errors",
    "JobOptionsError": "taurus_datamover.errors",
    "CommandTimeout": "taurus_datamover.errors",
    "DatamoverError": "taurus_datamover.errors",
    "ParseError": "taurus_datamover.errors",
    "SyncError": "taurus_datamover.errors",
    "TimeZoneError": "taurus_datamover.errors",
    "WorkspaceArgumentError": "taurus_datamover.errors",
    "SyncRun": "taurus_datamover.sync",
    "TaurusDatamoverError": "taurus_datamover.errors",
    "ToolError": "taurus_datamover.errors",
    "ToolNotFoundError": "taurus_datamover.errors",
    "WorkspaceError": "taurus_datamover.errors",
    "WorkspaceNotFound": "taurus_datamover.errors",
    "Job": "taurus_datamover.command.job",
    "JobOutput": "taurus_datamover.command.job",
    "waitfor": "taurus_datamover.command.waitfor",
    "EntryType": "taurus_datamover.models",
    "FileEntry": "taurus_datamover.models",
    "FilesystemInfo": "taurus_datamover.models",
    "JobInfo": "taurus_datamover.models",
    "JobState": "taurus_datamover.models",
    "ReleasedWorkspace": "taurus_datamover.models",
    "WorkspaceInfo": "taurus_datamover.models",
    "iter_ls": "taurus_datamover.parsers",
    "parse_ls": "taurus_datamover.parsers",
    "parse_ws_list": "taurus_datamover.parsers",
    "Workspace": "taurus_datamover.workspace",
    "CacheWorkspace": "taurus_datamover.workspace",
    "AllocatedWorkspace": "taurus_datamover.workspace",
    "WorkspaceWarning": "taurus_datamover.errors",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


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

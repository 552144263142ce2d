"""taurus_datamover: typed access to the ZIH datamover (``dt*``) and hpc-workspace (``ws_*``)
tools, with an emulated site for offline use.

Three layers, data flowing one way: the command layer (:mod:`.tools`, :mod:`.command`,
:mod:`.jobs`) finds and runs the tools and returns :class:`Job` handles; the parser layer
(:mod:`.parsers`) turns their output into models (:mod:`.models`); the object API
(:class:`Datamover`, :class:`Workspace`) gives callers objects with methods.
"""

from __future__ import annotations

from taurus_datamover.datamover import Datamover
from taurus_datamover.errors import (
    CommandTimeout,
    DatamoverError,
    ParseError,
    TaurusDatamoverError,
    ToolError,
    ToolNotFoundError,
    WorkspaceError,
    WorkspaceNotFound,
)
from taurus_datamover.jobs import Job, JobOutput, waitfor
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
from taurus_datamover.workspace import Workspace

__version__ = "1.0.0.dev0"

__all__ = [
    "CommandTimeout",
    "Datamover",
    "DatamoverError",
    "EntryType",
    "FileEntry",
    "FilesystemInfo",
    "Job",
    "JobInfo",
    "JobOutput",
    "JobState",
    "ParseError",
    "ReleasedWorkspace",
    "TaurusDatamoverError",
    "ToolError",
    "ToolNotFoundError",
    "Workspace",
    "WorkspaceError",
    "WorkspaceInfo",
    "WorkspaceNotFound",
    "__version__",
    "iter_ls",
    "parse_ls",
    "parse_ws_list",
    "waitfor",
]

"""The hpc-workspace tools as an object API: :class:`Workspace` (:mod:`.api`, running a
tool in :mod:`.running`, arguments checked in :mod:`.arguments`), what ``allocate`` returns
(:mod:`.allocated`), and :class:`CacheWorkspace` (:mod:`.cache`)."""

from __future__ import annotations

from taurus_datamover.errors import WorkspaceArgumentError, WorkspaceWarning
from taurus_datamover.workspace.allocated import AllocatedWorkspace
from taurus_datamover.workspace.api import DEFAULT_TIMEOUT, Workspace
from taurus_datamover.workspace.arguments import check_filesystem_name, check_released_id, check_workspace_name
from taurus_datamover.workspace.cache import CacheWorkspace

__all__ = [
    "DEFAULT_TIMEOUT",
    "AllocatedWorkspace",
    "CacheWorkspace",
    "Workspace",
    "WorkspaceArgumentError",
    "WorkspaceWarning",
    "check_filesystem_name",
    "check_released_id",
    "check_workspace_name",
]

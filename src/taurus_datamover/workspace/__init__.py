"""The hpc-workspace tools as an object API: :class:`Workspace` (:mod:`.api`; arguments
checked in :mod:`.arguments`, listings read against :mod:`.context`), what ``allocate``
returns (:mod:`.allocated`) and :class:`CacheWorkspace` (:mod:`.cache`). The names load on
first use (PEP 562): the light modules import without the job layer and pydantic."""

from __future__ import annotations

from taurus_datamover.facts import LazyNames

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing

if TYPE_CHECKING:
    from taurus_datamover.errors import WorkspaceArgumentError, WorkspaceWarning
    from taurus_datamover.workspace.allocated import AllocatedWorkspace
    from taurus_datamover.workspace.api import DEFAULT_TIMEOUT, Workspace
    from taurus_datamover.workspace.arguments import check_filesystem_name, check_released_id, check_workspace_name
    from taurus_datamover.workspace.cache import CacheWorkspace

_lazy = LazyNames(
    globals(),
    {
        "taurus_datamover.workspace.api": "DEFAULT_TIMEOUT Workspace",
        "taurus_datamover.workspace.allocated": "AllocatedWorkspace",
        "taurus_datamover.workspace.cache": "CacheWorkspace",
        "taurus_datamover.errors": "WorkspaceArgumentError WorkspaceWarning",
        "taurus_datamover.workspace.arguments": "check_filesystem_name check_released_id check_workspace_name",
    },
)
__getattr__, __dir__ = _lazy.load, _lazy.names

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

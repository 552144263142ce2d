"""The hpc-workspace tools as an object API: :class:`Workspace` (:mod:`.api`, running a
tool in :mod:`.running`, arguments checked in :mod:`.arguments`, what a listing is read
against in :mod:`.context`), what ``allocate`` returns (:mod:`.allocated`), and
:class:`CacheWorkspace` (:mod:`.cache`).

The names load on first use (PEP 562), so that the light modules (:mod:`.context`,
:mod:`.arguments`) can be imported without the job layer and pydantic."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from taurus_datamover.errors import WorkspaceArgumentError, WorkspaceWarning
    from taurus_datamover.workspace.allocated import AllocatedWorkspace
    from taurus_datamover.workspace.api import DEFAULT_TIMEOUT, Workspace
    from taurus_datamover.workspace.arguments import check_filesystem_name, check_released_id, check_workspace_name
    from taurus_datamover.workspace.cache import CacheWorkspace

_LAZY = {
    "DEFAULT_TIMEOUT": "taurus_datamover.workspace.api",
    "AllocatedWorkspace": "taurus_datamover.workspace.allocated",
    "CacheWorkspace": "taurus_datamover.workspace.cache",
    "Workspace": "taurus_datamover.workspace.api",
    "WorkspaceArgumentError": "taurus_datamover.errors",
    "WorkspaceWarning": "taurus_datamover.errors",
    "check_filesystem_name": "taurus_datamover.workspace.arguments",
    "check_released_id": "taurus_datamover.workspace.arguments",
    "check_workspace_name": "taurus_datamover.workspace.arguments",
}

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


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_LAZY])

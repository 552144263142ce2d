"""Pydantic models of what the tools print: files, workspaces, jobs (frozen; see
:mod:`~taurus_datamover.models.base` for the owner they are bound to)."""

from __future__ import annotations

from taurus_datamover.models.base import FrozenModel, UnboundModelError
from taurus_datamover.models.files import EntryType, FileEntry, FileOwner, TimePrecision
from taurus_datamover.models.jobs import TERMINAL_STATES, JobInfo, JobState
from taurus_datamover.models.workspaces import (
    AllocationAction,
    AllocationResult,
    FilesystemInfo,
    ReleasedWorkspace,
    WorkspaceInfo,
    WorkspaceOwner,
)

__all__ = [
    "TERMINAL_STATES",
    "AllocationAction",
    "AllocationResult",
    "EntryType",
    "FileEntry",
    "FileOwner",
    "FilesystemInfo",
    "FrozenModel",
    "JobInfo",
    "JobState",
    "ReleasedWorkspace",
    "TimePrecision",
    "UnboundModelError",
    "WorkspaceInfo",
    "WorkspaceOwner",
]

"""taurus_datamover: typed access to the ZIH datamover and hpc-workspace tools."""

from __future__ import annotations

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

__version__ = "1.0.0.dev0"

__all__ = [
    "CommandTimeout",
    "DatamoverError",
    "ParseError",
    "TaurusDatamoverError",
    "ToolError",
    "ToolNotFoundError",
    "WorkspaceError",
    "WorkspaceNotFound",
    "__version__",
]

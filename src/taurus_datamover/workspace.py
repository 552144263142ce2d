"""``Workspace``: the hpc-workspace tools as methods (object API added on top)."""

from __future__ import annotations

from taurus_datamover.command import ToolSet
from taurus_datamover.errors import WorkspaceError
from taurus_datamover.tools import WORKSPACE_FAMILY

__all__ = ["Workspace"]


class Workspace(ToolSet):
    """The ``ws_*`` tools as methods (``ws.ws_allocate('name', '30')``), each call a Job.

    Args:
        path_to_exe: directory (or ``os.pathsep``-separated directories) holding the tools;
            ``None`` searches ``TAURUS_WS_PATH``, ``/usr/bin``, then ``PATH``.
        verbosity: 0 captures the output; 1 also prints each command line; 2 also echoes
            the output as it arrives.
    """

    family = WORKSPACE_FAMILY
    error_class = WorkspaceError

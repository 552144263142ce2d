"""The hpc-workspace parsers in one place: pure functions from ``ws_*`` output to models.

Each tool has its own module (``ws_list``, ``ws_filesystems``, ``ws_allocate``,
``ws_restore``, v2's ``ws_list -T`` table and ``ws_stat``); times go through :mod:`~taurus_datamover.parsers.workspaces.ctime`.
The formats are described in ``hpc-workspace.md`` and checked against the real captures in
``fixtures/hpc-workspace-v1-real/`` and ``fixtures/hpc-workspace-v2-real/``.
"""

from __future__ import annotations

from taurus_datamover.facts import LazyNames

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing

if TYPE_CHECKING:
    from taurus_datamover.parsers.workspaces.common import is_not_found_message, workspace_error_message
    from taurus_datamover.parsers.workspaces.ctime import format_ctime, local_zone, parse_ctime
    from taurus_datamover.parsers.workspaces.ws_allocate import parse_ws_allocate, parse_ws_extend, parse_ws_find
    from taurus_datamover.parsers.workspaces.ws_filesystems import parse_ws_filesystems
    from taurus_datamover.parsers.workspaces.ws_list import confirm_with_terse, parse_ws_list, parse_ws_list_short
    from taurus_datamover.parsers.workspaces.ws_list_layout import listing_generation
    from taurus_datamover.parsers.workspaces.ws_restore import parse_ws_restore_list
    from taurus_datamover.parsers.workspaces.ws_stat import parse_ws_stat
    from taurus_datamover.parsers.workspaces.ws_table import parse_ws_list_table

# imported on first use: the command line reads a listing with the light modules alone,
# without the models (and pydantic)
_lazy = LazyNames(
    globals(),
    {
        "taurus_datamover.parsers.workspaces.common": "is_not_found_message workspace_error_message",
        "taurus_datamover.parsers.workspaces.ctime": "format_ctime local_zone parse_ctime",
        "taurus_datamover.parsers.workspaces.ws_allocate": "parse_ws_allocate parse_ws_extend parse_ws_find",
        "taurus_datamover.parsers.workspaces.ws_filesystems": "parse_ws_filesystems",
        "taurus_datamover.parsers.workspaces.ws_list": "confirm_with_terse parse_ws_list parse_ws_list_short",
        "taurus_datamover.parsers.workspaces.ws_list_layout": "listing_generation",
        "taurus_datamover.parsers.workspaces.ws_restore": "parse_ws_restore_list",
        "taurus_datamover.parsers.workspaces.ws_stat": "parse_ws_stat",
        "taurus_datamover.parsers.workspaces.ws_table": "parse_ws_list_table",
    },
)
__getattr__, __dir__ = _lazy.load, _lazy.names

__all__ = [
    "confirm_with_terse",
    "format_ctime",
    "is_not_found_message",
    "listing_generation",
    "local_zone",
    "parse_ctime",
    "parse_ws_allocate",
    "parse_ws_extend",
    "parse_ws_filesystems",
    "parse_ws_find",
    "parse_ws_list",
    "parse_ws_list_short",
    "parse_ws_list_table",
    "parse_ws_restore_list",
    "parse_ws_stat",
    "workspace_error_message",
]

"""The hpc-workspace parsers in one place: pure functions from ``ws_*`` output to models.

Each tool has its own module (``ws_list``, ``ws_filesystems``, ``ws_allocate``,
``ws_restore``, v2's ``ws_list -T`` table and ``ws_stat``); times go through :mod:`~taurus_datamover.parsers.workspaces.ctime`.
The formats are described in ``hpc-workspace.md`` and checked against the real captures in
``fixtures/hpc-workspace-v1-real/`` and ``fixtures/hpc-workspace-v2-real/``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from taurus_datamover.parsers.workspaces.ctime import format_ctime, local_zone, parse_ctime
    from taurus_datamover.parsers.workspaces.diagnostics import is_not_found_message, workspace_error_message
    from taurus_datamover.parsers.workspaces.ws_allocate import parse_ws_allocate, parse_ws_extend, parse_ws_find
    from taurus_datamover.parsers.workspaces.ws_filesystems import parse_ws_filesystems
    from taurus_datamover.parsers.workspaces.ws_list import listing_generation, parse_ws_list
    from taurus_datamover.parsers.workspaces.ws_list_terse import confirm_with_terse, parse_ws_list_short
    from taurus_datamover.parsers.workspaces.ws_restore import parse_ws_restore_list
    from taurus_datamover.parsers.workspaces.ws_stat import parse_ws_stat
    from taurus_datamover.parsers.workspaces.ws_table import parse_ws_list_table

# public name -> its module, imported on first use (PEP 562): the command line reads a
# listing with the light modules alone, without the models (and pydantic)
_LAZY = {
    "format_ctime": "ctime",
    "local_zone": "ctime",
    "parse_ctime": "ctime",
    "is_not_found_message": "diagnostics",
    "parse_ws_allocate": "ws_allocate",
    "parse_ws_extend": "ws_allocate",
    "parse_ws_find": "ws_allocate",
    "workspace_error_message": "diagnostics",
    "parse_ws_filesystems": "ws_filesystems",
    "listing_generation": "ws_list",
    "parse_ws_list": "ws_list",
    "confirm_with_terse": "ws_list_terse",
    "parse_ws_list_short": "ws_list_terse",
    "parse_ws_restore_list": "ws_restore",
    "parse_ws_stat": "ws_stat",
    "parse_ws_list_table": "ws_table",
}

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


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_LAZY])

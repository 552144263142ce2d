"""The parser layer: pure functions from tool output (text) to models. No subprocess here.

Every parser raises :class:`~taurus_datamover.ParseError` (with the line number and the raw
line) on input it cannot read without guessing, and nothing else.

The names below are loaded on first use (PEP 562), so that a caller of one family (the
workspace parsers, say) does not pay for importing the others.
"""

from __future__ import annotations

from taurus_datamover.facts import LazyNames

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing

if TYPE_CHECKING:
    from taurus_datamover.parsers.ls import UNAMBIGUOUS_LS_ENV, UNAMBIGUOUS_LS_OPTIONS, iter_ls, parse_ls
    from taurus_datamover.parsers.progress import Progress, latest_progress, parse_progress_line
    from taurus_datamover.parsers.workspaces import (
        format_ctime,
        is_not_found_message,
        parse_ctime,
        parse_ws_allocate,
        parse_ws_extend,
        parse_ws_filesystems,
        parse_ws_find,
        parse_ws_list,
        parse_ws_list_short,
        parse_ws_restore_list,
        workspace_error_message,
    )

_lazy = LazyNames(
    globals(),
    {
        "taurus_datamover.parsers.ls": "UNAMBIGUOUS_LS_ENV UNAMBIGUOUS_LS_OPTIONS iter_ls parse_ls",
        "taurus_datamover.parsers.progress": "Progress latest_progress parse_progress_line",
        "taurus_datamover.parsers.workspaces": "format_ctime is_not_found_message parse_ctime parse_ws_allocate "
        "parse_ws_extend parse_ws_filesystems parse_ws_find parse_ws_list parse_ws_list_short parse_ws_restore_list "
        "workspace_error_message",
    },
)
__getattr__, __dir__ = _lazy.load, _lazy.names

__all__ = [
    "UNAMBIGUOUS_LS_ENV",
    "UNAMBIGUOUS_LS_OPTIONS",
    "Progress",
    "format_ctime",
    "is_not_found_message",
    "iter_ls",
    "latest_progress",
    "parse_ctime",
    "parse_ls",
    "parse_progress_line",
    "parse_ws_allocate",
    "parse_ws_extend",
    "parse_ws_filesystems",
    "parse_ws_find",
    "parse_ws_list",
    "parse_ws_list_short",
    "parse_ws_restore_list",
    "workspace_error_message",
]

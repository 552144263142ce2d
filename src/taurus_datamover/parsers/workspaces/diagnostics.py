"""The diagnostics of the ``ws_*`` tools on stderr: their error lines, and whether they say
that a workspace does not exist.

v1 writes ``Info:``/``Warning:``/``Error:`` (a warning or error may go on in indented
lines), v2 ``info:``/``warning:``/``error:`` (colours around the level on a terminal).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from taurus_datamover.parsers.workspaces.common import numbered_lines, split_diagnostic, strip_ansi

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing
if TYPE_CHECKING:
    from taurus_datamover.parsers.workspaces.common import Level

__all__ = ["SERIOUS", "diagnostics", "is_not_found_message", "workspace_error_message"]

SERIOUS = ("warning", "error", "critical")
_NOT_FOUND = (  # compiled on first use (re's cache): a listing that succeeds needs it not
    r"(?i)(?<!target )workspace does not exist|non-existent workspace|workspace not found"
    r"|no such workspace|workspace to restore does not exist"
)


def diagnostics(stderr: str, *, plain: re.Pattern[str] | None = None) -> Iterator[tuple[Level | None, str, str]]:
    """``(level, message, raw line)`` of each non-blank stderr line: the level of a
    ``Error:``-style line, the one before for v1's indented continuation of a warning or
    error, None for a line of no known shape (and for lines ``plain`` matches, which end a
    continuation; without ``plain`` a blank line ends one too)."""
    previous: Level | None = None
    for _lineno, raw in numbered_lines(stderr):
        line = strip_ansi(raw).strip()
        if not line:
            previous = previous if plain is not None else None
            continue
        is_plain = plain is not None and plain.fullmatch(line) is not None
        diagnostic = None if is_plain else split_diagnostic(line)
        if diagnostic is None and not is_plain and previous in SERIOUS and raw[:1] in (" ", "\t"):
            diagnostic = (previous, line)
        level, message = diagnostic if diagnostic is not None else (None, line)
        previous = level
        yield level, message, raw


def workspace_error_message(stderr: str) -> str | None:
    """The tool's own error line(s), as printed (colour removed), or None if there are none.

    ``Error:``/``error:`` lines (with v1's indented continuation lines) are joined with
    newlines: ``"Error: no more extensions."``. Works on any ``ws_*`` tool's output; v1
    ``ws_find`` writes some errors to stdout, so pass that when stderr has none.
    Whether the run failed is the exit code's business: a capped duration is also an
    ``Error:`` line of a run that succeeded.
    """
    found = [strip_ansi(raw).strip() for level, _message, raw in diagnostics(stderr) if level in ("error", "critical")]
    return "\n".join(found) if found else None


def is_not_found_message(message: str) -> bool:
    """True when a tool's error text says that the named workspace does not exist
    (``workspace does not exist``, ``Non-existent workspace given.``, ``workspace not
    found!``, ``no such workspace``); not for a missing *target* of ``ws_restore``."""
    return re.search(_NOT_FOUND, message) is not None

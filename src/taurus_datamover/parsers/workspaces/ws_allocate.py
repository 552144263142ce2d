"""``ws_allocate``/``ws_extend`` output to :class:`AllocationResult`, ``ws_find``'s path,
and the tools' errors.

stdout holds exactly the workspace path; stderr holds (v1 ``Info:``/``Error:``, v2
``info:``/``error:``)::

    Error: Duration longer than allowed for this workspace
           setting to allowed maximum of 100          <- v1 continuation, no prefix
    error:   setting to allowed maximum of 32         <- v2 prints the prefix again
    Info: creating workspace.                         <- or reusing / extending
    remaining extensions  : 10
    remaining time in days: 100

Diagnostic lines before the path are kept by level (``messages``/``warnings``); stderr
lines of no known shape go to ``other`` (stderr is free text: login scripts, locales)
instead of failing the parse. stdout must be one absolute path, else ``ParseError``; the
same holds for ``ws_find NAME`` (both generations print the path alone; v2: the first match).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from taurus_datamover.errors import ParseError
from taurus_datamover.models.workspaces import AllocationAction, AllocationResult
from taurus_datamover.parsers.workspaces.common import Level, numbered_lines, split_diagnostic, strip_ansi

__all__ = [
    "is_not_found_message",
    "parse_ws_allocate",
    "parse_ws_extend",
    "parse_ws_find",
    "workspace_error_message",
]

# at most 18 digits: a longer number is no count a tool prints (and int() refuses > 4300)
_REMAINING = re.compile(r"remaining (extensions|time in days)[ \t]*:[ \t]*(-?[0-9]{1,18})")
_CAPPED = re.compile(r".*setting to allowed maximum of (-?[0-9]{1,18})\.?")
_ACTIONS = (
    ("creating workspace", AllocationAction.CREATED),
    ("reusing workspace", AllocationAction.REUSED),
    ("extending workspace", AllocationAction.EXTENDED),
)
_NOT_FOUND = re.compile(
    r"(?<!target )workspace does not exist|non-existent workspace|workspace not found"
    r"|no such workspace|workspace to restore does not exist",
    re.IGNORECASE,
)


def _diagnostics(stderr: str, *, plain: re.Pattern[str] | None = None) -> Iterator[tuple[Level | None, str, str]]:
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
        if diagnostic is None and not is_plain and previous in _SERIOUS and raw[:1] in (" ", "\t"):
            diagnostic = (previous, line)
        level, message = diagnostic if diagnostic is not None else (None, line)
        previous = level
        yield level, message, raw


_SERIOUS = ("warning", "error", "critical")


def parse_ws_allocate(stdout: str, stderr: str) -> AllocationResult:
    """Parse what ``ws_allocate`` printed on a run that succeeded (exit code 0).

    Raises:
        ParseError: stdout is not a single absolute path (the message quotes the tool's
            error lines, if any, see :func:`workspace_error_message`).
    """
    path = _the_path(stdout, stderr, "workspace path")
    action: AllocationAction | None = None
    remaining: dict[str, int] = {}
    capped: int | None = None
    kept: dict[str, list[str]] = {"messages": [], "warnings": [], "other": []}
    for level, message, raw in _diagnostics(stderr, plain=_REMAINING):
        numbers = _REMAINING.fullmatch(message) if level is None else None
        if numbers is not None:
            remaining[numbers.group(1)] = int(numbers.group(2))
            continue
        if level is None:
            kept["other"].append(raw)
            continue
        capped_match = _CAPPED.fullmatch(message)
        if capped_match is not None:
            capped = int(capped_match.group(1))
        kept["warnings" if level in _SERIOUS else "messages"].append(message)
        for words, found in _ACTIONS:
            if level not in _SERIOUS and message.lower().startswith(words):
                action = found
    return AllocationResult(
        path=path,
        action=action,
        remaining_extensions=remaining.get("extensions"),
        remaining_days=remaining.get("time in days"),
        capped_duration=capped,
        **{key: tuple(lines) for key, lines in kept.items()},
    )


def parse_ws_extend(stdout: str, stderr: str) -> AllocationResult:
    """Parse what ``ws_extend`` printed (it runs ``ws_allocate -x``; same shapes)."""
    return parse_ws_allocate(stdout, stderr)


def parse_ws_find(text: str) -> str:
    """The one absolute path ``ws_find NAME`` printed (blanks and empty lines ignored)."""
    return _the_path(text, "", "path from ws_find")


def _the_path(stdout: str, stderr: str, what: str) -> str:
    lines = [(n, raw) for n, raw in numbered_lines(stdout) if raw.strip()]
    if len(lines) == 1 and lines[0][1].strip().startswith("/"):
        return lines[0][1].strip()
    said = workspace_error_message(stderr) or workspace_error_message(stdout)
    detail = f"; the tool said: {said}" if said else ""
    if not lines:
        raise ParseError(f"no {what} on stdout{detail}")
    lineno, raw = lines[0] if len(lines) == 1 else lines[1]
    problem = "not an absolute path" if len(lines) == 1 else "more than one line on stdout"
    raise ParseError(f"{problem}{detail}", lineno=lineno, line=raw)


def workspace_error_message(stderr: str) -> str | None:
    """The tool's own error line(s), as printed (colour removed), or None if there are none.

    ``Error:``/``error:`` lines (with v1's indented continuation lines) are joined with
    newlines: ``"Error: no more extensions."``. Works on any ``ws_*`` tool's output; v1
    ``ws_find`` writes some errors to stdout, so pass that when stderr has none.
    Whether the run failed is the exit code's business: a capped duration is also an
    ``Error:`` line of a run that succeeded.
    """
    found = [strip_ansi(raw).strip() for level, _message, raw in _diagnostics(stderr) if level in ("error", "critical")]
    return "\n".join(found) if found else None


def is_not_found_message(message: str) -> bool:
    """True when a tool's error text says that the named workspace does not exist
    (``workspace does not exist``, ``Non-existent workspace given.``, ``workspace not
    found!``, ``no such workspace``); not for a missing *target* of ``ws_restore``."""
    return _NOT_FOUND.search(message) is not None

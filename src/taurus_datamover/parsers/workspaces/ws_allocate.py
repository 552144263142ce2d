"""``ws_allocate``/``ws_extend`` output to :class:`AllocationResult`, and ``ws_find``'s path.

stdout holds exactly the workspace path; stderr holds (v1 ``Info:``/``Error:``, v2
``info:``/``error:``)::

    Error: Duration longer than allowed for this workspace
           setting to allowed maximum of 100          <- v1 continuation, no prefix
    error:   setting to allowed maximum of 32         <- v2 prints the prefix again
    Info: creating workspace.                         <- or reusing / extending
    remaining extensions  : 10
    remaining time in days: 100

stderr lines of no known shape go to ``other`` (stderr is free text: login scripts,
locales) instead of failing the parse. stdout must be one absolute path, else a
``ParseError``, as for ``ws_find NAME`` (both generations print the path alone; v2: the first match).
"""

from __future__ import annotations

import re

from taurus_datamover.errors import ParseError
from taurus_datamover.models.workspaces import AllocationAction, AllocationResult
from taurus_datamover.parsers.workspaces.common import SERIOUS, diagnostics, numbered_lines, workspace_error_message

# at most 18 digits: a longer number is no count a tool prints (and int() refuses > 4300)
_REMAINING = re.compile(r"remaining (extensions|time in days)[ \t]*:[ \t]*(-?[0-9]{1,18})")
_CAPPED = re.compile(r".*setting to allowed maximum of (-?[0-9]{1,18})\.?")
_ACTIONS = (
    ("creating workspace", AllocationAction.CREATED),
    ("reusing workspace", AllocationAction.REUSED),
    ("extending workspace", AllocationAction.EXTENDED),
)


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
    for level, message, raw in diagnostics(stderr, plain=_REMAINING):
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
        kept["warnings" if level in SERIOUS else "messages"].append(message)
        for words, found in _ACTIONS:
            if level not in SERIOUS and message.lower().startswith(words):
                action = found
    return AllocationResult(
        path=path,
        action=action,
        remaining_extensions=remaining.get("extensions"),
        remaining_days=remaining.get("time in days"),
        capped_duration=capped,
        **{key: tuple(lines) for key, lines in kept.items()},
    )


#: ``ws_extend`` runs ``ws_allocate -x`` and prints the same shapes.
parse_ws_extend = parse_ws_allocate


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

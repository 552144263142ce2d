"""Small pieces shared by the hpc-workspace parsers: diagnostics, durations, names.

* Diagnostics: v1 writes ``Info:``/``Warning:``/``Error:``, v2 ``info:``/``warning:``/
  ``error:`` (with ANSI colour around the level when stderr is a terminal).
* Durations: v1 ``4 days 23 hours``, v2 ``6 days, 23 hours`` (parts truncated toward zero,
  so both may be negative in v2).
* Names: workspace directories are ``<space>/<user>-<name>``; usernames and names may both
  contain ``-``, so a name is only split off when the user is known (reference §10, 2-3).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Literal

__all__ = [
    "Level",
    "split_diagnostic",
    "strip_ansi",
    "parse_days_hours",
    "derive_name",
    "NAME_PATTERN",
    "numbered_lines",
]

Level = Literal["info", "warning", "error", "debug", "trace", "critical"]

#: What a workspace name may look like (v2 ``src/ws.h``).
NAME_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")

_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_DIAGNOSTIC = re.compile(
    r"(info|warning|error|debug|trace|critical):[ \t]?(.*)", re.IGNORECASE | re.DOTALL
)
_DAYS_HOURS = re.compile(r"(-?[0-9]+) days,? (-?[0-9]+) hours")


def numbered_lines(text: str) -> Iterator[tuple[int, str]]:
    """``(1-based number, line)`` pairs, split on ``\\n`` only (one trailing ``\\r`` dropped).

    ``str.splitlines`` would also split on form feeds and other separators that may sit
    inside a comment.
    """
    for lineno, line in enumerate(text.split("\n"), start=1):
        yield lineno, line.removesuffix("\r")


def strip_ansi(line: str) -> str:
    """``line`` without ANSI SGR colour codes (v2 colours the level on a terminal)."""
    return _ANSI.sub("", line) if "\x1b" in line else line


def split_diagnostic(line: str) -> tuple[Level, str] | None:
    """``("error", "no more extensions.")`` for ``Error: no more extensions.``; else None.

    The level is lower-cased; the message keeps its text after the one separating blank.
    """
    match = _DIAGNOSTIC.fullmatch(strip_ansi(line).strip())
    if match is None:
        return None
    level = cast_level(match.group(1).lower())
    return level, match.group(2).strip()


def cast_level(text: str) -> Level:
    """Narrow a lower-case level name to :data:`Level` (only called on regex matches)."""
    if text == "info":
        return "info"
    if text == "warning":
        return "warning"
    if text == "error":
        return "error"
    if text == "debug":
        return "debug"
    if text == "trace":
        return "trace"
    return "critical"


def parse_days_hours(text: str) -> timedelta | None:
    """``timedelta`` of ``N days M hours`` / ``N days, M hours``; None for another shape."""
    match = _DAYS_HOURS.fullmatch(text.strip())
    if match is None:
        return None
    return timedelta(days=int(match.group(1)), hours=int(match.group(2)))


def derive_name(shown_id: str, path: str, user: str | None) -> tuple[str, str | None]:
    """``(name, owner)`` of a listed workspace.

    1. ``user`` known and the directory basename is ``<user>-<rest>``: ``(rest, user)``.
    2. Else, the basename ends with ``-<shown_id>``: ``(shown_id, <prefix>)`` (right for v1
       and older v2, which show the text after the user; wrong for v2 HEAD with a dashed
       name, which shows only the text after the last ``-``: pass ``user`` there).
    3. Else (admin listings showing ``user-name``, unusual directories): ``(shown_id, None)``.
    """
    base = path.rstrip("/").rsplit("/", 1)[-1]
    if user:
        prefix = user + "-"
        if base.startswith(prefix) and len(base) > len(prefix):
            return base[len(prefix) :], user
    suffix = "-" + shown_id
    if base != shown_id and base.endswith(suffix) and len(base) > len(suffix):
        return shown_id, base[: -len(suffix)]
    return shown_id, None

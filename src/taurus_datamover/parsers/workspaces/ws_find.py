"""``ws_find NAME`` output: the path of the workspace.

Both generations print the path alone on stdout (v2: the first match). Anything else,
such as v1's ``Error: no such filesystem.`` on stdout, is a ``ParseError``.
"""

from __future__ import annotations

from taurus_datamover.errors import ParseError
from taurus_datamover.parsers.workspaces.common import numbered_lines

__all__ = ["parse_ws_find"]


def parse_ws_find(text: str) -> str:
    """The one absolute path in ``text`` (surrounding blanks and empty lines ignored)."""
    lines = [(lineno, raw) for lineno, raw in numbered_lines(text) if raw.strip()]
    if not lines:
        raise ParseError("ws_find printed no path")
    if len(lines) > 1:
        lineno, raw = lines[1]
        raise ParseError("ws_find printed more than one line", lineno=lineno, line=raw)
    lineno, raw = lines[0]
    path = raw.strip()
    if not path.startswith("/"):
        raise ParseError("ws_find printed no absolute path", lineno=lineno, line=raw)
    return path

"""The longest duration each workspace file system allows, as far as the tools tell: v2
prints it (``ws_list -L``); v1 says it only when it cuts a duration. What a cut taught is
kept in a JSON file in the user's cache directory (keyed by the tools' directory and the
file system), so the next cron run need not spend an extension to learn it again; the
tools' own ``-L`` always wins.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from taurus_datamover.errors import ParseError, WorkspaceError

if TYPE_CHECKING:
    from taurus_datamover.workspace import Workspace


class FilesystemLimits:
    """Maximum durations (days) by file system for the tools ``ws``; ``memory``: the JSON file
    of learned limits (None: learn for this run only)."""

    def __init__(self, ws: Workspace, memory: Path | None) -> None:
        self._memory = memory
        self._prefix = os.path.dirname(ws.tool_path("ws_list")) + "|"
        self._learned = self._load()
        try:
            self._printed = {
                fs.name: fs.max_duration for fs in ws.filesystems(details=True) if (fs.max_duration or 0) > 0
            }
        except (WorkspaceError, ParseError):
            self._printed = {}  # v1 has no -L: only what a cut taught is known

    def max_days(self, filesystem: str | None) -> int | None:
        """The longest duration ``filesystem`` allows, or None when the tools never said."""
        return (
            None if filesystem is None else self._printed.get(filesystem, self._learned.get(self._prefix + filesystem))
        )

    def learn(self, filesystem: str | None, asked: int, capped: int | None) -> None:
        """Remember what an extension asking ``asked`` days told: cut to ``capped`` days,
        or not cut (then the maximum is at least ``asked``, and an older, smaller learned
        value is forgotten)."""
        if filesystem is None or filesystem in self._printed:
            return
        key = self._prefix + filesystem
        before = self._learned.get(key)
        if capped is not None and capped > 0:
            self._learned[key] = capped
        elif before is not None and before < asked:
            del self._learned[key]
        if self._learned.get(key) != before:
            self._save()

    def _load(self) -> dict[str, int]:
        if self._memory is None:
            return {}
        try:
            data = json.loads(self._memory.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        items = data.items() if isinstance(data, dict) else ()
        return {k: v for k, v in items if isinstance(k, str) and type(v) is int and v > 0}

    def _save(self) -> None:
        if self._memory is None:
            return
        self._memory.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".ws-limits.", dir=self._memory.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(self._learned, handle, indent=1, sort_keys=True)
            os.replace(tmp, self._memory)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

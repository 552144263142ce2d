"""The longest duration each workspace file system allows, as far as the tools tell.

v2 prints it (``ws_list -L``, :attr:`FilesystemInfo.max_duration`); v1 only says it when
it cuts a duration (``setting to allowed maximum of 30``). What a cut taught is kept in a
small JSON file in the user's cache directory, keyed by the tools' directory and the file
system, so that the next cron run knows it without spending an extension to learn it
again; the tools' own ``-L`` always wins over what was learned.
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
    """Maximum durations (days) by file system for one set of ``ws_*`` tools.

    Args:
        ws: the tools.
        memory: the JSON file of learned limits (None: learn for this run only).
    """

    def __init__(self, ws: Workspace, memory: Path | None) -> None:
        self._memory = memory
        self._prefix = os.path.dirname(ws.tool_path("ws_list")) + "|"
        self._learned = self._load()
        self._printed: dict[str, int] = {}
        try:
            for fs in ws.filesystems(details=True):
                if fs.max_duration is not None and fs.max_duration > 0:
                    self._printed[fs.name] = fs.max_duration
        except (WorkspaceError, ParseError):
            pass  # v1 has no -L: only what a cut taught is known

    def max_days(self, filesystem: str | None) -> int | None:
        """The longest duration ``filesystem`` allows, or None when the tools never said."""
        if filesystem is None:
            return None
        return self._printed.get(filesystem, self._learned.get(self._prefix + filesystem))

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
        if not isinstance(data, dict):
            return {}
        return {
            key: value
            for key, value in data.items()
            if isinstance(key, str) and isinstance(value, int) and not isinstance(value, bool) and value > 0
        }

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

"""What the v1 and v2 output modules share: the views they render and their interface.

The tools decide *what* happens; :mod:`.formats_v1` and :mod:`.formats_v2` (modules that
satisfy :class:`WsFormat`) how it reads.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from taurus_datamover.emulator.ws.db import WsEntry

__all__ = ["EntryView", "RestoreView", "WsFormat", "cdiv", "cmod", "ctime", "messages"]


def ctime(seconds: float) -> str:
    """``Www Mmm dd HH:MM:SS YYYY`` (space-padded day) in the process's local zone."""
    return time.ctime(seconds)


def cdiv(a: int, b: int) -> int:
    """C integer division (truncates toward zero)."""
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b >= 0) else -q


def cmod(a: int, b: int) -> int:
    """C remainder (takes the sign of the dividend)."""
    return a - b * cdiv(a, b)


def messages(table: str) -> dict[str, tuple[str, int]]:
    """Situation -> (text, exit code) from lines ``KEY CODE TEXT`` (``\\n`` in TEXT: a line break)."""
    rows = ([*line.split(maxsplit=2), ""] for line in table.strip().splitlines())
    return {row[0]: (row[2].replace("\\n", "\n"), int(row[1])) for row in rows}


@dataclass(frozen=True)
class EntryView:
    """One workspace as ``ws_list`` shows it."""

    ws_id: str
    """DB id: ``<user>-<name>`` (``-<unixtime>`` appended for released ones)."""
    fs: str
    entry: WsEntry
    now: float
    creation: float
    """Creation time to show (the entry's, else the DB file's ctime, as v1 did)."""
    permissions: str = ""
    until_deletion: int | None = None
    """For released/expired entries (v2 ``-e``): epoch second when data is deleted."""
    shown_id: str = ""
    """The id to print, where it is not the format's short id (v2 admins: the DB id)."""


@dataclass(frozen=True)
class RestoreView:
    """One released workspace as ``ws_restore -l`` shows it."""

    deleted_id: str
    fs: str
    keeptime: int
    now: float

    @property
    def stamp(self) -> int:
        """The unixtime suffix of the id (when it became unavailable)."""
        tail = self.deleted_id.rsplit("-", 1)[-1]
        return int(tail) if tail.isdigit() else 0


class WsFormat(Protocol):
    """The texts of one hpc-workspace generation."""

    NAME: str
    MESSAGES: Mapping[str, tuple[str, int]]
    """Situation -> (stderr text, exit code); an empty text prints nothing."""
    HELP: Mapping[str, tuple[str, bool, int]]
    """Tool -> (help text, printed to stderr?, exit code)."""
    VERSION: Mapping[str, tuple[str, int]]
    """Tool -> (stdout text of ``--version``, exit code)."""
    USAGE: Mapping[str, tuple[str, int]]
    """Tool -> (stderr text, exit code) for a missing required argument (else the help)."""

    def list_entry(self, view: EntryView, *, terse: bool, verbose: bool, permissions: bool) -> str:
        """The ``ws_list`` block of one workspace."""
        ...

    def short_id(self, ws_id: str) -> str:
        """The id ``ws_list`` shows to an ordinary user."""
        ...

    def restore_listing(self, groups: Sequence[tuple[str, Sequence[RestoreView]]], brief: bool) -> str:
        """``ws_restore -l``: per file system (in order), its restorable ids."""
        ...

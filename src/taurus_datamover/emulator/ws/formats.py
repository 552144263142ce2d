"""What the v1 and v2 output modules share: the views they render and their interface
(:class:`WsFormat`): the tools decide *what* happens, the format modules how it reads."""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from taurus_datamover.emulator.ws.db import WsEntry

#: ``Www Mmm dd HH:MM:SS YYYY`` (space-padded day) in the process's local zone, as C's ``ctime``.
ctime = time.ctime


def cdiv(a: int, b: int) -> int:
    """C integer division (truncates toward zero)."""
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b >= 0) else -q


def messages(table: str) -> dict[str, tuple[str, int]]:
    """Situation -> (text, exit code) from lines ``KEY CODE TEXT`` (``\\n`` in TEXT: a line break)."""
    rows = ([*line.split(maxsplit=2), ""] for line in table.strip().splitlines())
    return {row[0]: (row[2].replace("\\n", "\n"), int(row[1])) for row in rows}


@dataclass(frozen=True)
class EntryView:
    """One workspace as ``ws_list`` shows it."""

    ws_id: str  # the DB id: <user>-<name> (-<unixtime> appended for released ones)
    fs: str
    entry: WsEntry
    now: float
    creation: float  # the creation time to show (the entry's, else the DB file's ctime, as v1 did)
    permissions: str = ""
    until_deletion: int | None = None  # released/expired entries (v2 -e): when the data is deleted
    shown_id: str = ""  # the id to print where it is not the format's short id (v2 admins: the DB id)


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
    """The texts of one hpc-workspace generation (a module: :mod:`.formats_v1`, :mod:`.formats_v2`)."""

    NAME: str
    MESSAGES: Mapping[str, tuple[str, int]]  # situation -> (stderr text, exit code); "" prints nothing
    HELP: Mapping[str, tuple[str, bool, int]]  # tool -> (help text, printed to stderr?, exit code)
    VERSION: Mapping[str, tuple[str, int]]  # tool -> (stdout text of --version, exit code)
    USAGE: Mapping[str, tuple[str, int]]  # tool -> (stderr text, exit code) without a required argument

    def list_entry(self, view: EntryView, *, terse: bool, verbose: bool, permissions: bool) -> str: ...
    def short_id(self, ws_id: str) -> str: ...  # the id ws_list shows an ordinary user
    def restore_listing(self, groups: Sequence[tuple[str, Sequence[RestoreView]]], brief: bool) -> str: ...

"""One entry of a directory listing (``ls -l`` / ``dtls -l``), as a frozen model.

``FileEntry`` keeps what ls printed (``mode``, ``size_text``, ``blocks``, the raw ``line``)
next to the decoded values, so that nothing is invented: a rounded ``-h`` size stays text
(``size`` is None), the time's precision is explicit, and the exact epoch nanoseconds are
kept when ls printed them. ``mtime`` is None when the time lies outside what ``datetime``
holds (years 1 to 9999; ls prints ``May 25  12110`` or ``-249-10-15`` for such files):
``mtime_ns`` still has the exact instant when ls printed it. An entry listed by a
``Datamover`` is bound to it and offers ``copy_to``, ``move_to``, ``remove`` and (for
directories) ``list``.

Entries are made in bulk (a listing has tens of thousands), through pydantic's public
validation (``TypeAdapter(list[FileEntry]).validate_python``). So that costs only the
validation, the model has no private attribute (pydantic would run a Python hook per
instance to set it up): the owner is kept in a plain ``__slots__`` attribute that
:meth:`FileEntry.bind` sets, and that is not a field (not dumped, not compared).
"""

from __future__ import annotations

import builtins
import posixpath
from datetime import datetime
from enum import Enum
from typing import Any, Protocol, TypeVar

from taurus_datamover.models.base import FrozenFields, unbound_error

__all__ = ["EntryType", "FileEntry", "FileOwner", "TimePrecision"]


class EntryType(str, Enum):
    """The kind of file, from the first character of the mode."""

    FILE = "file"
    DIRECTORY = "directory"
    SYMLINK = "symlink"
    FIFO = "fifo"
    SOCKET = "socket"
    BLOCK_DEVICE = "block_device"
    CHAR_DEVICE = "char_device"


class TimePrecision(str, Enum):
    """How much of the modification time the listing printed."""

    DAY = "day"  # "Mar  5  2024", iso "2024-03-05": midnight assumed
    MINUTE = "minute"  # "Nov 25 13:47", long-iso
    SECOND = "second"  # --time-style=+%s
    NANOSECOND = "nanosecond"  # --full-time, +%s.%N


class FileOwner(Protocol):
    """What an entry needs from the object that listed it (a ``Datamover``)."""

    def cp(self, *src: str, dst: str, recursive: bool = False, preserve: bool = False) -> Any: ...

    def mv(self, *src: str, dst: str) -> Any: ...

    def rm(self, *paths: str, recursive: bool = False) -> Any: ...

    def ls(self, path: str, *, all: bool = False, recursive: bool = False) -> builtins.list[FileEntry]: ...


_EntryT = TypeVar("_EntryT", bound="FileEntry")


class FileEntry(FrozenFields):
    """One line (or, for literal names with newlines, several lines) of ``ls -l``.

    ``context`` is the SELinux security context column of ``ls -Z`` (``?`` where the file
    system has none). ``mtime`` is None for a time outside ``datetime``'s range.
    """

    # the owner that listed the entry (see bind): a slot, not a pydantic private attribute
    __slots__ = ("_owner",)

    name: str
    directory: str | None = None
    type: EntryType
    mode: str
    permissions: int
    acl: bool = False
    selinux: bool = False
    links: int
    owner: str | None = None
    group: str | None = None
    context: str | None = None
    size: int | None = None
    size_text: str | None = None
    device: tuple[int, int] | None = None
    mtime: datetime | None = None
    mtime_precision: TimePrecision
    mtime_ns: int | None = None
    target: str | None = None
    inode: int | None = None
    blocks: str | None = None
    line: str

    def bind(self: _EntryT, owner: Any) -> _EntryT:
        """Attach ``owner`` (the Datamover that listed this entry) and return self."""
        object.__setattr__(self, "_owner", owner)  # our own slot: frozen fields untouched
        return self

    def _require_owner(self) -> Any:
        owner = getattr(self, "_owner", None)
        if owner is None:
            raise unbound_error(self)
        return owner

    @property
    def path(self) -> str:
        """``directory/name`` when the listing had a directory header, else ``name``."""
        if self.directory is None:
            return self.name
        return posixpath.join(self.directory, self.name)

    @property
    def name_bytes(self) -> bytes:
        """The name's raw bytes (names are surrogate-escaped UTF-8)."""
        return self.name.encode("utf-8", "surrogateescape")

    @property
    def is_dir(self) -> bool:
        return self.type is EntryType.DIRECTORY

    def _owner_api(self) -> FileOwner:
        owner: FileOwner = self._require_owner()
        return owner

    def copy_to(self, dest: str) -> Any:
        """Copy this entry to ``dest`` (recursively for a directory); returns the Job."""
        return self._owner_api().cp(self.path, dst=str(dest), recursive=self.is_dir)

    def move_to(self, dest: str) -> Any:
        """Move this entry to ``dest``; returns the Job."""
        return self._owner_api().mv(self.path, dst=str(dest))

    def remove(self) -> Any:
        """Remove this entry (recursively for a directory); returns the Job."""
        return self._owner_api().rm(self.path, recursive=self.is_dir)

    def list(self, *, all: bool = False, recursive: bool = False) -> builtins.list[FileEntry]:
        """List this directory through the owner; ``NotADirectoryError`` for anything else."""
        if not self.is_dir:
            raise NotADirectoryError(f"{self.path!r} is a {self.type.value}, not a directory")
        return self._owner_api().ls(self.path, all=all, recursive=recursive)

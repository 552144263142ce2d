"""One entry of a directory listing (``ls -l`` / ``dtls -l``), as a frozen model.

``FileEntry`` keeps what ls printed (``mode``, ``size_text``, ``blocks``, the raw ``line``)
next to the decoded values, so that nothing is invented: a rounded ``-h`` size stays text
(``size`` is None), the time's precision is explicit, and the exact epoch nanoseconds are
kept when ls printed them. An entry listed by a ``Datamover`` is bound to it and offers
``copy_to``, ``move_to``, ``remove`` and (for directories) ``list``.
"""

from __future__ import annotations

import builtins
import posixpath
from datetime import datetime
from enum import Enum
from collections.abc import Sequence
from typing import Any, Protocol, cast

from pydantic import TypeAdapter
from pydantic_core import SchemaValidator, core_schema

from taurus_datamover.models.base import FrozenModel

__all__ = ["EntryType", "FileEntry", "FileOwner", "TimePrecision", "file_entries"]


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

    def cp(self, *src: str, dst: str, recursive: bool = False, preserve: bool = False) -> Any:
        ...

    def mv(self, *src: str, dst: str) -> Any:
        ...

    def rm(self, *paths: str, recursive: bool = False) -> Any:
        ...

    def ls(self, path: str, *, all: bool = False, recursive: bool = False) -> builtins.list[FileEntry]:
        ...


class FileEntry(FrozenModel):
    """One line (or, for literal names with newlines, several lines) of ``ls -l``."""

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
    size: int | None = None
    size_text: str | None = None
    device: tuple[int, int] | None = None
    mtime: datetime
    mtime_precision: TimePrecision
    mtime_ns: int | None = None
    target: str | None = None
    inode: int | None = None
    blocks: str | None = None
    line: str

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


# -- bulk construction --------------------------------------------------------------------
# Validating a list of FileEntry with TypeAdapter(list[FileEntry]) spends most of its time
# creating each instance and calling pydantic's per-instance Python hook that initialises
# the private attributes (``_owner``). For the tens of thousands of entries of a listing,
# ``file_entries`` runs the model's own field validator (the ``model-fields`` core schema
# of FileEntry, with the model's config: same coercions, same errors, ``extra="forbid"``)
# over the whole list in one call, then builds each instance the way pydantic's
# ``model_construct`` does. Records marked *exact* (the ls parser's fast path builds every
# field with its final type, in field order: validation returns such a record unchanged)
# skip the validator. Either way the result equals ``FileEntry.model_validate(record)``,
# including ``model_fields_set`` (tests/test_parse_ls_fast.py checks both).

_ENTRY_SCHEMA = cast("dict[str, Any]", FileEntry.__pydantic_core_schema__)
#: The shortcut holds only while FileEntry is a plain model: fields, config, and no hook
#: but pydantic's private-attribute initialiser (a model validator would wrap the schema).
_PLAIN_MODEL = (
    _ENTRY_SCHEMA.get("type") == "model"
    and _ENTRY_SCHEMA["schema"].get("type") == "model-fields"
    and getattr(FileEntry.model_post_init, "__name__", "") == "init_private_attributes"
)
_FIELDS_VALIDATOR = SchemaValidator(
    core_schema.list_schema(cast("core_schema.CoreSchema", _ENTRY_SCHEMA["schema"])),
    cast("core_schema.CoreConfig | None", _ENTRY_SCHEMA.get("config")),
) if _PLAIN_MODEL else None
_ENTRIES_ADAPTER: TypeAdapter[builtins.list[FileEntry]] = TypeAdapter(builtins.list[FileEntry])
_FIELD_NAMES = frozenset(FileEntry.model_fields)
_PRIVATE_DEFAULTS: dict[str, Any] = {
    name: attr.get_default() for name, attr in FileEntry.__private_attributes__.items()
}


def file_entries(
    records: builtins.list[dict[str, Any]], exact: Sequence[bool] | None = None
) -> builtins.list[FileEntry]:
    """The entries of ``records`` (dicts of FileEntry fields), validated in bulk.

    ``exact[i]`` says that ``records[i]`` has every field, in order, with its final type
    (what the validator would return): it is used as the entry's ``__dict__`` as is.
    Raises ``pydantic.ValidationError`` like ``TypeAdapter(list[FileEntry])`` would.
    """
    if _FIELDS_VALIDATOR is None:
        return _ENTRIES_ADAPTER.validate_python(records)
    if exact is None:
        exact = [False] * len(records)
    validated: builtins.list[tuple[dict[str, Any], Any, set[str]]]
    validated = _FIELDS_VALIDATOR.validate_python(
        [rec for rec, ok in zip(records, exact) if not ok])
    checked = iter(validated)
    new = object.__new__
    setattr_ = object.__setattr__
    private = _PRIVATE_DEFAULTS
    names = _FIELD_NAMES
    out: builtins.list[FileEntry] = []
    append = out.append
    for rec, ok in zip(records, exact):
        entry = new(FileEntry)
        if ok:
            setattr_(entry, "__dict__", rec)
            setattr_(entry, "__pydantic_fields_set__", set(names))
            setattr_(entry, "__pydantic_extra__", None)
        else:
            values, extra, fields_set = next(checked)
            setattr_(entry, "__dict__", values)
            setattr_(entry, "__pydantic_fields_set__", fields_set)
            setattr_(entry, "__pydantic_extra__", extra)
        setattr_(entry, "__pydantic_private__", dict(private))
        append(entry)
    return out

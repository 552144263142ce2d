"""One entry of a directory listing (``ls -l`` / ``dtls -l``), as frozen pydantic data.

``FileEntry`` keeps what ls printed (``mode``, ``size_text``, ``blocks``, the raw ``line``)
next to the decoded values, so that nothing is invented: a rounded ``-h`` size stays text
(``size``, computed from it, is None), the time's precision is explicit, and the exact epoch nanoseconds are
kept when ls printed them. ``mtime`` is None when the time lies outside what ``datetime``
holds (ls prints ``May 25  12110`` or ``-249-10-15`` for such files); ``mtime_ns`` still has
the instant when ls printed it. An entry listed by a ``Datamover`` is bound to it (a slot,
see ``models.base``) and offers ``copy_to``, ``move_to``, ``remove`` and ``list``.

A listing has hundreds of thousands of entries, so ``FileEntry`` is a slotted, frozen
*pydantic dataclass* validated in bulk (``TypeAdapter(list[FileEntry])``): no per-instance
``__dict__`` or fields-set as a ``BaseModel`` has. It has the model methods users call
(``model_validate``, ``model_dump``, ``model_json_schema``, ...), through pydantic's public
``TypeAdapter(FileEntry)``. What follows from another field is a computed property (dumps
show it; on input a computed key must agree with the stored fields, so a dump validates
back): ``type``, ``permissions``, ``acl``, ``selinux``, and ``size``/``device`` from the size
column ``size_text`` (``"1234"``, ``"4.0K"``, ``"8, 1"``).
"""

from __future__ import annotations

import builtins
import dataclasses
import posixpath
import re
from collections.abc import Mapping
from datetime import datetime
from enum import Enum
from functools import cache
from typing import Annotated, Any, ClassVar, Literal, Protocol

from pydantic import ConfigDict, Field, TypeAdapter, ValidationError, computed_field
from pydantic.dataclasses import dataclass
from pydantic.fields import FieldInfo
from pydantic_core import InitErrorDetails, PydanticCustomError, from_json, to_jsonable_python

from taurus_datamover.models.base import Bindable, html_table

__all__ = ["EntryType", "FileEntry", "FileOwner", "TimePrecision", "permission_bits"]


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


_TYPES = dict(zip("-dlpsbc", EntryType))  # the first character of the mode
#: what ``ls -l`` prints as the mode: the type character and nine permission characters
MODE_PATTERN = r"^[-dlpsbc][-r][-w][-xsS][-r][-w][-xsS][-r][-w][-xtT]$"
_PERMISSIONS: dict[str, int] = {}  # mode -> bits (a listing has few distinct modes)
_DEVICE = re.compile(r"([0-9]+), ([0-9]+)")
#: the longest ``size_text``: more than any size or device has, few enough digits for ``int``
SIZE_TEXT_MAX = 64


def permission_bits(mode: str) -> int:
    """The permission bits of a mode string (``-rwsr-xr-T`` -> 0o5754)."""
    bits = _PERMISSIONS.get(mode)
    if bits is None:
        bits = 0
        for i, ch in enumerate(mode[1:10]):  # rwx rwx rwx; s/S, s/S, t/T in place of an x
            special = ("sS" if i < 8 else "tT") if i % 3 == 2 else ""
            if ch == "rwx"[i % 3] or ch == special[:1]:
                bits |= 0o400 >> i
            if ch and ch in special:
                bits |= 0o4000 >> i // 3
        if len(_PERMISSIONS) < 4096:
            _PERMISSIONS[mode] = bits
    return bits


@dataclass(frozen=True, slots=True, kw_only=True, config=ConfigDict(extra="ignore"))
class FileEntry(Bindable):
    """One line (or, for literal names with newlines, several lines) of ``ls -l``.

    ``marker`` is the character ls prints after the mode: ``+`` (an ACL), ``.`` (an SELinux
    context and nothing else), or none. ``context`` is the SELinux security context column
    of ``ls -Z`` (``?`` where the file system has none). ``mtime`` is None for a time outside
    ``datetime``'s range (see the module docstring for dumps)."""

    #: the fields, as pydantic describes them (``BaseModel.model_fields``)
    model_fields: ClassVar[dict[str, FieldInfo]]

    name: str
    directory: str | None = None
    mode: Annotated[str, Field(pattern=MODE_PATTERN)]
    marker: Literal["", "+", "."] = ""
    links: int
    owner: str | None = None
    group: str | None = None
    context: str | None = None
    size_text: Annotated[str | None, Field(max_length=SIZE_TEXT_MAX)] = None
    mtime: datetime | None = None
    mtime_precision: TimePrecision
    mtime_ns: int | None = None
    target: str | None = None
    inode: int | None = None
    blocks: str | None = None
    line: str

    @computed_field  # type: ignore[prop-decorator]
    @property
    def type(self) -> EntryType:
        """The kind of file, from the first character of ``mode``."""
        return _TYPES[self.mode[0]]

    @computed_field  # type: ignore[prop-decorator]
    @property
    def size(self) -> int | None:
        """The size in bytes: ``size_text`` when ls printed it exactly (not ``-h``, not a device)."""
        text = self.size_text
        return int(text) if text is not None and text.isdigit() and text.isascii() else None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def device(self) -> tuple[int, int] | None:
        """``(major, minor)`` of a block or character device (``size_text`` ``"8, 1"``)."""
        found = _DEVICE.fullmatch(self.size_text or "") if self.mode[0] in "bc" else None
        return None if found is None else (int(found[1]), int(found[2]))

    @computed_field  # type: ignore[prop-decorator]
    @property
    def permissions(self) -> int:
        """The permission bits of ``mode`` (``rwxr-sr-T`` -> 0o3754)."""
        return permission_bits(self.mode)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def acl(self) -> bool:
        """Whether ls marked an access control list (``+`` after the mode)."""
        return self.marker == "+"

    @computed_field  # type: ignore[prop-decorator]
    @property
    def selinux(self) -> bool:
        """Whether ls marked an SELinux context only (``.`` after the mode)."""
        return self.marker == "."

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
        """Whether the entry is a directory (``mode`` starts with ``d``)."""
        return self.mode[0] == "d"

    # -- the model API of a BaseModel, through TypeAdapter(FileEntry) -----------------------
    @classmethod
    def model_validate(cls, obj: Any, **options: Any) -> FileEntry:
        """An entry from a dict (a dump) or an entry; ``ValidationError`` otherwise, also
        for a computed value that the stored fields do not give (``size`` without ``size_text``)."""
        device = obj.get("device") if isinstance(obj, Mapping) and obj.get("size_text") is None else None
        if isinstance(device, (list, tuple)) and len(device) == 2:  # an older dump: no device text
            obj = {**obj, "size_text": f"{device[0]}, {device[1]}"}
        return _agreeing(_adapter().validate_python(obj, **options), obj)

    @classmethod
    def model_validate_json(cls, data: str | bytes, **options: Any) -> FileEntry:
        """An entry from JSON text (``model_dump_json``)."""
        return cls.model_validate(from_json(data), **options)

    @classmethod
    def model_json_schema(cls, **options: Any) -> dict[str, Any]:
        """The JSON schema (``mode="serialization"`` includes the computed values)."""
        return _adapter().json_schema(**options)

    def model_dump(self, **options: Any) -> dict[str, Any]:
        """The fields and computed values as a dict (``mode="json"``: JSON types)."""
        dumped: dict[str, Any] = _adapter().dump_python(self, **options)
        return dumped

    def model_dump_json(self, **options: Any) -> str:
        """The fields and computed values as JSON text."""
        return _adapter().dump_json(self, **options).decode("utf-8")

    def model_copy(self, *, update: Mapping[str, Any] | None = None) -> FileEntry:
        """A validated copy with ``update`` (stored fields only) applied; unbound, like every new entry."""
        unknown = sorted(set(update or ()) - set(self.model_fields))
        if unknown:
            raise TypeError(f"model_copy: {', '.join(unknown)} is not a stored field of FileEntry")
        return dataclasses.replace(self, **(update or {}))

    def _repr_html_(self) -> str:
        """A two-column table of the fields that have a value, for Jupyter."""
        return html_table(type(self).__name__, ((f, getattr(self, f)) for f in self.model_fields))

    # -- through the owner --------------------------------------------------------------
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


# the FieldInfo of each field, which pydantic keeps on its dataclasses as `__pydantic_fields__`
FileEntry.model_fields = dict(vars(FileEntry)["__pydantic_fields__"])


def _agreeing(entry: FileEntry, given: Any) -> FileEntry:
    """``entry``, or ValidationError where ``given`` has a computed value it does not give."""
    extra = given.keys() - FileEntry.model_fields.keys() if isinstance(given, Mapping) else set()
    computed = _adapter().dump_python(entry, mode="json", include=extra) if extra else {}
    wrong = [
        InitErrorDetails(
            type=PydanticCustomError("computed", "is computed from the stored fields: {v}", {"v": v}),
            loc=(k,),
            input=given[k],
        )
        for k, v in computed.items()
        if to_jsonable_python(given[k]) != v
    ]
    if wrong:
        raise ValidationError.from_exception_data("FileEntry", wrong)
    return entry


@cache
def _adapter() -> TypeAdapter[FileEntry]:
    """The one validator and serializer of single entries (built on first use)."""
    return TypeAdapter(FileEntry)

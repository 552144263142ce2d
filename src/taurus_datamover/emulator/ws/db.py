"""The workspace database: one small YAML file per workspace, as hpc-workspace keeps it.

``<database>/<user>-<name>`` holds flat ``key: value`` lines in the key order of v2's
RapidYAML writer; released entries move to ``<database>/<deleted>/<id>-<unixtime>``. The
emulator writes and reads this subset of YAML itself (no YAML dependency): integers plain,
strings plain when safe, else single-quoted, or double-quoted with JSON escapes when they
hold control characters -- valid YAML, so a real tool reads the files too. Writes are
atomic; read-modify-write sequences hold :meth:`Database.locked`.
"""

from __future__ import annotations

import fnmatch
import json
import os
import re
from contextlib import AbstractContextManager
from dataclasses import dataclass, fields
from pathlib import Path

from taurus_datamover.emulator.files import locked, write_atomic

_LOCK_NAME = ".ws.lock"
_INT = re.compile(r"-?[0-9]+")
_PLAIN = re.compile(r"[A-Za-z0-9/_.@+][A-Za-z0-9/_.@+ -]*")
_BREAKS = frozenset("\x7f\x85\u2028\u2029")  # YAML/unicode line breaks: quote them
_RESERVED = {"true", "false", "yes", "no", "on", "off", "null", "~", "y", "n"}


class DbError(ValueError):
    """A DB file that cannot be read as a workspace entry (a ``ValueError``, as decoding errors are)."""


@dataclass
class WsEntry:
    """One workspace as the DB stores it, in the file's key order (times epoch seconds, durations days)."""

    workspace: str
    creation: int
    expiration: int
    expired: int = 0
    extensions: int = 0
    acctcode: str = ""
    reminder: int = 0
    mailaddress: str = ""
    group: str = ""
    released: int = 0
    comment: str = ""


_ORDER = tuple(f.name for f in fields(WsEntry))
_OPTIONAL = {"expired", "group", "released"}
_INT_KEYS = {f.name for f in fields(WsEntry) if f.type in ("int", int)}


def _scalar(value: str | int) -> str:
    if isinstance(value, int):
        return str(value)
    if any(ord(ch) < 32 or ch in _BREAKS for ch in value):
        return json.dumps(value)
    safe = (
        _PLAIN.fullmatch(value) is not None
        and not value.endswith(" ")
        and value.lower() not in _RESERVED
        and _INT.fullmatch(value) is None
        and ": " not in value
        and " #" not in value
    )
    return value if safe else "'" + value.replace("'", "''") + "'"


def _unscalar(text: str) -> str:
    text = text.strip()
    if text.startswith("'") and text.endswith("'") and len(text) >= 2:
        return text[1:-1].replace("''", "'")
    if text.startswith('"') and text.endswith('"') and len(text) >= 2:
        return str(json.loads(text))  # (a JSON text in quotes is a string, or a ValueError)
    return text


def dump_entry(entry: WsEntry) -> str:
    """The DB file text of *entry* (optional keys only when set)."""
    lines = []
    for key in _ORDER:
        value: str | int = getattr(entry, key)
        if key in _OPTIONAL and not value:
            continue
        lines.append(f"{key}: {_scalar(value)}")
    return "\n".join(lines) + "\n"


def parse_entry(text: str) -> WsEntry:
    """Read a DB file's text (the subset :func:`dump_entry` writes; unknown keys ignored)."""
    raw: dict[str, str] = {}
    for line in text.split("\n"):
        line = line.rstrip("\r")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        key, sep, value = line.partition(":")
        if not sep:
            raise DbError(f"not a 'key: value' line: {line!r}")
        raw[key.strip()] = value
    if "workspace" not in raw or "expiration" not in raw:
        raise DbError("no workspace or expiration key")
    values: dict[str, str | int] = {"creation": 0}
    for key in (key for key in _ORDER if key in raw):
        try:
            text_value = _unscalar(raw[key])
            values[key] = int(text_value or "0") if key in _INT_KEYS else text_value
        except ValueError as exc:
            raise DbError(f"{key} is no {'integer' if key in _INT_KEYS else 'string'}: {raw[key].strip()!r}") from exc
    return WsEntry(**values)  # type: ignore[arg-type]


class Database:
    """A directory of workspace entries: a file system's DB, and its deleted area (:attr:`trash`)."""

    def __init__(self, path: str | Path, deleted: str = "") -> None:
        self.path = Path(path)
        self.deleted = deleted

    @property
    def trash(self) -> Database:
        """The deleted area: released/expired entries as ``<user>-<name>-<unixtime>``."""
        return Database(self.path / self.deleted)

    def locked(self) -> AbstractContextManager[None]:
        """Hold an exclusive lock on this database (for read-modify-write sequences)."""
        return locked(self.path / _LOCK_NAME)

    def file(self, ws_id: str) -> Path:
        return self.path / ws_id

    def exists(self, ws_id: str) -> bool:
        return self.file(ws_id).is_file()

    def read(self, ws_id: str) -> WsEntry:
        """The entry of *ws_id*; ``OSError``, or a ``ValueError`` (not UTF-8, :class:`DbError`) if unusable."""
        return parse_entry(self.file(ws_id).read_text(encoding="utf-8"))

    def write(self, ws_id: str, entry: WsEntry) -> None:
        self.path.mkdir(parents=True, exist_ok=True)
        write_atomic(self.file(ws_id), dump_entry(entry))

    def remove(self, ws_id: str) -> None:
        self.file(ws_id).unlink(missing_ok=True)

    def ids(self, pattern: str = "*") -> list[str]:
        """Ids matching the glob *pattern*, in directory order (like ``glob``)."""
        try:
            names = os.listdir(self.path)
        except FileNotFoundError:
            return []
        return [
            name
            for name in names
            if not name.startswith(".") and fnmatch.fnmatchcase(name, pattern) and self.exists(name)
        ]

    def move_to_deleted(self, ws_id: str, entry: WsEntry, stamp: int) -> str:
        """Store *entry* as ``<ws_id>-<stamp>`` in the deleted area and drop the active file."""
        deleted_id = f"{ws_id}-{stamp}"
        self.trash.write(deleted_id, entry)
        self.remove(ws_id)
        return deleted_id

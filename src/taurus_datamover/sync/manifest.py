"""The record of a sync run: a directory under the user's cache with a JSON manifest.

:func:`sync_root` ``/RUN_ID/`` holds ``manifest.json`` (:class:`SyncManifest`, rewritten
atomically on every change, so a reader never sees half), ``source.json`` (the listing the
plan was made from, for verification), each part's NUL-separated ``--files-from`` list
``part-NNN.files`` and its batch output ``slurm-N.out``. It is in the user's home, which the
data-transfer nodes mount, so the jobs can read their lists there. JSON is written with
``ensure_ascii``: a name that is not UTF-8 (a surrogate escape) survives the round trip.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
from datetime import datetime, timezone
from enum import Enum
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from taurus_datamover.errors import SyncError
from taurus_datamover.sync.tree import TreeItem

MANIFEST = "manifest.json"
SOURCE = "source.json"
#: ``20261201-094500-3fa2c1``: creation time (UTC) and six random hex digits.
_RUN_ID = re.compile(r"[0-9]{8}-[0-9]{6}-[0-9a-f]{6}")

VerifyMode = Literal["size-mtime", "checksum"]


class PartState(str, Enum):
    """Where one part stands."""

    PLANNED = "planned"
    PENDING = "pending"
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def ended(self) -> bool:
        return self in (PartState.COMPLETED, PartState.FAILED, PartState.CANCELLED)


class SyncState(str, Enum):
    """Where the whole run stands."""

    PLANNED = "planned"  # a dry run, or not started yet
    RUNNING = "running"
    VERIFYING = "verifying"
    COMPLETED = "completed"  # every part completed and (if asked) verified
    FAILED = "failed"
    CANCELLED = "cancelled"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class PartRecord(_Model):
    """One part as the manifest keeps it."""

    index: int
    files_from: str
    files: int
    bytes: int
    state: PartState = PartState.PLANNED
    job_ids: list[int] = []
    attempts: int = 0
    error: str | None = None


class VerifyResult(_Model):
    """What verification found: relative paths that differ, are missing at the destination,
    or are only there (``extra``: not a failure, since a sync deletes nothing)."""

    mode: VerifyMode
    checked: int
    differ: list[str] = []
    missing: list[str] = []
    extra: list[str] = []

    @property
    def ok(self) -> bool:
        """True when every source entry arrived unchanged."""
        return not self.differ and not self.missing


class SyncManifest(_Model):
    """Everything a later ``resume``/``--list`` needs to know about a run."""

    version: Literal[1] = 1
    run_id: str
    created: datetime
    updated: datetime
    src: str
    dst: str
    jobs: int
    verify: VerifyMode | None
    time_limit: str | None = None
    state: SyncState = SyncState.PLANNED
    files: int
    bytes: int
    directories: int
    #: The list of directories created before the parts start, and whether that ran.
    directories_from: str
    directories_done: bool = False
    parts: list[PartRecord]
    verification: VerifyResult | None = None
    error: str | None = None


def now_utc() -> datetime:
    return datetime.now(timezone.utc)


def new_run_id() -> str:
    """A fresh run id (time and randomness: two runs in one second differ)."""
    return f"{now_utc():%Y%m%d-%H%M%S}-{secrets.token_hex(3)}"


def check_run_id(run_id: object) -> str:
    """``run_id`` when it has the form of one (so it names no other directory), else :class:`SyncError`."""
    if not isinstance(run_id, str) or _RUN_ID.fullmatch(run_id) is None:
        raise SyncError(f"not a sync run id (like 20261201-094500-3fa2c1): {run_id!r}")
    return run_id


def sync_root(environ: os._Environ[str] | dict[str, str] | None = None) -> Path:
    """Where runs are kept: ``$XDG_CACHE_HOME/taurus-datamover/sync`` (or ``~/.cache/...``)."""
    env = os.environ if environ is None else environ
    cache = env.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(cache).absolute() / "taurus-datamover" / "sync"


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


def _json_bytes(value: object, *, indent: int | None = 1) -> bytes:
    # indent costs: json's C encoder writes compact JSON only (5x faster for a listing)
    separators = None if indent else (",", ":")
    return (json.dumps(value, ensure_ascii=True, indent=indent, separators=separators) + "\n").encode("ascii")


class RunStore:
    """The directory of one run (see the module docstring)."""

    def __init__(self, run_id: str, root: Path | None = None) -> None:
        self.run_id = check_run_id(run_id)
        self.directory = (sync_root() if root is None else root) / run_id

    @property
    def manifest_path(self) -> Path:
        return self.directory / MANIFEST

    def part_list_path(self, index: int) -> Path:
        return self.directory / f"part-{index:03d}.files"

    def create(self) -> None:
        """Make the run's directory (private to the user: its lists name the user's files)."""
        self.directory.mkdir(parents=True, exist_ok=False, mode=0o700)

    def write_list(self, path: Path, data: bytes) -> str:
        """Write one of the run's ``--files-from`` lists; its path."""
        _write_atomic(path, data)
        return str(path)

    def save(self, manifest: SyncManifest) -> None:
        """Write the manifest atomically (``updated`` set to now)."""
        manifest.updated = now_utc()
        _write_atomic(self.manifest_path, _json_bytes(manifest.model_dump(mode="json")))

    def load(self) -> SyncManifest:
        """The run's manifest; :class:`SyncError` when there is none or it is unreadable."""
        try:
            return SyncManifest.model_validate(json.loads(self.manifest_path.read_bytes()))
        except FileNotFoundError:
            raise SyncError(f"no sync run {self.run_id!r} (looked in {self.directory})", run_id=self.run_id) from None
        except (ValueError, ValidationError) as error:
            raise SyncError(f"the manifest {self.manifest_path} cannot be read: {error}", run_id=self.run_id) from None

    def save_source(self, items: list[TreeItem]) -> None:
        _write_atomic(self.directory / SOURCE, _json_bytes([item.as_row() for item in items], indent=None))

    def load_source(self) -> list[TreeItem]:
        path = self.directory / SOURCE
        try:
            return [TreeItem.from_row(row) for row in json.loads(path.read_bytes())]
        except (OSError, ValueError, TypeError) as error:  # TypeError: JSON that is no list
            raise SyncError(f"the source listing {path} cannot be read: {error}", run_id=self.run_id) from None


def list_runs(root: Path | None = None) -> list[SyncManifest]:
    """Every run whose manifest can be read, oldest first."""
    base = sync_root() if root is None else root
    runs: list[SyncManifest] = []
    with contextlib.suppress(FileNotFoundError):
        for name in sorted(os.listdir(base)):
            if _RUN_ID.fullmatch(name) is not None:
                with contextlib.suppress(SyncError):
                    runs.append(RunStore(name, base).load())
    return runs

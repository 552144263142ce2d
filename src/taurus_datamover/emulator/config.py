"""Configuration of an emulated site, kept as JSON in ``<root>/site.json``: what the real
tools read from ``/etc/ws.conf``, as frozen dataclasses with ws.conf's names where readable
(standard library only: every tool call is a new process). Reading checks each value: a
hand-edited ``site.json`` with a wrong one is a ``SiteConfigError``, not a wrong answer.
"""

from __future__ import annotations

import dataclasses
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from taurus_datamover.emulator.dt.mode import current_user
from taurus_datamover.emulator.errors import EmulatorArgumentError, SiteConfigError
from taurus_datamover.facts import EMULATOR_USER_ENV

SITE_FILE = "site.json"
#: The settings that take one of a few words (checked when a config is made, and in site.json).
CHOICES = {"ws_format": ("v1", "v2"), "space_selection": ("first", "random")}


class _Choices:
    def __post_init__(self) -> None:
        for name, words in CHOICES.items():
            if getattr(self, name, words[0]) not in words:
                raise EmulatorArgumentError(f"{name} must be one of {words}, not {getattr(self, name)!r}")


@dataclass(frozen=True, kw_only=True)
class FilesystemConfig(_Choices):
    """One workspace file system (an entry under ``workspaces:`` in ws.conf)."""

    spaces: list[str]  # absolute directories of the workspace directories
    database: str  # absolute directory of the DB: one file <user>-<name> per workspace
    deleted: str = ".removed"  # sub-directory (of the database and every space) for released ones
    max_duration: int = 0  # longest allocation in days; 0: the site's max_duration
    max_extensions: int | None = None  # None: the site's max_extensions
    keeptime: int = 10  # days an expired workspace stays restorable
    release_keeptime: int | None = None  # days a released one stays restorable; None: keeptime
    space_selection: str = "first"  # which of several spaces a new workspace takes: first or random
    allocatable: bool = True
    extendable: bool = True
    restorable: bool = True
    comment: str = ""


@dataclass(frozen=True, kw_only=True)
class SiteConfig(_Choices):
    """The whole site: who the user is, which output format, which file systems."""

    user: str = field(default_factory=current_user)
    ws_format: str = "v1"  # or "v2"
    default_filesystem: str
    duration_default: int = 30
    max_duration: int = 100
    max_extensions: int = 10
    filesystems: dict[str, FilesystemConfig]
    admins: list[str] = field(default_factory=list)  # may list others' workspaces, see full ids (v2)
    clustername: str = "emulated"
    smtphost: str = ""  # empty: the v2 expirer says it cannot send reminders
    mail_from: str = ""
    adminmail: list[str] = field(default_factory=list)
    dbuid: int = 0
    dbgid: int = 0
    reminder_default: int = 0
    deldirtimeout: int = 3600  # seconds the v2 expirer may spend deleting one directory

    def max_duration_of(self, fs: str) -> int:
        """The longest allocation (days) allowed on file system *fs*."""
        own = self.filesystems[fs].max_duration
        return own if own > 0 else self.max_duration

    def max_extensions_of(self, fs: str) -> int:
        """How many extensions a new workspace on *fs* gets."""
        own = self.filesystems[fs].max_extensions
        return self.max_extensions if own is None else own

    def release_keeptime_of(self, fs: str) -> int:
        """Days a released workspace on *fs* stays restorable (``None`` means ``keeptime``)."""
        cfg = self.filesystems[fs]
        return cfg.keeptime if cfg.release_keeptime is None else cfg.release_keeptime


def resolve_user(cfg: SiteConfig) -> str:
    return os.environ.get(EMULATOR_USER_ENV) or cfg.user


def default_site_config(root: Path, *, user: str | None = None, ws_format: str = "v1") -> SiteConfig:
    """A ZIH-like site under *root*: ``horse`` (default, 100 d, 10 ext.) and ``walrus`` (30 d, 2 ext.)."""
    base = Path(root).absolute()

    def fs(name: str, **limits: Any) -> FilesystemConfig:
        return FilesystemConfig(spaces=[str(base / name / "ws")], database=str(base / "ws-db" / name), **limits)

    return SiteConfig(
        user=user or current_user(),
        ws_format=ws_format,
        default_filesystem="horse",
        filesystems={
            "horse": fs("horse", max_duration=100, max_extensions=10, keeptime=30),
            "walrus": fs("walrus", max_duration=30, max_extensions=2, keeptime=7),
        },
    )


def v2_capture_site_config(root: Path, *, user: str = "usera") -> SiteConfig:
    """The site of the real v2 captures (their ``ws.conf``) under *root* instead of
    ``/srv/wsroot``: the replay of ``fixtures/hpc-workspace-v2-real`` runs on it."""
    base = Path(root).absolute()

    def fs(name: str, spaces: list[str], days: int, extensions: int, keeptime: int, comment: str) -> FilesystemConfig:
        return FilesystemConfig(
            spaces=[str(base / name / space) for space in spaces], database=str(base / name / "db"),
            space_selection="random", max_duration=days, max_extensions=extensions, keeptime=keeptime,
            extendable=extensions > 0, comment=comment
        )  # fmt: skip

    filesystems = {
        "horse": fs("horse", ["ws"], 100, 10, 7, "default scratch filesystem"),
        "walrus": fs("walrus", ["ws1", "ws2"], 60, 3, 14, "large capacity storage"),
        "lion": fs("lion", ["ws"], 30, 0, 3, "ssd scratch, not extendable"),
    }
    return SiteConfig(
        user=user, ws_format="v2", default_filesystem="horse", duration_default=1, max_duration=100,
        max_extensions=10, admins=["root"], clustername="heldout", smtphost="localhost",
        mail_from="root@localhost", adminmail=["root@localhost"], dbuid=1505, dbgid=1505, deldirtimeout=60,
        filesystems=filesystems,
    )  # fmt: skip


def _checked(file: Path, key: str, annotation: str, value: Any) -> Any:
    """*value* if it fits the field's annotation (the few shapes used above) and choices."""
    if value is None and annotation.endswith(" | None"):
        return None
    fits = {
        "str": isinstance(value, str),
        "int": isinstance(value, int) and not isinstance(value, bool),
        "bool": isinstance(value, bool),
        "list[str]": isinstance(value, list) and all(isinstance(v, str) for v in value),
    }.get(annotation.removesuffix(" | None"))
    if not fits:
        raise SiteConfigError(file, key, f"must be a {annotation}, not {value!r}")
    name = key.rpartition(".")[2]
    if name in CHOICES and value not in CHOICES[name]:
        raise SiteConfigError(file, key, f"must be one of {CHOICES[name]}, not {value!r}")
    return value


def _from_json(cls: type[Any], file: Path, raw: Any, where: str, **given: Any) -> Any:
    if not isinstance(raw, dict):
        raise SiteConfigError(file, where.rstrip("."), "must be a JSON object")
    values = dict(given)
    for f in dataclasses.fields(cls):
        if f.name in raw and f.name not in values:
            values[f.name] = _checked(file, f"{where}{f.name}", str(f.type), raw[f.name])
        elif f.name not in values and f.default is f.default_factory is dataclasses.MISSING:
            raise SiteConfigError(file, f"{where}{f.name}", "is missing")
    return cls(**values)


def load_site_config(root: Path) -> SiteConfig:
    """Read ``<root>/site.json``; ``OSError``, or ``SiteConfigError`` if it cannot be used."""
    file = Path(root) / SITE_FILE
    try:
        raw = json.loads(file.read_text(encoding="utf-8"))
    except ValueError as exc:  # not UTF-8, or not JSON
        raise SiteConfigError(file, "", f"is not JSON ({exc})") from None
    if not isinstance(raw, dict) or not isinstance(raw.get("filesystems"), dict):
        raise SiteConfigError(file, "filesystems", "must be a JSON object (of the file systems)")
    filesystems = {
        str(name): _from_json(FilesystemConfig, file, fs, f"filesystems.{name}.")
        for name, fs in raw["filesystems"].items()
    }
    site: SiteConfig = _from_json(SiteConfig, file, raw, "", filesystems=filesystems)
    return site


def save_site_config(root: Path, cfg: SiteConfig) -> None:
    """Write ``<root>/site.json`` atomically (temporary file, then ``os.replace``)."""
    from taurus_datamover.emulator.files import write_atomic  # the tools only read the config

    Path(root).mkdir(parents=True, exist_ok=True)
    write_atomic(Path(root) / SITE_FILE, json.dumps(dataclasses.asdict(cfg), indent=2) + "\n")


def ensure_site_dirs(cfg: SiteConfig) -> None:
    """Create every space, database and their ``deleted`` sub-directories."""
    for fs in cfg.filesystems.values():
        for space in fs.spaces:
            Path(space, fs.deleted).mkdir(parents=True, exist_ok=True)
        Path(fs.database, fs.deleted).mkdir(parents=True, exist_ok=True)

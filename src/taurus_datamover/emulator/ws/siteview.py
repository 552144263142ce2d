"""The site config as the emulated ws_* tools read it: plain dataclasses, no pydantic.

Every emulated tool call is a new Python process, and importing pydantic costs more than
the tool's own work. The tools therefore read ``<root>/site.json`` with :mod:`json` into
these read-only views. :mod:`taurus_datamover.emulator.config` stays the one place that
defines, validates and writes the config (pydantic models with the same field names and
defaults; ``tests/emulator/test_ws_siteview.py`` checks the two agree). The views check
each value's type, so a hand-edited ``site.json`` with a wrong type is a ``ValueError``
(the tools report it as an unreadable config), not a wrong answer.
"""

from __future__ import annotations

import getpass
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Protocol

__all__ = [
    "SITE_FILE", "USER_ENV", "FsView", "SiteView", "current_user", "max_duration_of",
    "max_extensions_of", "read_site", "release_keeptime_of", "resolve_user",
]  # fmt: skip

#: Name of the config file inside the site root.
SITE_FILE = "site.json"
#: Environment variable that overrides the config's ``user`` (who runs the emulated tools).
USER_ENV = "TAURUS_EMULATOR_USER"


def current_user() -> str:
    """The login name of this process, ``user`` where there is none."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry and no LOGNAME/USER: still usable
        return "user"


class _FsLimits(Protocol):
    @property
    def max_duration(self) -> int: ...
    @property
    def max_extensions(self) -> int | None: ...
    @property
    def keeptime(self) -> int: ...
    @property
    def release_keeptime(self) -> int | None: ...


class _SiteLimits(Protocol):
    @property
    def max_duration(self) -> int: ...
    @property
    def max_extensions(self) -> int: ...
    @property
    def filesystems(self) -> Mapping[str, _FsLimits]: ...


def max_duration_of(site: _SiteLimits, fs: str) -> int:
    """The longest allocation (days) allowed on file system *fs*."""
    own = site.filesystems[fs].max_duration
    return own if own > 0 else site.max_duration


def max_extensions_of(site: _SiteLimits, fs: str) -> int:
    """How many extensions a new workspace on *fs* gets."""
    own = site.filesystems[fs].max_extensions
    return site.max_extensions if own is None else own


def release_keeptime_of(site: _SiteLimits, fs: str) -> int:
    """Days a released workspace on *fs* stays restorable (``None`` means ``keeptime``)."""
    cfg = site.filesystems[fs]
    return cfg.keeptime if cfg.release_keeptime is None else cfg.release_keeptime


@dataclass(frozen=True)
class FsView:
    """One workspace file system (see ``config.FilesystemConfig``)."""

    spaces: list[str]
    database: str
    deleted: str = ".removed"
    max_duration: int = 0
    max_extensions: int | None = None
    keeptime: int = 10
    release_keeptime: int | None = None
    space_selection: str = "first"
    allocatable: bool = True
    extendable: bool = True
    restorable: bool = True
    comment: str = ""


@dataclass(frozen=True)
class SiteView:
    """The whole site (see ``config.SiteConfig``)."""

    default_filesystem: str
    filesystems: dict[str, FsView]
    user: str = field(default_factory=current_user)
    ws_format: str = "v1"
    duration_default: int = 30
    max_duration: int = 100
    max_extensions: int = 10
    admins: list[str] = field(default_factory=list)
    clustername: str = "emulated"
    smtphost: str = ""
    mail_from: str = ""
    adminmail: list[str] = field(default_factory=list)
    dbuid: int = 0
    dbgid: int = 0
    reminder_default: int = 0
    deldirtimeout: int = 3600

    def max_duration_of(self, fs: str) -> int:
        return max_duration_of(self, fs)

    def max_extensions_of(self, fs: str) -> int:
        return max_extensions_of(self, fs)

    def release_keeptime_of(self, fs: str) -> int:
        return release_keeptime_of(self, fs)


def _checked(name: str, annotation: str, value: Any) -> Any:
    """*value* if it fits the field's annotation (the few shapes used above)."""
    optional = annotation.endswith(" | None")
    base = annotation.removesuffix(" | None")
    if value is None and optional:
        return None
    fits = {
        "str": isinstance(value, str),
        "int": isinstance(value, int) and not isinstance(value, bool),
        "bool": isinstance(value, bool),
        "list[str]": isinstance(value, list) and all(isinstance(v, str) for v in value),
    }.get(base)
    if not fits:
        raise ValueError(f"site.json: {name} is not a {annotation}: {value!r}")
    return value


def _view(cls: type[Any], raw: Any, where: str, **given: Any) -> Any:
    if not isinstance(raw, dict):
        raise ValueError(f"site.json: {where} is not an object")
    values = dict(given)
    for f in fields(cls):
        if f.name in raw and f.name not in values:
            values[f.name] = _checked(f"{where}{f.name}", str(f.type), raw[f.name])
    try:
        return cls(**values)
    except TypeError as exc:  # a required key is missing
        raise ValueError(f"site.json: {where}: {exc}") from None


def read_site(root: Path) -> SiteView:
    """Read ``<root>/site.json``; ``OSError`` or ``ValueError`` if it cannot be used."""
    raw = json.loads((Path(root) / SITE_FILE).read_text(encoding="utf-8"))
    if not isinstance(raw, dict) or not isinstance(raw.get("filesystems"), dict):
        raise ValueError("site.json: no 'filesystems' object")
    filesystems = {str(name): _view(FsView, fs, f"filesystems.{name}.") for name, fs in raw["filesystems"].items()}
    site: SiteView = _view(SiteView, raw, "", filesystems=filesystems)
    if site.ws_format not in ("v1", "v2"):
        raise ValueError(f"site.json: ws_format must be 'v1' or 'v2', not {site.ws_format!r}")
    for name, fs in filesystems.items():
        if fs.space_selection not in ("first", "random"):
            raise ValueError(f"site.json: filesystems.{name}.space_selection: {fs.space_selection!r}")
    return site


def resolve_user(site: SiteView) -> str:
    """The emulated user: ``$TAURUS_EMULATOR_USER`` if set, else the config's ``user``."""
    return os.environ.get(USER_ENV) or site.user

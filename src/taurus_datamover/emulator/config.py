"""Configuration of an emulated site, kept as JSON in ``<root>/site.json``.

The real hpc-workspace tools read ``/etc/ws.conf`` (YAML). The emulator keeps the same
knowledge -- which workspace file systems exist, their spaces, databases, limits -- in a
pydantic model stored as JSON, because the library has no YAML dependency. The field
names follow ws.conf where that is readable (``spaces``, ``database``, ``deleted``,
``keeptime``, ...) and spell out the rest (``max_duration`` for ``duration``/``maxduration``).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

from taurus_datamover.emulator.ws import siteview
from taurus_datamover.emulator.ws.siteview import SITE_FILE, USER_ENV, current_user

__all__ = [
    "SITE_FILE",
    "USER_ENV",
    "FilesystemConfig",
    "SiteConfig",
    "default_site_config",
    "ensure_site_dirs",
    "load_site_config",
    "resolve_user",
    "save_site_config",
    "v2_capture_site_config",
]


class FilesystemConfig(BaseModel):
    """One workspace file system (an entry under ``workspaces:`` in ws.conf)."""

    spaces: list[str]
    """Absolute directories that hold the workspace directories (the first one is used)."""
    database: str
    """Absolute directory of the DB: one file ``<user>-<name>`` per workspace."""
    deleted: str = ".removed"
    """Sub-directory (of the database and of every space) for released workspaces."""
    max_duration: int = 0
    """Longest allocation in days; 0 means the global ``SiteConfig.max_duration``."""
    max_extensions: int | None = None
    """Extensions per workspace; ``None`` means the global ``SiteConfig.max_extensions``."""
    keeptime: int = 10
    """Days an expired workspace stays restorable."""
    release_keeptime: int | None = None
    """Days a released workspace stays restorable; ``None`` means ``keeptime``."""
    space_selection: Literal["first", "random"] = "first"
    """How a new workspace picks one of several ``spaces`` (v2 ``spaceselection``)."""
    allocatable: bool = True
    extendable: bool = True
    restorable: bool = True
    comment: str = ""


class SiteConfig(BaseModel):
    """The whole site: who the user is, which output format, which file systems."""

    user: str = Field(default_factory=current_user)
    ws_format: Literal["v1", "v2"] = "v1"
    default_filesystem: str
    duration_default: int = 30
    max_duration: int = 100
    max_extensions: int = 10
    filesystems: dict[str, FilesystemConfig]
    admins: list[str] = Field(default_factory=list)
    """Users who may list others' workspaces (v2 ``ws_list -u``) and see full ids."""
    clustername: str = "emulated"
    smtphost: str = ""
    """Where reminder mails would go; empty: the v2 expirer says it cannot send any."""
    mail_from: str = ""
    adminmail: list[str] = Field(default_factory=list)
    dbuid: int = 0
    dbgid: int = 0
    reminder_default: int = 0
    deldirtimeout: int = 3600
    """Seconds the v2 expirer may spend deleting one directory."""

    def max_duration_of(self, fs: str) -> int:
        """The longest allocation (days) allowed on file system *fs*."""
        return siteview.max_duration_of(self, fs)

    def max_extensions_of(self, fs: str) -> int:
        """How many extensions a new workspace on *fs* gets."""
        return siteview.max_extensions_of(self, fs)

    def release_keeptime_of(self, fs: str) -> int:
        """Days a released workspace on *fs* stays restorable."""
        return siteview.release_keeptime_of(self, fs)


def resolve_user(cfg: SiteConfig) -> str:
    """The emulated user: ``$TAURUS_EMULATOR_USER`` if set, else ``cfg.user``."""
    return os.environ.get(USER_ENV) or cfg.user


def default_site_config(
    root: Path, *, user: str | None = None, ws_format: Literal["v1", "v2"] | str = "v1"
) -> SiteConfig:
    """A ZIH-like site under *root*: ``horse`` (default, 100 d, 10 ext.) and ``walrus`` (30 d, 2 ext.)."""
    if ws_format not in ("v1", "v2"):
        raise ValueError(f"ws_format must be 'v1' or 'v2', not {ws_format!r}")
    base = Path(root).absolute()
    filesystems = {
        "horse": FilesystemConfig(
            spaces=[str(base / "horse" / "ws")],
            database=str(base / "ws-db" / "horse"),
            max_duration=100,
            max_extensions=10,
            keeptime=30,
        ),
        "walrus": FilesystemConfig(
            spaces=[str(base / "walrus" / "ws")],
            database=str(base / "ws-db" / "walrus"),
            max_duration=30,
            max_extensions=2,
            keeptime=7,
        ),
    }
    return SiteConfig(
        user=user or current_user(),
        ws_format="v2" if ws_format == "v2" else "v1",
        default_filesystem="horse",
        filesystems=filesystems,
    )


def v2_capture_site_config(root: Path, *, user: str = "usera") -> SiteConfig:
    """The site of the real v2 captures (their ``ws.conf``), under *root* instead of ``/srv/wsroot``.

    ``horse`` (default, 100 days, 10 extensions, keeptime 7), ``walrus`` (60 days, 3
    extensions, spaces ``ws1``/``ws2`` chosen at random, keeptime 14), ``lion`` (30 days,
    not extendable, keeptime 3); a workspace allocated without a duration gets 1 day;
    ``root`` is an admin. The replay of ``fixtures/hpc-workspace-v2-real`` runs on it.
    """
    base = Path(root).absolute()

    def fs(name: str, spaces: list[str], **limits: object) -> FilesystemConfig:
        return FilesystemConfig.model_validate(
            {
                "spaces": [str(base / name / space) for space in spaces],
                "database": str(base / name / "db"),
                "space_selection": "random",
                **limits,
            }
        )

    return SiteConfig(
        user=user,
        ws_format="v2",
        default_filesystem="horse",
        duration_default=1,
        max_duration=100,
        max_extensions=10,
        admins=["root"],
        clustername="heldout",
        smtphost="localhost",
        mail_from="root@localhost",
        adminmail=["root@localhost"],
        dbuid=1505,
        dbgid=1505,
        deldirtimeout=60,
        filesystems={
            "horse": fs(
                "horse", ["ws"], max_duration=100, max_extensions=10, keeptime=7,
                comment="default scratch filesystem",
            ),
            "walrus": fs(
                "walrus", ["ws1", "ws2"], max_duration=60, max_extensions=3, keeptime=14,
                comment="large capacity storage",
            ),
            "lion": fs(
                "lion", ["ws"], max_duration=30, max_extensions=0, keeptime=3,
                extendable=False, comment="ssd scratch, not extendable",
            ),
        },
    )  # fmt: skip


def load_site_config(root: Path) -> SiteConfig:
    """Read ``<root>/site.json``."""
    text = (Path(root) / SITE_FILE).read_text(encoding="utf-8")
    return SiteConfig.model_validate_json(text)


def save_site_config(root: Path, cfg: SiteConfig) -> None:
    """Write ``<root>/site.json`` atomically (temporary file, then ``os.replace``)."""
    target = Path(root) / SITE_FILE
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".site.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(cfg.model_dump_json(indent=2))
            handle.write("\n")
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def ensure_site_dirs(cfg: SiteConfig) -> None:
    """Create every space, database and their ``deleted`` sub-directories."""
    for fs in cfg.filesystems.values():
        for space in fs.spaces:
            Path(space, fs.deleted).mkdir(parents=True, exist_ok=True)
        Path(fs.database, fs.deleted).mkdir(parents=True, exist_ok=True)

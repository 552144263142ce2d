"""Shared helpers of the emulated ws_* tool tests: a site like the captured one, a runner."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from taurus_datamover.emulator import clock
from taurus_datamover.emulator.config import (
    FilesystemConfig,
    SiteConfig,
    ensure_site_dirs,
    save_site_config,
)
from taurus_datamover.emulator.ws import main

#: 2026-11-24T21:24:14Z (the capture time); the half second makes ws_list, which uses the
#: fractional time, show "4 days 23 hours" for a 5-day workspace, as the real run did.
CAPTURE_NOW = 1795555454.5


@dataclass
class Result:
    out: str
    err: str
    rc: int


def make_site(root: Path, ws_format: str = "v1") -> SiteConfig:
    """A site like the captured ws.conf: scratch (default, 100 d, 10 ext.), ssd (30 d, 2 ext.)."""
    cfg = SiteConfig(
        user="marie",
        ws_format="v2" if ws_format == "v2" else "v1",
        default_filesystem="scratch",
        duration_default=30,
        max_duration=30,
        max_extensions=10,
        filesystems={
            "scratch": FilesystemConfig(
                spaces=[str(root / "scratch/ws/0")],
                database=str(root / "ws-db/scratch"),
                max_duration=100,
                max_extensions=10,
                keeptime=30,
            ),
            "ssd": FilesystemConfig(
                spaces=[str(root / "lustre/ssd/ws")],
                database=str(root / "ws-db/ssd"),
                max_duration=30,
                max_extensions=2,
                keeptime=7,
            ),
        },
    )
    save_site_config(root, cfg)
    ensure_site_dirs(cfg)
    clock.set_clock(root, CAPTURE_NOW)
    return cfg


class Runner:
    """Runs emulated tools in-process and captures their output."""

    def __init__(self, root: Path, capsys: pytest.CaptureFixture[str]) -> None:
        self.root = root
        self.capsys = capsys

    def __call__(self, tool: str, *argv: str) -> Result:
        self.capsys.readouterr()
        rc = main(tool, self.root, list(argv))
        captured = self.capsys.readouterr()
        return Result(captured.out, captured.err, rc)


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "UTC")
    monkeypatch.delenv("TAURUS_EMULATOR_NOW", raising=False)
    monkeypatch.delenv("TAURUS_EMULATOR_USER", raising=False)
    monkeypatch.setenv("TAURUS_EMULATOR_GROUP", "marie")

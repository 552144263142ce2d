"""Workspace reads the tools' wall times in the zone of the tools' environment (``TZ`` as
glibc reads it), and follows an emulated site's clock exactly when its tools are that
site's: for every ``Workspace()``, not only one given ``now=site.now``; never for other tools."""

from __future__ import annotations

import argparse
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from taurus_datamover.cli.context import Context
from taurus_datamover.emulator import clock
from taurus_datamover.emulator.site import EmulatedSite
from taurus_datamover.errors import TimeZoneError
from taurus_datamover.workspace import Workspace

START = datetime(2026, 11, 24, 21, 24, 14, tzinfo=timezone.utc)


@pytest.fixture(autouse=True)
def _plain_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(clock.NOW_ENV, raising=False)
    monkeypatch.delenv("TAURUS_EMULATOR_ROOT", raising=False)


@pytest.mark.parametrize("fmt", ["v1", "v2"])
@pytest.mark.parametrize(
    ("tz", "offset"),
    [
        ("UTC+3", timedelta(hours=-3)),
        ("<+0530>-5:30", timedelta(hours=5, minutes=30)),
        ("CET-1CEST,M3.5.0,M10.5.0/3", timedelta(hours=1)),
        ("America/St_Johns", timedelta(hours=-3, minutes=-30)),
    ],
)
def test_times_are_read_in_the_tools_tz(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str, tz: str, offset: timedelta
) -> None:
    monkeypatch.setenv("TZ", tz)  # this process too: the library must not read it another way
    with EmulatedSite(tmp_path / "site", slurm=False, ws_format=fmt, now=START) as site:
        ws = Workspace(site.bin, env={**site.env(), "TZ": tz})
        info = ws.allocate("x", 10)
        assert info.expires == START + timedelta(days=10)  # the instant the emulator stored
        assert info.expires is not None and info.expires.utcoffset() == offset
        assert info.remaining == timedelta(days=10)
        ws.release("x")
        [released] = ws.restorable()
        assert abs(released.released - START) < timedelta(seconds=5)


def test_an_unreadable_tz_is_an_error_not_utc(tmp_path: Path) -> None:
    with EmulatedSite(tmp_path / "site", slurm=False, now=START) as site:
        ws = Workspace(site.bin, env={**site.env(), "TZ": "XYZ"})
        with pytest.raises(TimeZoneError, match="TZ='XYZ'"):
            ws.tz  # noqa: B018


def test_every_workspace_under_the_sites_environment_follows_its_clock(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with EmulatedSite(tmp_path / "site", slurm=False, now=START) as site:
        for name, value in site.env_overrides().items():  # as the taurus_site fixture does
            monkeypatch.setenv(name, value)
        Workspace().allocate("x", 30)
        site.advance(timedelta(days=10))
        for ws in (Workspace(), Workspace(site.bin), Workspace(env=site.env())):
            assert ws.current_time() == START + timedelta(days=10)
            assert ws.get("x").remaining == timedelta(days=20)


def test_a_root_left_in_the_shell_does_not_move_other_tools_clock(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    past = datetime(2020, 1, 1, tzinfo=timezone.utc)
    with (
        EmulatedSite(tmp_path / "left", slurm=False, now=past) as left,
        EmulatedSite(tmp_path / "other", slurm=False) as other,
    ):
        monkeypatch.setenv("TAURUS_EMULATOR_ROOT", str(left.root))
        assert Workspace(left.bin).current_time() == past
        for ws in (
            Workspace(other.bin),
            Context(args=argparse.Namespace(ws_path=str(other.bin))).workspace,
        ):
            assert abs(ws.current_time().timestamp() - time.time()) < 60

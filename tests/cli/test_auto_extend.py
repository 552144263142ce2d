"""``ws auto-extend`` under cron: runs take turns (two real processes at once extend
each due workspace once), and an extension is spent only when it adds a real margin, with
``--days`` cut to the file system's maximum (walrus: 30 days, 2 extensions)."""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from taurus_datamover import Workspace
from taurus_datamover.cli import main
from taurus_datamover.cli.auto_extend import LIMITS_FILE, LOCK_FILE, AutoExtendReport, check_pair, min_gain
from taurus_datamover.emulator import clock
from taurus_datamover.emulator.site import EmulatedSite

START = datetime(2026, 11, 24, 6, 0, 0, tzinfo=timezone.utc)


@pytest.fixture(autouse=True)
def _cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv(clock.NOW_ENV, raising=False)
    for name in list(os.environ):
        if name.startswith("TAURUS_"):
            monkeypatch.delenv(name)
    home = tmp_path / "cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    return home / "taurus-datamover"


def make_site(tmp_path: Path, fmt: str) -> EmulatedSite:
    return EmulatedSite(tmp_path / f"site-{fmt}", slurm=False, ws_format=fmt, now=START)


@pytest.fixture(params=["v1", "v2"])
def site(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[EmulatedSite]:
    with make_site(tmp_path, request.param) as emulated:
        yield emulated


def auto_extend(site: EmulatedSite, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(["--site-root", str(site.root), "ws", "auto-extend", *args])
    out, err = capsys.readouterr()
    return code, out, err


def extensions(site: EmulatedSite) -> dict[str, int | None]:
    return {info.name: info.extensions_left for info in Workspace(site.bin, now=site.now).list(all_filesystems=True)}


# -- a real margin ---------------------------------------------------------------------


def test_within_too_close_to_days_is_refused_every_day(site: EmulatedSite, capsys: pytest.CaptureFixture[str]) -> None:
    Workspace(site.bin, now=site.now).allocate("w", 30, filesystem="walrus")
    before = extensions(site)
    for _ in range(5):  # a daily cron, five days
        site.advance(timedelta(days=1))
        code, _, err = auto_extend(site, capsys, "--within", "29d12h", "--days", "30")
        assert code == 2
        assert "too close to --days 30" in err and "adds only 12h" in err
        assert "use --within 22d12h or less" in err
    assert extensions(site) == before == {"w": 2}


def test_days_above_the_filesystem_maximum_is_refused(site: EmulatedSite, capsys: pytest.CaptureFixture[str]) -> None:
    Workspace(site.bin, now=site.now).allocate("w", 30, filesystem="walrus")
    spent: list[int] = []
    for _ in range(5):
        site.advance(timedelta(days=1))
        code, _, err = auto_extend(site, capsys, "-F", "walrus", "--within", "35d", "--days", "60")
        left = extensions(site)["w"]
        assert left is not None
        spent.append(2 - left)
        if code == 2:
            assert "--days 60 is more than file system walrus allows (30 days)" in err
    # v2 prints the maximum (ws_list -L): nothing is spent. v1 says it only when it cuts a
    # duration: the first run may spend one extension to learn it, and never again.
    assert spent[-1] == (0 if "v2" in site.root.name else 1)
    assert spent == [spent[0]] * 5


def test_an_extension_is_spent_only_for_a_real_gain(site: EmulatedSite, capsys: pytest.CaptureFixture[str]) -> None:
    ws = Workspace(site.bin, now=site.now)
    ws.allocate("w", 30, filesystem="walrus")
    ws.allocate("h", 40)  # horse: 100 days maximum
    if "v1" in site.root.name:  # let v1 learn walrus's maximum once, as a first cron run would
        (Path(os.environ["XDG_CACHE_HOME"]) / "taurus-datamover").mkdir(parents=True)
        limits = {os.path.dirname(ws.tool_path("ws_list")) + "|walrus": 30}
        (Path(os.environ["XDG_CACHE_HOME"]) / "taurus-datamover" / LIMITS_FILE).write_text(json.dumps(limits))
    extended_on: dict[str, list[int]] = {"w": [], "h": []}
    for day in range(1, 13):
        site.advance(timedelta(days=1))
        code, out, _ = auto_extend(site, capsys, "--within", "35d", "--days", "60", "--json")
        assert code == 0
        report = AutoExtendReport.model_validate_json(out)
        for info in report.extended:
            extended_on[info.name].append(day)
        assert {item.workspace.name for item in report.skipped} <= {"w"}
    # walrus gives at most 30 days: extended once 22d12h or less remain (day 8), not daily;
    # horse: due at 35 days left (day 5), extended to 60 days, not due again
    assert extended_on == {"w": [8], "h": [5]}
    assert extensions(site) == {"w": 1, "h": 9}


def test_run_twice_on_one_day_extends_once(site: EmulatedSite, capsys: pytest.CaptureFixture[str]) -> None:
    Workspace(site.bin, now=site.now).allocate("w", 5)
    for _ in range(3):
        assert auto_extend(site, capsys, "--within", "7d", "--days", "30")[0] == 0
    assert extensions(site) == {"w": 9}


def test_check_pair_and_min_gain() -> None:
    assert min_gain(timedelta(days=30)) == timedelta(days=7, hours=12)
    assert check_pair(timedelta(days=7), 30, None, None) is None
    assert check_pair(timedelta(days=22, hours=12), 30, None, None) is None
    assert check_pair(timedelta(days=22, hours=13), 30, None, None) is not None
    assert "adds nothing" in str(check_pair(timedelta(days=14), 14, None, None))
    assert check_pair(timedelta(days=7), 30, "walrus", 30) is None
    assert "more than file system walrus" in str(check_pair(timedelta(days=7), 31, "walrus", 30))


# -- one run at a time -------------------------------------------------------------------


def slow_extend_tools(site: EmulatedSite, where: Path, seconds: float) -> Path:
    """The site's ws tools, with a ws_extend that first sleeps (a slow file system)."""
    where.mkdir()
    for tool in site.bin.glob("ws_*"):
        (where / tool.name).symlink_to(tool)
    (where / "ws_extend").unlink()
    (where / "ws_extend").write_text(f'#!/bin/sh\nsleep {seconds}\nexec "{site.bin / "ws_extend"}" "$@"\n')
    (where / "ws_extend").chmod(0o755)
    return where


def command(site: EmulatedSite, tools: Path, *args: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "taurus_datamover",
        "--site-root",
        str(site.root),
        "--ws-path",
        str(tools),
        "ws",
        "auto-extend",
        *args,
    ]


def test_two_runs_at_once_extend_each_workspace_once(tmp_path: Path) -> None:
    with make_site(tmp_path, "v1") as site:
        ws = Workspace(site.bin, now=site.now)
        names = [f"due{i}" for i in range(4)]
        for name in names:
            ws.allocate(name, 5)
        tools = slow_extend_tools(site, tmp_path / "slow", 0.5)
        argv = command(site, tools, "--within", "7d", "--days", "30", "--json")
        runs = [subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
        results = [run.communicate(timeout=300) for run in runs]
        assert [run.returncode for run in runs] == [0, 0], results
        reports = [AutoExtendReport.model_validate_json(out) for out, _ in results]
        assert sorted(len(r.extended) for r in reports) == [0, 4]
        assert extensions(site) == dict.fromkeys(names, 9)  # one extension each, not two


def test_a_held_lock_times_out_with_the_holders_pid(tmp_path: Path, _cache_home: Path) -> None:
    with make_site(tmp_path, "v1") as site:
        Workspace(site.bin, now=site.now).allocate("due", 5)
        _cache_home.mkdir(parents=True)
        lock = _cache_home / LOCK_FILE
        with open(lock, "w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            handle.write(f"{os.getpid()}\n")
            handle.flush()
            done = subprocess.run(
                command(site, site.bin, "--within", "7d", "--lock-timeout", "1s"),
                capture_output=True,
                text=True,
                timeout=120,
                check=False,
            )
        assert done.returncode == 1
        assert str(lock) in done.stderr and f"pid {os.getpid()}" in done.stderr
        assert "waited 1" in done.stderr and "--lock-timeout" in done.stderr
        assert extensions(site) == {"due": 10}

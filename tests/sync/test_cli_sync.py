"""``taurus-datamover sync``: plan, run with status and summary, --json, --list, --resume."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.support.sync_tree import odd_tree

from taurus_datamover.cli import main
from taurus_datamover.emulator.site import EmulatedSite


def _sync(site: EmulatedSite, *args: str) -> int:
    return main(["--site-root", str(site.root), "sync", *args])


def test_dry_run_prints_the_plan_and_resume_starts_it(site: EmulatedSite, capsys: pytest.CaptureFixture[str]) -> None:
    src, dst = site.grp / "data", site.projects / "copy"
    odd_tree(src, groups=1)
    assert _sync(site, str(src), str(dst), "-j", "2", "--dry-run") == 0
    out = capsys.readouterr().out
    assert "2 parts, 5 files" in out and "part 0:" in out and "part 1:" in out
    run_id = out.rsplit("--resume ", 1)[1].strip()
    assert not dst.exists()
    assert _sync(site, "--resume", run_id) == 0
    err = capsys.readouterr().err
    assert f"sync {run_id} completed: 2 of 2 parts run, 5 files" in err
    assert "manifest: " in err and "verified (size-mtime)" in err
    assert (dst / "g00" / "-dash").exists()


def test_json_prints_the_manifest_only(site: EmulatedSite, capsys: pytest.CaptureFixture[str]) -> None:
    src = site.grp / "data"
    odd_tree(src, groups=1)
    assert _sync(site, str(src), str(site.projects / "copy"), "--json", "--verify", "checksum") == 0
    captured = capsys.readouterr()
    manifest = json.loads(captured.out)
    assert manifest["state"] == "completed" and manifest["verification"]["mode"] == "checksum"
    assert len(manifest["parts"]) == 4 and all(p["job_ids"] for p in manifest["parts"])
    assert captured.err == ""
    assert _sync(site, "--list", "--json") == 0
    (listed,) = json.loads(capsys.readouterr().out)
    assert listed["run_id"] == manifest["run_id"]
    assert _sync(site, "--list") == 0
    table = capsys.readouterr().out
    assert table.startswith("RUN_ID") and manifest["run_id"] in table and "completed" in table


@pytest.mark.parametrize(
    "args",
    [
        ["-j", "0", "a", "b"],
        ["a"],
        ["--list", "a"],
        ["--resume", "20261201-094500-3fa2c1", "a", "b"],
        ["--verify", "md5", "a", "b"],
    ],
)
def test_usage_errors(site: EmulatedSite, args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert _sync(site, *args) == 2
    assert "error" in capsys.readouterr().err


def test_a_refused_sync_is_one_line_and_exit_1(site: EmulatedSite, capsys: pytest.CaptureFixture[str]) -> None:
    assert _sync(site, str(site.grp / "missing"), str(site.projects / "c")) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "does not exist" in err


def test_unknown_run_id(site: EmulatedSite, capsys: pytest.CaptureFixture[str], cache_home: Path) -> None:
    assert _sync(site, "--resume", "20261201-094500-3fa2c1") == 1
    assert "no sync run" in capsys.readouterr().err

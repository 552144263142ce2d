"""Replay the real hpc-workspace 1.6.0 captures against the emulated v1 tools, byte for byte."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest
from tests.support import FIXTURES
from tests.support.ws_site import Runner, env, make_site

#: The captures, copied into the repository (never read from outside it).
REAL = FIXTURES / "hpc-workspace-v1-real"

# the README's table order; "+name" rows are extra steps the README implies (not compared)
SCENARIOS = [
    "list-empty", "alloc-new", "alloc-F", "alloc-comment", "alloc-reminder-mail", "alloc-reuse",
    "alloc-badname", "alloc-badfs", "alloc-mail-no-reminder", "alloc-toolong",
    "+ws_allocate my-data.set_2 15",
    "list-all", "list-s", "list-t", "list-l",
    "+ws_extend -F ssd fastdata 25", "+ws_extend -F ssd fastdata 26",
    "extend-ok", "extend-ssd-3", "extend-missing", "find-ok", "find-missing", "find-l",
    "release-ok", "release-missing", "restore-l",
    "help-ws_allocate", "help-ws_list", "help-ws_release", "version-ws_list",
]  # fmt: skip
# the .cmd files lost the shell quoting of this one argument
QUOTED = {"alloc-comment": ["ws_allocate", "-c", "raw images : batch 3", "commented", "5"]}
UNSORTED = {"list-s"}

pytestmark = [pytest.mark.usefixtures("env")]
__all__ = ["env"]


def _expected(name: str, root: Path, suffix: str) -> str:
    text = (REAL / f"{name}.{suffix}").read_text(encoding="utf-8")
    for prefix in ("/scratch/ws/0/", "/lustre/ssd/ws/"):
        text = text.replace(prefix, f"{root}{prefix}")
    return text


def test_fixtures_are_in_the_repository() -> None:
    """A missing capture fails the suite (it is never skipped)."""
    missing = [name for name in SCENARIOS if not name.startswith("+") and not (REAL / f"{name}.cmd").is_file()]
    assert REAL.is_dir(), f"fixtures missing: {REAL}"
    assert not missing, f"captures missing in {REAL}: {missing}"


def test_replay_real_captures(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "site"
    make_site(root)
    run = Runner(root, capsys)
    compared = 0
    for scenario in SCENARIOS:
        if scenario.startswith("+"):
            tool, *argv = shlex.split(scenario[1:])
            assert run(tool, *argv).rc == 0, scenario
            continue
        words = QUOTED.get(scenario) or shlex.split(
            (REAL / f"{scenario}.cmd").read_text(encoding="utf-8").splitlines()[0]
        )
        result = run(words[0], *words[1:])
        want_out = _expected(scenario, root, "stdout")
        if scenario in UNSORTED:
            assert sorted(result.out.splitlines()) == sorted(want_out.splitlines()), scenario
        else:
            assert result.out == want_out, scenario
        assert result.err == _expected(scenario, root, "stderr"), scenario
        assert result.rc == int(_expected(scenario, root, "rc")), scenario
        compared += 1
    assert compared == len([s for s in SCENARIOS if not s.startswith("+")])


def test_release_moves_data_into_deleted_area(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "site"
    make_site(root)
    run = Runner(root, capsys)
    path = Path(run("ws_allocate", "commented", "5").out.strip())
    (path / "f.txt").write_text("kept")
    assert run("ws_release", "commented").rc == 0
    assert not path.exists()
    moved = root / "scratch/ws/0/.removed/marie-commented-1795555454"
    assert (moved / "f.txt").read_text() == "kept"
    assert (root / "ws-db/scratch/.removed/marie-commented-1795555454").is_file()
    assert not (root / "ws-db/scratch/marie-commented").exists()

"""v2 ws_restore's human test, run as a real process: a pipe is asked and read."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from taurus_datamover.emulator import clock
from taurus_datamover.emulator.config import (
    ensure_site_dirs,
    save_site_config,
    v2_capture_site_config,
)
from taurus_datamover.emulator.ws import main
from taurus_datamover.emulator.ws.restore import WORD_ENV

PROMPT = "Is 'Television' an [0] Animal, [1] Fruit or Vegetable or [2] Object or [3] Person? <type 0/1/2/3 + enter> :"


def _tool(root: Path, *argv: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "TZ": "UTC",
        "TAURUS_EMULATOR_USER": "usera",
        "TAURUS_EMULATOR_ROOT": str(root),
        WORD_ENV: "Television",
    }
    code = "import sys\nfrom taurus_datamover.emulator.launcher import main\nsys.exit(main())\n"
    return subprocess.run(
        [sys.executable, "-c", code, *argv],
        input=stdin,
        stdin=subprocess.DEVNULL if stdin is None else None,
        capture_output=True,
        text=True,
        env=env,
    )


@pytest.fixture
def released(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Path:
    """A v2 site with a released ``usera-old-1795556169`` (one file) and a target ``new``."""
    monkeypatch.setenv("TAURUS_EMULATOR_USER", "usera")
    cfg = v2_capture_site_config(tmp_path)
    save_site_config(tmp_path, cfg)
    ensure_site_dirs(cfg)
    clock.set_clock(tmp_path, 1795556169)
    for name in ("old", "new"):
        assert main("ws_allocate", tmp_path, [name, "5"]) == 0
    (tmp_path / "horse/ws/usera-old/data.txt").write_text("kept")
    assert main("ws_release", tmp_path, ["old"]) == 0
    capsys.readouterr()
    return tmp_path


def test_the_right_answer_on_a_pipe_restores(released: Path) -> None:
    done = _tool(released, "ws_restore", "usera-old-1795556169", "new", stdin="2\n")
    assert (done.stdout, done.stderr, done.returncode) == (
        PROMPT,
        "info: restore successful, database entry removed.\n",
        0,
    )
    moved = released / "horse/ws/usera-new/usera-old-1795556169/data.txt"
    assert moved.read_text() == "kept"


@pytest.mark.parametrize("answer", ["0\n", "", "x\n"])
def test_a_wrong_or_missing_answer_does_nothing_and_exits_0(released: Path, answer: str) -> None:
    done = _tool(released, "ws_restore", "usera-old-1795556169", "new", stdin=answer)
    assert (done.stdout, done.stderr, done.returncode) == (PROMPT, "", 0)
    assert (released / "horse/ws/.removed/usera-old-1795556169/data.txt").is_file()
    assert (released / "horse/db/.removed/usera-old-1795556169").is_file()


def test_the_prompt_comes_before_the_id_is_looked_up(released: Path) -> None:
    done = _tool(released, "ws_restore", "usera-nosuch-1795556169", "new", stdin="2\n")
    assert (done.stdout, done.stderr, done.returncode) == (
        PROMPT,
        "error: workspace to restore does not exist!\n",
        1,
    )


def test_dev_null_passes_the_test_deliberately(released: Path) -> None:
    """No one can answer /dev/null: the emulator lets it pass (the real tool would not)."""
    done = _tool(released, "ws_restore", "usera-old-1795556169", "new")
    assert (done.stdout, done.returncode) == (PROMPT, 0)
    assert done.stderr == "info: restore successful, database entry removed.\n"


def test_someone_elses_id_is_refused_before_the_question(released: Path) -> None:
    done = _tool(released, "ws_restore", "userb-old-1795556169", "new", stdin="2\n")
    assert (done.stdout, done.stderr, done.returncode) == (
        "",
        "error: only root can do this, or invalid workspace name!\n",
        0,
    )


def test_closed_stdin_counts_as_unattended(released: Path) -> None:
    code = "import os, sys\nos.close(0)\nfrom taurus_datamover.emulator.launcher import main\nsys.exit(main())\n"
    env = {**os.environ, "TAURUS_EMULATOR_USER": "usera", "TAURUS_EMULATOR_ROOT": str(released)}
    done = subprocess.run(
        [sys.executable, "-c", code, "ws_restore", "usera-old-1795556169", "new"],
        capture_output=True, text=True, env=env, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    assert (done.stderr, done.returncode) == (
        "info: restore successful, database entry removed.\n",
        0,
    )

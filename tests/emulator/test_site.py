"""EmulatedSite: layout, launchers, environment, Slurm choice, clock, objects, life cycle."""

from __future__ import annotations

import os
import subprocess
import sys
import types
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from taurus_datamover.emulator import launcher
from taurus_datamover.emulator.dt.mode import load_slurm_mode, mode_file
from taurus_datamover.emulator.site import EmulatedSite, SlurmUnavailableError

DT = ("dtls", "dtcp", "dtmv", "dtrm", "dtrsync", "dttar", "dtwget", "dtinfo", "dtqueue", "dtq", "dtcancel")
WS = ("ws_allocate", "ws_list", "ws_extend", "ws_release", "ws_restore", "ws_find", "ws_register", "ws_send_ical")


@pytest.fixture
def no_slurm_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A PATH without sinfo (plus the basic tools), so detection finds no Slurm."""
    empty = tmp_path / "nobin"
    empty.mkdir()
    monkeypatch.setenv("PATH", os.pathsep.join([str(empty), "/usr/bin", "/bin"]))
    if any(Path(d, "sinfo").exists() for d in ("/usr/bin", "/bin")):
        monkeypatch.setenv("PATH", str(empty))
    return empty


def test_layout_and_launchers(tmp_path: Path) -> None:
    site = EmulatedSite(tmp_path / "site", slurm=False)
    assert site.root == (tmp_path / "site").absolute()
    assert site.bin == site.root / "bin"
    for directory in (site.bin, site.grp, site.projects):
        assert directory.is_dir()
    for tool in DT + WS:
        script = site.bin / tool
        assert os.access(script, os.X_OK), tool
        lines = script.read_text().splitlines()
        assert lines[0] == f"#!{sys.executable}"
        assert len(lines) == 4
        assert "taurus_datamover.emulator.launcher" in lines[2]
    assert (site.bin / ".dt-exec").read_text() == '#!/bin/sh\nexec "$@"\n'
    assert site.slurm is False


def test_launchers_work_from_an_empty_environment(tmp_path: Path) -> None:
    site = EmulatedSite(tmp_path / "site", slurm=False)
    (site.grp / "p_group").mkdir()
    done = subprocess.run(
        [str(site.bin / "dtls"), str(site.grp)],
        env={"PATH": "/usr/bin:/bin"},  # nothing of ours: the script knows its site
        cwd="/",
        capture_output=True,
        text=True,
        check=False,
    )
    assert (done.returncode, done.stdout) == (0, "p_group\n")


def test_env(tmp_path: Path) -> None:
    site = EmulatedSite(tmp_path / "site", slurm=False)
    env = site.env({"PATH": f"/usr/bin{os.pathsep}{site.bin}", "HOME": "/h"})
    assert env["PATH"].split(os.pathsep) == [str(site.bin), "/usr/bin"]
    assert env["TAURUS_DATAMOVER_PATH"] == env["TAURUS_WS_PATH"] == str(site.bin)
    assert env["TAURUS_EMULATOR_ROOT"] == str(site.root)
    assert env["HOME"] == "/h"
    assert set(site.env_overrides()) == {"PATH", "TAURUS_DATAMOVER_PATH", "TAURUS_WS_PATH", "TAURUS_EMULATOR_ROOT"}
    done = subprocess.run(["dtls", "-d", str(site.grp)], env=site.env(), capture_output=True, text=True, check=False)
    assert done.stdout == f"{site.grp}\n"


def test_slurm_choice_is_persisted_and_reopened(tmp_path: Path) -> None:
    root = tmp_path / "site"
    EmulatedSite(root, slurm=False)
    assert mode_file(root).exists()
    assert load_slurm_mode(root) is False
    reopened = EmulatedSite(root)  # slurm=None keeps the stored choice
    assert reopened.slurm is False


def test_slurm_required_but_absent(tmp_path: Path, no_slurm_path: Path) -> None:
    with pytest.raises(SlurmUnavailableError, match="datamover"):
        EmulatedSite(tmp_path / "site", slurm=True)


def test_detection_without_sinfo_is_local(tmp_path: Path, no_slurm_path: Path) -> None:
    assert EmulatedSite(tmp_path / "site").slurm is False


def test_detection_with_a_datamover_partition(tmp_path: Path, no_slurm_path: Path) -> None:
    sinfo = no_slurm_path / "sinfo"
    sinfo.write_text("#!/bin/sh\necho datamover\n")
    sinfo.chmod(0o755)
    site = EmulatedSite(tmp_path / "site")
    assert site.slurm is True
    assert load_slurm_mode(site.root) is True


def test_context_manager_keeps_root(tmp_path: Path) -> None:
    with EmulatedSite(tmp_path / "site", slurm=False) as site:
        (site.projects / "keep").write_text("k")
    assert (site.projects / "keep").read_text() == "k"
    assert site.cancel_local_jobs() == []


def test_objects_use_the_site(tmp_path: Path) -> None:
    from taurus_datamover.datamover import Datamover
    from taurus_datamover.workspace import Workspace

    site = EmulatedSite(tmp_path / "site", slurm=False)
    (site.grp / "g1").mkdir()
    dm = site.datamover()
    assert isinstance(dm, Datamover)
    job = dm.dtls(str(site.grp))
    out, _ = job.communicate(timeout=30)
    assert job.returncode == 0
    assert out.decode() == "g1\n"
    assert isinstance(site.workspace(), Workspace)


def test_nonblocking_datamover_job_through_local_queue(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with EmulatedSite(tmp_path / "site", slurm=False) as site:
        monkeypatch.setenv("PATH", site.env()["PATH"])
        (tmp_path / "a").write_text("data")
        job = site.datamover(blocking=False).dtcp(str(tmp_path / "a"), str(tmp_path / "b"))
        assert job.wait(timeout=30) == 0
        assert (tmp_path / "b").read_text() == "data"


def test_clock(tmp_path: Path) -> None:
    from taurus_datamover.emulator import clock

    when = datetime(2030, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    site = EmulatedSite(tmp_path / "site", slurm=False, now=when)
    assert clock.now(site.root) == pytest.approx(when.timestamp())
    site.advance(timedelta(days=2))
    assert clock.now(site.root) == pytest.approx(when.timestamp() + 2 * 86400)


def test_launcher_dispatch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    calls: list[tuple[str, str, list[str]]] = []
    fake_ws = types.ModuleType("taurus_datamover.emulator.ws")

    def fake_main(tool: str, root: str, argv: list[str]) -> int:
        calls.append((tool, root, argv))
        return 7

    fake_ws.main = fake_main  # type: ignore[attr-defined]
    import taurus_datamover.emulator as emulator_pkg

    monkeypatch.setitem(sys.modules, "taurus_datamover.emulator.ws", fake_ws)
    monkeypatch.setattr(emulator_pkg, "ws", fake_ws, raising=False)
    assert launcher.run("ws_list", tmp_path, ["-l"]) == 7
    assert calls == [("ws_list", str(tmp_path), ["-l"])]
    assert launcher.run("nosuchtool", tmp_path, []) == 2
    monkeypatch.delenv(launcher.ROOT_ENV, raising=False)
    assert launcher.main(["dtq"]) == 2
    assert "TAURUS_EMULATOR_ROOT" in capsys.readouterr().err
    monkeypatch.setenv(launcher.ROOT_ENV, str(tmp_path))
    assert launcher.main(["ws_find", "x"]) == 7

"""EmulatedSite: layout, launchers, environment, Slurm choice, clock, objects, life cycle."""

from __future__ import annotations

import os
import subprocess
import sys
import types
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from taurus_datamover import Datamover, Workspace
from taurus_datamover.emulator import launcher
from taurus_datamover.emulator.dt.mode import detect_slurm, load_slurm_mode, mode_file
from taurus_datamover.emulator.errors import EmulatorArgumentError
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


def test_library_objects_use_the_site_bin_and_clock(tmp_path: Path) -> None:
    """The site offers what the library's objects need (its ``bin``, its clock)."""
    site = EmulatedSite(tmp_path / "site", slurm=False, now=datetime(2026, 3, 1, tzinfo=timezone.utc))
    (site.grp / "g1").mkdir()
    job = Datamover(site.bin).dtls(str(site.grp))
    out, _ = job.communicate(timeout=30)
    assert job.returncode == 0
    assert out.decode() == "g1\n"
    ws = Workspace(site.bin, now=site.now)
    assert ws.current_time() == datetime(2026, 3, 1, tzinfo=timezone.utc)
    assert not hasattr(site, "datamover")  # the site is a wing: it makes no library objects


def test_nonblocking_datamover_job_through_local_queue(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with EmulatedSite(tmp_path / "site", slurm=False) as site:
        monkeypatch.setenv("PATH", site.env()["PATH"])
        (tmp_path / "a").write_text("data")
        job = Datamover(site.bin, blocking=False).dtcp(str(tmp_path / "a"), str(tmp_path / "b"))
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


# -- whether jobs go through Slurm is decided when the tool runs ----------------------------
def _dead_controller_conf(directory: Path) -> Path:
    """A copy of the running Slurm's config whose controller port nobody listens on."""
    import re
    import socket

    source = Path(os.environ.get("SLURM_CONF", "/etc/slurm/slurm.conf")).read_text()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    text, count = re.subn(r"(?m)^SlurmctldPort=.*$", f"SlurmctldPort={port}", source)
    conf = directory / "slurm-dead.conf"
    conf.write_text(text if count else text + f"\nSlurmctldPort={port}\n")
    return conf


def test_a_new_site_decides_at_each_call(tmp_path: Path, no_slurm_path: Path) -> None:
    site = EmulatedSite(tmp_path / "site")
    assert site.slurm_setting == "auto"
    assert site.slurm is False  # no sinfo now
    sinfo = no_slurm_path / "sinfo"
    sinfo.write_text("#!/bin/sh\necho datamover\n")
    sinfo.chmod(0o755)
    assert site.slurm is True  # the same site, Slurm answering now
    assert load_slurm_mode(site.root) is True
    assert EmulatedSite(site.root).slurm_setting == "auto"  # reopened: the stored choice


def test_older_sites_that_stored_a_detected_slurm_decide_at_each_call(tmp_path: Path, no_slurm_path: Path) -> None:
    root = tmp_path / "site"
    EmulatedSite(root, slurm=False)
    for frozen in ("true", "false"):  # what 1.0.0.dev0 wrote for what it detected
        mode_file(root).write_text(f'{{"slurm": {frozen}, "partition": "datamover"}}\n')
        assert EmulatedSite(root).slurm_setting == "auto"
        assert load_slurm_mode(root) is False  # no Slurm answers now: local, not a 9 s failure


_SLURM_UP = detect_slurm()


@pytest.mark.slurm
@pytest.mark.skipif(not _SLURM_UP, reason="no Slurm with a 'datamover' partition (ci/start-slurm.sh)")
def test_a_site_made_while_slurm_answers_runs_locally_once_it_does_not(tmp_path: Path) -> None:
    site = EmulatedSite(tmp_path / "site")  # created while Slurm answers
    assert site.slurm is True
    (site.grp / "a").write_text("data")
    env = site.env()
    env["SLURM_CONF"] = str(_dead_controller_conf(tmp_path))  # now the controller does not answer
    done = subprocess.run(
        ["dtcp", "--blocking", str(site.grp / "a"), str(site.grp / "b")],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "srun" not in done.stderr  # ran locally: srun was never tried (it would complain)
    assert (site.grp / "b").read_text() == "data"
    # and back through Slurm while it answers again: srun's --pty complaint shows it ran there
    done = subprocess.run(
        ["dtcp", "--blocking", str(site.grp / "a"), str(site.grp / "c")],
        env=site.env(),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "srun" in done.stderr and (site.grp / "c").read_text() == "data"


def test_a_site_made_before_slurm_answers_uses_it_once_it_does(tmp_path: Path, no_slurm_path: Path) -> None:
    """The choice is not frozen at creation: dtqueue asks the Slurm that answers now."""
    site = EmulatedSite(tmp_path / "site")
    assert site.slurm is False
    for name, body in (("sinfo", "echo datamover"), ("squeue", 'echo "squeue $*"')):
        tool = no_slurm_path / name
        tool.write_text(f"#!/bin/sh\n{body}\n")
        tool.chmod(0o755)
    env = site.env()
    done = subprocess.run(["dtqueue"], env=env, capture_output=True, text=True, timeout=60, check=False)
    assert done.stdout.startswith("squeue -p datamover"), done.stdout + done.stderr


# -- the ZIH paths in a private mount namespace ------------------------------------------
_VIEW = EmulatedSite.zih_view_unavailable()
needs_view = pytest.mark.skipif(_VIEW is not None, reason=f"no mount namespace: {_VIEW}")


@needs_view
def test_run_shows_the_site_at_the_zih_paths(tmp_path: Path) -> None:
    site = EmulatedSite(tmp_path / "site", slurm=False)
    (site.grp / "mygroup" / "raw").mkdir(parents=True)
    (site.grp / "mygroup" / "raw" / "a.csv").write_text("1,2\n")
    (site.projects / "p_me").mkdir()
    assert site.zih_mounts() == {
        "/grp": str(site.grp),
        "/projects": str(site.projects),
        "/data/horse/ws": str(site.root / "horse" / "ws"),
        "/data/walrus/ws": str(site.root / "walrus" / "ws"),
    }
    script = (
        "set -e; dtls /grp/mygroup/raw; ls -d /projects/p_me; ws_allocate -F walrus run1 5; ws_list; "
        "dtcp --blocking /grp/mygroup/raw/a.csv /data/walrus/ws/$USER-run1/; ls /data/walrus/ws/$USER-run1"
    )
    done = site.run(
        ["sh", "-c", script],
        zih_paths=True,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "USER": "me", "TAURUS_EMULATOR_USER": "me"},
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[:3] == ["a.csv", "/projects/p_me", "/data/walrus/ws/me-run1"]
    assert "workspace directory  : /data/walrus/ws/me-run1" in done.stdout
    assert lines[-1] == "a.csv"
    assert str(site.root) not in done.stdout  # the tools print ZIH paths only
    # the data is in the site, and the host's / did not get the ZIH folders
    assert (site.root / "walrus" / "ws" / "me-run1" / "a.csv").read_text() == "1,2\n"
    assert not os.path.exists("/grp") or os.path.ismount("/grp")
    # outside the view the same workspace has its site path
    outside = subprocess.run(
        ["ws_list", "-s"], env={**site.env(), "TAURUS_EMULATOR_USER": "me"}, capture_output=True, text=True
    )
    assert outside.stdout.split() == ["run1"]


@needs_view
def test_run_keeps_the_working_directory_and_exit_code(tmp_path: Path) -> None:
    site = EmulatedSite(tmp_path / "site", slurm=False)
    done = site.run(["sh", "-c", "pwd; exit 7"], cwd=tmp_path, zih_paths=True, capture_output=True, text=True)
    assert (done.returncode, done.stdout) == (7, f"{tmp_path}\n")


def test_run_without_namespaces_says_so_and_uses_site_paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from taurus_datamover.emulator import zih_view
    from taurus_datamover.emulator.site import ZihViewUnavailableError

    site = EmulatedSite(tmp_path / "site", slurm=False)
    monkeypatch.setattr(zih_view, "view_unavailable", lambda: "`unshare` is not installed")
    with pytest.warns(RuntimeWarning, match="no private mount namespace.*unshare.*site's own paths"):
        done = site.run(["dtls", str(site.root)], capture_output=True, text=True)
    assert "grp" in done.stdout.split()
    with pytest.raises(ZihViewUnavailableError, match="unshare"):
        site.run(["true"], zih_paths=True)
    for no_list in ([], "echo one", b"true"):  # a string would run one argument per character
        with pytest.raises(EmulatorArgumentError, match="argv must be a non-empty list"):
            site.run(no_list)  # type: ignore[arg-type]


def test_zih_text_maps_only_whole_site_paths() -> None:
    from taurus_datamover.emulator.zih_view import host_path, zih_text

    mounts = {"/data/horse/ws": "/s/horse/ws", "/grp": "/s/grp"}
    assert (
        zih_text("workspace directory  : /s/horse/ws/me-a\n", mounts) == "workspace directory  : /data/horse/ws/me-a\n"
    )
    assert zih_text("/s/horse/wsx /s/grp", mounts) == "/s/horse/wsx /grp"
    assert host_path("/data/horse/ws/me-a/x", mounts) == "/s/horse/ws/me-a/x"
    assert host_path("/data/horsey", mounts) == "/data/horsey"


@needs_view
@pytest.mark.slurm
@pytest.mark.skipif(not _SLURM_UP, reason="no Slurm with a 'datamover' partition (ci/start-slurm.sh)")
def test_slurm_jobs_of_a_view_see_the_zih_paths(tmp_path: Path) -> None:
    """srun and sbatch jobs run on slurmd, outside the namespace: they enter the view again."""
    site = EmulatedSite(tmp_path / "site", slurm=True)
    (site.grp / "g").mkdir()
    (site.grp / "g" / "a").write_text("data")
    script = (
        "set -e; cd /grp/g; dtcp --blocking /grp/g/a /grp/g/b; "
        "dtcp /grp/g/a c | sed 's/Submitted batch job //' > id; "
        "for i in $(seq 100); do [ -s c ] && break; sleep 0.2; done; cat b c; ls"
    )
    done = site.run(["sh", "-c", script], zih_paths=True, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("datadata"), done.stdout
    job_id = (site.grp / "g" / "id").read_text().strip()
    assert f"slurm-{job_id}.out" in done.stdout.split()  # the batch job's output is in the work dir

"""The pytest plugin: the taurus_site fixture, its Slurm switch, and a light import."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from taurus_datamover.pytest_plugin import SLURM_ENV, want_slurm


def test_fixture_gives_a_site_with_env_applied(taurus_site: object, request: pytest.FixtureRequest) -> None:
    from taurus_datamover.datamover import Datamover
    from taurus_datamover.emulator.site import EmulatedSite

    assert isinstance(taurus_site, EmulatedSite)
    assert taurus_site.slurm is want_slurm(request.config)
    assert os.environ["TAURUS_DATAMOVER_PATH"] == str(taurus_site.bin)
    assert os.environ["TAURUS_WS_PATH"] == str(taurus_site.bin)
    assert os.environ["TAURUS_EMULATOR_ROOT"] == str(taurus_site.root)
    assert os.environ["PATH"].split(os.pathsep)[0] == str(taurus_site.bin)
    (taurus_site.grp / "p_group").mkdir()
    job = Datamover().dtls("-1b", str(taurus_site.grp))  # no arguments: found via the env
    out, _ = job.communicate(timeout=60)
    assert job.returncode == 0
    assert out.decode() == "p_group\n"


def test_fixture_is_fresh_per_test(taurus_site: object, tmp_path: Path) -> None:
    from taurus_datamover.emulator.site import EmulatedSite

    assert isinstance(taurus_site, EmulatedSite)
    assert taurus_site.root.parent == tmp_path
    assert list(taurus_site.grp.iterdir()) == []


def test_want_slurm_from_environment(request: pytest.FixtureRequest) -> None:
    if request.config.getoption("taurus_site_slurm"):
        pytest.skip("--taurus-site-slurm given")
    assert want_slurm(request.config, {SLURM_ENV: "1"}) is True
    assert want_slurm(request.config, {SLURM_ENV: "yes"}) is True
    assert want_slurm(request.config, {SLURM_ENV: "0"}) is False
    assert want_slurm(request.config, {}) is False


def _foreign_project(tmp_path: Path) -> Path:
    project = tmp_path / "downstream"
    project.mkdir()
    (project / "test_down.py").write_text(
        "def test_uses_site(taurus_site):\n"
        "    import os, subprocess\n"
        "    out = subprocess.run(['dtls', '-d', str(taurus_site.projects)],\n"
        "                         capture_output=True, text=True, check=True).stdout\n"
        "    assert out == str(taurus_site.projects) + '\\n'\n"
        "    assert os.environ['TAURUS_EMULATOR_ROOT'] == str(taurus_site.root)\n"
    )
    return project


def _pytest(project: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args, "test_down.py"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_plugin_is_loaded_in_another_project(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != SLURM_ENV}
    done = _pytest(_foreign_project(tmp_path), env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 passed" in done.stdout


def test_slurm_switch_requires_slurm(tmp_path: Path) -> None:
    nobin = tmp_path / "nobin"
    nobin.mkdir()
    for tool in ("ls",):  # the downstream test's dtls needs ls; sinfo stays absent
        os.symlink(f"/bin/{tool}", nobin / tool)
    env = {**os.environ, "PATH": str(nobin), SLURM_ENV: "1"}
    done = _pytest(_foreign_project(tmp_path), env)
    assert done.returncode != 0
    assert "SlurmUnavailableError" in done.stdout
    env.pop(SLURM_ENV)
    (tmp_path / "again").mkdir()
    done = _pytest(_foreign_project(tmp_path / "again"), env, "--taurus-site-slurm")
    assert done.returncode != 0
    assert "SlurmUnavailableError" in done.stdout


def test_plugin_import_is_light() -> None:
    code = (
        "import sys, taurus_datamover.pytest_plugin\n"
        "heavy = [m for m in ('taurus_datamover.emulator', 'taurus_datamover.datamover', 'pydantic')"
        " if m in sys.modules]\n"
        "print(heavy)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"

"""Shared fixtures: fake ``dt*``/``ws_*`` executables written into a temporary directory.

The fakes are real programs run through real pipes (no mock of ``subprocess``): see
``tests/support/fake_dt.py``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.support.fake_tools import install_fake_dt

from taurus_datamover import Datamover
from taurus_datamover.emulator.site import EmulatedSite, SlurmUnavailableError


@pytest.fixture
def fake_dt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A directory of fake dt* tools; their state lives in ``tmp_path/state``."""
    bin_dir = install_fake_dt(tmp_path / "dtbin")
    monkeypatch.setenv("FAKE_DT_STATE", str(tmp_path / "state"))
    monkeypatch.chdir(tmp_path)
    yield bin_dir
    # leave no batch job behind
    for state in (tmp_path / "state").glob("*.state"):
        parts = state.read_text().split()
        if parts and parts[0] == "R" and len(parts) > 1:
            try:
                os.kill(int(parts[1]), 15)
            except ProcessLookupError:
                pass


@pytest.fixture(autouse=True)
def _batch_jobs_in_a_temporary_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test runs in its own ``tmp_path``: sbatch writes ``slurm-N.out`` into the
    current directory, which must not be the repository."""
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def site(tmp_path: Path) -> Iterator[EmulatedSite]:
    """A fresh emulated site whose dt tools run locally (modules may define their own)."""
    with EmulatedSite(tmp_path / "site", slurm=False) as emulated:
        yield emulated


@pytest.fixture
def slurm_site(tmp_path: Path) -> Iterator[EmulatedSite]:
    """A fresh emulated site whose dt tools run through the real Slurm (skipped without one)."""
    try:
        emulated = EmulatedSite(tmp_path / "site", slurm=True)
    except SlurmUnavailableError as error:
        pytest.skip(str(error))
    with emulated:
        yield emulated


@pytest.fixture
def dm(site: EmulatedSite) -> Datamover:
    """A Datamover on :func:`site`'s tools."""
    return Datamover(site.bin)


def _slurm_datamover_answers() -> bool:
    import shutil
    import subprocess

    if shutil.which("sinfo") is None:
        return False
    try:
        proc = subprocess.run(
            ["sinfo", "-h", "-p", "datamover", "-o", "%P"], capture_output=True, text=True, timeout=15
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return proc.returncode == 0 and "datamover" in proc.stdout


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """With ``TAURUS_REQUIRE_SLURM=1`` (CI), a missing Slurm fails the run instead of
    silently skipping every ``slurm`` test."""
    if os.environ.get("TAURUS_REQUIRE_SLURM") != "1":
        return
    if any(item.get_closest_marker("slurm") for item in items) and not _slurm_datamover_answers():
        raise pytest.UsageError("TAURUS_REQUIRE_SLURM=1 but no Slurm datamover partition answers (ci/start-slurm.sh)")

"""Fixtures of the sync tests: an emulated site (local queue) and a private cache dir."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from taurus_datamover.emulator.site import EmulatedSite


@pytest.fixture(autouse=True)
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Runs are recorded under the test's own cache directory."""
    home = tmp_path / "cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    return home


@pytest.fixture
def site(tmp_path: Path) -> Iterator[EmulatedSite]:
    with EmulatedSite(tmp_path / "site", slurm=False) as emulated:
        yield emulated

"""pytest plugin (entry point ``pytest11``): the ``taurus_site`` fixture for downstream projects.

``taurus_site`` is a fresh :class:`~taurus_datamover.emulator.EmulatedSite` per test, its
environment applied through ``monkeypatch`` (so ``Datamover()`` finds its tools); jobs run
locally unless ``--taurus-site-slurm`` or ``TAURUS_SITE_SLURM=1`` asks for the real Slurm.
pytest imports this module in every project, so the emulator loads only inside the fixture.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from taurus_datamover.emulator.site import EmulatedSite

#: Environment switch for Slurm-backed sites (``1``/``true``/``yes``).
SLURM_ENV = "TAURUS_SITE_SLURM"
_OPTION = "taurus_site_slurm"


def pytest_addoption(parser: pytest.Parser) -> None:
    """Add ``--taurus-site-slurm``."""
    group = parser.getgroup("taurus_datamover", "taurus-datamover emulated site")
    group.addoption(
        "--taurus-site-slurm",
        action="store_true",
        dest=_OPTION,
        help=f"run the taurus_site fixture's dt* jobs through Slurm (also: {SLURM_ENV}=1)",
    )


def want_slurm(config: pytest.Config, environ: dict[str, str] | None = None) -> bool:
    """True when the option or the environment asks for a Slurm-backed site."""
    if config.getoption(_OPTION, default=False):
        return True
    env = os.environ if environ is None else environ
    return env.get(SLURM_ENV, "").strip().lower() in ("1", "true", "yes")


@pytest.fixture
def taurus_site(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> Iterator[EmulatedSite]:
    """A fresh emulated site in ``tmp_path / "taurus-site"``, with its environment applied
    (local jobs still running at the end are cancelled)."""
    from taurus_datamover.emulator.site import EmulatedSite

    site = EmulatedSite(tmp_path / "taurus-site", slurm=want_slurm(request.config))
    for name, value in site.env_overrides().items():
        monkeypatch.setenv(name, value)
    with site:
        yield site

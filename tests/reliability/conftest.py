"""Fixtures and helpers of the reliability suite (issue 7).

Every test here runs the emulated site's real executables through real pipes. The tests
print what they tried (``RELIABILITY name: key=value ...``) and record the same figures in a
JSON file (``$TAURUS_RELIABILITY_FIGURES``, default ``<pytest basetemp>/reliability-figures.json``);
``docs/reliability.md`` takes its table from that output.

Rules kept for the shared real Slurm: every Slurm test runs in its own work directory, finds
its own jobs by that directory (``squeue -o %Z``) and never cancels anything else.
"""

from __future__ import annotations

import json
import os
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.support.reliability import SLURM_REASON, assert_no_local_runner, wait_no_slurm_jobs

from taurus_datamover.emulator.site import EmulatedSite

_FIGURES_LOCK = threading.Lock()
_FIGURES: dict[str, dict[str, Any]] = {}


def figures_path(config: pytest.Config) -> Path:
    """Where the figures of this run are written."""
    explicit = os.environ.get("TAURUS_RELIABILITY_FIGURES")
    if explicit:
        return Path(explicit)
    factory = getattr(config, "_tmp_path_factory", None)
    base = factory.getbasetemp() if factory is not None else Path.cwd()
    return Path(base) / "reliability-figures.json"


@pytest.fixture
def figures(request: pytest.FixtureRequest) -> Any:
    """``figures(**numbers)``: print and record the figures of the current test
    (``_quiet=True``: record only, for hypothesis examples)."""
    name = request.node.name
    path = figures_path(request.config)

    def record(_quiet: bool = False, **numbers: Any) -> None:
        with _FIGURES_LOCK:
            entry = _FIGURES.setdefault(name, {})
            entry.update(numbers)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(_FIGURES, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        if not _quiet:
            shown = " ".join(f"{k}={v}" for k, v in numbers.items())
            print(f"RELIABILITY {name}: {shown}")

    return record


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Show every recorded figure once more at the end of the run (with or without ``-s``)."""
    if not _FIGURES:
        return
    terminalreporter.section("reliability figures")
    for name in sorted(_FIGURES):
        shown = " ".join(f"{k}={v}" for k, v in _FIGURES[name].items())
        terminalreporter.write_line(f"{name}: {shown}")
    terminalreporter.write_line(f"(also in {figures_path(terminalreporter.config)})")


# ---------------------------------------------------------------------------------- sites
@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh work directory, made the current directory (jobs inherit it as cwd)."""
    directory = tmp_path / "work"
    directory.mkdir()
    monkeypatch.chdir(directory)
    return directory


@pytest.fixture
def local_site(tmp_path: Path, work: Path) -> Iterator[EmulatedSite]:
    """An emulated site whose dt tools use the local batch queue."""
    with EmulatedSite(tmp_path / "site", slurm=False) as site:
        yield site
    assert_no_local_runner(site.root)


@pytest.fixture
def slurm_site(tmp_path: Path, work: Path) -> Iterator[EmulatedSite]:
    """An emulated site on the real Slurm; afterwards no job of this test is left."""
    if SLURM_REASON is not None:
        pytest.skip(SLURM_REASON)
    site = EmulatedSite(tmp_path / "site", slurm=True)
    yield site
    # a job whose srun just returned may still be listed while Slurm completes it (CG):
    # an orphan is one still listed after a grace period, not one caught mid-completion
    left, _ = wait_no_slurm_jobs(work, timeout=10.0)
    if left:  # only ours: found by our unique work directory
        subprocess.run(["scancel", *map(str, left)], check=False, timeout=60)
    assert not left, f"orphaned Slurm jobs of this test: {left}"

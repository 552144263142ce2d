"""The emulated ``dt*`` tools stay light through Slurm: a call imports only what it needs to
exec ``srun``/``sbatch``/``squeue`` (a sync makes several of them at once, and the watcher
one every few tenths of a second), and the faults still reach them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from taurus_datamover.emulator import faults
from taurus_datamover.emulator.dt.mode import save_slurm_mode
from taurus_datamover.emulator.site import EmulatedSite

#: Modules a call through Slurm has no use for (the local queue, the ZIH view, the faults).
HEAVY = (
    "dataclasses",
    "pathlib",
    "subprocess",
    "tempfile",
    "ctypes",
    "taurus_datamover.emulator.faults",
    "taurus_datamover.emulator.dt.jobs",
    "taurus_datamover.emulator.zih_view",
)

#: Runs one tool call of the site with ``os.execvp`` replaced: prints the argv it would exec
#: and the heavy modules that were imported by then.
PROBE = """
import json, os, sys
def execvp(file, argv):
    print(json.dumps({"argv": list(argv), "heavy": [m for m in HEAVY if m in sys.modules]}))
    sys.exit(0)
os.execvp = execvp
from taurus_datamover.emulator.launcher import run
sys.exit(run(TOOL, ROOT, ARGV))
"""


def _call(root: Path, tool: str, argv: list[str], env: dict[str, str] | None = None) -> dict[str, list[str]]:
    code = f"HEAVY = {HEAVY!r}\nTOOL = {tool!r}\nROOT = {str(root)!r}\nARGV = {argv!r}\n" + PROBE
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60, env=env)
    result: dict[str, list[str]] = json.loads(done.stdout)
    return result


@pytest.fixture
def through_slurm(tmp_path: Path) -> EmulatedSite:
    """A site whose dt tools always go through Slurm (no Slurm is needed: nothing is exec'd)."""
    site = EmulatedSite(tmp_path / "site", slurm=False, bandwidth="50MB/s")
    save_slurm_mode(site.root, True)
    return site


@pytest.mark.parametrize(
    ("tool", "argv", "runs"),
    [
        ("dtrsync", ["-a", "/grp/x/", "/projects/y/"], "sbatch"),
        ("dtrsync", ["--blocking", "-a", "/grp/x/", "/projects/y/"], "srun"),
        ("dtls", ["-l", "/grp"], "srun"),
        ("dtqueue", ["-h", "-t", "all"], "squeue"),
    ],
)
def test_a_call_through_slurm_imports_nothing_heavy(
    through_slurm: EmulatedSite, tool: str, argv: list[str], runs: str
) -> None:
    found = _call(through_slurm.root, tool, argv)
    assert found["argv"][0] == runs
    assert found["heavy"] == []


def test_the_bandwidth_limit_still_reaches_rsync(through_slurm: EmulatedSite) -> None:
    found = _call(through_slurm.root, "dtrsync", ["-a", "/grp/x/", "/projects/y/"])
    assert "--bwlimit=48828" in found["argv"]


@pytest.mark.parametrize("where", ["file", "environment"])
def test_a_fault_still_strikes(through_slurm: EmulatedSite, where: str) -> None:
    fault = {"tool": "dtrsync", "action": "fail"}
    env = None
    if where == "file":
        through_slurm.set_faults([fault])
    else:
        env = {**os.environ, faults.FAULT_ENV: json.dumps(fault)}
    found = _call(through_slurm.root, "dtrsync", ["-a", "/grp/x/", "/projects/y/"], env)
    assert found["argv"][0] == "sbatch"
    assert "taurus_datamover.emulator.dt.partial" in found["argv"]  # the job runs the fault runner

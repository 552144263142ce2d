"""Sync through the real Slurm (``EmulatedSite(slurm=True)``): odd names in every part,
and no Slurm job left behind after ``cancel()`` or Ctrl-C. Skipped without Slurm."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from tests.support.sync_tree import odd_tree, same_tree

from taurus_datamover import Datamover
from taurus_datamover.emulator.site import EmulatedSite
from taurus_datamover.errors import SyncError
from taurus_datamover.sync import SyncState

pytestmark = pytest.mark.slurm


def _active(job_ids: list[int]) -> list[int]:
    """The jobs among ``job_ids`` that Slurm still has pending, configuring or running."""
    listed = subprocess.run(["squeue", "-h", "-t", "PD,CF,R", "-o", "%i"], capture_output=True, text=True, check=True)
    return [int(line) for line in listed.stdout.split() if int(line) in job_ids]


def _big_tree(site: EmulatedSite) -> Path:
    src = site.grp / "big"
    src.mkdir()
    for i in range(4):
        (src / f"f{i}").write_bytes(os.urandom(3_000_000))
    return src


def test_sync_through_slurm_copies_every_name(slurm_site: EmulatedSite) -> None:
    src, dst = slurm_site.grp / "data", slurm_site.projects / "copy"
    odd_tree(src, groups=2)
    run = Datamover(slurm_site.bin).sync(src, dst, jobs=2, time_limit="0:10:00")
    result = run.result(timeout=300)
    assert result.state is SyncState.COMPLETED and result.verification is not None and result.verification.ok
    same_tree(src, dst)
    ids = [p.job.job_id for p in run.parts if p.job is not None]
    assert len(ids) == 2 and all(isinstance(i, int) for i in ids)


def test_cancel_leaves_no_slurm_job(slurm_site: EmulatedSite) -> None:
    site = EmulatedSite(slurm_site.root, bandwidth="200KB/s")  # 15 s a part: still running
    run = Datamover(site.bin).sync(_big_tree(site), site.projects / "copy", jobs=4)
    ids = [p.record.job_ids[-1] for p in run.parts]
    assert len(ids) == 4
    assert run.cancel() is True
    with pytest.raises(SyncError, match="cancelled"):
        run.result(timeout=120)
    assert _active(ids) == []


@pytest.mark.slow
def test_ctrl_c_in_the_command_leaves_no_slurm_job(slurm_site: EmulatedSite, cache_home: Path) -> None:
    site = EmulatedSite(slurm_site.root, bandwidth="200KB/s")
    src = _big_tree(site)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "taurus_datamover",
            "--site-root",
            str(site.root),
            "sync",
            str(src),
            str(site.projects / "copy"),
            "-j",
            "4",
        ],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        manifests = cache_home / "taurus-datamover" / "sync"
        ids: list[int] = []
        deadline = time.monotonic() + 120
        while len(ids) < 4 and time.monotonic() < deadline:
            time.sleep(0.2)
            for path in manifests.glob("*/manifest.json"):
                try:
                    parts = json.loads(path.read_text())["parts"]
                except (OSError, ValueError):
                    continue
                ids = [p["job_ids"][-1] for p in parts if p["job_ids"]]
        assert len(ids) == 4
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=180)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, err
    assert b"interrupted" in err
    assert _active(ids) == []

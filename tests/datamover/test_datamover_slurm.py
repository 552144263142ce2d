"""The file API through a real Slurm (``EmulatedSite(slurm=True)``: dt* tools call srun and
sbatch in the ``datamover`` partition). Skipped when no such Slurm answers."""

from __future__ import annotations

import os

import pytest

from taurus_datamover import Datamover, JobState, Workspace
from taurus_datamover.emulator.site import EmulatedSite

pytestmark = pytest.mark.slurm


@pytest.fixture
def site(slurm_site: EmulatedSite) -> EmulatedSite:
    return slurm_site


def test_ls_and_cp_through_srun(site: EmulatedSite) -> None:
    dm = Datamover(site.bin)
    top = site.grp / "data"
    top.mkdir()
    (top / "-dash").write_bytes(b"dash")
    (top / "new\nline").write_bytes(b"newline")
    with open(os.fsencode(top) + b"/bad\xff", "wb") as handle:
        handle.write(b"bytes")
    os.symlink("t -> x", top / "l -> k")
    entries = {e.name_bytes: e for e in dm.ls(top)}  # LC_ALL=C reaches ls through srun
    assert set(entries) == set(os.listdir(os.fsencode(top)))
    for name, entry in entries.items():
        st = os.lstat(os.fsencode(top) + b"/" + name)
        assert entry.mtime_ns == st.st_mtime_ns and entry.size == st.st_size
    assert entries[b"l -> k"].target == "t -> x"
    assert dm.exists(top / "new\nline") and not dm.exists(top / "missing")
    job = dm.cp(top, dst=site.projects / "copy", recursive=True)
    job.result(timeout=300)
    assert "--blocking" in job.argv
    assert (site.projects / "copy" / "-dash").read_bytes() == b"dash"
    assert (site.projects / "copy" / "new\nline").read_bytes() == b"newline"
    entries[b"-dash"].remove().result(timeout=300)
    assert not (top / "-dash").exists()


def test_nonblocking_copy_follows_sbatch_job(site: EmulatedSite) -> None:
    dm = Datamover(site.bin, blocking=False)
    (site.grp / "-big file").write_bytes(b"q" * 4096)
    job = dm.cp(site.grp / "-big file", dst=site.projects / "copied", time="0:05:00")
    try:
        job.result(timeout=300)
    finally:
        job.cancel()  # no-op once it ended; never leave a job on the shared cluster
    assert job.is_batch and job.job_id is not None
    assert job.state is JobState.COMPLETED and job.returncode == 0
    assert (site.projects / "copied").read_bytes() == b"q" * 4096


def test_save_through_slurm(site: EmulatedSite) -> None:
    dm = Datamover(site.bin)
    dm.save(lambda p: p.write_text("via srun"), site.projects / "saved", timeout=300)
    assert (site.projects / "saved").read_text() == "via srun"
    assert Workspace(site.bin, now=site.now).list() == []

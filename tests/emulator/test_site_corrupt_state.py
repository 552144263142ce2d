"""Hand-corrupted state of an emulated site (a job file of the local queue, ``site.json``
edited after the site opened): a typed error naming the file, a warning where a cleanup
must go on, an error message (never a traceback) from the emulated tools."""

from __future__ import annotations

import json
import subprocess
from dataclasses import asdict
from pathlib import Path

import pytest

from taurus_datamover.emulator.dt.jobs import JobRecord, JobStore
from taurus_datamover.emulator.errors import EmulatorError, SiteConfigError
from taurus_datamover.emulator.site import EmulatedSite

GOOD = JobRecord(1000, "cp", "marie", "datamover", ("true",), "/tmp", "/tmp/slurm-1000.out", None, None, "PENDING", 0.0)
BAD_JOBS = {
    "not JSON": b"{",
    "not UTF-8": b"\xff\xfe",
    "not an object": b"[1, 2]",
    "no argv": json.dumps({k: v for k, v in asdict(GOOD).items() if k != "argv"}).encode(),
    "no state": json.dumps({"job_id": 1001, "argv": ["true"]}).encode(),
    "argv no list": json.dumps({**asdict(GOOD), "job_id": 1001, "argv": 5}).encode(),
}


@pytest.fixture
def site(tmp_path: Path) -> EmulatedSite:
    site = EmulatedSite(tmp_path / "site", slurm=False)
    JobStore(site.root).save(GOOD)
    return site


@pytest.mark.parametrize("text", BAD_JOBS.values(), ids=list(BAD_JOBS))
def test_close_skips_a_corrupt_job_file_with_a_warning_and_cancels_the_others(site: EmulatedSite, text: bytes) -> None:
    bad = site.root / "jobs/1001.json"
    bad.write_bytes(text)
    with pytest.warns(RuntimeWarning, match=str(bad)):
        site.close()
    assert json.loads((site.root / "jobs/1000.json").read_text())["state"] == "CANCELLED"
    with pytest.raises(EmulatorError, match=str(bad)):
        site.cancel_local_jobs()


@pytest.mark.parametrize("text", BAD_JOBS.values(), ids=list(BAD_JOBS))
@pytest.mark.parametrize("argv", [["dtqueue"], ["dtcancel", "1001"], ["dtinfo"]], ids=" ".join)
def test_the_queue_tools_name_a_corrupt_job_file_without_a_traceback(
    site: EmulatedSite, text: bytes, argv: list[str]
) -> None:
    bad = site.root / "jobs/1001.json"
    bad.write_bytes(text)
    done = subprocess.run(
        [str(site.bin / argv[0]), *argv[1:]], env=site.env(), capture_output=True, text=True, check=False
    )
    assert "Traceback" not in done.stderr
    assert done.returncode != 0
    assert str(bad) in done.stderr


@pytest.mark.parametrize(
    "edit",
    [
        lambda cfg: cfg.pop("filesystems"),
        lambda cfg: cfg["filesystems"]["horse"].pop("spaces"),
        lambda cfg: cfg["filesystems"]["horse"].update(spaces=5),
    ],
    ids=["no filesystems", "no spaces", "spaces no list"],
)
def test_zih_mounts_of_a_site_json_edited_after_opening_is_a_site_config_error(
    site: EmulatedSite, edit: object
) -> None:
    path = site.root / "site.json"
    cfg = json.loads(path.read_text())
    edit(cfg)  # type: ignore[operator]
    path.write_text(json.dumps(cfg))
    with pytest.raises(SiteConfigError, match=str(path)):
        site.zih_mounts()

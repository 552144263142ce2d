"""The emulated site's per-job bandwidth limit (rsync --bwlimit) and its storage."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from taurus_datamover import Datamover
from taurus_datamover.emulator.dt.mode import (
    BANDWIDTH_FILE,
    configure_bandwidth,
    parse_bandwidth,
    with_bandwidth,
)
from taurus_datamover.emulator.dt.options import split_options
from taurus_datamover.emulator.errors import EmulatorArgumentError, EmulatorError, FaultSpecError
from taurus_datamover.emulator.faults import Fault
from taurus_datamover.emulator.site import EmulatedSite


@pytest.mark.parametrize(
    ("text", "rate"),
    [("50MB/s", 50_000_000), ("50M", 50_000_000), ("1.5GiB/s", 1_610_612_736), ("100KB/s", 100_000), (2048, 2048)],
)
def test_rates(text: str | int, rate: int) -> None:
    assert parse_bandwidth(text) == rate


@pytest.mark.parametrize("bad", ["fast", "-5MB/s", "0", 0, True, "5 parsecs", float("nan")])
def test_bad_rates(bad: object, tmp_path: Path) -> None:
    with pytest.raises(EmulatorArgumentError, match="bandwidth"):
        parse_bandwidth(bad)  # type: ignore[arg-type]
    with pytest.raises(EmulatorArgumentError, match="bandwidth"):
        EmulatedSite(tmp_path / "s", slurm=False, bandwidth=bad)  # type: ignore[arg-type]


def test_the_site_stores_the_limit_and_a_reopened_site_keeps_it(tmp_path: Path) -> None:
    site = EmulatedSite(tmp_path / "s", slurm=False, bandwidth="50MB/s")
    assert site.bandwidth == 50_000_000 and (site.root / BANDWIDTH_FILE).exists()
    assert EmulatedSite(site.root).bandwidth == 50_000_000
    assert EmulatedSite(site.root, bandwidth="unlimited").bandwidth is None
    assert configure_bandwidth(site.root, None) is None


def test_only_dtrsync_gets_bwlimit_before_its_operands(tmp_path: Path) -> None:
    configure_bandwidth(tmp_path, "50MB/s")
    opts = split_options(["-a", "--blocking", "--", "-src/", "dst/"])
    assert with_bandwidth(tmp_path, "dtrsync", opts).args == ("--bwlimit=48828", "-a", "--", "-src/", "dst/")
    assert with_bandwidth(tmp_path, "dtcp", opts) == opts


def test_a_limited_dtrsync_still_copies(tmp_path: Path) -> None:
    site = EmulatedSite(tmp_path / "s", slurm=False, bandwidth="20MB/s")
    (site.grp / "f").write_bytes(os.urandom(100_000))
    Datamover(site.bin).rsync(str(site.grp) + "/", site.projects / "copy", "-a").result(timeout=60)
    assert (site.projects / "copy" / "f").read_bytes() == (site.grp / "f").read_bytes()


def test_after_files_takes_dtrsync_too(tmp_path: Path) -> None:
    assert Fault.from_mapping({"tool": "dtrsync", "action": "kill", "after_files": 3}).after_files == 3
    with pytest.raises(FaultSpecError, match="dtcp, dtmv and dtrsync"):
        Fault.from_mapping({"tool": "dttar", "action": "kill", "after_files": 3})
    with pytest.raises(EmulatorError, match="unknown fault keys"):  # and a ValueError, as before
        EmulatedSite(tmp_path / "s", slurm=False).set_faults([{"tool": "dtcp", "action": "fail", "afterfiles": 1}])

"""The original package's README examples, verbatim, against the emulated site.

``taurus_site`` (our pytest plugin) puts the site's tools first on the search path, so
``Datamover()``/``Workspace()`` with no arguments find them, as on the cluster.
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest

from taurus_datamover import Datamover, Workspace, waitfor


def test_dtls_help(taurus_site: Any) -> None:
    dm = Datamover()
    out, _ = dm.dtls("--help").communicate()
    text = out.decode("utf-8")
    assert text.startswith("Usage: ls [OPTION]... [FILE]...")


def test_dtls_lh_then_waitfor_then_communicate(taurus_site: Any) -> None:
    grp: Path = taurus_site.grp
    (grp / "results.csv").write_text("1,2,3\n")
    dm = Datamover()
    process = dm.dtls("-lh", str(grp))
    assert isinstance(process, subprocess.Popen)
    exit_code = waitfor(process)
    assert exit_code == 0
    out, err = process.communicate()
    assert b"results.csv" in out
    assert process.communicate() == (out, err)


def test_dtcp_copies_with_blocking_appended(taurus_site: Any) -> None:
    src = taurus_site.grp / "in.dat"
    src.write_bytes(b"\x00\x01payload")
    dm = Datamover()
    process = dm.dtcp(str(src), str(taurus_site.projects))
    assert process.args[-1] == "--blocking"
    assert waitfor(process) == 0
    assert (taurus_site.projects / "in.dat").read_bytes() == b"\x00\x01payload"


def test_ws_allocate_name_30(taurus_site: Any) -> None:
    proc = Workspace().ws_allocate("name", "30")
    out, err = proc.communicate()
    path = Path(out.decode().strip())
    assert path.is_dir() and path.name.endswith("-name")
    assert b"remaining time in days: 30" in err


def test_waitfor_failure_warns_and_returns_code(taurus_site: Any) -> None:
    process = Datamover().dtls(str(taurus_site.grp / "missing"))
    with pytest.warns(RuntimeWarning):
        assert waitfor(process) == 2


def test_cache_workspace_as_context_manager(taurus_site: Any) -> None:
    from taurus_datamover import CacheWorkspace

    with CacheWorkspace() as ws:
        name = ws.name
        assert Path(ws.path).is_dir()
        listed = [info.name for info in Workspace().list()]
        assert name in listed
    assert name not in [info.name for info in Workspace().list()]
    ws.cleanup()  # again: nothing left to release, no error

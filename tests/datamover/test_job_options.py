"""The Slurm options of a ``Datamover`` call, stated once (``JobOptions``/``ListingOptions``):
``time_limit=`` with its first name ``time=``, the defaults of the ``Datamover``, refusals
before anything runs; and the public canceller/watcher that ``sync`` uses."""

from __future__ import annotations

import os
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from tests.support.fake_tools import write_executable

from taurus_datamover import Datamover, SaveError, Workspace
from taurus_datamover.datamover import JobOptions, ListingOptions
from taurus_datamover.datamover.toolset import JOB_KEYS, LISTING_KEYS, SlurmOptions, submits_batch_job
from taurus_datamover.emulator.site import EmulatedSite
from taurus_datamover.errors import DatamoverError, JobOptionsError, TaurusDatamoverError
from taurus_datamover.workspace.context import login_name


@pytest.fixture
def files(site: EmulatedSite) -> EmulatedSite:
    (site.grp / "f").write_text("x")
    (site.grp / "d").mkdir()
    return site


#: One call of each transfer method, given the site and the options to pass.
TRANSFERS: dict[str, Callable[[Datamover, EmulatedSite, dict[str, Any]], Any]] = {
    "cp": lambda dm, s, o: dm.cp(s.grp / "f", dst=s.projects / "c", **o),
    "mv": lambda dm, s, o: dm.mv(s.grp / "f", dst=s.projects / "m", **o),
    "rm": lambda dm, s, o: dm.rm(s.grp / "f", **o),
    "rsync": lambda dm, s, o: dm.rsync(s.grp / "f", s.projects / "r", "-a", **o),
    "tar": lambda dm, s, o: dm.tar(s.projects / "a.tar", "f", directory=s.grp, **o),
    "tar_raw": lambda dm, s, o: dm.tar_raw("--create", f"--file={s.projects / 'b.tar'}", "--", str(s.grp / "f"), **o),
}
LISTINGS: dict[str, Callable[[Datamover, EmulatedSite, dict[str, Any]], Any]] = {
    "ls": lambda dm, s, o: dm.ls(s.grp, **o),
    "stat": lambda dm, s, o: dm.stat(s.grp / "f", **o),
    "exists": lambda dm, s, o: dm.exists(s.grp / "f", **o),
    "walk": lambda dm, s, o: list(dm.walk(s.grp, **o)),
}


def test_the_typed_dicts_name_the_keys() -> None:
    assert LISTING_KEYS == {"timeout", "time_limit", "account", "time"}
    assert JOB_KEYS == LISTING_KEYS | {"blocking"}
    assert set(JobOptions.__optional_keys__) == JOB_KEYS and set(ListingOptions.__optional_keys__) == LISTING_KEYS


@pytest.mark.parametrize("name", ["time_limit", "time"])
@pytest.mark.parametrize("method", sorted(TRANSFERS))
def test_every_transfer_takes_time_limit_and_its_old_name(
    files: EmulatedSite, dm: Datamover, method: str, name: str
) -> None:
    job = TRANSFERS[method](dm, files, {name: "1:00", "account": "p_x", "timeout": 60})
    job.result()
    cut = job.argv.index("--")
    assert job.argv[1:cut][-3:] == ("--blocking", "--time=1:00", "--account=p_x")


@pytest.mark.parametrize("method", sorted(TRANSFERS))
def test_both_names_of_the_time_limit_are_refused_before_anything_runs(
    files: EmulatedSite, dm: Datamover, method: str
) -> None:
    with pytest.raises(JobOptionsError, match="time_limit='1:00' and time='2:00'"):
        TRANSFERS[method](dm, files, {"time_limit": "1:00", "time": "2:00"})
    assert (files.grp / "f").read_text() == "x"  # not moved, not removed


@pytest.mark.parametrize("method", sorted(LISTINGS))
def test_listings_take_the_listing_options_only(files: EmulatedSite, dm: Datamover, method: str) -> None:
    LISTINGS[method](dm, files, {"time_limit": "1:00", "account": "p_x", "timeout": 60})
    with pytest.raises(JobOptionsError, match=r"unexpected option.*blocking") as caught:
        LISTINGS[method](dm, files, {"blocking": False})
    assert isinstance(caught.value, TypeError) and isinstance(caught.value, TaurusDatamoverError)


def test_a_misspelt_option_is_a_type_error_and_nothing_runs(files: EmulatedSite, dm: Datamover) -> None:
    with pytest.raises(TypeError, match="tiemout"):
        dm.rm(files.grp / "f", tiemout=5)  # type: ignore[call-arg]
    with pytest.raises(JobOptionsError, match="takes text"):
        dm.cp(files.grp / "f", dst=files.projects, account=["p_x"])  # type: ignore[typeddict-item]
    assert (files.grp / "f").exists()


def test_the_datamovers_defaults_and_a_calls_own() -> None:
    defaults = SlurmOptions(blocking=True, time_limit="2:00:00", account="p_a")
    assert defaults.words() == ["--blocking", "--time=2:00:00", "--account=p_a"]
    assert defaults.given({"blocking": False, "time": 90}).words() == ["--time=90", "--account=p_a"]
    assert defaults.given({"time_limit": None, "account": "p_b"}).words() == [
        "--blocking",
        "--time=2:00:00",
        "--account=p_b",
    ]
    # placed before the end-of-options marker (str or bytes) only for the transfer tools
    assert defaults.placed("dtcp", ["dtcp", b"a", b"--", b"-b"]) == ["dtcp", b"a", *defaults.words(), b"--", b"-b"]
    assert defaults.placed("dtqueue", ["dtqueue", "-t", "all"]) == ["dtqueue", "-t", "all"]
    assert submits_batch_job("dtcp", ["dtcp", "--", "a"]) and not submits_batch_job("dtls", ["dtls", "--", "a"])


def test_the_constructor_takes_time_limit_or_time(site: EmulatedSite) -> None:
    assert Datamover(site.bin, time_limit="0:10").time_limit == "0:10"
    old = Datamover(site.bin, time="0:20")
    assert old.time_limit == old.time == "0:20"
    assert old.datamover_options("dtcp") == ["--blocking", "--time=0:20"]
    assert old.datamover_options("dtcp", time_limit="0:05", blocking=False) == ["--time=0:05"]
    assert old.datamover_options("dtinfo") == []
    with pytest.raises(JobOptionsError):
        Datamover(site.bin, time="0:20", time_limit="0:10")


def test_save_refuses_a_bad_option_before_it_allocates_or_writes(site: EmulatedSite, dm: Datamover) -> None:
    written: list[object] = []
    with pytest.raises(JobOptionsError):
        dm.save(written.append, site.projects / "out", time="1:00", time_limit="1:00")
    assert written == [] and Workspace(site.bin, now=site.now).list() == []


def test_save_error_pickles_with_its_fields() -> None:
    error = SaveError("copy failed", data_path="/ws/x", workspace_name="w", argv=["dtcp"], returncode=1, stderr="e")
    again = pickle.loads(pickle.dumps(error))
    assert isinstance(again, SaveError) and isinstance(again, DatamoverError)
    assert (again.message, again.data_path, again.workspace_name) == ("copy failed", "/ws/x", "w")
    assert (again.argv, again.returncode, again.stderr, str(again)) == (("dtcp",), 1, "e", str(error))


def test_the_canceller_and_watcher_are_public(site: EmulatedSite) -> None:
    dm = Datamover(site.bin, blocking=False)
    assert callable(dm.canceller)
    watcher = dm.watcher
    assert watcher is not None and watcher is dm.watcher  # resolved once, one shared watcher per queue


@pytest.mark.parametrize("named", [True, False])
def test_the_plain_squeue_query_names_the_login_user_or_the_uid(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, named: bool
) -> None:
    """Without ``dtqueue`` the watcher asks ``squeue -u USER``: the login name as getpass reads
    it, else the uid (getpass.getuser() raised OSError or KeyError where there is no name)."""
    import getpass
    import pwd

    write_executable(tmp_path / "squeue", "#!/bin/sh\nexit 0\n")
    for name in ("LOGNAME", "USER", "LNAME", "USERNAME"):
        monkeypatch.delenv(name, raising=False)
    if named:
        monkeypatch.setenv("USER", "marie")
        assert getpass.getuser() == login_name() == "marie"
    else:
        monkeypatch.setattr(pwd, "getpwuid", lambda uid: {}[uid])  # no passwd entry
        assert login_name() is None
    dm = Datamover(tmp_path, env={"PATH": str(tmp_path)})
    user = "marie" if named else str(os.getuid())
    assert dm.queue_argv() == [str(tmp_path / "squeue"), "-t", "all", "-u", user]

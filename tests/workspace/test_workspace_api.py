"""The object API of ``Workspace`` against a real emulated site (v1 and v2 output).

Every test runs the emulated ``ws_*`` executables through real processes; the site's clock
is frozen, and the Workspace reads the same clock (``now=`` callable), so remaining times
are exact.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from tests.support.ws_calls import recorded_tools

from taurus_datamover.command.job import Job
from taurus_datamover.emulator import clock
from taurus_datamover.emulator.site import EmulatedSite
from taurus_datamover.errors import CommandTimeout, WorkspaceArgumentError, WorkspaceError, WorkspaceNotFound
from taurus_datamover.models.workspaces import (
    AllocationAction,
    ReleasedWorkspace,
    WorkspaceInfo,
)
from taurus_datamover.workspace import (
    AllocatedWorkspace,
    CacheWorkspace,
    Workspace,
    WorkspaceWarning,
)

START = datetime(2026, 11, 24, 21, 24, 14, tzinfo=timezone.utc)


@pytest.fixture(autouse=True)
def _plain_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No inherited clock override: the site's clock file is the only clock."""
    monkeypatch.delenv(clock.NOW_ENV, raising=False)


@pytest.fixture(params=["v1", "v2"])
def site(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[EmulatedSite]:
    with EmulatedSite(tmp_path / "site", slurm=False, ws_format=request.param, now=START) as s:
        yield s


def site_now(site: EmulatedSite) -> datetime:
    """The emulated site's current time, as the tools see it."""
    return datetime.fromtimestamp(clock.now(site.root), timezone.utc)


@pytest.fixture
def ws(site: EmulatedSite) -> Workspace:
    return Workspace(site.bin, now=lambda: site_now(site))


def quiet_allocate(ws: Workspace, name: str, days: int, **kwargs: object) -> AllocatedWorkspace:
    """allocate(), asserting that it issued no warning."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return ws.allocate(name, days, **kwargs)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------- allocate
def test_allocate_new_workspace(ws: Workspace, site: EmulatedSite) -> None:
    info = quiet_allocate(ws, "data", 10)
    assert isinstance(info.info, WorkspaceInfo) and not isinstance(info, WorkspaceInfo)
    assert info.action is AllocationAction.CREATED
    assert not info.reused and info.capped_duration is None
    assert info.name == "data"
    assert info.filesystem == "horse"
    assert isinstance(info.path, Path) and info.path.is_dir()
    assert info.path.parent == site.root / "horse" / "ws"
    assert info.remaining == timedelta(days=10)
    assert info.extensions_left == 10
    assert info.allocation.remaining_days == 10
    # the listed state equals what get() returns
    assert info.info == ws.get("data")


def test_an_allocation_result_holds_the_listed_workspace(ws: Workspace) -> None:
    """Composition: the listed WorkspaceInfo and what the tool said, each comparable as
    what it is; the info's fields and methods are read through."""
    import copy

    first = quiet_allocate(ws, "data", 10)
    again = quiet_allocate(ws, "data", 10)
    assert first.info == again.info  # the same workspace, listed twice
    assert first != again  # created once, then reused
    assert first == AllocatedWorkspace(first.info, first.allocation)
    assert first != first.info and first.info != first
    assert {"info", "allocation", "remaining", "extend"} <= set(dir(first))
    assert copy.copy(first) == first
    with pytest.raises(AttributeError):
        _ = first.no_such_attribute
    extended = first.extend(20)  # WorkspaceInfo.extend, through the held info
    assert extended.action is AllocationAction.EXTENDED and extended.remaining == timedelta(days=20)


def test_allocate_reuses_an_existing_workspace(ws: Workspace, site: EmulatedSite) -> None:
    first = quiet_allocate(ws, "data", 10, comment="raw images : batch 3")
    (Path(first.path) / "keep.txt").write_text("kept")
    site.advance(timedelta(days=2))
    again = quiet_allocate(ws, "data", 50)
    assert again.reused and again.action is AllocationAction.REUSED
    assert again.path == first.path
    assert (Path(again.path) / "keep.txt").read_text() == "kept"
    # reuse does not change the duration: 10 days minus the 2 that passed
    assert again.remaining == timedelta(days=8)
    assert again.comment == "raw images : batch 3"
    assert [i.name for i in ws.list()] == ["data"]


def test_allocate_capped_duration_is_a_warning_not_an_error(ws: Workspace) -> None:
    with pytest.warns(WorkspaceWarning, match="maximum of 30 days"):
        info = ws.allocate("big", 50, filesystem="walrus")
    assert info.capped_duration == 30
    assert info.allocation.was_capped
    assert any("setting to allowed maximum of 30" in w for w in info.tool_warnings)
    assert info.remaining == timedelta(days=30)
    assert info.filesystem == "walrus"
    assert info.action is AllocationAction.CREATED


def test_allocate_unknown_filesystem_carries_the_tools_words(ws: Workspace, site: EmulatedSite) -> None:
    with pytest.raises(WorkspaceError) as caught:
        ws.allocate("data", 3, filesystem="nosuch")
    err = caught.value
    assert not isinstance(err, WorkspaceNotFound)
    assert "filesystem" in err.message and err.message.lower().startswith("error:")
    assert err.returncode not in (0, None)
    assert err.argv[0] == str(site.bin / "ws_allocate") and "nosuch" in err.argv
    assert err.message in err.stderr


def test_allocate_mail_without_reminder_is_refused_by_the_tool(ws: Workspace) -> None:
    with pytest.raises(WorkspaceError, match="mailaddress"):
        ws.allocate("data", 3, mail="marie@example.org")
    info = quiet_allocate(ws, "data", 3, mail="marie@example.org", reminder=1)
    assert info.action is AllocationAction.CREATED


def test_allocate_group_workspace(ws: Workspace) -> None:
    info = quiet_allocate(ws, "shared", 5, group=True)
    assert info.group  # the primary group of this process
    assert [i.name for i in ws.list(group=True)] == ["shared"]


def test_allocate_rejects_a_group_that_is_no_bool_or_name(ws: Workspace) -> None:
    for group in (5, 1.0, b"grp"):
        with pytest.raises(WorkspaceArgumentError, match="group must be a bool or a group name") as caught:
            ws.allocate("data", 3, group=group)  # type: ignore[arg-type]
        assert caught.value.argv == ()  # before any tool runs
    assert ws.list() == []


def test_allocate_rejects_bad_days(ws: Workspace) -> None:
    for days in (0, -3, True, 1.5):
        with pytest.raises(WorkspaceArgumentError) as caught:  # a ValueError, before any tool runs
            ws.allocate("data", days)  # type: ignore[arg-type]
        assert isinstance(caught.value, ValueError) and caught.value.argv == ()
    assert ws.list() == []


# ---------------------------------------------------------------------------- list/get
def test_list_and_get_over_filesystems(ws: Workspace) -> None:
    quiet_allocate(ws, "a", 10)
    quiet_allocate(ws, "b", 20, filesystem="walrus")
    assert sorted(i.name for i in ws.list()) == ["a", "b"]
    everything = ws.list(all_filesystems=True)
    assert [(i.name, i.filesystem) for i in everything] == [("a", "horse"), ("b", "walrus")]
    assert [i.name for i in ws.list("walrus")] == ["b"]
    assert ws.get("b").filesystem == "walrus"
    assert ws.get("b", "walrus").remaining == timedelta(days=20)
    with pytest.raises(WorkspaceNotFound):
        ws.get("b", "horse")
    with pytest.raises(WorkspaceNotFound, match="'nothing'"):
        ws.get("nothing")
    with pytest.raises(WorkspaceArgumentError):
        ws.list("horse", all_filesystems=True)


def test_get_same_name_in_two_filesystems_needs_filesystem(ws: Workspace) -> None:
    quiet_allocate(ws, "twin", 10)
    quiet_allocate(ws, "twin", 20, filesystem="walrus")
    with pytest.raises(WorkspaceError, match="several file systems"):
        ws.get("twin")
    assert ws.get("twin", "walrus").remaining == timedelta(days=20)


def test_list_unknown_filesystem_is_an_error(ws: Workspace) -> None:
    # v1 exits 255; v2 prints its error and exits 0: both are refusals
    with pytest.raises(WorkspaceError) as caught:
        ws.list("nosuch")
    assert "filesystem" in caught.value.message


def test_list_is_empty_without_workspaces(ws: Workspace) -> None:
    assert ws.list() == []
    assert ws.list(all_filesystems=True) == []


def test_filesystems(ws: Workspace) -> None:
    found = ws.filesystems()
    assert [(f.name, f.is_default) for f in found] == [("horse", True), ("walrus", False)]


def test_listing_user_comes_from_the_emulator_variable(site: EmulatedSite) -> None:
    env = site.env()
    env["TAURUS_EMULATOR_USER"] = "marie-x"  # a user name with a dash
    ws = Workspace(site.bin, env=env, now=lambda: site_now(site))
    assert ws.current_user() == "marie-x"
    info = quiet_allocate(ws, "my-data.set_2", 4)
    assert Path(info.path).name == "marie-x-my-data.set_2"
    assert (info.name, info.owner) == ("my-data.set_2", "marie-x")
    ws.release("my-data.set_2")
    [gone] = ws.restorable()
    assert (gone.name, gone.owner) == ("my-data.set_2", "marie-x")


# ---------------------------------------------------------------------------- extend
def test_extend_until_no_extensions_left(ws: Workspace, site: EmulatedSite) -> None:
    info = quiet_allocate(ws, "short", 5, filesystem="walrus")
    assert info.extensions_left == 2
    site.advance(timedelta(days=1))
    first = ws.extend("short", 10, filesystem="walrus")
    assert first.action is AllocationAction.EXTENDED
    assert first.remaining == timedelta(days=10)  # replaces, is not added
    assert first.extensions_left == 1
    second = first.extend(12)  # bound method
    assert second.extensions_left == 0 and second.remaining == timedelta(days=12)
    with pytest.raises(WorkspaceError) as caught:
        second.extend(15)
    err = caught.value
    assert not isinstance(err, WorkspaceNotFound)
    assert "no more extensions" in err.message
    assert err.returncode not in (0, None)
    assert os.path.basename(err.argv[0]) == "ws_extend"
    assert "no more extensions" in err.stderr
    # nothing changed
    assert ws.get("short").remaining == timedelta(days=12)


def test_extend_capped_is_a_warning(ws: Workspace) -> None:
    quiet_allocate(ws, "short", 5, filesystem="walrus")
    with pytest.warns(WorkspaceWarning):
        info = ws.extend("short", 40, filesystem="walrus")
    assert info.capped_duration == 30
    assert info.remaining == timedelta(days=30)


def test_extend_missing_workspace(ws: Workspace) -> None:
    with pytest.raises(WorkspaceNotFound) as caught:
        ws.extend("ghost", 3)
    assert "does not exist" in caught.value.message


# ---------------------------------------------------------------------------- release/restore
def test_release_and_restore_round_trip(ws: Workspace) -> None:
    old = quiet_allocate(ws, "results", 10)
    (Path(old.path) / "sub").mkdir()
    (Path(old.path) / "sub" / "table.csv").write_text("a,b\n1,2\n")
    old.release()  # bound method
    assert not Path(old.path).exists()
    with pytest.raises(WorkspaceNotFound):
        ws.get("results")
    [released] = ws.restorable()
    assert isinstance(released, ReleasedWorkspace)
    assert released.name == "results" and released.filesystem == "horse"
    assert released.released == START
    target = quiet_allocate(ws, "rescue", 10)
    restored = released.restore("rescue")  # bound method
    assert restored == Path(target.path) / released.id
    assert (restored / "sub" / "table.csv").read_text() == "a,b\n1,2\n"
    assert ws.restorable() == []


def test_restore_by_id_finds_the_filesystem(ws: Workspace) -> None:
    old = quiet_allocate(ws, "w", 10, filesystem="walrus")
    (Path(old.path) / "f").write_text("x")
    ws.release("w", filesystem="walrus")
    [released] = ws.restorable("walrus")
    assert ws.restorable("horse") == []
    quiet_allocate(ws, "target", 10, filesystem="walrus")
    # a plain id: the file system is looked up (v1 would search only the default one)
    restored = ws.restore(released.id, "target")
    assert (restored / "f").read_text() == "x"


def test_restore_refusals(ws: Workspace) -> None:
    quiet_allocate(ws, "w", 10)
    ws.release("w")
    [released] = ws.restorable()
    with pytest.raises(WorkspaceError) as caught:
        ws.restore(released, "no-target")
    assert not isinstance(caught.value, WorkspaceNotFound)
    assert "target" in caught.value.message
    quiet_allocate(ws, "target", 10)
    user = ws.current_user()
    with pytest.raises(WorkspaceNotFound):  # v1 says so with exit code 0
        ws.restore(f"{user}-ghost-1700000000", "target", filesystem="horse")
    assert ws.restorable() == [released]


def test_release_twice_and_delete_data(ws: Workspace) -> None:
    quiet_allocate(ws, "a", 3)
    ws.release("a")
    with pytest.raises(WorkspaceNotFound) as caught:
        ws.release("a")
    assert caught.value.returncode not in (0, None)
    info = quiet_allocate(ws, "b", 3)
    ws.release("b", delete_data=True)
    assert not Path(info.path).exists()
    assert [r.name for r in ws.restorable()] == ["a"]


# ---------------------------------------------------------------------------- time
def test_expiring_after_the_clock_moves(ws: Workspace, site: EmulatedSite) -> None:
    quiet_allocate(ws, "soon", 3)
    quiet_allocate(ws, "later", 20, filesystem="walrus")
    quiet_allocate(ws, "never", 90)
    assert ws.expiring(timedelta(days=1)) == []
    site.advance(timedelta(days=5))
    due = ws.expiring(timedelta(days=16))
    assert [(i.name, i.remaining) for i in due] == [
        ("soon", timedelta(days=-2)),
        ("later", timedelta(days=15)),
    ]
    assert due[0].expired and not due[1].expired
    assert [i.name for i in ws.expiring(timedelta(days=16), filesystem="walrus")] == ["later"]
    assert [i.name for i in ws.expiring(timedelta(days=100))] == ["soon", "later", "never"]


def test_expiring_is_one_ws_list_run_even_where_entries_do_not_name_their_filesystem(
    ws: Workspace, site: EmulatedSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without ``-F`` the tool lists every file system: no ``ws_list -l`` and no listing
    per file system (before: 1 + 1 + 2 runs when an entry lacked its file system)."""
    import taurus_datamover.workspace.api as api

    quiet_allocate(ws, "soon", 3)
    quiet_allocate(ws, "later", 20, filesystem="walrus")
    real = api.parse_ws_list
    monkeypatch.setattr(
        api, "parse_ws_list", lambda *a, **k: [i.model_copy(update={"filesystem": None}) for i in real(*a, **k)]
    )
    ran = recorded_tools(ws, monkeypatch)
    assert [i.name for i in ws.expiring(timedelta(days=30))] == ["soon", "later"]
    assert ran == ["ws_list"]


def test_refresh_follows_the_clock(ws: Workspace, site: EmulatedSite) -> None:
    info = quiet_allocate(ws, "a", 10)
    site.advance(timedelta(days=3, hours=4))
    fresh = info.refresh()
    assert type(fresh) is WorkspaceInfo
    assert fresh.remaining == timedelta(days=6, hours=20)
    assert info.remaining == timedelta(days=10)  # models are frozen


def test_fixed_now(site: EmulatedSite) -> None:
    ws = Workspace(site.bin, now=START + timedelta(days=1))
    info = quiet_allocate(ws, "a", 10)
    assert info.remaining == timedelta(days=9)
    with pytest.raises(WorkspaceArgumentError, match="timezone-aware") as caught:  # a ValueError too
        Workspace(site.bin, now=datetime(2026, 1, 1)).list()
    assert isinstance(caught.value, ValueError)


# ---------------------------------------------------------------------------- original API
def test_original_ws_methods_still_work(ws: Workspace) -> None:
    job = ws.ws_allocate("old-style", "3")
    assert isinstance(job, Job)
    assert job.result().stdout.strip().endswith("-old-style")
    assert [i.name for i in ws.list()] == ["old-style"]


# ---------------------------------------------------------------------------- no tool runs
MARKER_TOOL = """#!{python}
import sys
from taurus_datamover import Workspace
with open({marker!r}, "a") as handle:
    handle.write(" ".join(sys.argv) + "\\n")
print("/nowhere/x")
"""

BAD_NAMES = ["", "-x", "--help", "a/b", "../a", "_a", ".a", "a b", "a;b", "a*", "é", "a\nb", "~a"]


@pytest.fixture
def marker_ws(tmp_path: Path) -> tuple[Workspace, Path]:
    """A Workspace whose every tool only appends its command line to a marker file."""
    bin_dir = tmp_path / "marker-bin"
    bin_dir.mkdir()
    marker = tmp_path / "marker.txt"
    for tool in ("ws_allocate", "ws_extend", "ws_release", "ws_restore", "ws_list", "ws_find"):
        path = bin_dir / tool
        path.write_text(MARKER_TOOL.format(python=sys.executable, marker=str(marker)))
        path.chmod(0o755)
    return Workspace(bin_dir), marker


@pytest.mark.parametrize("bad", BAD_NAMES)
def test_invalid_names_are_rejected_before_any_tool_runs(marker_ws: tuple[Workspace, Path], bad: str) -> None:
    ws, marker = marker_ws
    calls: list[Callable[[], object]] = [
        lambda: ws.allocate(bad, 3),
        lambda: ws.extend(bad, 3),
        lambda: ws.release(bad),
        lambda: ws.get(bad),
        lambda: ws.restore("user-good-1700000000", bad),
        lambda: ws.restore(bad, "good"),
        lambda: CacheWorkspace(id=bad, workspace=ws),
    ]
    if bad not in ("_a", ".a"):  # file system names may start with "_" or "."
        calls += [
            lambda: ws.allocate("good", 3, filesystem=bad),
            lambda: ws.extend("good", 3, filesystem=bad),
            lambda: ws.list(bad),
            lambda: ws.restorable(bad),
        ]
    for call in calls:
        with pytest.raises(WorkspaceError) as caught:
            call()
        assert caught.value.argv == ()
    assert not marker.exists()


def test_the_marker_tools_do_run_for_valid_names(marker_ws: tuple[Workspace, Path]) -> None:
    ws, marker = marker_ws
    ws.release("good")
    assert "ws_release good" in marker.read_text()


def test_a_hung_tool_times_out(tmp_path: Path) -> None:
    bin_dir = tmp_path / "slow-bin"
    bin_dir.mkdir()
    tool = bin_dir / "ws_list"
    tool.write_text(f"#!{sys.executable}\nimport time\ntime.sleep(30)\n")
    tool.chmod(0o755)
    ws = Workspace(bin_dir, timeout=0.5)
    with pytest.raises(CommandTimeout) as caught:
        ws.list()
    assert os.path.basename(caught.value.argv[0]) == "ws_list"
    with pytest.raises(WorkspaceArgumentError, match="timeout must be positive") as refused:
        Workspace(bin_dir, timeout=0)
    assert isinstance(refused.value, ValueError)

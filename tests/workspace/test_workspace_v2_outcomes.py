"""What the object API makes of v2's exit codes and ``error:``/``info:`` lines, replayed
byte for byte from the real captures; which generation a ``Workspace`` finds; and the
names and owners of issue 10 (items 4 and 5) on the emulated site.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

import pytest
from tests.support import FIXTURES
from tests.support.fake_tools import write_executable
from tests.support.ws_v2_captures import capture, install_replay

from taurus_datamover.emulator.site import EmulatedSite
from taurus_datamover.errors import ParseError, WorkspaceError, WorkspaceNotFound, WorkspaceWarning
from taurus_datamover.facts import EMULATOR_USER_ENV, MAX_WORKSPACE_NAME_LENGTH
from taurus_datamover.workspace import Workspace, check_workspace_name

V1 = FIXTURES / "hpc-workspace-v1-real"
NOW = capture("17_list_six").now


def _ws(bin_dir: Path) -> Workspace:
    return Workspace(path_to_exe=str(bin_dir), user="usera", now=NOW, timeout=60)


@pytest.fixture
def bin_dir(tmp_path: Path) -> Path:
    path = tmp_path / "bin"
    path.mkdir()
    return path


# --- refusals and warnings, as v2 prints them -------------------------------------------


def test_list_unknown_filesystem_rc0_with_error_line_is_an_error(bin_dir: Path) -> None:
    assert capture("32_list_unknown_fs").rc == 0
    install_replay(bin_dir, "ws_list", "32_list_unknown_fs")
    with pytest.raises(WorkspaceError) as info:
        _ws(bin_dir).list("nosuchfs")
    assert info.value.message == "error: invalid filesystem given."
    assert info.value.returncode == 0


def test_capped_allocation_is_success_with_a_warning(bin_dir: Path) -> None:
    assert capture("11_allocate_too_many_days").rc == 0
    install_replay(bin_dir, "ws_allocate", "11_allocate_too_many_days")
    install_replay(bin_dir, "ws_list", "17_list_six")
    with pytest.warns(WorkspaceWarning, match="maximum of 100"):
        result = _ws(bin_dir).allocate("toolong", 365)
    assert result.capped_duration == 100 and result.name == "toolong"
    assert result.tool_warnings == (
        "Duration longer than allowed for this workspace",
        "setting to allowed maximum of 100",
    )


@pytest.mark.parametrize(
    ("tool", "scenario", "call", "error", "message"),
    [
        ("ws_allocate", "15_allocate_unknown_fs", ("allocate", "x1", 5), WorkspaceError, "not allowed"),
        ("ws_extend", "45_extend_missing", ("extend", "nosuchws", 10), WorkspaceNotFound, "does not exist"),
        (
            "ws_extend",
            "46_extend_not_extendable_fs",
            ("extend", "fastscratch", 5),
            WorkspaceError,
            "can not be extended",
        ),
        (
            "ws_extend",
            "49_extend_walrus_no_extensions_left",
            ("extend", "bigdata", 5),
            WorkspaceError,
            "no more extensions",
        ),
        ("ws_release", "52_release_missing", ("release", "nosuchws"), WorkspaceNotFound, "Non-existent"),
        (
            "ws_allocate",
            "14_allocate_mail_without_reminder",
            ("allocate", "nomail", 5),
            WorkspaceError,
            "without the reminder",
        ),
    ],
)
def test_refusals_become_typed_errors(
    bin_dir: Path, tool: str, scenario: str, call: tuple[str, ...], error: type, message: str
) -> None:
    cap = capture(scenario)
    assert cap.rc != 0
    install_replay(bin_dir, tool, scenario)
    method, *args = call
    with pytest.raises(error, match=message) as info:
        getattr(_ws(bin_dir), method)(*args)
    assert info.value.returncode == cap.rc
    if error is WorkspaceError:
        assert not isinstance(info.value, WorkspaceNotFound)


def test_extend_usage_with_rc0_is_no_success(bin_dir: Path) -> None:
    assert capture("47_extend_usage").rc == 0  # `Usage: ...` on stdout, exit code 0
    install_replay(bin_dir, "ws_extend", "47_extend_usage")
    with pytest.raises(ParseError, match="not an absolute path"):
        _ws(bin_dir).extend("simdata", 10)


def test_restore_missing_id_and_success(bin_dir: Path) -> None:
    install_replay(bin_dir, "ws_restore", "57_restore_missing")
    with pytest.raises(WorkspaceNotFound, match="workspace to restore does not exist"):
        _ws(bin_dir).restore("usera-nosuch-1795556169", "simdata", filesystem="horse")
    install_replay(bin_dir, "ws_restore", "56_restore_ok")
    install_replay(bin_dir, "ws_list", "17_list_six")
    where = _ws(bin_dir).restore("usera-run42-1795556169", "simdata", filesystem="horse")
    assert where == Path("/srv/wsroot/horse/ws/usera-simdata/usera-run42-1795556169")


def _fake(bin_dir: Path, tool: str, stderr: str, rc: int) -> None:
    write_executable(
        bin_dir / tool,
        f"#!/bin/sh\nprintf '%s' {stderr!r} >&2\nexit {rc}\n",
    )


def test_restore_rc0_outcomes_described_in_the_capture_readme(bin_dir: Path) -> None:
    # 63/64 have only their commands; the README says: "restore with a wrong human answer
    # rc 0 and no message; restore to a missing target rc 0 with `error: target does not
    # exist!`". Both must be errors, and the second no "not found" of the workspace.
    _fake(bin_dir, "ws_restore", "error: target does not exist!\n", 0)
    with pytest.raises(WorkspaceError, match="target does not exist") as info:
        _ws(bin_dir).restore("usera-quick-1795556194", "nosuchtarget", filesystem="horse")
    assert not isinstance(info.value, WorkspaceNotFound)
    _fake(bin_dir, "ws_restore", "", 0)
    with pytest.raises(WorkspaceError, match="did not report a successful restore"):
        _ws(bin_dir).restore("usera-quick-1795556194", "mailtest", filesystem="horse")


# --- the generation, once per Workspace ------------------------------------------------


def test_generation_from_a_listing_without_asking_again(bin_dir: Path, tmp_path: Path) -> None:
    calls = tmp_path / "calls"
    install_replay(bin_dir, "ws_list", "07_list_four", calls=calls)
    ws = _ws(bin_dir)
    assert [i.name for i in ws.list()] == ["simdata", "run42", "mailtest", "bigdata"]
    assert ws.tool_generation == 2
    assert ws.tool_generation == 2
    assert calls.read_text().splitlines() == ["[]"]


@pytest.mark.parametrize(
    ("root", "scenario", "generation"),
    [(None, "83_version_ws_list", 2), (V1, "version-ws_list", 1)],
)
def test_generation_from_version(
    bin_dir: Path, tmp_path: Path, root: Path | None, scenario: str, generation: int
) -> None:
    calls = tmp_path / "calls"
    if root is None:
        install_replay(bin_dir, "ws_list", scenario, calls=calls)
    else:
        install_replay(bin_dir, "ws_list", scenario, root=root, calls=calls)
    ws = _ws(bin_dir)
    assert ws.tool_generation == generation
    assert ws.tool_generation == generation
    assert calls.read_text().splitlines() == ["['--version']"]


def test_generation_from_a_refusal(bin_dir: Path) -> None:
    install_replay(bin_dir, "ws_release", "52_release_missing")
    ws = _ws(bin_dir)
    with pytest.raises(WorkspaceNotFound):
        ws.release("nosuchws")
    assert ws.tool_generation == 2  # `error:`, lower case; no ws_list was run


# --- issue 10 item 4: names the tools accept list back ----------------------------------


@pytest.fixture(params=["v1", "v2"])
def site(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[EmulatedSite]:
    start = datetime(2026, 11, 24, 12, tzinfo=timezone.utc)
    with EmulatedSite(tmp_path / "site", slurm=False, ws_format=request.param, now=start) as s:
        yield s


def _as(site: EmulatedSite, user: str) -> Workspace:
    return Workspace(site.bin, env={**os.environ, EMULATOR_USER_ENV: user}, now=site.now)


@pytest.mark.parametrize("name", ["data-", "a--b", "x.-_", "0-"])
def test_dashed_names_list_back(site: EmulatedSite, name: str) -> None:
    ws = _as(site, "alice")
    made = ws.allocate(name, 30)
    assert (made.name, made.owner) == (name, "alice")
    assert [(i.name, i.owner) for i in ws.list()] == [(name, "alice")]
    assert Path(ws.get(name).path) == made.path


def test_names_that_could_not_be_released_are_refused_up_front() -> None:
    assert check_workspace_name("a" * MAX_WORKSPACE_NAME_LENGTH)
    with pytest.raises(WorkspaceError, match="at most"):
        check_workspace_name("a" * (MAX_WORKSPACE_NAME_LENGTH + 1))


# --- issue 10 item 5: group listings never invent an owner ------------------------------


def test_group_listing_does_not_invent_an_owner(site: EmulatedSite) -> None:
    other = _as(site, "alice-b")
    theirs = other.allocate("data", 30, group=True)
    alice = _as(site, "alice")
    alice.allocate("mine", 30)
    listed = {Path(i.path): i for i in alice.list(group=True)}
    entry = listed[theirs.path]
    assert entry.owner is None  # v1 prints `b-data`, v2 `data`: only the printed id
    assert listed[Path(alice.get("mine").path)].owner == "alice"
    for act in (entry.release, lambda: entry.extend(10)):
        with pytest.raises(WorkspaceError, match="owner cannot be told"):
            act()
    assert Path(other.get("data").path) == theirs.path  # still there, not released


def test_another_users_workspace_is_not_acted_on(site: EmulatedSite) -> None:
    bob = _as(site, "bob")
    theirs = bob.allocate("shared", 30, group=True)
    alice = _as(site, "alice")
    (entry,) = [i for i in alice.list(group=True) if Path(i.path) == theirs.path]
    assert (entry.name, entry.owner) == ("shared", "bob")
    with pytest.raises(WorkspaceError, match="belongs to 'bob'"):
        entry.release()
    assert Path(bob.get("shared").path) == theirs.path

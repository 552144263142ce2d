"""``Datamover.save``: write into a cache workspace, dtcp to the target, release; and never
lose the data when the copy fails. Through an emulated site (its ws_* and dt* tools)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from taurus_datamover import (
    CacheWorkspace,
    Datamover,
    DatamoverError,
    NothingSavedError,
    SaveError,
    TaurusDatamoverError,
    Workspace,
    WorkspaceWarning,
)
from taurus_datamover.emulator.site import EmulatedSite


def workspace_names(site: EmulatedSite) -> set[str]:
    return {info.name for info in Workspace(site.bin, now=site.now).list()}


def test_save_file_happy_path(site: EmulatedSite, dm: Datamover) -> None:
    seen: list[Path] = []

    def write(path: Path) -> None:
        seen.append(path)
        path.write_bytes(b"results\n")

    target = site.projects / "p_x" / "-results.csv"
    target.parent.mkdir()
    dm.save(write, target)
    assert target.read_bytes() == b"results\n"
    [local] = seen
    assert local.name == "-results.csv"
    assert not local.exists()  # the cache workspace was released (its data moved away)
    assert workspace_names(site) == set()
    released = Workspace(site.bin, now=site.now).restorable()
    assert len(released) == 1 and "dm-save-" in released[0].id


def test_save_directory_and_hostile_target(site: EmulatedSite, dm: Datamover) -> None:
    def write(path: Path) -> None:
        path.mkdir()
        (path / "a\nb").write_text("1")
        (path / "sub").mkdir()
        (path / "sub" / "c").write_text("2")

    target = site.projects / "model dir\nwith -> stuff"
    dm.save(write, os.fsencode(target))
    assert (target / "a\nb").read_text() == "1"
    assert (target / "sub" / "c").read_text() == "2"
    assert workspace_names(site) == set()


def test_save_overwrites_target_exactly(site: EmulatedSite, dm: Datamover) -> None:
    (site.projects / "out").write_text("old")
    dm.save(lambda p: p.write_text("new"), str(site.projects / "out"))
    assert (site.projects / "out").read_text() == "new"
    assert sorted(os.listdir(site.projects)) == ["out"]  # not copied *into* anything


def test_save_failure_keeps_the_data(site: EmulatedSite, dm: Datamover) -> None:
    target = site.projects / "missing dir" / "out.bin"
    with pytest.raises(SaveError) as info:
        dm.save(lambda p: p.write_bytes(b"precious"), target, cache_id="keepme")
    error = info.value
    assert isinstance(error, DatamoverError)
    assert Path(error.data_path).read_bytes() == b"precious"
    assert error.data_path in str(error) and "keepme" in str(error)
    assert error.workspace_name == "keepme"
    assert "No such file or directory" in error.stderr
    assert "keepme" in workspace_names(site)  # not released
    assert not target.exists()


def test_save_fn_failure_releases_and_propagates(site: EmulatedSite, dm: Datamover) -> None:
    def broken(path: Path) -> None:
        path.write_text("half")
        raise RuntimeError("model exploded")

    with pytest.raises(RuntimeError, match="model exploded"):
        dm.save(broken, site.projects / "out")
    assert workspace_names(site) == set()
    assert not (site.projects / "out").exists()


def test_save_fn_that_writes_nothing(site: EmulatedSite, dm: Datamover) -> None:
    with pytest.raises(NothingSavedError, match="save_fn wrote nothing") as caught:
        dm.save(lambda p: None, site.projects / "out")
    assert isinstance(caught.value, FileNotFoundError) and isinstance(caught.value, TaurusDatamoverError)
    assert workspace_names(site) == set()


def test_save_into_a_given_directory(site: EmulatedSite, dm: Datamover, tmp_path: Path) -> None:
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    dm.save(lambda p: p.write_text("x"), site.projects / "a", workspace=scratch)
    assert (site.projects / "a").read_text() == "x"
    assert os.listdir(scratch) == []  # save's own directory removed, nothing else touched
    with pytest.raises(SaveError) as info:
        dm.save(lambda p: p.write_text("y"), site.projects / "no" / "b", workspace=str(scratch))
    assert Path(info.value.data_path).read_text() == "y"
    assert info.value.workspace_name is None


def test_save_into_a_given_cache_workspace(site: EmulatedSite, dm: Datamover) -> None:
    with CacheWorkspace(id="mine", workspace=Workspace(site.bin, now=site.now)) as cache:
        dm.save(lambda p: p.write_text("1"), site.projects / "one", workspace=cache)
        dm.save(lambda p: p.write_text("2"), site.projects / "two", workspace=cache)
        assert "mine" in workspace_names(site)  # the caller's: not released by save
        assert os.listdir(cache.path) == []
    assert workspace_names(site) == set()
    assert (site.projects / "one").read_text() == "1"
    assert (site.projects / "two").read_text() == "2"


def test_save_with_workspace_tools_and_options(site: EmulatedSite, dm: Datamover) -> None:
    output = dm.save(
        lambda p: p.write_text("z"),
        site.projects / "z",
        workspace=Workspace(site.bin, now=site.now),
        cache_id="named-cache",
        expire_in_days=3,
        time="0:30:00",
        timeout=120,
    )
    assert output.stdout == ""
    assert (site.projects / "z").read_text() == "z"
    assert any("-named-cache-" in released.id for released in Workspace(site.bin, now=site.now).restorable())


def test_save_nonblocking(site: EmulatedSite) -> None:
    dm = Datamover(site.bin, blocking=False)
    dm.save(lambda p: p.write_text("queued"), site.projects / "q")
    assert (site.projects / "q").read_text() == "queued"
    assert workspace_names(site) == set()


def test_save_into_an_existing_workspace_keeps_it(site: EmulatedSite, dm: Datamover) -> None:
    existing = Workspace(site.bin, now=site.now).allocate("mydata", 10)
    (Path(existing.path) / "results.h5").write_bytes(b"a week of work")
    with pytest.warns(WorkspaceWarning, match="'mydata' already existed"):
        dm.save(lambda p: p.write_text("new"), site.projects / "out", cache_id="mydata")
    assert (site.projects / "out").read_text() == "new"
    assert "mydata" in workspace_names(site)  # reused: kept, not released
    assert os.listdir(existing.path) == ["results.h5"]  # only save's own directory removed
    assert (Path(existing.path) / "results.h5").read_bytes() == b"a week of work"
    assert Workspace(site.bin, now=site.now).restorable() == []


def test_save_finds_the_workspace_tools_where_they_are_found_by_default(site: EmulatedSite, tmp_path: Path) -> None:
    """The dt tools alone in their directory: the cache workspace is made with the ws_* tools
    found the usual way (here ``TAURUS_WS_PATH`` in the tools' environment)."""
    dt_only = tmp_path / "dt-only"
    dt_only.mkdir()
    for tool in site.bin.iterdir():
        if not tool.name.startswith("ws_"):
            shutil.copy2(tool, dt_only / tool.name)
    dm = Datamover(dt_only, env={**os.environ, "TAURUS_WS_PATH": str(site.bin)})
    assert not Workspace(dt_only).has_tool("ws_allocate")
    dm.save(lambda p: p.write_text("found"), site.projects / "found")
    assert (site.projects / "found").read_text() == "found"
    assert workspace_names(site) == set()
    assert len(Workspace(site.bin, now=site.now).restorable()) == 1

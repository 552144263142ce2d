"""CacheWorkspace against a real emulated site: allocated at construction, released on
every way out of a ``with`` block, cleanup idempotent, an existing workspace reused."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

import pytest

from taurus_datamover.cache_workspace import CacheWorkspace
from taurus_datamover.emulator import clock
from taurus_datamover.emulator.site import EmulatedSite
from taurus_datamover.errors import WorkspaceError, WorkspaceNotFound
from taurus_datamover.models.workspaces import AllocationResult
from taurus_datamover.workspace import CacheWorkspace as ReExported
from taurus_datamover.workspace import Workspace, WorkspaceWarning

START = datetime(2026, 11, 24, 21, 24, 14, tzinfo=timezone.utc)


@pytest.fixture(autouse=True)
def _plain_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(clock.NOW_ENV, raising=False)


@pytest.fixture(params=["v1", "v2"])
def site(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[EmulatedSite]:
    with EmulatedSite(tmp_path / "site", slurm=False, ws_format=request.param, now=START) as s:
        yield s


@pytest.fixture
def ws(site: EmulatedSite) -> Workspace:
    return site.workspace(now=START)


def released_names(ws: Workspace) -> list[str | None]:
    return [r.name for r in ws.restorable()]


def test_reexported_from_workspace_module() -> None:
    assert ReExported is CacheWorkspace


def test_allocated_at_construction(site: EmulatedSite, ws: Workspace) -> None:
    cache = CacheWorkspace(site.bin)
    assert cache.name == "cache"
    assert cache.path.is_dir()
    assert cache.cache_dir == str(cache.path)
    assert cache.info.name == "cache" and cache.info.filesystem == "horse"
    assert not cache.reused and not cache.released
    assert cache.info.comment == "temporary_files"
    assert ws.get("cache").path == cache.path
    cache.cleanup()


def test_released_on_normal_exit(site: EmulatedSite, ws: Workspace) -> None:
    with CacheWorkspace(site.bin, id="scratch-cache", expire_in_days=2) as cache:
        (cache.path / "tmp.bin").write_bytes(b"\0" * 10)
        assert ws.get("scratch-cache").remaining is not None
    assert cache.released
    assert not cache.path.exists()
    with pytest.raises(WorkspaceNotFound):
        ws.get("scratch-cache")
    assert released_names(ws) == ["scratch-cache"]


def test_released_when_the_block_raises(site: EmulatedSite, ws: Workspace) -> None:
    with pytest.raises(ZeroDivisionError), CacheWorkspace(site.bin) as cache:
        1 / 0  # noqa: B018
    assert cache.released
    assert ws.list() == []
    assert released_names(ws) == ["cache"]


def test_released_on_keyboard_interrupt_in_the_block(site: EmulatedSite, ws: Workspace) -> None:
    with pytest.raises(KeyboardInterrupt), CacheWorkspace(site.bin) as cache:
        raise KeyboardInterrupt
    assert cache.released
    assert ws.list() == []
    assert released_names(ws) == ["cache"]


def test_explicit_cleanup_is_idempotent(site: EmulatedSite, ws: Workspace) -> None:
    cache = CacheWorkspace(site.bin, id="c1")
    cache.cleanup()
    assert cache.released and ws.list() == []
    cache.cleanup()  # a second ws_release would fail: none runs
    assert released_names(ws) == ["c1"]
    with pytest.raises(RuntimeError, match="already released"), cache:
        pass


def test_cleanup_after_someone_else_released_it(site: EmulatedSite, ws: Workspace) -> None:
    cache = CacheWorkspace(site.bin)
    ws.release("cache")
    cache.cleanup()
    assert cache.released
    assert released_names(ws) == ["cache"]


def test_an_existing_workspace_is_reused_and_kept(site: EmulatedSite, ws: Workspace) -> None:
    existing = ws.allocate("cache", 10)
    (Path(existing.path) / "old.txt").write_text("the user's")
    with pytest.warns(WorkspaceWarning, match="already existed.*will not be released"):
        cache = CacheWorkspace(workspace=ws)
    with cache:
        assert cache.reused and not cache.owned
        assert cache.path == Path(existing.path)
        (cache.path / "tmp").write_text("scratch")
    assert not cache.released
    assert [info.name for info in ws.list()] == ["cache"]  # not released
    assert (Path(existing.path) / "old.txt").read_text() == "the user's"
    assert released_names(ws) == []
    cache.cleanup()  # again: still nothing released
    assert [info.name for info in ws.list()] == ["cache"]
    with pytest.raises(RuntimeError, match="cleaned up"), cache:
        pass


def test_kept_when_the_tool_does_not_say_it_created(
    site: EmulatedSite, ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    import taurus_datamover.workspace as workspace_module

    real = workspace_module.parse_ws_allocate

    def silent(stdout: str, stderr: str) -> AllocationResult:
        return real(stdout, stderr).model_copy(update={"action": None})

    monkeypatch.setattr(workspace_module, "parse_ws_allocate", silent)
    with pytest.warns(WorkspaceWarning, match="did not say"), CacheWorkspace(workspace=ws) as cache:
        assert not cache.owned
    assert [info.name for info in ws.list()] == ["cache"]


def test_a_created_workspace_is_owned_and_released(site: EmulatedSite, ws: Workspace) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        cache = CacheWorkspace(workspace=ws)
    assert cache.owned and not cache.reused
    cache.cleanup()
    assert cache.released and ws.list() == []


def test_other_filesystem(site: EmulatedSite, ws: Workspace) -> None:
    with CacheWorkspace(workspace=ws, id="fast", filesystem="walrus") as cache:
        assert cache.filesystem == "walrus"
        assert cache.path.parent == site.root / "walrus" / "ws"
    [released] = ws.restorable()
    assert (released.name, released.filesystem) == ("fast", "walrus")


def test_allocation_refused(site: EmulatedSite) -> None:
    with pytest.raises(WorkspaceError, match="filesystem"):
        CacheWorkspace(site.bin, filesystem="nosuch")


def test_release_failure_during_an_exception_does_not_hide_it(
    site: EmulatedSite, ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = CacheWorkspace(workspace=ws)

    def refuse(name: str, *, filesystem: str | None = None, delete_data: bool = False) -> None:
        raise WorkspaceError("Error: refused for the test")

    monkeypatch.setattr(ws, "release", refuse)

    def interrupted_block() -> None:
        with cache:
            raise KeyboardInterrupt

    with pytest.warns(RuntimeWarning, match="refused for the test"), pytest.raises(KeyboardInterrupt):
        interrupted_block()
    assert not cache.released  # still allocated: cleanup can be called again
    monkeypatch.undo()
    cache.cleanup()
    assert cache.released and ws.list() == []


def test_release_failure_on_normal_exit_propagates(
    site: EmulatedSite, ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = CacheWorkspace(workspace=ws)

    def refuse(name: str, *, filesystem: str | None = None, delete_data: bool = False) -> None:
        raise WorkspaceError("Error: refused for the test")

    monkeypatch.setattr(ws, "release", refuse)
    with pytest.raises(WorkspaceError, match="refused for the test"), cache:
        pass
    monkeypatch.undo()
    cache.cleanup()
    assert ws.list() == []

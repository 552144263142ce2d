"""The run record: atomic JSON manifest, run ids, source listing, past runs."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from taurus_datamover.errors import SyncError
from taurus_datamover.sync.manifest import (
    SOURCE,
    PartRecord,
    PartState,
    RunStore,
    SyncManifest,
    check_run_id,
    list_runs,
    new_run_id,
    now_utc,
    sync_root,
)
from taurus_datamover.sync.tree import TreeItem


def _manifest(run_id: str) -> SyncManifest:
    return SyncManifest(
        run_id=run_id,
        created=now_utc(),
        updated=now_utc(),
        src="/grp/g/bad\udcff",
        dst="/projects/p/new\nline",
        jobs=2,
        verify="size-mtime",
        files=3,
        bytes=10,
        directories=1,
        directories_from="/x/directories.files",
        parts=[PartRecord(index=0, files_from="/x/part-000.files", files=2, bytes=10)],
    )


def test_manifest_round_trip_keeps_names_that_are_not_utf8(tmp_path: Path) -> None:
    run_id = new_run_id()
    store = RunStore(run_id, tmp_path)
    store.create()
    manifest = _manifest(run_id)
    manifest.parts[0].state = PartState.FAILED
    manifest.parts[0].job_ids.append(1234)
    store.save(manifest)
    loaded = store.load()
    assert loaded == manifest
    assert loaded.src == "/grp/g/bad\udcff" and loaded.dst == "/projects/p/new\nline"
    assert os.listdir(store.directory) == ["manifest.json"]  # no temporary file left
    assert store.manifest_path.read_bytes().isascii()


def test_source_listing_round_trip(tmp_path: Path) -> None:
    store = RunStore(new_run_id(), tmp_path)
    store.create()
    items = [TreeItem("a/-x", "file", 3, 1_700_000_000_123_456_789), TreeItem("l", "symlink", 1, None, "t\udcfe")]
    store.save_source(items)
    assert store.load_source() == items


@pytest.mark.parametrize("text", ["5", "null", '[["a"]]', "{not json", '{"a": 1}'])
def test_a_broken_source_listing_is_a_sync_error(tmp_path: Path, text: str) -> None:
    """A listing that is JSON but no list (``5``, ``null``) raised a bare TypeError."""
    store = RunStore(new_run_id(), tmp_path)
    store.create()
    store.save_source([])
    (store.directory / SOURCE).write_text(text)
    with pytest.raises(SyncError, match=r"source listing .* cannot be read"):
        store.load_source()


@pytest.mark.parametrize("bad", ["../etc", "20261201-094500-3FA2C1", "x", "", None, "20261201-094500-3fa2c1/.."])
def test_run_ids_are_checked(bad: object) -> None:
    with pytest.raises(SyncError, match="not a sync run id"):
        check_run_id(bad)
    assert check_run_id(new_run_id())


def test_missing_and_broken_manifests_are_sync_errors(tmp_path: Path) -> None:
    store = RunStore("20261201-094500-3fa2c1", tmp_path)
    with pytest.raises(SyncError, match="no sync run"):
        store.load()
    store.create()
    store.manifest_path.write_text("{not json")
    with pytest.raises(SyncError, match="cannot be read"):
        store.load()


def test_list_runs_oldest_first_and_skips_other_directories(tmp_path: Path) -> None:
    for run_id in ("20261201-094500-aaaaaa", "20261130-120000-bbbbbb"):
        store = RunStore(run_id, tmp_path)
        store.create()
        store.save(_manifest(run_id))
    (tmp_path / "not-a-run").mkdir()
    assert [m.run_id for m in list_runs(tmp_path)] == ["20261130-120000-bbbbbb", "20261201-094500-aaaaaa"]
    assert list_runs(tmp_path / "none") == []


def test_sync_root_follows_xdg_cache_home(tmp_path: Path) -> None:
    assert sync_root({"XDG_CACHE_HOME": str(tmp_path)}) == tmp_path / "taurus-datamover" / "sync"

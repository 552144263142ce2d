"""The source tree read through the emulated dtls (real GNU ls), every name exactly."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from taurus_datamover import Datamover
from taurus_datamover.emulator.site import EmulatedSite
from taurus_datamover.sync.tree import list_tree


@pytest.fixture
def site(tmp_path: Path) -> Iterator[EmulatedSite]:
    with EmulatedSite(tmp_path / "site", slurm=False) as emulated:
        yield emulated


def test_tree_items_match_lstat(site: EmulatedSite) -> None:
    top = site.grp / "data"
    (top / "sub dir" / "empty").mkdir(parents=True)
    (top / "-dash").write_bytes(b"x" * 5)
    (top / "new\nline").write_bytes(b"yy")
    (top / ".hidden").write_bytes(b"")
    with open(os.fsencode(top / "sub dir") + b"/bad\xff", "wb") as handle:
        handle.write(b"zzz")
    os.symlink("../-dash", top / "sub dir" / "l -> k")
    items = list_tree(Datamover(site.bin), str(top))
    assert items is not None
    by_path = {item.path: item for item in items}
    expected = set()
    for dirpath, dirnames, filenames in os.walk(os.fsencode(top)):
        for name in dirnames + filenames:
            expected.add(os.fsdecode(os.path.relpath(os.path.join(dirpath, name), os.fsencode(top))))
    assert set(by_path) == expected
    for path, item in by_path.items():
        st = os.lstat(os.fsencode(top) + b"/" + os.fsencode(path))
        assert item.mtime_ns == st.st_mtime_ns
        if item.kind == "file":
            assert item.size == st.st_size
    assert by_path["sub dir/l -> k"].kind == "symlink" and by_path["sub dir/l -> k"].target == "../-dash"
    assert by_path["sub dir/empty"].kind == "directory"


def test_a_file_is_not_a_tree(site: EmulatedSite) -> None:
    (site.grp / "f").write_bytes(b"1")
    assert list_tree(Datamover(site.bin), str(site.grp / "f")) is None

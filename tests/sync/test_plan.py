"""Splitting a tree into parts (pure): balance, large files alone, directories, lists."""

from __future__ import annotations

import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from taurus_datamover.errors import SyncError, SyncFileListError
from taurus_datamover.sync.plan import (
    FILE_COST,
    check_jobs,
    check_paths,
    directory_paths,
    encode_file_list,
    place_empty_directories,
    split,
)
from taurus_datamover.sync.tree import TreeItem


def _file(path: str, size: int) -> TreeItem:
    return TreeItem(path, "file", size, 0)


def _cost(item: TreeItem) -> int:
    return (item.size if item.kind == "file" else 0) + FILE_COST


def test_balanced_by_bytes_and_count() -> None:
    items = [_file(f"f{i:04d}", 10_000) for i in range(1000)]
    parts = split(items, 4)
    assert [p.files for p in parts] == [250, 250, 250, 250]
    assert {p.bytes for p in parts} == {2_500_000}


def test_a_large_file_is_a_part_of_its_own() -> None:
    items = [_file("big", 300_000_000), *(_file(f"s{i}", 1000) for i in range(300))]
    parts = split(items, 4)
    assert parts[0].paths == ("big",) and parts[0].files == 1
    assert sum(p.files for p in parts[1:]) == 300
    assert max(p.files for p in parts[1:]) - min(p.files for p in parts[1:]) <= 1


def test_fewer_files_than_jobs_gives_fewer_parts() -> None:
    assert len(split([_file("a", 1), _file("b", 2)], 8)) == 2


def test_directories_are_listed_apart_and_a_tree_of_directories_has_no_part() -> None:
    items = [TreeItem("d/e", "directory", 0, 0), TreeItem("d", "directory", 0, 0), _file("d/x", 5), _file("y", 5)]
    parts = split(items, 2)
    assert sorted(p for part in parts for p in part.paths) == ["d/x", "y"]
    assert directory_paths(items) == ["d", "d/e"]
    assert split([TreeItem("empty", "directory", 0, 0)], 4) == []
    assert split([], 4) == []


def _dir(path: str) -> TreeItem:
    return TreeItem(path, "directory", 0, 0)


def test_only_empty_directories_are_listed_round_the_parts() -> None:
    items = [_dir("d"), _dir("d/e"), _dir("d/e/f"), _dir("g"), _dir("h"), _file("d/x", 5), _file("g/y", 5)]
    parts = place_empty_directories(split(items, 2), items)
    assert [p.directories for p in parts] == [("d/e/f",), ("h",)]  # d and g are made for d/x and g/y
    assert sorted(p for part in parts for p in part.listed) == ["d/e/f", "d/x", "g/y", "h"]
    assert [p.files for p in parts] == [1, 1]
    assert place_empty_directories(split(items[-2:], 2), items[-2:]) == split(items[-2:], 2)


def test_a_tree_of_directories_is_one_part_of_directories() -> None:
    (part,) = place_empty_directories([], [_dir("a"), _dir("a/b"), _dir("c")])
    assert part.listed == ("a/b", "c") and part.files == 0 and part.bytes == 0
    assert place_empty_directories([], []) == []


def test_symlinks_and_specials_are_entries_without_bytes() -> None:
    items = [TreeItem("l", "symlink", 40, 0, "target"), TreeItem("p", "special", 0, 0), _file("f", 7)]
    parts = split(items, 1)
    assert parts[0].files == 3 and parts[0].bytes == 7


@pytest.mark.parametrize("jobs", [0, -1, True, 1.5, "4", None])
def test_jobs_must_be_a_positive_whole_number(jobs: object) -> None:
    with pytest.raises(SyncError, match="at least 1"):
        check_jobs(jobs)


@pytest.mark.parametrize(
    ("src", "dst", "word"),
    [
        ("/grp/g/data", "/grp/g/data", "inside"),
        ("/grp/g/data", "/grp/g/data/copy", "inside"),
        ("/grp/g/data/", "/grp/g/data/./sub/../copy", "inside"),
        ("/grp/g/data", "/grp/g", "contains"),
        ("/", "/x", "whole file system"),
    ],
)
def test_destination_inside_source_is_refused(src: str, dst: str, word: str) -> None:
    with pytest.raises(SyncError, match=word):
        check_paths(src, dst)


def test_paths_are_made_absolute_and_normal(tmp_path: object, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir("/")
    assert check_paths("grp/a/", "/projects//b/") == ("/grp/a", "/projects/b")
    assert check_paths("/grp/data", "/grp/data2") == ("/grp/data", "/grp/data2")


def test_a_symlinked_destination_inside_the_source_is_refused(tmp_path: os.PathLike[str]) -> None:
    src = os.path.join(tmp_path, "src")
    os.mkdir(src)
    os.symlink(src, os.path.join(tmp_path, "alias"))
    with pytest.raises(SyncError, match="inside"):
        check_paths(src, os.path.join(tmp_path, "alias", "copy"))


def test_file_list_keeps_every_byte() -> None:
    names = ["-rf", "new\nline", "bad\udcff", "sp ace", "a/b c/d"]
    data = encode_file_list(names)
    assert data.split(b"\0")[:-1] == [os.fsencode(n) for n in names]
    assert data.endswith(b"\0")
    for bad in ("nul\0inside", ""):
        with pytest.raises(SyncFileListError, match="not a relative file name") as caught:
            encode_file_list([bad])
        assert isinstance(caught.value, ValueError) and isinstance(caught.value, SyncError)


_names = st.text(
    alphabet=st.characters(blacklist_characters="\0/", blacklist_categories=("Cs",)), min_size=1, max_size=12
)
_items = st.dictionaries(
    _names,
    st.one_of(
        st.integers(min_value=0, max_value=10**9).map(lambda s: ("file", s)),
        st.just(("directory", 0)),
        st.just(("symlink", 10)),
    ),
    max_size=60,
).map(lambda d: [TreeItem(name, kind, size, 0) for name, (kind, size) in d.items()])  # type: ignore[arg-type]


@settings(max_examples=60, deadline=None)
@given(items=_items, jobs=st.integers(min_value=1, max_value=9))
def test_split_properties(items: list[TreeItem], jobs: int) -> None:
    parts = split(items, jobs)
    listed = [path for part in parts for path in part.paths]
    entries = [item for item in items if item.kind != "directory"]
    assert sorted(listed) == sorted(item.path for item in entries)  # each entry exactly once
    assert len(parts) <= jobs and all(part.files >= 1 for part in parts)
    assert split(items, jobs) == parts  # deterministic
    if not entries:
        return
    by_path = {item.path: item for item in items}
    loads = [sum(_cost(by_path[p]) for p in part.paths) for part in parts]
    fair = sum(_cost(item) for item in entries) / len(parts)
    biggest = max(_cost(item) for item in entries)
    assert max(loads) <= fair + biggest  # LPT's bound
    ordered = sorted(entries, key=lambda item: (-_cost(item), item.path))
    solos = [item for item in ordered[: len(parts) - 1] if _cost(item) >= fair]
    for item in solos:  # a file worth a part of its own is never shared
        (part,) = [part for part in parts if item.path in part.paths]
        assert part.files == 1

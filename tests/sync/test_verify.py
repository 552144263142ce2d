"""The comparisons of verification (pure): size-mtime over two listings, checksum lines."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from tests.support.rsync_names import encode_rsync_name

from taurus_datamover.sync.submit import ITEM_TAG
from taurus_datamover.sync.tree import TreeItem
from taurus_datamover.sync.verify import checksum_result, compare_trees


def test_kinds_sizes_times_and_targets() -> None:
    source = [
        TreeItem("d", "directory", 4096, 1),
        TreeItem("d/f", "file", 10, 5),
        TreeItem("g", "file", 10, 5),
        TreeItem("l", "symlink", 1, 5, "x"),
        TreeItem("gone", "file", 1, 1),
        TreeItem("now a dir", "file", 1, 1),
    ]
    copy = [
        TreeItem("d", "directory", 4096, 99),  # directory times are not compared
        TreeItem("d/f", "file", 10, 5),
        TreeItem("g", "file", 10, 6),
        TreeItem("l", "symlink", 1, 7, "y"),
        TreeItem("now a dir", "directory", 0, 1),
        TreeItem("new", "file", 1, 1),
    ]
    found = compare_trees(source, copy)
    assert found.differ == ["g", "l", "now a dir"] and found.missing == ["gone"] and found.extra == ["new"]
    assert found.checked == 6 and not found.ok


_paths = st.lists(st.text(alphabet="ab/\n\udcff -", min_size=1, max_size=6), unique=True, max_size=25)


@settings(max_examples=60, deadline=None)
@given(paths=_paths, data=st.data())
def test_every_change_is_found_and_nothing_else(paths: list[str], data: st.DataObject) -> None:
    source = [TreeItem(p, "file", i, 1000 + i) for i, p in enumerate(paths)]
    fate = {p: data.draw(st.sampled_from(["same", "size", "time", "gone"]), label=p) for p in paths}
    copy = []
    for item in source:
        if fate[item.path] == "same":
            copy.append(item)
        elif fate[item.path] == "size":
            copy.append(TreeItem(item.path, "file", item.size + 1, item.mtime_ns))
        elif fate[item.path] == "time":
            copy.append(TreeItem(item.path, "file", item.size, (item.mtime_ns or 0) + 1))
    found = compare_trees(source, copy)
    assert found.differ == sorted(p for p in paths if fate[p] in ("size", "time"))
    assert found.missing == sorted(p for p in paths if fate[p] == "gone")
    assert found.extra == [] and found.ok == all(f == "same" for f in fate.values())


def test_checksum_lines() -> None:
    lines = [
        f"{ITEM_TAG}>fc........ {encode_rsync_name(b'bad' + bytes([255]))}",  # other bytes
        f"{ITEM_TAG}.f..t...... touched only",  # time only: the content matches
        f"{ITEM_TAG}>f+++++++++ new\\#012line",
        f"{ITEM_TAG}cd+++++++++ empty/",
        f"{ITEM_TAG}.d..t...... ./",
        f"{ITEM_TAG}cL.c....... link",
        'rsync: [sender] link_stat "/src/x" failed: No such file or directory (2)',
    ]
    found = checksum_result(["\n".join(lines[:3]), "\n".join(lines[3:])], checked=9)
    assert found.differ == ["bad\udcff", "link"] and found.missing == ["empty", "new\nline"]
    assert found.mode == "checksum" and found.checked == 9

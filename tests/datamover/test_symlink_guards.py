"""Issue 10 items 2 and 11 through an emulated site: a symlink to a directory written with a
trailing slash is never a way to delete or move the directory behind it, and ``walk``
finds the same tree however its top is spelt, a top that is a link included.

Ground truth is the file system (``os.walk``, ``os.lstat``, file contents).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from taurus_datamover import Datamover, DatamoverError, EntryType
from taurus_datamover.emulator.site import EmulatedSite


def make_linked_tree(top: Path) -> Path:
    """``top/d`` with files, sub-directories and ``link -> ../target``; returns ``top/d``."""
    target = top / "target"
    (target / "inner" / "deep").mkdir(parents=True)
    (target / "keep.txt").write_text("precious")
    (target / "inner" / "deep" / "more.txt").write_text("more")
    d = top / "d"
    (d / "sub" / "deeper").mkdir(parents=True)
    (d / "a.txt").write_text("a")
    (d / "sub" / "b.txt").write_text("b")
    (d / "sub" / "deeper" / "c.txt").write_text("c")
    os.symlink("../target", d / "link")
    return d


def target_files(top: Path) -> dict[str, str]:
    target = top / "target"
    return {str(p.relative_to(target)): p.read_text() for p in sorted(target.rglob("*")) if p.is_file()}


# ---------------------------------------------------------------------- item 2: rm, mv, stat
@pytest.mark.parametrize("tool", ["dtrm", "dtmv"])
def test_a_link_with_a_trailing_slash_is_refused(site: EmulatedSite, dm: Datamover, tmp_path: Path, tool: str) -> None:
    """``rm -r link/`` deletes the contents of the directory behind the link; ``mv link/``
    to another file system copies them, then empties the directory: both refused."""
    d = make_linked_tree(site.grp)
    before = target_files(site.grp)
    elsewhere = Path("/dev/shm") if os.path.isdir("/dev/shm") else tmp_path
    dest = elsewhere / f"taurus-moved-{os.getpid()}"

    def act(*paths: str | bytes | Path) -> object:
        return dm.rm(*paths, recursive=True) if tool == "dtrm" else dm.mv(*paths, dst=dest)

    for spelling in (f"{d}/link/", f"{d}/link//", os.fsencode(f"{d}/link/")):
        with pytest.raises(DatamoverError, match=f"refusing to run {tool}") as caught:
            act(spelling)
        assert "link/" in str(caught.value) and "'../target'" in str(caught.value)
        assert "Nothing was changed" in str(caught.value)
    with pytest.raises(DatamoverError, match="refusing"):  # among other operands: nothing runs
        act(d / "a.txt", f"{d}/link/")
    assert target_files(site.grp) == before
    assert (d / "a.txt").exists() and os.path.islink(d / "link") and not dest.exists()


def test_rm_of_a_real_directory_with_trailing_slash_still_works(site: EmulatedSite, dm: Datamover) -> None:
    d = make_linked_tree(site.grp)
    dm.rm(f"{d}/sub/", recursive=True).result(timeout=60)
    assert not (d / "sub").exists()
    dm.rm(f"{d}/link", recursive=True).result(timeout=60)  # without the slash: the link itself
    assert not os.path.lexists(d / "link")
    assert target_files(site.grp) == {"keep.txt": "precious", "inner/deep/more.txt": "more"}


def test_rm_of_a_missing_path_with_slash_is_left_to_rm(site: EmulatedSite, dm: Datamover) -> None:
    with pytest.raises(DatamoverError, match="No such file"):
        dm.rm(f"{site.grp}/nothing/", recursive=True).result(timeout=60)


def test_stat_of_link_with_slash_names_the_base_and_remove_keeps_the_target(site: EmulatedSite, dm: Datamover) -> None:
    d = make_linked_tree(site.grp)
    before = target_files(site.grp)
    entry = dm.stat(f"{d}/link/")
    assert entry.name == "link" and entry.directory == str(d)  # not the whole path
    assert entry.type is EntryType.DIRECTORY  # ls -ld link/ describes the directory behind it
    assert dm.stat(f"{d}/sub//").name == "sub"
    assert dm.stat("/").name == "/"
    entry.remove().result(timeout=60)  # acts on the link itself (its path has no slash)
    assert not os.path.lexists(d / "link")
    assert target_files(site.grp) == before


# ---------------------------------------------------------------------- item 11: walk
def os_walk_like_ours(top: str) -> list[tuple[str, list[str], list[str]]]:
    """os.walk, with symlinks to directories among the files (ours never follows them)."""
    walked = []
    for dirpath, dirnames, filenames in os.walk(top):
        links = [n for n in dirnames if os.path.islink(os.path.join(dirpath, n))]
        walked.append((dirpath, sorted(set(dirnames) - set(links)), sorted(filenames + links)))
    return walked


def ours(dm: Datamover, top: str) -> list[tuple[str, list[str], list[str]]]:
    return [(p, sorted(e.name for e in ds), sorted(e.name for e in fs)) for p, ds, fs in dm.walk(top)]


@pytest.mark.parametrize("spelling", ["{d}//", "{d}/", "{d}///", "{d}/./", "{d}/sub/../"])
def test_walk_of_odd_spellings_matches_os_walk(site: EmulatedSite, dm: Datamover, spelling: str) -> None:
    d = make_linked_tree(site.grp)
    top = spelling.format(d=d)
    walked = ours(dm, top)
    assert walked == os_walk_like_ours(top)
    assert sum(len(files) for _, _, files in walked) == 4  # a.txt, link, b.txt, c.txt
    for _dirpath, dirs, files in dm.walk(top):
        for entry in dirs + files:
            assert os.path.lexists(entry.path), entry.path


def test_walk_of_a_link_to_a_directory_descends_like_os_walk(site: EmulatedSite, dm: Datamover) -> None:
    d = make_linked_tree(site.grp)
    top = str(d / "link")
    walked = ours(dm, top)
    assert walked == os_walk_like_ours(top)
    assert walked[0] == (top, ["inner"], ["keep.txt"])
    assert [p for p, _, _ in walked] == [top, f"{top}/inner", f"{top}/inner/deep"]
    # a link below the top is not followed
    assert ours(dm, str(d))[0][2] == ["a.txt", "link"]

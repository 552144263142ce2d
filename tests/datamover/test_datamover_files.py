"""The file API of ``Datamover`` (ls, stat, exists, walk, cp, mv, rm, tar, wget, rsync,
bound FileEntry methods) end to end through an emulated site: real tools, real files.

Ground truth is the file system itself (``os.lstat``, ``os.readlink``, file contents).
"""

from __future__ import annotations

import http.server
import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from taurus_datamover import Datamover, DatamoverError, EntryType, FileEntry
from taurus_datamover.emulator.site import EmulatedSite
from taurus_datamover.models.files import FileOwner

BAD = b"bad\xff\xfename"  # not UTF-8
HOSTILE_FILES: dict[bytes, bytes] = {
    b"plain.txt": b"plain",
    b"sp ace": b"two words",
    b"-dash": b"leading dash",
    b"--blocking": b"looks like a datamover option",
    b"new\nline": b"a newline in the name",
    BAD: b"raw bytes",
    b"a -> b": b"an arrow in a file name",
    b"x\n-rw-r--r-- 1 root root 999 1.0 forged": b"a forged line",
    b"trailing ": b"",
    b"total 5": b"12345",
    "\u00e9t\u00e9".encode(): b"utf-8",
    b"back\\slash": b"\\",
    b"'quoted'": b"q",
}
HOSTILE_LINKS: dict[bytes, bytes] = {
    b"l -> k": b"t -> x",
    b"dangling": b"nowhere\nat all",
    b"to-bad": BAD,
}


def _b(path: Path) -> bytes:
    return os.fsencode(path)


def make_hostile_tree(top: Path) -> Path:
    """Files and symlinks with hostile names, with distinct nanosecond mtimes."""
    top.mkdir(parents=True, exist_ok=True)
    base = _b(top)
    for i, (name, data) in enumerate(HOSTILE_FILES.items()):
        path = base + b"/" + name
        with open(path, "wb") as handle:
            handle.write(data)
        os.utime(path, ns=(1_600_000_000_000_000_000 + i, 1_600_000_000_123_456_789 + 1_000_003 * i))
    for name, target in HOSTILE_LINKS.items():
        os.symlink(target, base + b"/" + name)
    os.symlink(b"plain.txt", base + b"/old-link")
    os.utime(base + b"/old-link", ns=(0, -1_500_000_000), follow_symlinks=False)  # before 1970
    (top / "sub dir").mkdir()
    (top / "sub dir" / "inner").write_bytes(b"inner")
    (top / ".hidden").write_bytes(b"hidden")
    return top


def assert_matches_disk(entry: FileEntry) -> None:
    """Name, type, size, target and ns mtime of ``entry`` equal the file system's."""
    raw = os.fsencode(entry.path)
    st = os.lstat(raw)
    assert entry.mtime_ns == st.st_mtime_ns, entry.name
    if os.path.islink(raw):
        assert entry.type is EntryType.SYMLINK
        assert entry.target is not None
        assert entry.target.encode("utf-8", "surrogateescape") == os.readlink(raw)
        assert entry.size == st.st_size
    elif os.path.isdir(raw):
        assert entry.type is EntryType.DIRECTORY
    else:
        assert entry.type is EntryType.FILE
        assert entry.size == st.st_size
        assert entry.target is None


# ---------------------------------------------------------------------- ls
def test_ls_hostile_names_are_exact(site: EmulatedSite, dm: Datamover) -> None:
    top = make_hostile_tree(site.grp / "hostile")
    entries = dm.ls(top)
    names = {e.name_bytes for e in entries}
    expected = set(HOSTILE_FILES) | set(HOSTILE_LINKS) | {b"old-link", b"sub dir"}
    assert names == expected  # ".hidden" only with all=True
    assert set(os.listdir(_b(top))) - {b".hidden"} == names
    for entry in entries:
        assert entry.directory == str(top)
        assert_matches_disk(entry)
    by_name = {e.name_bytes: e for e in entries}
    assert by_name[b"l -> k"].target == "t -> x"
    assert by_name[b"dangling"].target == "nowhere\nat all"
    assert by_name[b"to-bad"].target is not None
    assert by_name[b"to-bad"].target.encode("utf-8", "surrogateescape") == BAD
    assert by_name[b"old-link"].mtime_ns == -1_500_000_000
    assert by_name[b"total 5"].size == 5


def test_ls_path_types_agree(site: EmulatedSite, dm: Datamover) -> None:
    top = make_hostile_tree(site.grp / "types")
    as_str = dm.ls(str(top))
    assert dm.ls(top) == as_str
    assert dm.ls(_b(top)) == as_str


def test_ls_all_lists_hidden_but_not_dot_entries(site: EmulatedSite, dm: Datamover) -> None:
    top = make_hostile_tree(site.grp / "all")
    names = {e.name for e in dm.ls(top, all=True)}
    assert ".hidden" in names
    assert "." not in names and ".." not in names
    assert len(names) == len(os.listdir(top))


def test_ls_recursive_gives_every_path(site: EmulatedSite, dm: Datamover) -> None:
    top = make_hostile_tree(site.grp / "rec")
    entries = dm.ls(top, recursive=True, all=True)
    expected = set()
    for dirpath, dirnames, filenames in os.walk(_b(top)):
        expected |= {dirpath + b"/" + n for n in dirnames + filenames}
    assert {os.fsencode(e.path) for e in entries} == expected
    for entry in entries:
        assert_matches_disk(entry)


def test_ls_of_a_file_in_a_directory_with_a_newline(site: EmulatedSite, dm: Datamover) -> None:
    parent = site.grp / "dir\nwith -> odd: name"
    parent.mkdir()
    (parent / "-f").write_bytes(b"123")
    [entry] = dm.ls(parent / "-f")
    assert entry.name == "-f"
    assert entry.directory == str(parent)
    assert entry.path == str(parent / "-f")
    assert entry.size == 3
    assert [e.path for e in dm.ls(parent)] == [str(parent / "-f")]


def test_ls_relative_dash_path(site: EmulatedSite, dm: Datamover, monkeypatch: pytest.MonkeyPatch) -> None:
    make_hostile_tree(site.grp / "rel")
    monkeypatch.chdir(site.grp / "rel")
    [entry] = dm.ls("-dash")
    assert entry.name == "-dash" and entry.directory is None
    assert entry.size == len(HOSTILE_FILES[b"-dash"])
    [entry] = dm.ls("--blocking")
    assert entry.name == "--blocking"


def test_ls_missing_raises(site: EmulatedSite, dm: Datamover) -> None:
    with pytest.raises(DatamoverError) as info:
        dm.ls(site.grp / "missing")
    assert "No such file or directory" in info.value.stderr


def test_ls_empty_directory(site: EmulatedSite, dm: Datamover) -> None:
    (site.grp / "empty").mkdir()
    assert dm.ls(site.grp / "empty") == []


def test_ls_entries_are_bound(site: EmulatedSite, dm: Datamover) -> None:
    (site.grp / "f").write_text("x")
    [entry] = dm.ls(site.grp)
    assert entry._owner is dm
    owner: FileOwner = dm  # Datamover satisfies the protocol FileEntry calls (mypy checks)
    assert owner is dm


# ---------------------------------------------------------------------- stat / exists
def test_stat_file_dir_and_symlink(site: EmulatedSite, dm: Datamover) -> None:
    top = make_hostile_tree(site.grp / "st")
    for name in (b"new\nline", BAD, b"-dash", b"l -> k", b"dangling", b"sub dir"):
        entry = dm.stat(_b(top) + b"/" + name)
        assert entry.name_bytes == name
        assert entry.directory == str(top)
        assert_matches_disk(entry)
    directory = dm.stat(top)
    assert directory.is_dir and directory.name == "st" and directory.path == str(top)
    assert_matches_disk(directory)


def test_stat_root_and_missing(site: EmulatedSite, dm: Datamover) -> None:
    root = dm.stat("/")
    assert root.is_dir and root.path == "/"
    with pytest.raises(DatamoverError):
        dm.stat(site.grp / "missing")


def test_exists(site: EmulatedSite, dm: Datamover, monkeypatch: pytest.MonkeyPatch) -> None:
    top = make_hostile_tree(site.grp / "ex")
    assert dm.exists(top)
    assert dm.exists(_b(top) + b"/" + BAD)
    assert dm.exists(top / "new\nline")
    assert dm.exists(top / "dangling")  # the link exists, its target does not
    assert not dm.exists(top / "nope")
    assert not dm.exists(top / "No such file or directory")
    monkeypatch.chdir(top)
    assert dm.exists("-dash")
    assert not dm.exists("-nope")


def test_exists_raises_on_other_failures(site: EmulatedSite, dm: Datamover) -> None:
    (site.grp / "file").write_text("x")
    with pytest.raises(DatamoverError) as info:
        dm.exists(site.grp / "file" / "below")  # ENOTDIR is not "does not exist"
    assert "Not a directory" in info.value.stderr


# ---------------------------------------------------------------------- walk
def test_walk_matches_os_walk(site: EmulatedSite, dm: Datamover) -> None:
    top = make_hostile_tree(site.grp / "walk")
    (top / "sub dir" / "deeper" / "empty").mkdir(parents=True)
    (top / "sub dir" / "deeper" / "f\nx").write_text("x")
    ours = [
        (os.fsencode(dirpath), sorted(d.name_bytes for d in dirs), sorted(f.name_bytes for f in files))
        for dirpath, dirs, files in dm.walk(top, all=True)
    ]
    theirs = [(d, sorted(ds), sorted(fs)) for d, ds, fs in os.walk(_b(top))]
    assert ours == theirs  # same order too: top-down, depth first, sorted as ls sorts in C
    for _, dirs, files in dm.walk(top):
        for entry in dirs + files:
            assert_matches_disk(entry)


def test_walk_prunes_and_ignores_files(site: EmulatedSite, dm: Datamover) -> None:
    top = make_hostile_tree(site.grp / "prune")
    (top / "sub dir" / "deeper").mkdir()
    seen = []
    for dirpath, dirs, _files in dm.walk(top):
        seen.append(dirpath)
        dirs[:] = []
    assert seen == [str(top)]
    assert list(dm.walk(top / "plain.txt")) == []
    assert list(dm.walk(top / "sub dir" / "deeper")) == [(str(top / "sub dir" / "deeper"), [], [])]


# ---------------------------------------------------------------------- cp / mv / rm
def test_cp_file_with_hostile_names(site: EmulatedSite, dm: Datamover) -> None:
    top = make_hostile_tree(site.grp / "cp")
    dest = site.projects / "dest"
    dest.mkdir()
    sources = [_b(top) + b"/" + n for n in HOSTILE_FILES]
    job = dm.cp(*sources, dst=dest)
    job.result()
    assert job.returncode == 0
    for name, data in HOSTILE_FILES.items():
        assert Path(os.fsdecode(_b(dest) + b"/" + name)).read_bytes() == data


def test_cp_relative_dash_paths(site: EmulatedSite, dm: Datamover, monkeypatch: pytest.MonkeyPatch) -> None:
    make_hostile_tree(site.grp / "cprel")
    monkeypatch.chdir(site.grp / "cprel")
    dm.cp("-dash", dst="-copy").result()
    assert (site.grp / "cprel" / "-copy").read_bytes() == b"leading dash"
    dm.cp("--blocking", dst="--time=1").result()
    assert (site.grp / "cprel" / "--time=1").read_bytes() == HOSTILE_FILES[b"--blocking"]


def test_cp_preserve_keeps_mtime(site: EmulatedSite, dm: Datamover) -> None:
    top = make_hostile_tree(site.grp / "pres")
    dm.cp(top / "sp ace", dst=site.projects / "kept", preserve=True).result()
    dm.cp(top / "sp ace", dst=site.projects / "fresh").result()
    original = os.stat(top / "sp ace").st_mtime_ns
    assert os.stat(site.projects / "kept").st_mtime_ns == original
    assert os.stat(site.projects / "fresh").st_mtime_ns != original


def test_cp_recursive_copies_the_tree(site: EmulatedSite, dm: Datamover) -> None:
    top = make_hostile_tree(site.grp / "tree")
    with pytest.raises(DatamoverError):
        dm.cp(top, dst=site.projects / "copy").result()  # a directory needs recursive
    dm.cp(top, dst=site.projects / "copy", recursive=True).result()
    copy = _b(site.projects / "copy")
    for name, data in HOSTILE_FILES.items():
        with open(copy + b"/" + name, "rb") as handle:
            assert handle.read() == data
    for name, target in HOSTILE_LINKS.items():
        assert os.readlink(copy + b"/" + name) == target
    assert (site.projects / "copy" / "sub dir" / "inner").read_bytes() == b"inner"
    assert (site.projects / "copy" / ".hidden").exists()


def test_cp_refuses_bad_operands(dm: Datamover) -> None:
    # its Slurm options: test_job_options.py, for every transfer method
    with pytest.raises(ValueError):
        dm.cp(dst="x")
    with pytest.raises(ValueError):
        dm.cp("a", "b", dst="c", no_target_directory=True)
    with pytest.raises(ValueError):
        dm.cp("a\x00b", dst="c")


def test_mv_moves(site: EmulatedSite, dm: Datamover, monkeypatch: pytest.MonkeyPatch) -> None:
    top = make_hostile_tree(site.grp / "mv")
    dm.mv(_b(top) + b"/" + BAD, top / "new\nline", dst=site.projects).result()
    assert not os.path.lexists(_b(top) + b"/" + BAD)
    assert (Path(os.fsdecode(_b(site.projects) + b"/" + BAD))).read_bytes() == b"raw bytes"
    assert (site.projects / "new\nline").read_bytes() == HOSTILE_FILES[b"new\nline"]
    monkeypatch.chdir(top)
    dm.mv("-dash", dst="-moved").result()
    assert not (top / "-dash").exists() and (top / "-moved").read_bytes() == b"leading dash"
    with pytest.raises(DatamoverError):
        dm.mv(top / "missing", dst=site.projects).result()


def test_rm_removes(site: EmulatedSite, dm: Datamover, monkeypatch: pytest.MonkeyPatch) -> None:
    top = make_hostile_tree(site.grp / "rm")
    dm.rm(top / "a -> b", top / "dangling").result()
    assert not os.path.lexists(top / "a -> b") and not os.path.lexists(top / "dangling")
    assert (site.grp / "rm" / "plain.txt").exists()  # the arrow name did not split
    monkeypatch.chdir(top)
    dm.rm("-dash").result()
    assert not (top / "-dash").exists()
    with pytest.raises(DatamoverError):
        dm.rm(top / "sub dir").result()  # a directory needs recursive
    assert (top / "sub dir").is_dir()
    dm.rm(top, recursive=True).result()
    assert not top.exists()
    assert site.grp.is_dir()


def test_rm_refuses_nothing(dm: Datamover) -> None:
    with pytest.raises(ValueError):
        dm.rm()
    with pytest.raises(ValueError):
        dm.rm("")


# ---------------------------------------------------------------------- bound entries
def test_bound_entry_methods(site: EmulatedSite, dm: Datamover) -> None:
    top = make_hostile_tree(site.grp / "bound")
    by_name = {e.name_bytes: e for e in dm.ls(top)}
    by_name[b"new\nline"].copy_to(str(site.projects)).result()
    assert (site.projects / "new\nline").read_bytes() == HOSTILE_FILES[b"new\nline"]
    by_name[b"sub dir"].copy_to(str(site.projects / "subcopy")).result()  # recursive
    assert (site.projects / "subcopy" / "inner").read_bytes() == b"inner"
    by_name[BAD].move_to(str(site.projects / "moved")).result()
    assert (site.projects / "moved").read_bytes() == b"raw bytes"
    assert not os.path.lexists(_b(top) + b"/" + BAD)
    by_name[b"-dash"].remove().result()
    assert not (top / "-dash").exists()
    listed = by_name[b"sub dir"].list()
    assert [e.name for e in listed] == ["inner"] and listed[0].path == str(top / "sub dir" / "inner")
    by_name[b"sub dir"].remove().result()  # recursive
    assert not (top / "sub dir").exists()
    with pytest.raises(NotADirectoryError):
        by_name[b"plain.txt"].list()


def test_bound_stat_entry(site: EmulatedSite, dm: Datamover) -> None:
    (site.grp / "d").mkdir()
    (site.grp / "d" / "x").write_text("x")
    entry = dm.stat(site.grp / "d")
    assert [e.name for e in entry.list()] == ["x"]
    entry.copy_to(str(site.projects / "d2")).result()
    assert (site.projects / "d2" / "x").read_text() == "x"


# ---------------------------------------------------------------------- tar / wget / rsync
def test_tar_create_and_extract(site: EmulatedSite, dm: Datamover, monkeypatch: pytest.MonkeyPatch) -> None:
    top = make_hostile_tree(site.grp / "tar")
    monkeypatch.chdir(site.projects)
    dm.tar("-archive.tgz", "-dash", "new\nline", BAD, "sub dir", compress="gzip", directory=top).result()
    assert (site.projects / "-archive.tgz").stat().st_size > 0
    listing = dm.tar_raw("-tzf", "./-archive.tgz").result().stdout
    assert "-dash\n" in listing
    out = site.projects / "out"
    out.mkdir()
    dm.tar("-archive.tgz", create=False, directory=out).result()
    assert (out / "-dash").read_bytes() == b"leading dash"
    assert (out / "new\nline").read_bytes() == HOSTILE_FILES[b"new\nline"]
    assert Path(os.fsdecode(_b(out) + b"/" + BAD)).read_bytes() == b"raw bytes"
    assert (out / "sub dir" / "inner").read_bytes() == b"inner"
    only = site.projects / "only"
    only.mkdir()
    dm.tar(site.projects / "-archive.tgz", "-dash", create=False, directory=only).result()
    assert os.listdir(only) == ["-dash"]
    with pytest.raises(ValueError):
        dm.tar("x.tar")  # creating needs members


@pytest.fixture
def http_dir(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    served = tmp_path / "served"
    served.mkdir()

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(*args, directory=str(served), **kwargs)  # type: ignore[arg-type]

        def log_message(self, format: str, *args: object) -> None:
            return

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", served
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.skipif(shutil.which("wget") is None, reason="no wget on this machine")
def test_wget_writes_the_named_file(
    site: EmulatedSite, dm: Datamover, http_dir: tuple[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    url, served = http_dir
    (served / "data.bin").write_bytes(b"\x00\x01payload" * 100)
    dm.wget(f"{url}/data.bin", site.projects / "new\nname.bin").result()
    assert (site.projects / "new\nname.bin").read_bytes() == b"\x00\x01payload" * 100
    monkeypatch.chdir(site.projects)
    dm.wget(f"{url}/data.bin", "-").result()  # a file called "-", not stdout
    assert (site.projects / "-").read_bytes() == b"\x00\x01payload" * 100
    with pytest.raises(DatamoverError):
        dm.wget(f"{url}/missing", site.projects / "x").result()


@pytest.mark.skipif(shutil.which("rsync") is None, reason="no rsync on this machine")
def test_rsync_copies(site: EmulatedSite, dm: Datamover) -> None:
    top = make_hostile_tree(site.grp / "rs")
    dm.rsync(str(top) + "/", site.projects / "mirror", "-a", "--exclude=sub dir").result()
    assert (site.projects / "mirror" / "new\nline").read_bytes() == HOSTILE_FILES[b"new\nline"]
    assert not (site.projects / "mirror" / "sub dir").exists()
    assert os.readlink(site.projects / "mirror" / "l -> k") == "t -> x"


def test_rsync_refuses_non_options(dm: Datamover) -> None:
    for bad in ("src2", "--", "-", ""):
        with pytest.raises(ValueError):
            dm.rsync("a", "b", bad)


# ---------------------------------------------------------------------- non-blocking, local
def test_nonblocking_copy_follows_the_local_queue(site: EmulatedSite) -> None:
    dm = Datamover(site.bin, blocking=False)
    (site.grp / "big").write_bytes(b"z" * 1000)
    job = dm.cp(site.grp / "big", dst=site.projects / "-big")
    job.result(timeout=120)
    assert job.is_batch and job.job_id is not None
    assert job.state.value == "COMPLETED"
    assert (site.projects / "-big").read_bytes() == b"z" * 1000


def test_bytes_double_dash_through_the_tool(site: EmulatedSite, dm: Datamover) -> None:
    """Issue 10.14: ``dm.dtcp(b"--", src, dst)`` copies src to dst; ``--blocking`` after the
    ``--`` would be a third operand (cp: target '--blocking' is not a directory)."""
    (site.grp / "src").write_bytes(b"payload")
    job = dm.dtcp(b"--", os.fsencode(site.grp / "src"), os.fsencode(site.projects / "dst"))
    job.result(timeout=60)
    assert (site.projects / "dst").read_bytes() == b"payload"
    cut = [os.fsdecode(a) for a in job.args].index("--")
    assert "--blocking" in [os.fsdecode(a) for a in job.args[:cut]]

"""The pure half of the file API: argv builders, refusals, listing helpers; and one
property test of names read back through the emulated site."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path, PurePosixPath

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from taurus_datamover import Datamover
from taurus_datamover.datamover import argv, listing
from taurus_datamover.emulator.site import EmulatedSite
from taurus_datamover.errors import DatamoverArgumentError, TaurusDatamoverError
from taurus_datamover.parsers.ls import UNAMBIGUOUS_LS_OPTIONS


def test_ls_flags() -> None:
    assert argv.ls_flags() == list(UNAMBIGUOUS_LS_OPTIONS)
    assert argv.ls_flags(all=True, recursive=True)[-2:] == ["-A", "-R"]
    assert argv.ls_flags(directory=True)[-1] == "-d"
    assert argv.ls_args([b"-x\xff"], ["-l"]) == ["-l", "--", b"-x\xff"]


def test_cp_mv_rm_args() -> None:
    assert argv.cp_args(["-a", Path("b")], "-c") == ["--", "-a", "b", "-c"]
    assert argv.cp_args(["a"], "b", recursive=True, preserve=True, no_target_directory=True) == [
        "-r",
        "-p",
        "-T",
        "--",
        "a",
        "b",
    ]
    assert argv.mv_args([b"\xff"], PurePosixPath("/d")) == ["--", b"\xff", "/d"]
    assert argv.rm_args(["-rf"], recursive=True) == ["-r", "--", "-rf"]
    assert argv.rm_args(["/tmp/x/.."]) == ["--", "/tmp/x/.."]  # not the root


@pytest.mark.parametrize("root", ["/", "//", "///", "/./", "/./.", "/..", "/a/../", "/tmp/..", b"/", b"//.", Path("/")])
def test_rm_refuses_root(shared_site: EmulatedSite, root: str | bytes | Path) -> None:
    with pytest.raises(ValueError, match="root"):
        argv.rm_args(["x", root])
    with pytest.raises(ValueError, match="root"):  # before anything runs, among other paths
        Datamover(shared_site.bin).rm("harmless", root, recursive=True)


def test_tar_args() -> None:
    assert argv.tar_args("-", ["-m"], compress="xz", directory=b"-d") == [
        "--create",
        "--xz",
        "--force-local",
        "--file=./-",
        b"--directory=-d",
        "--",
        "-m",
    ]
    assert argv.tar_args(b"a:b.tar", [], create=False) == ["--extract", "--force-local", b"--file=a:b.tar", "--"]
    assert argv.tar_args("a.tar", ["*"], create=False)[-3:] == ["--no-wildcards", "--", "*"]
    with pytest.raises(ValueError):
        argv.tar_args("a.tar", ["m"], compress="lzma")  # type: ignore[arg-type]


def test_wget_and_rsync_args() -> None:
    assert argv.wget_args("http://h/x", "-") == ["--output-document=./-", "--", "http://h/x"]
    assert argv.wget_args("-x", b"o\xff") == [b"--output-document=o\xff", "--", "-x"]
    with pytest.raises(ValueError):
        argv.wget_args("http://h/\nx", "o")
    assert argv.rsync_args(Path("a:b"), "host:dst", ["-a"]) == ["-a", "--", "./a:b", "host:dst"]
    assert argv.rsync_args(Path("/a:b"), Path("d/e:f"), []) == ["--", "/a:b", "d/e:f"]


def test_paths_are_checked() -> None:
    for bad in ("", b"", "a\x00b", b"a\x00b", Path("a\x00b")):
        with pytest.raises(ValueError):
            argv.cp_args([bad], "x")
    with pytest.raises(TypeError):
        argv.cp_args([3.5], "x")  # type: ignore[list-item]
    assert argv.path_text(b"a\xff") == "a\udcff"


@pytest.mark.parametrize(
    "refused",
    [
        lambda: argv.path_text(""),
        lambda: argv.path_text(b"a\x00"),
        lambda: argv.path_text(3.5),  # type: ignore[arg-type]
        lambda: argv.cp_args([], "x"),
        lambda: argv.cp_args(["a", "b"], "x", no_target_directory=True),
        lambda: argv.rm_args(["/"]),
        lambda: argv.rsync_args("a", "b", ["--exclude", "x"]),
        lambda: argv.tar_args("a.tar", []),
        lambda: argv.tar_args("a.tar", ["m"], compress="lzma"),  # type: ignore[arg-type]
        lambda: argv.wget_args("", "o"),
        lambda: argv.ls_args("ab", []),  # one str or bytes: an operand per character before
        lambda: argv.cp_args("ab", "x"),
        lambda: argv.mv_args(b"ab", "x"),
        lambda: argv.rm_args("ab"),
        lambda: argv.tar_args("a.tar", "ab"),
    ],
)
def test_refusals_are_typed_errors_that_are_still_value_and_type_errors(refused: Callable[[], object]) -> None:
    with pytest.raises(DatamoverArgumentError) as caught:
        refused()
    assert isinstance(caught.value, TaurusDatamoverError)
    assert isinstance(caught.value, ValueError) and isinstance(caught.value, TypeError)


def test_is_missing_path_error() -> None:
    assert listing.is_missing_path_error("ls: cannot access 'x': No such file or directory\n")
    assert listing.is_missing_path_error(
        "srun: error: localhost: task 0: Exited with exit code 2\n"
        "/usr/bin/ls: cannot access 'x': No such file or directory\n"
    )
    assert not listing.is_missing_path_error("ls: cannot access 'x/y': Not a directory\n")
    assert not listing.is_missing_path_error("ls: cannot access 'No such file or directory': Permission denied\n")
    assert not listing.is_missing_path_error("srun: error: Unable to allocate resources\n")
    assert not listing.is_missing_path_error("")


def test_is_missing_path_error_when_srun_writes_into_the_ls_line() -> None:
    # seen through the CI Slurm: srun's own line landed inside the task's forwarded stderr
    stderr = (
        "srun: error: ioctl(TIOCGWINSZ): Inappropriate ioctl for device\n"
        "srun: error: Not using a pseudo-terminal, disregarding --pty option\n"
        "/usr/bin/ls: srun: error: localhost: task 0: Exited with exit code 2\n"
        "cannot access '/site/grp/data/missing': No such file or directory\n"
    )
    assert listing.is_missing_path_error(stderr)
    assert not listing.is_missing_path_error(stderr.replace("No such file or directory", "Permission denied"))


_NAME_BYTES = st.binary(min_size=1, max_size=24).filter(
    lambda b: b"\x00" not in b and b"/" not in b and b not in (b".", b"..")
)


@pytest.fixture(scope="module")
def shared_site(tmp_path_factory: pytest.TempPathFactory) -> EmulatedSite:
    return EmulatedSite(tmp_path_factory.mktemp("prop") / "site", slurm=False)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(names=st.sets(_NAME_BYTES, min_size=1, max_size=12))
def test_any_names_read_back_exactly(shared_site: EmulatedSite, names: set[bytes]) -> None:
    top = os.fsencode(shared_site.grp) + b"/prop"
    shutil.rmtree(top, ignore_errors=True)
    os.mkdir(top)
    for i, name in enumerate(sorted(names)):
        with open(top + b"/" + name, "wb") as handle:
            handle.write(b"x" * i)
    dm = Datamover(shared_site.bin)
    entries = dm.ls(top, all=True)
    assert {e.name_bytes: e.size for e in entries} == {n: os.lstat(top + b"/" + n).st_size for n in names}
    assert all(e.mtime_ns == os.lstat(os.fsencode(e.path)).st_mtime_ns for e in entries)


def test_bytes_end_of_options_keeps_datamover_options_before_it(shared_site: EmulatedSite) -> None:
    """Issue 10.14: ``b"--"`` is the end of options just as ``"--"``: the datamover's own
    options go before it (they once went after it, where the tool reads them as operands)."""
    dm = Datamover(shared_site.bin, time="1:00", account="p_x")
    for marker in ("--", b"--"):
        built = dm.build_argv("dtcp", [b"-r", marker, b"src", "dst"])
        assert built[1:] == [b"-r", "--blocking", "--time=1:00", "--account=p_x", marker, b"src", "dst"]
    assert dm.build_argv("dtcp", [b"a", b"b"])[-3:] == ["--blocking", "--time=1:00", "--account=p_x"]
    # a bytes --blocking before the marker is that option; after it, an operand
    assert not dm.submits_batch_job("dtcp", [dm.tool_path("dtcp"), b"--blocking", b"--", b"a", b"b"])
    assert dm.submits_batch_job("dtcp", [dm.tool_path("dtcp"), b"--", b"--blocking", b"b"])


def test_slashed_operands_and_directory_keys() -> None:
    assert listing.slashed_operands(["a", "d/link/", b"x//", Path("p"), "/", "//"]) == [
        ("d/link/", "d/link"),
        ("x//", b"x"),
    ]
    for spelling in ("d", "d/", "d//", "d///"):
        assert listing.same_directory_key(spelling) == "d"
    assert listing.same_directory_key("a//b/c/") == "a/b/c"
    assert listing.same_directory_key("/") == "/" and listing.same_directory_key("//") == "/"
    assert listing.same_directory_key("./d/./") == "./d/."  # only slashes: ls keeps the rest

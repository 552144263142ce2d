"""The itemized-changes parser: real rsync output, every name's bytes, strictness."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.support.rsync_names import encode_rsync_name

from taurus_datamover.errors import ParseError
from taurus_datamover.parsers.rsync_itemize import (
    ItemizedChange,
    decode_rsync_name,
    parse_itemized,
    parse_itemized_line,
)

_TAG = "taurus-item "


def test_lines_of_each_kind() -> None:
    text = (
        "created directory /dst\n"
        ">f.st...... data/run 1.csv\n"
        ">f+++++++++ new\\#012line\n"
        "cd+++++++++ results/\n"
        ".d..t...... ./\n"
        "cL+++++++++ l -> x\n"
        "*deleting   old.txt\n"
    )
    changes = parse_itemized(text)
    assert [c.name for c in changes] == [b"data/run 1.csv", b"new\nline", b"results", b".", b"l -> x", b"old.txt"]
    assert changes[0].changed == {"s", "t"} and changes[0].transfers_data and not changes[0].is_new
    assert changes[1].is_new and changes[1].changed == frozenset()
    assert changes[2].file_type == "d" and changes[2].is_new
    assert changes[5].is_deletion


def test_tagged_output_passes_over_every_other_line() -> None:
    text = (
        'rsync: [sender] link_stat "/x/taurus-item >f+++++++++ fake" failed: No such file (2)\n'
        f"{_TAG}>fc........ real\n"
        "slurmstepd: error: *** JOB 12 ON n1 CANCELLED AT 2026-12-01T10:00:00 ***\n"
    )
    assert parse_itemized(text, tag=_TAG) == [ItemizedChange(">", "f", "c........", b"real")]


@pytest.mark.parametrize("line", ["hello world", ">x+++++++++ name", ">f+++++++++", ">f+++++++++ ", ">f++++++++name"])
def test_other_lines_are_parse_errors(line: str) -> None:
    with pytest.raises(ParseError) as caught:
        parse_itemized(f">f+++++++++ ok\n{line}\n")
    assert caught.value.lineno == 2 and caught.value.line == line


def test_escapes() -> None:
    assert decode_rsync_name("a\\#012b") == b"a\nb"
    assert decode_rsync_name("back\\#134#123") == b"back\\#123"
    assert decode_rsync_name("plain\\#9") == b"plain\\#9"
    assert encode_rsync_name(b"bad\xff") == "bad\\#377"
    assert encode_rsync_name(b"tab\there") == "tab\there"


_ATTR = st.text(alphabet="cstTpogunbax.", min_size=9, max_size=9)
_LINES = {
    "update": st.sampled_from("<>ch."),
    "file_type": st.sampled_from("fLDS"),
    "attributes": st.one_of(_ATTR, st.just("+" * 9)),
    "name": st.binary(min_size=1, max_size=30).filter(lambda b: b"\0" not in b and b"/" not in b),
}


def _round_trip(update: str, file_type: str, attributes: str, name: bytes) -> None:
    line = f"{update}{file_type}{attributes} {encode_rsync_name(name)}"
    assert "\n" not in line and "\r" not in line
    assert parse_itemized(f"{_TAG}{line}\nnoise {line}\n", tag=_TAG) == [
        ItemizedChange(update, file_type, attributes, name)
    ]
    assert parse_itemized_line(line).name == name


@settings(max_examples=100, deadline=None)
@given(**_LINES)
def test_rendered_lines_read_back(update: str, file_type: str, attributes: str, name: bytes) -> None:
    _round_trip(update, file_type, attributes, name)


@pytest.mark.slow
@settings(max_examples=2000, deadline=None)
@given(**_LINES)
def test_rendered_lines_read_back_many(update: str, file_type: str, attributes: str, name: bytes) -> None:
    _round_trip(update, file_type, attributes, name)


@settings(max_examples=100, deadline=None)
@given(text=st.text(max_size=200))
def test_any_text_gives_changes_or_a_parse_error(text: str) -> None:
    try:
        changes = parse_itemized(text)
    except ParseError as error:
        assert error.lineno >= 1
        return
    assert all(isinstance(c, ItemizedChange) for c in changes)


@pytest.mark.skipif(shutil.which("rsync") is None, reason="no rsync on this machine")  # CI installs it
def test_real_rsync_dry_run_names_every_byte(tmp_path: Path) -> None:
    src, dst = tmp_path / "src", tmp_path / "dst"
    (src / "d").mkdir(parents=True)
    dst.mkdir()
    names = [b"-dash", b"new\nline", b"bad\xff", b"sp ace", b"d/back\\#123", b"uml\xc3\xa4ut", b"l -> x"]
    for name in names:
        with open(os.fsencode(src) + b"/" + name, "wb") as handle:
            handle.write(name)
    files_from = tmp_path / "list"
    files_from.write_bytes(b"".join(n + b"\0" for n in names))
    argv = [
        "rsync",
        "-a",
        "--checksum",
        "--dry-run",
        "--itemize-changes",
        f"--out-format={_TAG}%i %n",
        f"--files-from={files_from}",
        "--from0",
        f"{src}/",
        f"{dst}/",
    ]
    out = subprocess.run(argv, capture_output=True, check=True, env={**os.environ, "LC_ALL": "C"}).stdout
    changes = parse_itemized(out.decode("utf-8", "surrogateescape"), tag=_TAG)
    new_files = {c.name for c in changes if c.file_type == "f" and c.is_new}
    assert new_files == set(names)

"""Unit tests of the ls -l parser: columns, times, names, stitching rules, errors, methods.

Inline listings here are real ls output lines (from fixtures/ls) edited only where a case
cannot be produced on this machine (group names with spaces, SELinux markers).
"""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from taurus_datamover.errors import ParseError
from taurus_datamover.models.base import UnboundModelError
from taurus_datamover.models.files import EntryType, FileEntry, TimePrecision
from taurus_datamover.parsers.ls import (
    UNAMBIGUOUS_LS_ENV,
    UNAMBIGUOUS_LS_OPTIONS,
    iter_ls,
    parse_ls,
)

UTC = timezone.utc
NOW = datetime(2026, 11, 25, 13, 50, tzinfo=UTC)


def one(text: str, **kw: Any) -> FileEntry:
    kw.setdefault("now", NOW)
    kw.setdefault("tz", UTC)
    entries = parse_ls(text, **kw)
    assert len(entries) == 1
    return entries[0]


def test_plain_file_columns() -> None:
    e = one("-rw-r--r--  1 alice staff  1234 Nov 25 12:50 report.txt\n")
    assert (e.name, e.type, e.mode, e.permissions) == ("report.txt", EntryType.FILE, "-rw-r--r--", 0o644)
    assert (e.links, e.owner, e.group, e.size, e.size_text) == (1, "alice", "staff", 1234, "1234")
    assert e.mtime == datetime(2026, 11, 25, 12, 50, tzinfo=UTC)
    assert e.mtime_precision is TimePrecision.MINUTE and e.mtime_ns is None
    assert e.directory is None and e.path == "report.txt" and e.inode is None and e.blocks is None


@pytest.mark.parametrize(
    ("mode", "bits"),
    [
        ("-rwsr-xr-x", 0o4755),
        ("-rwSr--r--", 0o4644),
        ("-rwxr-sr-x", 0o2755),
        ("-rw-r-Sr--", 0o2644),
        ("drwxrwxrwt", 0o1777),
        ("drwxrwxrwT", 0o1776),
        ("-rwsrwsrwt", 0o7777),
        ("----------", 0),
    ],
)
def test_special_permission_bits(mode: str, bits: int) -> None:
    assert one(f"{mode} 1 root root 0 Nov 25 13:50 f").permissions == bits


def test_group_with_spaces_and_selinux_marker() -> None:
    e = one("-rw-r--r--. 1 alice domain users 5 Nov 25 13:50  lead and trail ")
    assert (e.owner, e.group, e.selinux, e.acl) == ("alice", "domain users", True, False)
    assert e.name == " lead and trail "


def test_acl_marker() -> None:
    assert one("-rw-rw-r--+ 1 root root 0 Nov 25 13:50 acl").acl


def test_device_numbers() -> None:
    e = one("crw-------  1 root root 4095, 1048575 Nov 25 13:50 bigdev")
    assert e.type is EntryType.CHAR_DEVICE and e.device == (4095, 1048575) and e.size is None
    assert e.size_text == "4095, 1048575"  # the column as one text, its padding left out


def test_human_size_is_never_an_int() -> None:
    e = one("-rw-r--r--  1 root root  5,0T 25. Nov 13:50 sparse", options="-lh")
    assert e.size is None and e.size_text == "5,0T"
    assert one("-rw-r--r-- 1 root root 999 Nov 25 13:50 f", options="-lh").size == 999


def test_symlink_split_by_size_in_literal_names() -> None:
    e = one("lrwxrwxrwx  1 root root 24 Nov 25 13:50 sym -> x -> target -> with -> arrows")
    assert (e.name, e.target) == ("sym -> x", "target -> with -> arrows")
    with pytest.raises(ParseError):  # the size says the target is longer than the line
        parse_ls("lrwxrwxrwx 1 root root 99 Nov 25 13:50 a -> b", now=NOW, tz=UTC)


def test_recent_year_inferred_with_six_month_rule() -> None:
    now = datetime(2025, 1, 5, 12, 0, tzinfo=UTC)
    e = one("-rw-r--r-- 1 r r 0 Dec 31 23:59 f", now=now)
    assert e.mtime == datetime(2024, 12, 31, 23, 59, tzinfo=UTC)
    assert one("-rw-r--r-- 1 r r 0 Jan  2 10:00 f", now=now).mtime.year == 2025
    old = one("-rw-r--r-- 1 r r 0 Dec 30  2027 f", now=now)
    assert old.mtime == datetime(2027, 12, 30, tzinfo=UTC) and old.mtime_precision is TimePrecision.DAY


@pytest.mark.parametrize(
    ("date", "expected", "name"),
    [
        (" 5. Mär 2024  a", datetime(2024, 3, 5, tzinfo=UTC), "a"),
        (" 5. Mär 2024   a", datetime(2024, 3, 5, tzinfo=UTC), " a"),
        ("25. Nov 13:47  lead", datetime(2026, 11, 25, 13, 47, tzinfo=UTC), " lead"),
        (" 5 févr.  2024 d", datetime(2024, 2, 5, tzinfo=UTC), "d"),
        ("23 déc.  13:47 r", datetime(2025, 12, 23, 13, 47, tzinfo=UTC), "r"),
        ("2024-03-05  x", datetime(2024, 3, 5, tzinfo=UTC), "x"),
        ("2024-03-05  13:47 x", datetime(2024, 3, 5, tzinfo=UTC), "13:47 x"),
        ("11-23 13:47 r", datetime(2026, 11, 23, 13, 47, tzinfo=UTC), "r"),
        ("2024-03-05 13:47  x", datetime(2024, 3, 5, 13, 47, tzinfo=UTC), " x"),
    ],
)
def test_locale_and_iso_dates(date: str, expected: datetime, name: str) -> None:
    now = datetime(2026, 11, 25, 14, 0, tzinfo=UTC) if "déc" not in date else datetime(2026, 1, 5, tzinfo=UTC)
    e = one(f"-rw-r--r-- 1 root root 0 {date}", now=now)
    assert (e.mtime, e.name) == (expected, name)


def test_full_iso_keeps_offset_and_nanoseconds() -> None:
    e = one("-rw-r--r-- 1 root root 0 2023-11-14 23:13:20.123456789 +0100 f")
    assert e.mtime.utcoffset() == timedelta(hours=1)
    assert e.mtime_ns == 1_700_000_000_123_456_789  # 23:13:20 +0100 is 22:13:20 UTC
    assert e.mtime_precision is TimePrecision.NANOSECOND


def test_epoch_ns_exact_including_negative() -> None:
    e = one("-rw-r--r-- 1 root root 0 -2.500000000 f", options=UNAMBIGUOUS_LS_OPTIONS)
    assert e.mtime_ns == -1_500_000_000
    assert e.mtime == datetime(1969, 12, 31, 23, 59, 58, 500000, tzinfo=UTC)
    e = one("-rw-r--r-- 1 root root 0 1700000000.123456789 f", options=UNAMBIGUOUS_LS_OPTIONS)
    assert e.mtime_ns == 1_700_000_000_123_456_789


def test_escaped_names_decode_exactly() -> None:
    e = one(r"lrwxrwxrwx 1 root root 8 1.000000000 a\ ->\ b\n -> bad\377targ", options="-lb")
    assert e.name == "a -> b\n" and e.target == "bad\udcfftarg"
    e = one(r'-rw-r--r-- 1 root root 0 1.000000000 "q\"\\\t"', options="-lQ")
    assert e.name == 'q"\\\t'
    e = one("-rw-r--r-- 1 root root 0 1.000000000 'a'\\''b'$'\\n''c'", options="-l --quoting-style=shell-escape")
    assert e.name == "a'b\nc"


def test_bytes_input_keeps_invalid_utf8() -> None:
    e = one(b"-rw-r--r-- 1 root root 0 Nov 25 13:50 bad\xff\xfe")
    assert e.name_bytes == b"bad\xff\xfe"


def test_multi_operand_headers_and_totals() -> None:
    text = (
        "-rw-r--r-- 1 root root 7 Nov 25 13:50 op_file\n\n"
        "op dir:\ntotal 0\n-rw-r--r-- 1 root root 0 Nov 25 13:50 a\n\n"
        "tree/sub dir:\ninsgesamt 4\ndrwxr-xr-x 2 root root 4096 Nov 25 13:50 deeper\n"
    )
    es = parse_ls(text, now=NOW, tz=UTC)
    assert [(e.directory, e.path) for e in es] == [
        (None, "op_file"),
        ("op dir", "op dir/a"),
        ("tree/sub dir", "tree/sub dir/deeper"),
    ]


@pytest.mark.parametrize("name", ["n\ntotal 5", "evil\nfake_header:", "\nstart", "blank\n\nafter:", "new\nline"])
def test_literal_newline_names_are_stitched(name: str) -> None:
    text = f"total 0\n-rw-r--r-- 1 root root 0 Nov 25 13:50 {name}\n-rw-r--r-- 1 root root 0 Nov 25 13:50 next\n"
    es = parse_ls(text, now=NOW, tz=UTC)
    assert [e.name for e in es] == [name, "next"]
    assert es[0].line.count("\n") == name.count("\n")


def test_literal_symlink_target_with_forged_entry_is_stitched_by_size() -> None:
    target = "x\n-rw-r--r-- 1 root root 1 Jan  1  2020 y"
    text = f"lrwxrwxrwx 1 root root {len(target)} Nov 25 13:50 l -> \n -> {target}\n"
    e = one(text)
    assert (e.name, e.target) == ("l -> \n", target)


def test_forged_misaligned_entry_raises() -> None:
    text = (
        "-rw-r--r-- 1 root root  0 Nov 25 13:50 n\n"
        "-rw-r--r-- 1 root root  0 Nov 25 13:50 x\n"
        "-rw-r--r-- 1 root root 999 Jan  1  2020 forged\n"
    )
    with pytest.raises(ParseError) as info:
        parse_ls(text, now=NOW, tz=UTC)
    assert info.value.lineno == 3 and "forged" in info.value.line


@pytest.mark.parametrize(
    ("text", "options"),
    [
        ("-rw-r--r-- 1 root 0 Nov 25 13:50 f", None),  # -g or -o?
        ("12 -rw-r--r-- 1 root root 0 Nov 25 13:50 f", None),  # -i or -s?
        ("?????????? ? ? ? ? ? f", None),
        ("total 0\nnot an entry", None),
        ("-rw-r--r-- 1 root root 0 Nov 25 13:50 f\n\nno header here\n", "-lb"),
    ],
)
def test_ambiguous_or_bad_input_raises_parse_error(text: str, options: str | None) -> None:
    with pytest.raises(ParseError) as info:
        parse_ls(text, now=NOW, tz=UTC, options=options)
    assert info.value.lineno >= 1 and info.value.line


def test_single_id_column_read_with_options() -> None:
    line = "-rw-r--r-- 1 root 0 Nov 25 13:50 f"
    assert (one(line, options="-lg").owner, one(line, options="-lg").group) == (None, "root")
    assert (one(line, options="-lo").owner, one(line, options="-lo").group) == ("root", None)
    e = one("2147136 -rw-r--r-- 1 root root 0 Nov 25 13:50 f", options=["-l", "-i"])
    assert e.inode == 2147136 and e.blocks is None


def test_iter_ls_streams_lines_with_or_without_newlines() -> None:
    lines = [b"total 0\n", "-rw-r--r-- 1 root root 0 Nov 25 13:50 a\n", "-rw-r--r-- 1 root root 0 Nov 25 13:50 b"]
    it = iter_ls(iter(lines), now=NOW, tz=UTC)
    assert next(it).name == "a"
    assert [e.name for e in it] == ["b"]


def test_unambiguous_constants() -> None:
    assert UNAMBIGUOUS_LS_OPTIONS == ("-l", "-b", "--time-style=+%s.%N")
    assert UNAMBIGUOUS_LS_ENV == {"LC_ALL": "C"}


class FakeOwner:
    def __init__(self) -> None:
        self.calls: list[tuple[Any, ...]] = []

    def cp(self, *src: str, dst: str, recursive: bool = False, preserve: bool = False) -> str:
        self.calls.append(("cp", src, dst, recursive))
        return "job"

    def mv(self, *src: str, dst: str) -> str:
        self.calls.append(("mv", src, dst))
        return "job"

    def rm(self, *paths: str, recursive: bool = False) -> str:
        self.calls.append(("rm", paths, recursive))
        return "job"

    def ls(self, path: str, *, all: bool = False, recursive: bool = False) -> list[FileEntry]:
        self.calls.append(("ls", path, all, recursive))
        return []


def test_methods_go_through_the_owner() -> None:
    text = "dir:\ntotal 0\ndrwxr-xr-x 2 root root 4096 Nov 25 13:50 sub\n-rw-r--r-- 1 root root    0 Nov 25 13:50 f\n"
    d, f = parse_ls(text, now=NOW, tz=UTC)
    with pytest.raises(UnboundModelError):
        f.remove()
    owner = FakeOwner()
    d.bind(owner)
    f.bind(owner)
    assert d.copy_to("/dst") == "job" and f.copy_to("/dst") == "job"
    d.move_to("/m")
    d.remove()
    f.remove()
    assert d.list() == []
    with pytest.raises(NotADirectoryError):
        f.list()
    assert owner.calls == [
        ("cp", ("dir/sub",), "/dst", True),
        ("cp", ("dir/f",), "/dst", False),
        ("mv", ("dir/sub",), "/m"),
        ("rm", ("dir/sub",), True),
        ("rm", ("dir/f",), False),
        ("ls", "dir/sub", False, False),
    ]


def test_entries_are_frozen_and_compare_by_fields() -> None:
    a = one("-rw-r--r-- 1 root root 0 Nov 25 13:50 f")
    b = one("-rw-r--r-- 1 root root 0 Nov 25 13:50 f")
    assert a == b and hash(a) == hash(b)
    with pytest.raises(dataclasses.FrozenInstanceError):
        a.name = "g"  # type: ignore[misc]


@pytest.mark.parametrize("name", ["it's", "'quoted'", "a\\b", 'say "hi"', "$'x'", "a\\ b", "\\"])
def test_default_reading_is_literal(name: str) -> None:
    """Without options= names are read as plain ``ls -l`` prints them to a pipe (literal)."""
    e = one(f"-rw-r--r-- 1 root root 0 Nov 25 13:50 {name}\n")
    assert e.name == name
    link = one(f"lrwxrwxrwx 1 root root 4 Nov 25 13:50 {name} -> it's\n")
    assert (link.name, link.target) == (name, "it's")


@pytest.mark.parametrize("options", [5, b"-l", [b"-l"], ["-l", None], object(), 1.5])
def test_bad_options_types_are_a_clear_parse_error(options: Any) -> None:
    with pytest.raises(ParseError, match="options= must"):
        parse_ls("total 0\n", options=options)
    with pytest.raises(ParseError, match="options= must"):
        list(iter_ls(["total 0\n"], options=options))


def test_five_digit_and_negative_years_keep_the_columns() -> None:
    e = one("-rw-r--r-- 1 root root 0 May 25  12110 a\n")
    assert (e.name, e.size, e.group, e.mtime, e.mtime_precision) == ("a", 0, "root", None, TimePrecision.DAY)
    e = one("-rw-r--r-- 1 root root 0 -70000000000.000000000 b", options=UNAMBIGUOUS_LS_OPTIONS)
    assert (e.name, e.mtime, e.mtime_ns) == ("b", None, -70_000_000_000 * 10**9)
    e = one("-rw-r--r-- 1 root root 0 12110-05-25 16:53:20.000000000 +0000 c")
    assert (e.name, e.mtime, e.mtime_ns) == ("c", None, 320_000_000_000 * 10**9)


def test_color_with_esc_in_a_literal_name_is_refused() -> None:
    with pytest.raises(ParseError, match="ESC"):
        one("-rw-r--r-- 1 root root 0 Nov 25 13:50 a\x1b[0mb", options="-l --color=always")
    e = one("-rwxr-xr-x 1 root root 0 Nov 25 13:50 \x1b[0m\x1b[01;32mx y\x1b[0m*", options="-lF --color=always")
    assert e.name == "x y"


def test_q_without_question_marks_reads_and_with_one_raises() -> None:
    assert one("-rw-r--r-- 1 root root 0 Nov 25 13:50 fine", options="-lq").name == "fine"
    with pytest.raises(ParseError, match="-q"):
        one("-rw-r--r-- 1 root root 0 Nov 25 13:50 a?b", options="-lq")


@pytest.mark.parametrize("style", ["+%j", "+%H:%M", "+%Q %s"])
def test_unreadable_time_formats_are_a_parse_error(style: str) -> None:
    with pytest.raises(ParseError, match="time style"):
        parse_ls("total 0\n", options=["-l", f"--time-style={style}"])


def test_unknown_month_name_is_reported() -> None:
    with pytest.raises(ParseError, match="month"):
        one("-rw-r--r-- 1 root root 0 Xyz 25 13:50 f")


def test_entries_round_trip_through_pydantic() -> None:
    e = one("-rw-r--r--+ 1 alice staff 5 Nov 25 13:50 f")
    assert FileEntry.model_validate(e.model_dump()) == e
    assert FileEntry.model_validate_json(e.model_dump_json()) == e
    assert "name" in FileEntry.model_json_schema()["properties"]
    assert not hasattr(e, "__dict__")  # slots only: no per-instance dict, no hook


@pytest.mark.parametrize("options", [None, "-lb"])
@pytest.mark.parametrize(
    "line",
    [
        "-rw-r--r-- 1 root root " + "9" * 5000 + " Nov 25 13:50 f",
        "-rw-r--r-- " + "9" * 5000 + " root root 0 Nov 25 13:50 f",
        "crw-r--r-- 1 root root " + "9" * 5000 + ", 1 Nov 25 13:50 f",
    ],
)
def test_a_number_longer_than_python_reads_is_a_parse_error_with_the_line(line: str, options: str | None) -> None:
    text = f"total 0\n-rw-r--r-- 1 root root 0 Nov 25 13:50 e\n{line}\n"
    with pytest.raises(ParseError) as caught:  # too long to read, or (literal) not aligned
        parse_ls(text, options=options)
    assert (caught.value.lineno, caught.value.line) == (3, line)

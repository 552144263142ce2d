"""The fast path of the ls parser never drifts from the careful reader.

``parse_ls`` reads the common entry lines with ``ls_fast.FastReader`` and every other line
with the careful reader. Here both are run on the same text (``ls._parse(fast=True)`` and
``fast=False``, the latter being the parser as it was before the fast path) and must give
the same entries, field by field and type by type, or the same ParseError (message, line
number, line). The lines are shaped like real ``ls -l`` lines, near misses included
(invalid days and times, odd spacing, mode-shaped owners, numeric ids, wrong symlink
sizes, quoted-looking and escaped names, names with newlines, headers and blank lines), so
that both the lines the fast path accepts and the ones it must hand over are exercised.
"""

from __future__ import annotations

import os
import subprocess
import time
from datetime import datetime, timedelta, timezone, tzinfo
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from taurus_datamover.errors import ParseError
from taurus_datamover.models.files import FileEntry, file_entries
from taurus_datamover.parsers.ls import UNAMBIGUOUS_LS_ENV, UNAMBIGUOUS_LS_OPTIONS, _parse, _records
from taurus_datamover.parsers.ls_fast import FastReader
from taurus_datamover.parsers.ls_options import layout_from_options

UTC = timezone.utc
NOW = datetime(2026, 11, 25, 13, 50, tzinfo=UTC)
ZONES: list[tzinfo | None] = [UTC, None, ZoneInfo("Europe/Berlin"), timezone(timedelta(hours=-5))]
OPTIONS: list[Any] = [None, "-l", "-lb", UNAMBIGUOUS_LS_OPTIONS, "-lQ",
                      "-l --quoting-style=shell-escape", "-lN --time-style=+%s.%N", "-li"]


def _outcome(text: str | bytes, options: Any, tz: tzinfo | None, fast: bool) -> Any:
    """What a parse gives, in a form where equal means "the same result"."""
    try:
        entries = _parse(text, NOW, tz, options, fast=fast)
    except ParseError as exc:
        return ("error", exc.message, exc.lineno, exc.line)
    rows = []
    for e in entries:
        values = e.__dict__
        rows.append((
            values,
            list(values),  # field order (repr, iteration)
            {k: type(v) for k, v in values.items()},
            e.model_fields_set,
            e.mtime.utcoffset(),
            e.mtime.tzname(),
            e.__pydantic_private__,
        ))
    return ("ok", rows)


def _same(text: str | bytes, options: Any, tz: tzinfo | None = UTC) -> Any:
    fast = _outcome(text, options, tz, True)
    careful = _outcome(text, options, tz, False)
    assert fast == careful
    return fast


# -- line strategies --------------------------------------------------------------------
_PERMS = st.builds(
    lambda a, b, c, d, e, f, g, h, i: a + b + c + d + e + f + g + h + i,
    st.sampled_from("r-"), st.sampled_from("w-"), st.sampled_from("xsS-"),
    st.sampled_from("r-"), st.sampled_from("w-"), st.sampled_from("xsS-"),
    st.sampled_from("r-"), st.sampled_from("w-"), st.sampled_from("xtT-"),
)
_IDS = st.sampled_from(["root"] * 6 + ["alice", "a_b", "x.y"] * 2 + [
    "1000", "0", "drwxr-xr-x", "-rw-r--r--", "müller", "1.5K", "5", "domain users", "Nov"])
_SPACES = st.sampled_from([" "] * 6 + ["  ", "   ", "\t"])
_NAME_PARTS = st.sampled_from(["file.txt", "a", "with space", "x.tar.gz"] * 4 + [
    " lead", "trail ", "x -> y", " -> ", "->", "Nov 25 13:47 x", "1700000000.000000000 y",
    "drwxr-xr-x 2 root root 1 Nov  1 12:00 z", "ünï", "\\", "\\ ", "\\n", "\\303\\251",
    "'q'", '"dq"', "$'x'", "a\tb", "a\rb", "\udcff", "\u3042", "total 4", "d:", "", "5",
    "-", ":",
])
_WORDS = st.lists(_NAME_PARTS, min_size=1, max_size=3).map("".join)
_NAMES = st.one_of(_WORDS, _WORDS, _WORDS, st.sampled_from(["", " ", " -> ", "\\", "'"]))


def _often(valid: list[str], odd: list[str]) -> st.SearchStrategy[str]:
    """Mostly one of ``valid`` (lines the fast path takes), sometimes a near miss."""
    return st.sampled_from(valid * 8 + odd)


@st.composite
def _date(draw: st.DrawFn) -> str:
    kind = draw(_often(["recent", "old", "epoch"], ["other"]))
    if kind in ("recent", "old"):
        if kind == "recent":  # within six months before NOW (2026-11-25)
            month = draw(_often(["Jun", "Aug", "Oct", "Nov"], ["Jan", "Dec", "Mär", "Foo", "nov."]))
        else:
            month = draw(_often(["Jan", "Feb", "Mar", "Nov", "Dec"], ["Mär", "Foo", "nov."]))
        day = draw(_often(["1", "5", "25", "29", "30", "7"], ["31", "0", "32", "05"]))
        pad = " " if len(day) == 2 else draw(_often([" "], ["  "]))
        if kind == "recent":
            tail = draw(_often(["13:47", "00:00", "23:59"], ["24:00", "12:60", "1:00"]))
            return f"{month}{pad}{day} {tail}"
        year = draw(_often(["2024", "2025", "1970"], ["0000", "9999", "99999"]))
        return f"{month}{pad}{day}{draw(_often(['  '], [' ', '   ']))}{year}"
    if kind == "epoch":
        sign = draw(_often([""], ["-"]))
        sec = draw(_often(["1700000000", "0", "2", "99999999999"],
                          ["123456789012", "1234567890123", "253402300800"]))
        frac = draw(_often(["123456789", "000000000", "500000000"], ["12345678", ""]))
        return f"{sign}{sec}.{frac}" if frac else f"{sign}{sec}"
    return draw(st.sampled_from(["2024-03-05 13:47", "2024-03-05 13:47:01.123456789 +0100",
                                 "03-05 13:47", "25. Nov 13:47"]))


@st.composite
def _line(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from("------dl" * 3 + "pbcs"))
    marker = draw(_often([""], ["+", "."]))
    name = draw(_NAMES)
    size = draw(_often(["0", "4096", "17"], ["1.5K", "5,"]))
    target = None
    if kind == "l" or draw(st.integers(0, 9)) == 0:
        target = draw(_NAMES)
        exact = len(target.encode("utf-8", "surrogateescape"))
        size = str(exact) if draw(st.integers(0, 3)) else str(exact + 1)
    if kind in "bc" and draw(st.booleans()):
        size = "8,   1"
    field = name if target is None else f"{name} -> {target}"
    perms = draw(_PERMS)
    if draw(st.integers(0, 15)) == 0:  # a near miss: one character that is not a permission
        at = draw(st.integers(0, 8))
        perms = perms[:at] + draw(st.sampled_from("xr?")) + perms[at + 1 :]
    lead = draw(_often([""], [" ", "12 ", "12 4 "]))
    sp = [draw(_SPACES) for _ in range(4)]
    return (f"{lead}{kind}{perms}{marker}{sp[0]}{draw(st.sampled_from(['1', '2', '13']))} "
            f"{draw(_IDS)}{sp[1]}{draw(_IDS)}{sp[2]}{size} {draw(_date())} {field}")


@st.composite
def _listing(draw: st.DrawFn) -> str:
    lines = [draw(_often(["total 8"], ["", "d:"]))]
    for _ in range(draw(st.integers(1, 6))):
        extra = draw(_often([""], ["cont", "blank+header", "x -> y"]))
        lines.append(draw(_line()))
        if extra == "cont":
            lines.append(draw(_NAMES))
        elif extra == "blank+header":
            lines += ["", draw(st.sampled_from(["sub:", "a b:", "evil\\:"])), "total 0"]
        elif extra:
            lines.append(extra)
    return "\n".join(lines) + draw(st.sampled_from(["\n", ""]))


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_line(), st.sampled_from(OPTIONS), st.sampled_from(ZONES))
def test_fast_and_careful_agree_on_one_line(line: str, options: Any, tz: tzinfo | None) -> None:
    _same("total 8\n" + line + "\n", options, tz)
    _same(line, options, tz)


@settings(max_examples=800, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_listing(), st.sampled_from(OPTIONS), st.sampled_from(ZONES), st.booleans())
def test_fast_and_careful_agree_on_listings(text: str, options: Any, tz: tzinfo | None,
                                           as_bytes: bool) -> None:
    data: str | bytes = text.encode("utf-8", "surrogateescape") if as_bytes else text
    _same(data, options, tz)


# near misses the generators reach rarely, each read both ways under every option set
EDGE_LINES = [
    "lrwxrwxrwx 1 root root 1 1700000000.000000000  -> t",
    "lrwxrwxrwx 1 root root 1 Nov 25 13:47  -> t",
    "lrwxrwxrwx 1 root root 0 1700000000.000000000 n -> ",
    "lrwxrwxrwx 1 root root 1 1700000000.000000000 n ->  ",
    "lrwxrwxrwx 1 root root 1 1700000000.000000000 n  -> t",
    "lrwxrwxrwx 1 root root 4 1700000000.000000000 n -> t -> u",
    "lrwxrwxrwx 1 root root 2 1700000000.000000000 n\\ x -> t\\ ",
    "lrwxrwxrwx 1 root root 1 Nov 25 13:47 a -> b -> c",
    "lrwxrwxrwx 1 root root 6 Nov 25 13:47 a -> b -> c",
    "lrwxrwxrwx 1 root root 2 Nov 25 13:47 é -> \udcc3",
    "-rw-r--r-- 1 root root 0 1700000000.000000000 ",
    "-rw-r--r-- 1 root root 0 1700000000.000000000  ",
    "-rw-r--r-- 1 root root 0 -0.500000000 neg",
    "-rw-r--r-- 1 root root 0 -1.500000000 neg",
    "-rw-r--r-- 1 root root 0 999999999999.999999999 far",
    "-rw-r--r-- 1 root root 0 Feb 29  2023 notleap",
    "-rw-r--r-- 1 root root 0 Feb 29 13:47 recent-leap",
    "-rw-r--r-- 1 root root 0 Nov 31 13:47 nov31",
    "-rw-r--r-- 1 root root 0 Nov 25 13:47 \\x",
    "-rw-r--r-- 1 root root 0 Nov 25 13:47 $'x'",
    "-rw-r--r-- 1 root root 0 Nov 25 13:47 \"x\"",
    "-rw-r--r-- 1 root drwxr-xr-x 0 Nov 25 13:47 x",
    "-rw-r--r-- 1 drwxr-xr-x 1 0 Nov 25 13:47 x",
    "-rw-r--r-- 1 1000 1000 0 Nov 25 13:47 x",
    "-rw-r--r-- 1 root 5 0 Nov 25 13:47 x",
    "-rw-r--r-- 1 root root 5 0 Nov 25 13:47 x",
    "-rw-r--r-- 1 root root 0 Nov 25 13:47 Nov 25 13:47 x",
]


@pytest.mark.parametrize("line", EDGE_LINES)
def test_fast_and_careful_agree_on_edge_lines(line: str) -> None:
    for options in OPTIONS:
        for tz in ZONES:
            _same("total 8\n" + line + "\n", options, tz)


@pytest.fixture(params=["Europe/Berlin", "America/St_Johns", "Asia/Kathmandu"])
def local_zone(request: pytest.FixtureRequest) -> Any:
    """Run with another local time zone (the default ``tz=None`` reads times as local)."""
    old = os.environ.get("TZ")
    os.environ["TZ"] = request.param
    time.tzset()
    yield request.param
    if old is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = old
    time.tzset()


@settings(max_examples=100, deadline=None, suppress_health_check=[
    HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.lists(_line(), min_size=1, max_size=4))
def test_fast_and_careful_agree_in_local_zones(local_zone: str, lines: list[str]) -> None:
    for line in lines:
        _same("total 8\n" + line + "\n", UNAMBIGUOUS_LS_OPTIONS, None)
        _same("total 8\n" + line + "\n", "-l", None)


# -- the fast path is used, and what it builds needs no validation ------------------------
_PLAIN = st.builds(
    lambda kind, perms, links, size, date, name: (
        f"{kind}{perms} {links} root staff {size:>6} {date} {name}"),
    st.sampled_from("-d"), _PERMS, st.integers(1, 99), st.integers(0, 10**12),
    st.sampled_from(["Nov 25 13:47", "Mar  5  2024", "Nov 20 00:00", "Feb 29  2024"]),
    st.text(st.characters(codec="utf-8", exclude_characters="\n\\'\"$"), min_size=1)
    .filter(lambda s: s[0] not in "'\"$"),
)


@settings(max_examples=300, deadline=None)
@given(_PLAIN)
def test_plain_lines_take_the_fast_path(line: str) -> None:
    reader = FastReader(layout_from_options(None), lambda d: (NOW, None), UTC)
    assert reader.read(line) is not None
    _same(line, None)


def _exact_records(text: str, options: Any, tz: tzinfo | None) -> list[dict[str, Any]]:
    pairs = list(_records(text.split("\n"), NOW, tz, options))
    assert pairs and all(exact for _, exact in pairs)
    return [rec for rec, _ in pairs]


@pytest.mark.parametrize("tz", ZONES)
def test_exact_records_are_what_validation_returns(tz: tzinfo | None) -> None:
    text = "\n".join([
        "total 8",
        "-rw-r--r-- 1 root root 5 Nov 25 13:47 a b",
        "lrwxrwxrwx 1 root root 1 Mar  5  2024 l -> t",
        "drwxr-x--T+ 12 alice staff 4096 Oct 31 00:00 d",
    ])
    records = _exact_records(text, "-lb", tz)
    quick = file_entries(records, [True] * len(records))
    for rec, entry in zip(records, quick):
        checked = FileEntry.model_validate(rec)
        assert entry == checked and entry.model_fields_set == checked.model_fields_set
        assert all(type(entry.__dict__[k]) is type(v) for k, v in checked.__dict__.items())
        assert list(entry.__dict__) == list(checked.__dict__)
        assert repr(entry) == repr(checked)
        assert entry.__pydantic_private__ == checked.__pydantic_private__


def test_file_entries_validates_like_the_model() -> None:
    records = _exact_records("-rw-r--r-- 1 root root 5 1700000000.000000001 a", "-l", UTC)
    rec = dict(records[0], mtime_precision="second", links="7")
    [entry] = file_entries([rec])
    assert entry == FileEntry.model_validate(rec) and entry.links == 7
    with pytest.raises(Exception) as excinfo:  # the model's own error: extra="forbid"
        file_entries([dict(rec, bogus=1)])
    with pytest.raises(type(excinfo.value)):
        FileEntry.model_validate(dict(rec, bogus=1))
    bound = entry.bind("owner")
    assert bound._owner == "owner" and file_entries([rec])[0]._owner is None


# -- real GNU ls, awkward names, both forms ------------------------------------------------
AWKWARD = ["plain", "with space", " lead", "trail ", "a -> b", "tab\there", "nl\nname",
           "ünï", "quote'", 'dq"', "$dollar", "back\\slash", "-rw-r--r-- 1 root root 1 x",
           "Nov 25 13:47 y", "\udcff raw"]


def _ls(root: Path, *flags: str) -> bytes:
    env = dict(os.environ, **UNAMBIGUOUS_LS_ENV)
    return subprocess.run(["ls", "-l", *flags, "--", str(root)], env=env, check=True,
                          capture_output=True).stdout


def test_real_ls_listings_agree(tmp_path: Path) -> None:
    for i, name in enumerate(AWKWARD):
        path = tmp_path / os.fsdecode(os.fsencode(name))
        if i % 3 == 0:
            os.symlink(f"target {name}", path)
        else:
            path.write_bytes(b"x" * i)
            os.utime(path, (0, (1_700_000_000 + i * 9_999_999) if i % 2 else 1_500_000_000.25))
    for flags, options in (((), None), ((), "-l"), (("-b",), "-lb"),
                           (("-b", "--time-style=+%s.%N"), UNAMBIGUOUS_LS_OPTIONS)):
        out = _ls(tmp_path, *flags)
        for tz in ZONES:
            _same(out, options, tz)
        assert _same(out, options, None)[0] in ("ok", "error")

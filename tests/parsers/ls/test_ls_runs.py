"""Runs of regular lines (one ``findall`` each) read exactly what line-by-line reading reads.

The reader reads the regular lines of a block a run at a time and every other line with the
full pattern; with the runs switched off (``run_for`` gives None) every line goes the long
way. Both must give the same entries, or the same first error, on every real listing.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from tests.support import FIXTURES

import taurus_datamover.parsers.ls.reader as reader_module
from taurus_datamover.errors import ParseError
from taurus_datamover.parsers.ls import parse_ls

UTC = timezone.utc
NOW = datetime(2026, 11, 25, 13, 50, tzinfo=UTC)
CASES = {c["case"]: c for c in json.loads((FIXTURES / "ls" / "manifest.json").read_text())["cases"]}


def _outcome(data: bytes | str, **kw: Any) -> object:
    try:
        return parse_ls(data, **kw)
    except ParseError as exc:
        return (str(exc), exc.lineno, exc.line)


@pytest.mark.parametrize("with_options", [True, False])
@pytest.mark.parametrize("name", sorted(CASES))
def test_runs_read_every_fixture_as_line_by_line(
    name: str, with_options: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    case = CASES[name]
    data = (FIXTURES / "ls" / case["file"]).read_bytes()
    kw = {
        "now": datetime.fromtimestamp(case["now_ns"] / 1e9, UTC),
        "tz": UTC,
        "options": case["options"] if with_options else None,
    }
    by_runs = _outcome(data, **kw)
    monkeypatch.setattr(reader_module, "run_for", lambda *args: None)
    assert _outcome(data, **kw) == by_runs


@pytest.mark.parametrize(("symlink_at", "date_at"), [(80, 120), (120, 80), (None, 3), (0, None)])
def test_the_first_error_of_a_run_is_the_first_line_in_error(symlink_at: int | None, date_at: int | None) -> None:
    lines = ["total 0"] + [f"-rw-r--r-- 1 root root 0 Nov 25 13:50 f{i}" for i in range(200)]
    if symlink_at is not None:  # -b: the target's length is not the link's size
        lines[symlink_at + 1] = "lrwxrwxrwx 1 root root 9 Nov 25 13:50 l -> xy"
    if date_at is not None:
        lines[date_at + 1] = "-rw-r--r-- 1 root root 0 Feb 30 13:50 bad"
    first = min(i for i in (symlink_at, date_at) if i is not None) + 1
    with pytest.raises(ParseError) as caught:
        parse_ls("\n".join(lines) + "\n", options="-lb", now=NOW, tz=UTC)
    assert (caught.value.lineno, caught.value.line) == (first + 1, lines[first])


_PLUS_1 = timezone(timedelta(hours=1))
_OTHER = {"--full-time": "2026-11-25 13:47:00.000000000 +0000", "--time-style=+%s": "1"}


@pytest.mark.parametrize("runs", [True, False])
@pytest.mark.parametrize(
    ("options", "date", "mtime", "mtime_ns"),
    [
        (
            "--full-time",
            "2023-11-14 23:13:20.5 +0100",
            datetime(2023, 11, 14, 23, 13, 20, 500000, _PLUS_1),
            17 * 10**17 + 5 * 10**8,
        ),
        ("--full-time", "-0001-12-31 23:00:00 -0100", None, -719528 * 86400 * 10**9),  # 0000-01-01 00:00 UTC
        ("--full-time", "1969-12-31 23:59:60.000000001 +0000", datetime(1969, 12, 31, 23, 59, 59, tzinfo=UTC), 1),
        ("--time-style=long-iso", "0001-01-01 00:00", datetime(1, 1, 1, tzinfo=UTC), None),
        ("--time-style=long-iso", "12110-05-25 13:47", None, None),
        ("--time-style=+%s", "-2", datetime(1969, 12, 31, 23, 59, 58, tzinfo=UTC), -2 * 10**9),
    ],
)
def test_dates_cut_by_position_read_any_year_in_runs_as_in_lines(
    options: str, date: str, mtime: datetime | None, mtime_ns: int | None, runs: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not runs:
        monkeypatch.setattr(reader_module, "run_for", lambda *args: None)
    lines = ["total 0"] + [
        f"-rw-r--r-- 1 root root 0 {_OTHER.get(options, '2026-11-25 13:47')} f{i}" for i in range(300)
    ]
    lines[150] = f"-rw-r--r-- 1 root root 0 {date} odd"
    entries = {e.name: e for e in parse_ls("\n".join(lines) + "\n", options=f"-l {options}", now=NOW, tz=UTC)}
    odd = entries["odd"]
    assert len(entries) == 300 and (odd.mtime, odd.mtime_ns) == (mtime, mtime_ns)
    assert odd.mtime is None or mtime is None or odd.mtime.utcoffset() == mtime.utcoffset()

"""Times near a change of the zone's offset read exactly as ``datetime`` gives them.

The date reader reuses the zone of a day whose start and end agree (cheaper than the zone
per entry); these listings put entries on both sides of Berlin's changes of 2024, in the
same day and on days around it, and compare with ``datetime``'s own conversions.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import datetime, timezone, tzinfo
from zoneinfo import ZoneInfo

import pytest

from taurus_datamover.parsers.ls import UNAMBIGUOUS_LS_OPTIONS, parse_ls

BERLIN = ZoneInfo("Europe/Berlin")
# the two changes of 2024 (01:00 UTC) and the seconds around them, a day before and after
CHANGES = [int(datetime(2024, m, d, 1, tzinfo=timezone.utc).timestamp()) for m, d in ((3, 31), (10, 27))]
STEPS = [-86400, -3601, -1, 0, 1, 1800, 3599, 3600, 7200, 86400, 86401]


@pytest.fixture
def local_berlin(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """This process's local zone is Berlin for the test (``TZ``), then what it was."""
    monkeypatch.setenv("TZ", "Europe/Berlin")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def _facts(when: datetime | None) -> tuple[object, ...]:
    assert when is not None
    return (when, when.utcoffset(), when.tzname(), when.fold)


@pytest.mark.parametrize("tz", [BERLIN, None])
def test_instants_near_a_zone_change_are_exact(tz: tzinfo | None, local_berlin: None) -> None:
    seconds = [change + step for change in CHANGES for step in STEPS]
    text = "".join(f"-rw-r--r-- 1 root root 0 {s}.{i * 1000:09d} f{i}\n" for i, s in enumerate(seconds))
    entries = parse_ls(text, options=UNAMBIGUOUS_LS_OPTIONS, tz=tz)
    for i, (entry, s) in enumerate(zip(entries, seconds, strict=True)):
        exact = datetime.fromtimestamp(s, tz) if tz is not None else datetime.fromtimestamp(s).astimezone()
        assert _facts(entry.mtime) == _facts(exact.replace(microsecond=i)), entry.line


def test_wall_times_near_a_zone_change_are_exact(local_berlin: None) -> None:
    walls = [
        datetime(2024, m, d, h, mi)
        for m, d in ((3, 30), (3, 31), (4, 1), (10, 26), (10, 27), (10, 28))
        for h, mi in ((0, 0), (1, 59), (2, 0), (2, 30), (3, 0), (23, 59))
    ]
    text = "".join(f"-rw-r--r-- 1 root root 0 {w:%Y-%m-%d %H:%M} f{i}\n" for i, w in enumerate(walls))
    entries = parse_ls(text, options="-l --time-style=long-iso")
    for entry, wall in zip(entries, walls, strict=True):
        assert _facts(entry.mtime) == _facts(wall.astimezone()), entry.line


def test_a_tz_rule_with_two_changes_in_one_day_is_read_per_entry(monkeypatch: pytest.MonkeyPatch) -> None:
    """Summer time from 01:00 to 23:00 of one day (day 60, 2025-03-01): that day's start and
    end agree, its noon does not, so no day is taken as one without a change."""
    monkeypatch.setenv("TZ", "AAA3BBB,J60/1,J60/23")
    time.tzset()
    try:
        noon = datetime(2025, 3, 1, 12)
        assert noon.astimezone().tzname() == "BBB" and datetime(2025, 3, 1).astimezone().tzname() == "AAA"
        seconds = [int(datetime(2025, 3, 1, h).astimezone().timestamp()) for h in (0, 12, 23)]
        text = "".join(f"-rw-r--r-- 1 root root 0 {s}.000000000 f{i}\n" for i, s in enumerate(seconds))
        instants = parse_ls(text, options=UNAMBIGUOUS_LS_OPTIONS)
        assert [_facts(e.mtime) for e in instants] == [_facts(datetime.fromtimestamp(s).astimezone()) for s in seconds]
        walls = [datetime(2025, 3, 1, h, 30) for h in (0, 12, 23)]
        text = "".join(f"-rw-r--r-- 1 root root 0 {w:%Y-%m-%d %H:%M} f{i}\n" for i, w in enumerate(walls))
        entries = parse_ls(text, options="-l --time-style=long-iso")
        assert [_facts(e.mtime) for e in entries] == [_facts(w.astimezone()) for w in walls]
    finally:
        monkeypatch.undo()
        time.tzset()

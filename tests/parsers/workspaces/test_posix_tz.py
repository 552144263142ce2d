"""``TZ`` read as glibc reads it: POSIX TZ strings (west-positive offsets, ``<...>`` names,
``Mm.w.d``/``Jn``/``n`` rules) checked against glibc itself (``time.localtime`` in a child
process with that ``TZ``, and ``date``); zone files through zoneinfo; unreadable values are
errors, never UTC."""

from __future__ import annotations

import json
import os
import pickle
import shutil
import subprocess
import sys
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from taurus_datamover.errors import TimeZoneError
from taurus_datamover.parsers.workspaces.ctime import parse_ctime
from taurus_datamover.parsers.workspaces.posix_tz import (
    PosixTimeZone,
    TransitionRule,
    parse_posix_tz,
    zone_from_environment,
    zone_from_tz,
)

T = 1795555454  # 2026-11-24T21:24:14Z

_GLIBC = """
import json, os, sys, time
out = []
for tz, instants in json.load(sys.stdin):
    os.environ["TZ"] = tz
    time.tzset()
    out.append([[time.localtime(t).tm_gmtoff, time.localtime(t).tm_isdst] for t in instants])
print(json.dumps(out))
"""


def glibc(cases: list[tuple[str, list[int]]]) -> list[list[tuple[int, int]]]:
    """``(tm_gmtoff, tm_isdst)`` of each instant, as the C library computes it for that TZ."""
    done = subprocess.run(
        [sys.executable, "-I", "-c", _GLIBC],
        input=json.dumps(cases),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return [[(off, dst) for off, dst in rows] for rows in json.loads(done.stdout)]


def ours(zone: PosixTimeZone | object, t: int) -> tuple[int, int]:
    local = datetime.fromtimestamp(t, zone)  # type: ignore[arg-type]
    offset = local.utcoffset()
    assert offset is not None
    if isinstance(zone, PosixTimeZone):  # in force, even where it shifts nothing (AAA0BBB0)
        assert bool(local.dst()) == (zone.is_dst_at(t) and zone.dst_offset != zone.std_offset)
        return int(offset.total_seconds()), int(zone.is_dst_at(t))
    return int(offset.total_seconds()), int(bool(local.dst()))


# -- the cases of the issue ------------------------------------------------------------


@pytest.mark.parametrize(
    ("tz", "offset"),
    [
        ("UTC+3", -3 * 3600),  # POSIX: three hours WEST of UTC (dateutil reads +3)
        ("<+0530>-5:30", 5 * 3600 + 1800),  # not UTC
        ("<-03>3", -3 * 3600),
        ("FOO-1:30:15", 5415),
        ("Asia/Kolkata", 5 * 3600 + 1800),
        (":Europe/Berlin", 3600),
        ("", 0),
    ],
)
def test_offsets_as_glibc_reads_them(tz: str, offset: int) -> None:
    assert ours(zone_from_tz(tz), T)[0] == offset
    assert glibc([(tz, [T])]) == [[(offset, 0)]]


def test_date_agrees() -> None:
    date = shutil.which("date")
    assert date is not None
    for tz, expected in [("UTC+3", "-0300"), ("<+0530>-5:30", "+0530")]:
        shown = subprocess.run(
            [date, "-d", f"@{T}", "+%z"], env={**os.environ, "TZ": tz}, capture_output=True, text=True, check=True
        ).stdout.strip()
        assert shown == expected
        offset = datetime.fromtimestamp(T, zone_from_tz(tz)).strftime("%z")
        assert offset == expected


@pytest.mark.parametrize(
    "tz",
    [
        "XYZ",
        "Europe/Nowhere",
        "CET-1CEST,M3.5.0",
        "UTC+3x",
        "UTC+25",
        "EST5EDT,M13.1.0,M11.1.0",
        "<AB>3",
        "CET-1CEST,J366,M10.5.0",
        "/etc/passwd",
    ],
)
def test_unreadable_tz_is_an_error_not_utc(tz: str) -> None:
    with pytest.raises(TimeZoneError, match="neither a time zone file nor a POSIX TZ string") as info:
        zone_from_tz(tz)
    assert isinstance(info.value, ValueError)


def test_parse_ctime_reads_in_the_environments_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "UTC+3")
    moment = parse_ctime("Tue Nov 24 18:24:14 2026")  # what ws_list prints at T with TZ=UTC+3
    assert moment.timestamp() == T and moment.utcoffset() == timedelta(hours=-3)
    monkeypatch.setenv("TZ", "Not/AZone")
    with pytest.raises(TimeZoneError):
        parse_ctime("Tue Nov 24 18:24:14 2026")


def test_environment_and_tzdir(tmp_path: object) -> None:
    assert zone_from_environment({"TZ": "UTC+3"}).utcoffset(None) == timedelta(hours=-3)
    assert zone_from_environment({}) is not None  # /etc/localtime, or UTC when there is none
    with pytest.raises(TimeZoneError):
        zone_from_environment({"TZ": "Europe/Berlin", "TZDIR": "/nonexistent"})


def test_pickles_by_its_text() -> None:
    zone = parse_posix_tz("CET-1CEST,M3.5.0,M10.5.0/3")
    again = pickle.loads(pickle.dumps(zone))
    assert isinstance(again, PosixTimeZone) and again.text == zone.text
    assert ours(again, T) == ours(zone, T)


def test_transition_rules_are_values() -> None:
    zone = parse_posix_tz("CET-1CEST,M3.5.0,M10.5.0/3")
    assert zone.start == TransitionRule("M", month=3, week=5, weekday=0)
    assert zone.end == TransitionRule("M", month=10, week=5, weekday=0, time=3 * 3600)
    assert zone.start != zone.end and len({zone.start, TransitionRule("M", 0, 3, 5, 0)}) == 1
    assert repr(zone.end) == "TransitionRule(kind='M', day=0, month=10, week=5, weekday=0, time=10800)"
    assert parse_posix_tz("EST5EDT,J60/-1:30,300").start == TransitionRule("J", day=60, time=-5400)


def test_dst_without_rules_follows_posixrules_since_2007() -> None:
    tz = "CET-1CEST"
    instants = [
        int(datetime(y, m, 15, 12, tzinfo=timezone.utc).timestamp()) for y in (2008, 2026, 2036) for m in range(1, 13)
    ]
    zone = zone_from_tz(tz)
    assert [ours(zone, t) for t in instants] == glibc([(tz, instants)])[0]


# -- properties against glibc ----------------------------------------------------------

_hour = st.integers(0, 23)
_minsec = st.integers(0, 59)


@st.composite
def offsets(draw: st.DrawFn) -> str:
    sign = draw(st.sampled_from(["", "+", "-"]))
    text = f"{sign}{draw(_hour)}"
    if draw(st.booleans()):
        text += f":{draw(_minsec):02d}"
        if draw(st.booleans()):
            text += f":{draw(_minsec):02d}"
    return text


names = st.one_of(
    st.text(st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZabcxyz"), min_size=3, max_size=5),
    st.builds(lambda s, h: f"<{s}{h:02d}>", st.sampled_from(["+", "-"]), st.integers(0, 14)),
)


@st.composite
def rules(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from("MJN"))
    if kind == "M":
        date = f"M{draw(st.integers(1, 12))}.{draw(st.integers(1, 5))}.{draw(st.integers(0, 6))}"
    elif kind == "J":
        date = f"J{draw(st.integers(1, 365))}"
    else:
        date = str(draw(st.integers(0, 365)))
    if draw(st.booleans()):
        sign = draw(st.sampled_from(["", "+", "-"]))
        date += f"/{sign}{draw(st.integers(0, 167))}"
        if draw(st.booleans()):
            date += f":{draw(_minsec):02d}"
    return date


@st.composite
def posix_strings(draw: st.DrawFn) -> str:
    text = draw(names) + draw(offsets())
    if draw(st.booleans()):
        text += draw(names)
        if draw(st.booleans()):
            text += draw(offsets())
        text += f",{draw(rules())},{draw(rules())}"
    return text


instants = st.integers(0, 2**31 - 1)


def readable(tz: str) -> PosixTimeZone:
    """The zone, leaving out the rare strings whose offsets Python cannot hold (24 h)."""
    try:
        return parse_posix_tz(tz)
    except TimeZoneError as error:
        assert "24 hours or more" in str(error)
        assume(False)
        raise


def probe_points(zone: PosixTimeZone, seconds: list[int]) -> list[int]:
    """The drawn instants and, for DST zones, each change of their years and a second
    either side of it (where a wrong rule shows)."""
    points = list(seconds)
    if zone.start is not None and zone.end is not None:
        for t in seconds:
            year = datetime.fromtimestamp(t, timezone.utc).year
            for rule, offset in ((zone.start, zone.std_offset), (zone.end, zone.dst_offset)):
                change = rule.change(year, offset)
                points += [change - 1, change, change + 1]
    return [p for p in points if 0 <= p < 2**31]


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(posix_strings(), st.lists(instants, min_size=3, max_size=6)), min_size=6, max_size=6))
def test_posix_strings_agree_with_glibc(cases: list[tuple[str, list[int]]]) -> None:
    zones = [readable(tz) for tz, _ in cases]
    probes = [(tz, probe_points(zone, ts)) for zone, (tz, ts) in zip(zones, cases, strict=True)]
    truth = glibc(probes)
    for zone, (tz, points), expected in zip(zones, probes, truth, strict=True):
        assert [ours(zone, t) for t in points] == expected, tz


@settings(max_examples=80, deadline=None)
@given(posix_strings(), instants)
def test_instants_round_trip_through_wall_time(tz: str, t: int) -> None:
    zone = readable(tz)
    local = datetime.fromtimestamp(t, zone)
    assert local.timestamp() == t  # fold says which of two readings it was
    assert local.utcoffset() == timedelta(seconds=zone.offset_at(t))
    naive = local.replace(tzinfo=None)
    again = naive.replace(tzinfo=zone, fold=local.fold)
    assert again.timestamp() == t


@settings(max_examples=200)
@given(st.text(max_size=30))
def test_any_text_is_a_zone_or_a_timezone_error(text: str) -> None:
    try:
        zone = parse_posix_tz(text)
    except TimeZoneError:
        return
    assert isinstance(zone, PosixTimeZone)
    assert zone.utcoffset(None) is not None


@pytest.mark.slow
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(posix_strings(), st.lists(instants, min_size=3, max_size=6)), min_size=20, max_size=20))
def test_posix_strings_agree_with_glibc_big(cases: list[tuple[str, list[int]]]) -> None:
    test_posix_strings_agree_with_glibc.hypothesis.inner_test(cases)  # type: ignore[attr-defined]

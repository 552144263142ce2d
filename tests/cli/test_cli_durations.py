"""The command line's duration parser (pure): short forms, ISO 8601, and refusals."""

from __future__ import annotations

import argparse
from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from taurus_datamover.cli.durations import (
    ACCEPTED_FORMS,
    DurationError,
    duration_arg,
    format_duration,
    parse_duration,
)

UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3d", timedelta(days=3)),
        ("12h", timedelta(hours=12)),
        ("1w", timedelta(weeks=1)),
        ("90m", timedelta(minutes=90)),
        ("1d12h", timedelta(days=1, hours=12)),
        (" 7D ", timedelta(days=7)),
        ("P3D", timedelta(days=3)),
        ("p3d", timedelta(days=3)),
        ("PT12H", timedelta(hours=12)),
        ("P1W", timedelta(weeks=1)),
        ("P1DT6H30M", timedelta(days=1, hours=6, minutes=30)),
        ("PT90S", timedelta(seconds=90)),
    ],
)
def test_accepted_forms(text: str, expected: timedelta) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize(
    "text", ["", "3", "d", "3x", "-3d", "0d", "PT0S", "P", "PT", "P1Y", "P1M", "P1DT", "3 d", "1.5d", "P1.5D", "٣d"]
)
def test_refused_forms_name_the_accepted_ones(text: str) -> None:
    with pytest.raises(DurationError) as info:
        parse_duration(text)
    assert ACCEPTED_FORMS in str(info.value)


def test_argparse_type_is_a_usage_error() -> None:
    with pytest.raises(argparse.ArgumentTypeError, match="P3D"):
        duration_arg("soon")


parts = st.lists(st.tuples(st.integers(1, 1000), st.sampled_from(sorted(UNITS))), min_size=1, max_size=5)


@given(parts)
def test_short_forms_add_up(items: list[tuple[int, str]]) -> None:
    text = "".join(f"{n}{unit}" for n, unit in items)
    assert parse_duration(text) == timedelta(seconds=sum(n * UNITS[u] for n, u in items))


@given(st.integers(0, 500), st.integers(0, 500), st.integers(0, 100), st.integers(0, 1000), st.integers(0, 10_000))
def test_iso_forms_match_timedelta(weeks: int, days: int, hours: int, minutes: int, seconds: int) -> None:
    expected = timedelta(weeks=weeks, days=days, hours=hours, minutes=minutes, seconds=seconds)
    date = (f"{weeks}W" if weeks else "") + (f"{days}D" if days else "")
    time = (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "") + (f"{seconds}S" if seconds else "")
    text = "P" + date + ("T" + time if time else "")
    if expected <= timedelta(0):
        with pytest.raises(DurationError):
            parse_duration(text)
    else:
        assert parse_duration(text) == expected


@given(st.text(max_size=30))
def test_any_text_gives_a_positive_duration_or_duration_error(text: str) -> None:
    try:
        value = parse_duration(text)
    except DurationError:
        return
    assert value > timedelta(0)


@given(st.integers(1, 10**9))
def test_format_round_trips_whole_minutes_to_the_shown_precision(seconds: int) -> None:
    shown = format_duration(timedelta(seconds=seconds))
    back = parse_duration(shown.replace(" ", ""))
    assert timedelta(0) < back <= timedelta(seconds=seconds)
    assert timedelta(seconds=seconds) - back < timedelta(days=1)


def test_format_duration_examples() -> None:
    assert format_duration(timedelta(days=3, hours=4, minutes=5)) == "3d 4h"
    assert format_duration(timedelta(days=7)) == "7d"
    assert format_duration(timedelta(hours=-2, minutes=-5)) == "-2h 5m"
    assert format_duration(None) == "?"

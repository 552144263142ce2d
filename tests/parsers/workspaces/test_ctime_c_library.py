"""An unset ``TZ`` read through the C library (``CLibraryZone``) gives what zoneinfo gives,
folds and gaps included, and ``parse_ctime`` reads the tools' times by splitting, exactly
where the ctime() shape allows them (issue 13: ``ws list`` without zoneinfo and regexes)."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from taurus_datamover.parsers.workspaces.ctime import MONTHS, WEEKDAYS, format_ctime, parse_ctime
from taurus_datamover.parsers.workspaces.posix_tz import LOCALTIME, CLibraryZone, zone_from_tz


@pytest.fixture
def c_library_tz(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str], None]]:
    """Sets this process's ``TZ`` and has the C library read it; both are undone after."""

    def switch(value: str) -> None:
        monkeypatch.setenv("TZ", value)
        time.tzset()

    yield switch
    monkeypatch.undo()
    time.tzset()


def _transitions(zone: ZoneInfo, first: int, last: int) -> list[datetime]:
    """The wall times (as read after the change) of each change of ``zone``'s offset."""
    found, moment = [], datetime(first, 1, 1, tzinfo=timezone.utc)
    before = moment.astimezone(zone).utcoffset()
    while moment.year < last:
        moment += timedelta(hours=1)
        offset = moment.astimezone(zone).utcoffset()
        if offset != before:
            found.append(moment.astimezone(zone).replace(tzinfo=None))
        before = offset
    return found


@pytest.mark.parametrize("key", ["Europe/Berlin", "Australia/Lord_Howe", "America/St_Johns"])
def test_the_c_library_zone_reads_as_zoneinfo(key: str, c_library_tz: Callable[[str], None]) -> None:
    c_library_tz(key)
    ours, theirs = CLibraryZone(), ZoneInfo(key)
    for change in _transitions(theirs, 2015, 2027):
        for minutes in range(-150, 150, 13):  # both folds of the repeated hour, the skipped one
            wall = change + timedelta(minutes=minutes)
            for fold in (0, 1):
                assert (
                    wall.replace(fold=fold, tzinfo=ours).utcoffset()
                    == wall.replace(fold=fold, tzinfo=theirs).utcoffset()
                )
            instant = wall.replace(tzinfo=timezone.utc)
            mine, expected = instant.astimezone(ours), instant.astimezone(theirs)
            assert (mine.replace(tzinfo=None), mine.fold, mine.tzname()) == (
                expected.replace(tzinfo=None),
                expected.fold,
                expected.tzname(),
            )
            text = format_ctime(wall)
            assert str(parse_ctime(text, ours)) == str(parse_ctime(text, theirs)), text


def _localtime_file() -> ZoneInfo | timezone:
    try:
        with open(LOCALTIME, "rb") as file:
            return ZoneInfo.from_file(file, key="localtime")
    except OSError:
        return timezone.utc


def test_an_unset_tz_is_read_by_the_c_library_as_it_reads_it_now(
    c_library_tz: Callable[[str], None], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The C library read ``TZ`` when it was set; unset without ``tzset``, the zone is
    still that of ``/etc/localtime`` (``mktime`` reads ``TZ`` again)."""
    c_library_tz("Asia/Tokyo" if _localtime_file().utcoffset(datetime(2026, 7, 1)) else "Europe/Berlin")
    monkeypatch.delenv("TZ")
    zone = zone_from_tz(None)
    assert isinstance(zone, CLibraryZone)
    for month in range(1, 13):
        wall = datetime(2026, month, 1, 12)
        assert wall.replace(tzinfo=zone).utcoffset() == wall.replace(tzinfo=_localtime_file()).utcoffset()


def test_a_tz_set_in_this_process_is_read_from_its_file(c_library_tz: Callable[[str], None]) -> None:
    c_library_tz("Europe/Berlin")  # the C library now reads Berlin: not what an unset TZ means
    assert not isinstance(zone_from_tz(None), CLibraryZone)
    assert not isinstance(zone_from_tz(None, localtime="/nonexistent"), CLibraryZone)


def test_next_to_year_1_and_9999_the_c_library_zone_reads_the_file(
    c_library_tz: Callable[[str], None], monkeypatch: pytest.MonkeyPatch
) -> None:
    c_library_tz("Asia/Tokyo")
    monkeypatch.delenv("TZ")
    ours, theirs = zone_from_tz(None), _localtime_file()
    assert isinstance(ours, CLibraryZone)
    for wall in (datetime(1, 1, 1), datetime(1, 1, 1, 23), datetime(9999, 12, 31, 23, 59)):
        assert wall.replace(tzinfo=ours).utcoffset() == wall.replace(tzinfo=theirs).utcoffset()
        text = format_ctime(wall)
        assert str(parse_ctime(text, ours)) == str(parse_ctime(text, theirs))


#: The shape of a ctime() time, as the regular expression the reader used before it split.
_SHAPE = re.compile(
    rf"\s*({'|'.join(WEEKDAYS)})\s+({'|'.join(MONTHS)})\s+([0-9]{{1,2}})"
    r"\s+([0-9]{2}):([0-9]{2}):([0-9]{2})\s+([0-9]{4})\s*"
)
_PIECES = ["Sun", "Mon", "Sep", "Feb", " ", "  ", "\t", "\x1c", "\xa0", "\n", "3", "03", "123", "08:00:00"]
_PIECES += ["23:59:59", "8:00:00", "08:00:0", "08.00:00", "2023", "0001", "\u0662", "x", ":", ""]


@settings(max_examples=400)
@given(st.lists(st.sampled_from(_PIECES), max_size=9).map("".join))
def test_a_text_is_read_exactly_when_it_has_the_ctime_shape(text: str) -> None:
    try:
        parse_ctime(text, timezone.utc)
    except ValueError as error:
        assert (_SHAPE.fullmatch(text) is None) == str(error).startswith("not a ctime() time"), text
    else:
        assert _SHAPE.fullmatch(text) is not None, text

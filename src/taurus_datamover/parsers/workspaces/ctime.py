"""The ``Www Mmm dd HH:MM:SS YYYY`` times that the hpc-workspace tools print.

Both generations print C ``ctime()`` / ``strftime("%c")`` times in the C locale (``Sun Sep
3 08:00:00 2023``, the day space-padded) *without a zone*: the cluster's wall clock.
:func:`parse_ctime` reads one in a ``tzinfo`` (default :func:`local_zone`) into an aware
:class:`~datetime.datetime` with the fixed offset in force then, :func:`format_ctime` prints
one back. A wall time in a **gap** (the hour skipped when DST starts) is moved forward by
the gap's length (``dateutil.tz.resolve_imaginary``'s rule); one in an **overlap** (the
hour repeated when DST ends) is the earlier instant (``fold=0``). Parsing is a split and
table look-ups (no ``strptime``, no regular expression): it runs once per listed time.
"""

from __future__ import annotations

import sys
from datetime import datetime, timedelta, timezone, tzinfo
from functools import cache

from taurus_datamover.parsers.workspaces.posix_tz import CLibraryZone, PosixTimeZone, zone_from_environment

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_MONTH_NUMBER = {name: number for number, name in enumerate(MONTHS, start=1)}
_SIXTY = {f"{number:02d}": number for number in range(60)}
#: Clock hours without a clock change, by zone (only zones that are plain values,
#: hashable by what they mean) and the text around ``:MM:SS``, to the instant the hour
#: starts: a time in one of them is two look-ups and one addition.
_HOURS: dict[tzinfo, dict[str, datetime]] = {}
_HOURS_KEPT = 4096
#: ``MM:SS`` to its offset into the hour, filled as the texts come.
_INTO_HOUR: dict[str, timedelta] = {}
_ONE_DAY = timedelta(days=1)
#: By type of zone: whether it follows PEP 495 (``fold``: a wall time whose two folds
#: agree is neither in a gap nor in an overlap), and whether its hours are kept in _HOURS.
_KINDS: dict[type, tuple[bool, bool]] = {timezone: (True, True), CLibraryZone: (True, True)}


def _kind(zone: tzinfo) -> tuple[bool, bool]:
    kind = _KINDS.get(type(zone))
    if kind is None:  # a ZoneInfo exists only once zoneinfo is loaded: no need to load it here
        zoneinfo = sys.modules.get("zoneinfo")
        is_zoneinfo = zoneinfo is not None and isinstance(zone, zoneinfo.ZoneInfo)
        exact = zoneinfo is not None and type(zone) is zoneinfo.ZoneInfo
        kind = _KINDS[type(zone)] = (is_zoneinfo or isinstance(zone, PosixTimeZone), exact)
    return kind


def local_zone() -> tzinfo:
    """The zone of this machine: ``$TZ`` as glibc reads it (:mod:`.posix_tz`; a ``TZ`` that
    cannot be read is a ``TimeZoneError``, never UTC)."""
    return zone_from_environment()


def resolve_wall_time(naive: datetime, tz: tzinfo | None = None) -> datetime:
    """The instant that wall time ``naive`` in ``tz`` (default :func:`local_zone`) names
    (overlaps: ``fold=0``; gaps: moved forward by the gap's length).

    It carries the *fixed* UTC offset then in force (``+02:00`` for CEST), not ``tz``: in
    the repeated hour a datetime of a DST zone never equals one of another zone (PEP 495),
    which would break ``==`` and hashing of the models.
    """
    zone = tz if tz is not None else local_zone()
    aware = naive.replace(tzinfo=zone, fold=0)
    if _kind(zone)[0]:
        # these zones follow PEP 495: both folds agree exactly outside gaps and overlaps
        offset = aware.utcoffset()
        if offset is not None and offset == aware.replace(fold=1).utcoffset():
            return aware.replace(tzinfo=_fixed(offset))
    if aware.astimezone(timezone.utc).astimezone(zone).replace(tzinfo=None) != naive:  # in a gap
        before = (aware - _ONE_DAY).utcoffset() or timedelta(0)
        after = (aware + _ONE_DAY).utcoffset() or timedelta(0)
        aware = aware + (after - before)
    return aware.astimezone(_fixed(aware.utcoffset() or timedelta(0)))


@cache
def _fixed(offset: timedelta) -> timezone:
    """The fixed zone of ``offset`` (UTC itself for zero), one object per offset."""
    return timezone(offset) if offset else timezone.utc


def parse_ctime(text: str, tz: tzinfo | None = None) -> datetime:
    """Parse ``Www Mmm dd HH:MM:SS YYYY`` (any runs of blanks) as a wall time in ``tz``.

    Raises ``ValueError`` (parsers turn it into a ``ParseError`` with the line) when the
    text has another shape, names an impossible date, or its weekday does not fit the date.
    """
    zone = tz if tz is not None else local_zone()
    hours = _HOURS.get(zone) if (_KINDS.get(type(zone)) or _kind(zone))[1] else None
    start = hours.get(text[:13] + text[19:]) if hours is not None else None
    if start is not None and text[13] == ":":  # the key matched: 24 characters, canonical around
        into = _INTO_HOUR.get(text[14:19]) or _into_hour(text[14:19])
        if into is not None:
            return start + into
    # five words split by any blanks; each number in ASCII digits
    words = text.split()
    weekday, month_name, day, clock, year = words if len(words) == 5 else ("",) * 5
    numbers = (day, clock[:2], clock[3:5], clock[6:], year)
    if not (
        weekday in WEEKDAYS
        and month_name in _MONTH_NUMBER
        and len(day) <= 2
        and clock[2:3] == clock[5:6] == ":"
        and len(clock) == 8
        and len(year) == 4
        and all(number.isascii() and number.isdigit() for number in numbers)
    ):
        raise ValueError(f"not a ctime() time (Www Mmm dd HH:MM:SS YYYY): {text!r}")
    naive = datetime(int(year), _MONTH_NUMBER[month_name], int(day), int(clock[:2]), int(clock[3:5]), int(clock[6:]))
    if WEEKDAYS[naive.weekday()] != weekday:
        raise ValueError(f"weekday {weekday} does not match the date in {text!r}")
    try:
        moment = resolve_wall_time(naive, zone)
    except OverflowError:  # within a day of year 1 or 9999
        raise ValueError(f"time out of range: {text!r}") from None
    canonical = text == f"{weekday} {month_name} {day:>2} {clock} {year}"  # the tools' columns
    if _kind(zone)[1] and canonical and _regular_hour(naive, zone):
        hours = _HOURS.setdefault(zone, {})
        if len(hours) >= _HOURS_KEPT:
            hours.clear()
        hours[text[:13] + text[19:]] = moment.replace(minute=0, second=0)
    return moment


def _into_hour(text: str) -> timedelta | None:
    """The offset into the hour of ``MM:SS`` (kept for the next time), else None."""
    minute, second = _SIXTY.get(text[:2]), _SIXTY.get(text[3:])
    if minute is None or second is None or text[2] != ":":
        return None
    return _INTO_HOUR.setdefault(text, timedelta(minutes=minute, seconds=second))


def _regular_hour(naive: datetime, zone: tzinfo) -> bool:
    """True when the first and last second of the clock hour of ``naive`` have one offset in
    ``zone`` and are in no gap or overlap (two clock changes in one hour: none in the tz database)."""
    start = naive.replace(minute=0, second=0, tzinfo=zone)
    end = naive.replace(minute=59, second=59, tzinfo=zone)
    offsets = {moment.replace(fold=fold).utcoffset() for moment in (start, end) for fold in (0, 1)}
    return len(offsets) == 1


def format_ctime(moment: datetime, tz: tzinfo | None = None) -> str:
    """Render ``moment`` the way the tools print times (``Sun Sep  3 08:00:00 2023``).

    An aware ``moment`` is first converted to ``tz`` (default :func:`local_zone`); a naive
    one is taken as a wall time and printed as it is.
    """
    wall = moment
    if moment.tzinfo is not None:
        wall = moment.astimezone(tz if tz is not None else local_zone())
    return (
        f"{WEEKDAYS[wall.weekday()]} {MONTHS[wall.month - 1]} {wall.day:2d} "
        f"{wall.hour:02d}:{wall.minute:02d}:{wall.second:02d} {wall.year:04d}"
    )

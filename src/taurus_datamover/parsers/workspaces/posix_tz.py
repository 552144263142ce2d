"""``TZ`` read as the C library (glibc) reads it, so that the times the tools print are
understood in the zone they were printed in. glibc's order (:func:`zone_from_tz`):

1. ``TZ`` unset: the file ``/etc/localtime`` (UTC when there is none); ``TZ=""``: UTC.
2. A leading ``:`` is dropped. A value naming a time zone file (absolute, or relative to
   ``$TZDIR``, default ``/usr/share/zoneinfo``) is that file, read with :mod:`zoneinfo`.
3. Anything else is a POSIX TZ string (:func:`parse_posix_tz`)::

       std offset [dst [offset] [,start[/time],end[/time]]]

   * names: three or more ASCII letters (``CET``), or ``<...>`` quoted with letters,
     digits, ``+`` and ``-`` (``<+0530>``);
   * offsets: ``[+-]hh[:mm[:ss]]`` *west* of Greenwich, as POSIX has it: ``UTC+3`` is
     three hours **behind** UTC (``-03:00``), ``<+0530>-5:30`` is ``+05:30``. The DST
     offset defaults to one hour east of standard time;
   * rules: ``Jn`` (day 1-365, February 29 never counted), ``n`` (day 0-365, counted),
     ``Mm.w.d`` (weekday ``d``, 0 = Sunday, of week ``w``, 5 = last, of month ``m``); the
     time (local time in force before the change; default ``02:00``) may be negative and
     up to 167 hours, as glibc allows; the UTC year of the instant picks the year's rule,
     as in glibc. A DST name without rules gets the rules of ``posixrules``
     (America/New_York: ``M3.2.0,M11.1.0`` since 2007, glibc's fallback too).

Where glibc silently falls back to UTC (``TZ=XYZ``, ``TZ=Europe/Nowhere``, trailing
garbage), a :class:`TimeZoneError` is raised: a zone that cannot be read is never UTC.
"""

from __future__ import annotations

import os
import re
import time
from datetime import datetime, timedelta, timezone, tzinfo
from functools import lru_cache

from taurus_datamover.errors import TimeZoneError

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing
if TYPE_CHECKING:
    from collections.abc import Mapping
    from zoneinfo import ZoneInfo

#: Where glibc looks for zone files when ``$TZDIR`` is not set.
DEFAULT_TZDIR = "/usr/share/zoneinfo"
#: What ``TZ`` unset means.
LOCALTIME = "/etc/localtime"

_EPOCH = datetime(1970, 1, 1)
_SECOND = timedelta(seconds=1)
_DAY = 86400
# compiled on first use (re's cache): a zone file or an unset TZ needs none of them
_NAME = r"[A-Za-z]{3,}|<[A-Za-z0-9+-]{3,}>"
_OFFSET = r"([+-]?)([0-9]{1,2})(?::([0-9]{1,2})(?::([0-9]{1,2}))?)?"
_RULE_DATE = r"J([0-9]{1,3})|([0-9]{1,3})|M([0-9]{1,2})\.([0-9])\.([0-9])"
_RULE_TIME = r"([+-]?)([0-9]{1,3})(?::([0-9]{1,2})(?::([0-9]{1,2}))?)?"
_MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def _year_start(year: int) -> int:
    """Epoch seconds of January 1, 00:00 UTC, of ``year``."""
    return int((datetime(year, 1, 1) - _EPOCH).total_seconds())


class TransitionRule:
    """When DST starts or ends: ``kind`` ``"J"`` (``day`` 1-365, no February 29), ``"N"``
    (``day`` 0-365) or ``"M"`` (``month``/``week``/``weekday``), at ``time`` seconds of local
    time (default 02:00); a plain class, lighter to make than a named tuple."""

    __slots__ = ("day", "kind", "month", "time", "week", "weekday")

    def __init__(
        self, kind: str, day: int = 0, month: int = 0, week: int = 0, weekday: int = 0, time: int = 2 * 3600
    ) -> None:
        self.kind, self.day, self.month, self.week, self.weekday, self.time = kind, day, month, week, weekday, time

    def _fields(self) -> tuple[str, int, int, int, int, int]:
        return self.kind, self.day, self.month, self.week, self.weekday, self.time

    def __eq__(self, other: object) -> bool:  # a value, as the named tuple it replaces
        return self._fields() == other._fields() if isinstance(other, TransitionRule) else NotImplemented

    def __hash__(self) -> int:
        return hash(self._fields())

    def __repr__(self) -> str:
        return "TransitionRule(kind={!r}, day={}, month={}, week={}, weekday={}, time={})".format(*self._fields())

    def day_of_year(self, year: int) -> int:
        """The 0-based day of ``year`` on which the change happens."""
        if self.kind == "J":
            return self.day - 1 + (1 if _is_leap(year) and self.day >= 60 else 0)
        if self.kind == "N":
            return self.day
        lengths = (31, 29 if _is_leap(year) else 28, *_MONTH_DAYS[2:])
        before = sum(lengths[: self.month - 1])
        first = datetime(year, self.month, 1).isoweekday() % 7  # 0 = Sunday
        day = (self.weekday - first) % 7
        for _ in range(1, self.week):
            if day + 7 >= lengths[self.month - 1]:
                break
            day += 7
        return before + day

    def change(self, year: int, offset: int) -> int:
        """Epoch seconds of the change in ``year``, its local time at UTC ``offset`` (east)."""
        return _year_start(year) + self.day_of_year(year) * _DAY + self.time - offset


#: posixrules (America/New_York) since 2007, and glibc's own fallback.
_US_START = TransitionRule("M", month=3, week=2, weekday=0)
_US_END = TransitionRule("M", month=11, week=1, weekday=0)


class PosixTimeZone(tzinfo):
    """A zone given by a POSIX TZ string; offsets are seconds *east* of UTC (as Python's)."""

    def __init__(
        self,
        text: str,
        std_name: str,
        std_offset: int,
        dst_name: str | None = None,
        dst_offset: int | None = None,
        start: TransitionRule | None = None,
        end: TransitionRule | None = None,
    ) -> None:
        self.text = text
        self.std_name = std_name
        self.std_offset = std_offset
        self.dst_name = dst_name
        self.dst_offset = std_offset + 3600 if dst_offset is None else dst_offset
        self.start = start
        self.end = end

    # -- the rule ----------------------------------------------------------------
    def is_dst_at(self, seconds: float) -> bool:
        """True when DST is in force at the instant ``seconds`` (epoch, UTC)."""
        if self.dst_name is None or self.start is None or self.end is None:
            return False
        year = (_EPOCH + timedelta(seconds=seconds)).year
        begins = self.start.change(year, self.std_offset)
        ends = self.end.change(year, self.dst_offset)
        if begins > ends:  # southern hemisphere: DST spans the new year
            return seconds < ends or seconds >= begins
        return begins <= seconds < ends

    def offset_at(self, seconds: float) -> int:
        """The UTC offset (seconds east) in force at the instant ``seconds``."""
        return self.dst_offset if self.is_dst_at(seconds) else self.std_offset

    def _instant(self, dt: datetime) -> float:
        """The instant of wall time ``dt``: PEP 495, ``fold`` picks the earlier (0) or the
        later (1) of two readings in a repeated hour, and the offset before (0) or after
        (1) the change in a skipped hour."""
        wall = (dt.replace(tzinfo=None) - _EPOCH).total_seconds()
        as_std = wall - self.std_offset
        as_dst = wall - self.dst_offset
        earlier, later = min(as_std, as_dst), max(as_std, as_dst)
        pick = later if dt.fold else earlier
        return wall - self.offset_at(pick)

    # -- tzinfo ------------------------------------------------------------------
    def utcoffset(self, dt: datetime | None) -> timedelta:
        if dt is None:
            return timedelta(seconds=self.std_offset)
        wall = (dt.replace(tzinfo=None) - _EPOCH).total_seconds()
        return timedelta(seconds=wall - self._instant(dt))

    def dst(self, dt: datetime | None) -> timedelta:
        if dt is None or not self.is_dst_at(self._instant(dt)):
            return timedelta(0)
        return timedelta(seconds=self.dst_offset - self.std_offset)

    def tzname(self, dt: datetime | None) -> str:
        if dt is None or self.dst_name is None or not self.is_dst_at(self._instant(dt)):
            return self.std_name
        return self.dst_name

    def fromutc(self, dt: datetime) -> datetime:
        if dt.tzinfo is not self:
            raise ValueError("fromutc: dt.tzinfo is not self")
        seconds = (dt.replace(tzinfo=None) - _EPOCH).total_seconds()
        offset = self.offset_at(seconds)
        wall = dt + timedelta(seconds=offset)
        other = self.std_offset if offset == self.dst_offset else self.dst_offset
        twin = seconds + offset - other  # the other instant that reads as the same wall time
        fold = 1 if other != offset and twin < seconds and self.offset_at(twin) == other else 0
        return wall.replace(fold=fold)

    def __repr__(self) -> str:
        return f"PosixTimeZone({self.text!r})"

    def __reduce__(self) -> tuple[object, ...]:
        return (parse_posix_tz, (self.text,))


# -- the grammar -------------------------------------------------------------------
def _error(text: str, rest: str, what: str) -> TimeZoneError:
    at = len(text) - len(rest)
    return TimeZoneError(
        f"TZ={text!r} is neither a time zone file nor a POSIX TZ string: {what} at "
        f"position {at} ({rest!r}); write e.g. 'Europe/Berlin' or 'CET-1CEST,M3.5.0,M10.5.0/3'"
    )


def _name(text: str, rest: str, what: str) -> tuple[str, str]:
    found = re.match(_NAME, rest)
    if found is None:
        raise _error(text, rest, f"expected the {what} name (3+ letters, or <...>)")
    return found.group(0).strip("<>"), rest[found.end() :]


def _clock(text: str, rest: str, pattern: str, most: int, what: str) -> tuple[int, str]:
    """``[+-]hh[:mm[:ss]]`` at the start of ``rest`` in seconds (sign kept), and the text after it."""
    found = re.match(pattern, rest)
    if found is None:
        raise _error(text, rest, f"expected the {what} ([+-]hh[:mm[:ss]])")
    sign, hh, mm, ss = found.groups()
    hours, minutes, seconds = int(hh), int(mm or 0), int(ss or 0)
    if hours > most or minutes > 59 or seconds > 59:
        raise _error(text, rest, f"the {what} out of range (at most {most}:59:59)")
    value = hours * 3600 + minutes * 60 + seconds
    return -value if sign == "-" else value, rest[found.end() :]


def _offset(text: str, rest: str, what: str) -> tuple[int, str]:
    """A POSIX offset (west positive) in seconds east, and the text after it."""
    west, rest = _clock(text, rest, _OFFSET, 24, f"{what} offset")
    return -west, rest


def _rule(text: str, rest: str) -> tuple[TransitionRule, str]:
    found = re.match(_RULE_DATE, rest)
    if found is None:
        raise _error(text, rest, "expected a rule date (Jn, n or Mm.w.d)")
    julian, plain, month, week, weekday = found.groups()
    if julian is not None:
        rule = TransitionRule("J", day=int(julian))
        bad = not 1 <= rule.day <= 365
    elif plain is not None:
        rule = TransitionRule("N", day=int(plain))
        bad = rule.day > 365
    else:
        rule = TransitionRule("M", month=int(month), week=int(week), weekday=int(weekday))
        bad = not (1 <= rule.month <= 12 and 1 <= rule.week <= 5 and rule.weekday <= 6)
    if bad:
        raise _error(text, rest, "rule date out of range")
    rest = rest[found.end() :]
    if rest.startswith("/"):
        rule.time, rest = _clock(text, rest[1:], _RULE_TIME, 167, "rule time")  # seconds of local time
    return rule, rest


def parse_posix_tz(text: str) -> PosixTimeZone:
    """The zone a POSIX TZ string describes (see the module text).

    Raises:
        TimeZoneError: the text does not follow the grammar (the message says where).
    """
    std_name, rest = _name(text, text, "standard time")
    std_offset, rest = _offset(text, rest, "standard time")
    if not rest:
        return _checked(text, PosixTimeZone(text, std_name, std_offset))
    dst_name, rest = _name(text, rest, "daylight saving time")
    dst_offset: int | None = None
    if rest and rest[0] not in ",":
        dst_offset, rest = _offset(text, rest, "daylight saving time")
    if rest in ("", ","):
        return _checked(text, PosixTimeZone(text, std_name, std_offset, dst_name, dst_offset, _US_START, _US_END))
    if not rest.startswith(","):
        raise _error(text, rest, "expected ',' and the rules")
    start, rest = _rule(text, rest[1:])
    if not rest.startswith(","):
        raise _error(text, rest, "expected ',' and the rule for the end of DST")
    end, rest = _rule(text, rest[1:])
    if rest:
        raise _error(text, rest, "unexpected text after the rules")
    return _checked(text, PosixTimeZone(text, std_name, std_offset, dst_name, dst_offset, start, end))


def _checked(text: str, zone: PosixTimeZone) -> PosixTimeZone:
    """``zone`` if Python's datetime can hold its offsets (each, and their difference,
    strictly within 24 hours; glibc allows 24:59:59), else :class:`TimeZoneError`."""
    for value in (zone.std_offset, zone.dst_offset, zone.dst_offset - zone.std_offset):
        if abs(value) >= _DAY:
            raise TimeZoneError(
                f"TZ={text!r}: an offset (or the step between standard and daylight saving "
                f"time) of 24 hours or more cannot be held by Python's datetime"
            )
    return zone


class CLibraryZone(tzinfo):
    """The zone of this process's C library, as ``datetime.timestamp()``/``fromtimestamp()``
    read local times (PEP 495 folds): an unset ``TZ`` without loading zoneinfo. Within a day
    of year 1 or 9999, where those fail, ``/etc/localtime`` is read with zoneinfo."""

    def utcoffset(self, dt: datetime | None) -> timedelta | None:
        if dt is None:
            return None
        wall = dt.replace(tzinfo=None, microsecond=0)
        try:
            return timedelta(seconds=(wall - _EPOCH) // _SECOND - int(wall.timestamp()))
        except (ValueError, OverflowError, OSError):
            return _localtime_file().utcoffset(dt)

    def dst(self, dt: datetime | None) -> timedelta | None:
        return None  # the C library says whether DST is in force, not by how much

    def tzname(self, dt: datetime | None) -> str | None:
        return None if dt is None else time.localtime(dt.replace(tzinfo=None).timestamp()).tm_zone

    def fromutc(self, dt: datetime) -> datetime:
        if dt.tzinfo is not self:
            raise ValueError("fromutc: dt.tzinfo is not self")
        try:
            local = datetime.fromtimestamp((dt.replace(tzinfo=None, microsecond=0) - _EPOCH) // _SECOND)
        except (ValueError, OverflowError, OSError):
            zone = _localtime_file()
            local = zone.fromutc(dt.replace(tzinfo=zone))
        return local.replace(microsecond=dt.microsecond, tzinfo=self)  # fold as it was set


_C_LIBRARY_ZONE = CLibraryZone()


def _localtime_file() -> tzinfo:
    return _zone_from_tz(None, None, LOCALTIME)


# -- TZ as glibc reads it ----------------------------------------------------------
def _zone_file(path: str, key: str) -> ZoneInfo | None:
    """The zone in ``path`` if it is a TZif file, else None."""
    try:
        with open(path, "rb") as handle:
            if handle.read(4) != b"TZif":
                return None
            from zoneinfo import ZoneInfo  # here: a POSIX TZ string needs no zoneinfo

            handle.seek(0)
            return ZoneInfo.from_file(handle, key=key)
    except (OSError, ValueError):
        return None


def zone_from_tz(value: str | None, tzdir: str | None = None, localtime: str = LOCALTIME) -> tzinfo:
    """The zone a ``TZ`` value (None: unset) names with ``$TZDIR`` ``tzdir`` (None:
    :data:`DEFAULT_TZDIR`), read as glibc reads it (see the module text); a
    :class:`TimeZoneError` when it names no zone file and is no POSIX TZ string.

    An unset ``TZ`` while this process's is unset too is :class:`CLibraryZone`, after
    ``time.mktime`` made the C library read ``TZ`` again (as POSIX has every ``mktime`` do).
    """
    if value is None and localtime == LOCALTIME and "TZ" not in os.environ:
        time.mktime(time.localtime(0))
        return _C_LIBRARY_ZONE
    return _zone_from_tz(value, tzdir, localtime)


@lru_cache(maxsize=64)
def _zone_from_tz(value: str | None, tzdir: str | None, localtime: str) -> tzinfo:
    if value is None:
        return _zone_file(localtime, "localtime") or timezone.utc
    name = value[1:] if value.startswith(":") else value
    if not name:
        return timezone.utc
    path = name if name.startswith("/") else os.path.join(tzdir or DEFAULT_TZDIR, name)
    found = _zone_file(path, name)
    return found if found is not None else parse_posix_tz(name)


def zone_from_environment(environ: Mapping[str, str] | None = None) -> tzinfo:
    """The zone of ``environ`` (default: this process's): its ``TZ`` and ``TZDIR``."""
    env = os.environ if environ is None else environ
    return zone_from_tz(env.get("TZ"), env.get("TZDIR") or None)

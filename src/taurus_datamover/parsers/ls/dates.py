"""The timestamp column of ``ls -l``: a regular expression per time style, and its reading.

One job: for each style ls prints, a regex fragment (used inside the whole-line pattern of
``shape``) and a function from the date as printed to ``(mtime, precision, mtime_ns)``.

=================  ===========================================  ============
style (family)     printed (coreutils 9.1)                      precision
=================  ===========================================  ============
``locale``         ``Nov 25 13:47`` / ``Mar  5  2024`` (C); any   minute / day
                   locale's order: ``25. Nov 13:47``,
                   ``5 mars   2024``, ``12月  1 09:58``
``long-iso``       ``2024-03-05 13:47``                          minute
``iso``            ``03-05 13:47`` / ``2024-03-05 `` (pad)        minute / day
``full-iso``       ``2024-03-05 13:47:01.123456789 +0100``       nanosecond
``epoch``          ``1709596800`` / ``1709596800.123456789``     second / ns
``format``         ``--time-style=+FORMAT``: what FORMAT says      from FORMAT
=================  ===========================================  ============

Month names are those of every glibc locale (``months``, generated from the locales'
``LC_TIME`` data); the fragment reads any word there, so an unknown name is reported, not
skipped. Years are any number of digits with a sign: ls prints ``May 25  12110`` and
``-249-10-15`` for times outside four digits; such a time has no ``datetime`` (``mtime`` is
None) but, where the instant is printed (full-iso, epoch), an exact ``mtime_ns``.

The "recent" forms (time of day, no year) are within six months before ``now`` (ls's rule),
so the year is the one that puts the date in that window. Where the year is left-aligned
(one space after the month: German, ``iso``) ls pads it with one space so both forms have
the same width; the pad is not part of the name.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

from taurus_datamover.models.files import TimePrecision
from taurus_datamover.parsers.ls.months import month_numbers

__all__ = ["FAMILIES", "DateReader"]

SIX_MONTHS = timedelta(seconds=31556952 // 2)
#: Tolerance for the gap between the moment ls ran and the ``now`` given to the parser.
CLOCK_SLACK = timedelta(days=2)
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_NS = 1_000_000_000
_DAY_NS = 86400 * _NS

_Y = r"(-?[0-9]+)"
_2 = r"([0-9]{2})"
# after the month: a time, a left-aligned year with its pad, or a right-aligned year
_TAIL = r"(?: +([0-9]{2}):([0-9]{2}) | (-?[0-9]+)  | {2,}(-?[0-9]+) )"
_MONTH_FIRST = r"([^\s0-9-]\S*|[0-9]{1,2}[^\s0-9.,:+-]\S*)"
#: family -> regex fragment (its first group wraps the whole date), in the order tried
FAMILIES: dict[str, str] = {
    "locale": rf"({_MONTH_FIRST} +([0-9]{{1,2}}){_TAIL})",
    "locale-day-first": rf"(([0-9]{{1,2}})\.? +([^\s0-9]\S*){_TAIL})",
    "long-iso": rf"({_Y}-{_2}-{_2} {_2}:{_2} )",
    "full-iso": rf"({_Y}-{_2}-{_2} {_2}:{_2}:{_2}(?:\.([0-9]{{1,9}}))? ([-+][0-9]{{2}})([0-9]{{2}}) )",
    "iso": rf"(?:({_Y}-{_2}-{_2}  |{_2}-{_2} {_2}:{_2} ))",
    "epoch": r"((-?[0-9]+)(?:\.([0-9]{9}))? )",
}

_PRECISIONS = (("N", TimePrecision.NANOSECOND), ("S", TimePrecision.SECOND), ("M", TimePrecision.MINUTE))


# -- calendar arithmetic that does not need datetime (any year) -----------------------------
def days_from_civil(year: int, month: int, day: int) -> int:
    """Days since 1970-01-01 of a proleptic Gregorian date (any year, also <1 or >9999)."""
    y = year - (month <= 2)
    era = y // 400
    yoe = y - era * 400
    doy = (153 * (month + (-3 if month > 2 else 9)) + 2) // 5 + day - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


_MONTH_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _check(month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> None:
    if not (1 <= month <= 12 and 1 <= day <= _MONTH_DAYS[month - 1] and hour < 24 and minute < 60 and second < 61):
        raise ValueError("impossible date or time")


Resolved = tuple["datetime | None", TimePrecision, "int | None"]


def _same_zone(a: datetime, b: datetime) -> bool:
    return (a.utcoffset(), a.tzname()) == (b.utcoffset(), b.tzname())


def _changes_days_apart(tz: tzinfo | None) -> bool:
    """Whether the zone's offset changes are known to lie days apart (see DateReader)."""
    if tz is None:
        return "," not in os.environ.get("TZ", "")
    return isinstance(tz, (timezone, ZoneInfo))


class DateReader:
    """Reads the dates of one family into ``(mtime, precision, mtime_ns)``.

    ``now``: when ls ran (the year of recent forms); ``tz``: the zone of printed local times
    (None: this machine's). Raises ``ValueError`` for dates that cannot be (the reader
    turns it into ParseError with the line)."""

    def __init__(self, now: datetime, tz: tzinfo | None, format_fields: list[tuple[str, ...]] | None = None) -> None:
        self.now = now
        self.tz = tz
        #: the six months before now (with the clock slack), as timestamps: cheap to compare
        self.window = ((now - SIX_MONTHS - CLOCK_SLACK).timestamp(), (now + CLOCK_SLACK).timestamp())
        self.format_fields = format_fields or []
        self.zones: dict[tuple[int, str], datetime] = {}  # the epoch in each local offset
        self.offsets: dict[str, tuple[int, tzinfo]] = {}
        # per day whose offset stays: its start, and the zone of a local calendar day. A day
        # whose start and end agree has no change only where changes lie days apart: a fixed
        # offset, tzdata's zones (at least 95 h apart in every zone), a TZ rule of default
        # dates; a TZ with explicit dates or any other tzinfo is read per entry (cache off)
        self.days: dict[int, datetime | bool] = {}
        self.wall_days: dict[tuple[int, int, int], tzinfo | bool] = {}
        self.by_day = _changes_days_apart(tz)
        self.days_read: dict[str, tuple[int, int, int, int, tzinfo | None]] = {}
        self.clocks: dict[str, tuple[int, int, int]] = {}
        self.recent_days: dict[tuple[int, int], tuple[int, tzinfo | None]] = {}
        self.offset_days: dict[str, tuple[int, int, int, int, tzinfo]] = {}

    def reader(self, family: str, fragment: str) -> Callable[[str], Resolved]:
        """The function that reads one family's date as printed (its wrapper group, the pad
        space included). ``long-iso``, ``full-iso`` and ``epoch`` are cut by position (the
        pattern matched them); the others are read from the groups of ``fragment``."""
        read: Callable[..., Resolved] = getattr(self, family.replace("-", "_"))
        if family in ("long-iso", "full-iso", "epoch"):
            return read
        pattern = re.compile(fragment)

        def by_groups(text: str) -> Resolved:
            m = pattern.fullmatch(text)
            if m is None:  # pragma: no cover - the entry pattern matched it
                raise ValueError(f"a date its family does not read: {text!r}")
            return read(m.groups())

        return by_groups

    # -- helpers ------------------------------------------------------------------------
    def _zone(self, y: int, mo: int, d: int) -> tzinfo | None:
        """``tz``, else the offset of a local day that keeps one offset all day; None where
        it is read per entry (``astimezone``) or the day has no ``datetime``."""
        try:
            zone = self.tz or (self.wall_days.get((y, mo, d)) if self.by_day else False)
            if zone is None:
                start, end = datetime(y, mo, d).astimezone(), datetime(y, mo, d, 23, 59, 59).astimezone()
                same = end.timestamp() - start.timestamp() == 86399 and _same_zone(start, end)
                zone = self.wall_days[(y, mo, d)] = (same and end.tzinfo) or False
            return zone if isinstance(zone, tzinfo) and datetime(y, mo, d, tzinfo=zone) else None
        except (OverflowError, OSError, ValueError):
            return None  # within a day of year 1 or 9999

    def _local(self, y: int, mo: int, d: int, h: int = 0, mi: int = 0, s: int = 0, us: int = 0) -> datetime | None:
        """The aware datetime of a wall time, or None outside datetime's years."""
        _check(mo, d, h, mi, s)
        if not 1 <= y <= 9999:
            return None
        zone = self._zone(y, mo, d)
        try:
            return (
                datetime(y, mo, d, h, mi, min(s, 59), us, zone)
                if zone
                else datetime(y, mo, d, h, mi, min(s, 59), us).astimezone()
            )
        except (OverflowError, OSError, ValueError):
            return None

    def _recent(self, mo: int, d: int, h: int, mi: int) -> datetime:
        """A time without a year: the year that puts it within six months before now."""
        known = self.recent_days.get((mo, d))
        if known is None:
            known = self.recent_days[(mo, d)] = self._recent_day(mo, d)
        if known[1] is not None and h < 24 and mi < 60:
            return datetime(known[0], mo, d, h, mi, 0, 0, known[1])
        _check(mo, d, h, mi)
        last_error: ValueError | None = None
        for year in self._years(mo, d):
            try:
                cand = self._local(year, mo, d, h, mi)
            except ValueError as exc:  # 29 Feb in a common year
                last_error = exc
                continue
            if cand is not None and self.window[0] < cand.timestamp() <= self.window[1]:
                return cand
        if last_error is not None:
            raise last_error
        raise ValueError("a recent time (no year) that is not within six months before now")

    def _years(self, mo: int, d: int) -> tuple[int, int, int]:
        """The years a recent date may have, the likely one first (at most one fits)."""
        ref = self.now
        years = (ref.year, ref.year - 1) if (mo, d) <= (ref.month, ref.day) else (ref.year - 1, ref.year)
        return (*years, ref.year + 1)

    def _recent_day(self, mo: int, d: int) -> tuple[int, tzinfo | None]:
        """The year and zone of a day well inside the window (by a day: no offset moves a
        wall time more), which has one year for all its times; else (0, None)."""
        for year in self._years(mo, d):
            naive = days_from_civil(year, mo, d) * 86400
            if self.window[0] < naive - 86400 and naive + 2 * 86400 <= self.window[1]:
                return year, self._zone(year, mo, d)
        return 0, None

    def _month(self, name: str) -> int:
        number = month_numbers().get(name)
        if number is None:
            raise ValueError(f"unknown month name {name!r}")
        return number

    def _day_or_minute(self, mo: int, d: int, hh: str | None, mm: str | None, year: str | None) -> Resolved:
        if hh is not None and mm is not None:
            return self._recent(mo, d, int(hh), int(mm)), TimePrecision.MINUTE, None
        assert year is not None
        return self._local(int(year), mo, d), TimePrecision.DAY, None

    # -- the families ---------------------------------------------------------------------
    def locale(self, g: tuple[str | None, ...]) -> Resolved:
        return self._day_or_minute(self._month(g[1] or ""), int(g[2] or 0), g[3], g[4], g[5] or g[6])

    def locale_day_first(self, g: tuple[str | None, ...]) -> Resolved:
        return self._day_or_minute(self._month(g[2] or ""), int(g[1] or 0), g[3], g[4], g[5] or g[6])

    def long_iso(self, text: str) -> Resolved:
        """``YYYY-MM-DD HH:MM `` (any year)."""
        y, mo, d, _, zone = self._day(text[:-7])
        h, mi, _ = self.clocks.get(text[-6:-1]) or self._clock(text[-6:-1])
        if zone is not None:
            return datetime(y, mo, d, h, mi, 0, 0, zone), TimePrecision.MINUTE, None
        return self._local(y, mo, d, h, mi), TimePrecision.MINUTE, None

    def _day(self, text: str) -> tuple[int, int, int, int, tzinfo | None]:
        """Year, month, day, days since 1970 and ``_zone`` of ``YYYY-MM-DD`` (any year), once per day."""
        found = self.days_read.get(text)
        if found is None:
            y, mo, d = int(text[:-6]), int(text[-5:-3]), int(text[-2:])
            _check(mo, d)
            found = self.days_read[text] = (y, mo, d, days_from_civil(y, mo, d), self._zone(y, mo, d))
        return found

    def _clock(self, text: str) -> tuple[int, int, int]:
        """Hours, minutes and seconds since midnight of ``HH:MM``, once per minute of the day."""
        h, mi = int(text[:2]), int(text[3:])
        _check(1, 1, h, mi)
        self.clocks[text] = (h, mi, h * 3600 + mi * 60)
        return self.clocks[text]

    def iso(self, g: tuple[str | None, ...]) -> Resolved:
        if g[1] is not None:
            return self._local(int(g[1]), int(g[2] or 0), int(g[3] or 0)), TimePrecision.DAY, None
        return (
            self._recent(int(g[4] or 0), int(g[5] or 0), int(g[6] or 0), int(g[7] or 0)),
            TimePrecision.MINUTE,
            None,
        )

    def full_iso(self, text: str) -> Resolved:
        """``YYYY-MM-DD HH:MM:SS[.fraction] +HHMM `` (any year), cut from the end."""
        if text[-17] == ".":  # what ls prints: nine digits of nanoseconds, read with the seconds
            day_text, clock, exact = text[:-26], text[-25:-20], int(text[-19:-7].replace(".", ""))
        else:
            whole, _, frac = text[:-7].partition(".")
            day_text, clock, exact = whole[:-9], whole[-8:-3], int(whole[-2:]) * _NS + int(frac.ljust(9, "0") or 0)
        found = self.offset_days.get(day_text + text[-6:-1])
        if found is None:
            offset, zone = self._offset(text[-6:-3], text[-3:-1])
            y, mo, d, day, _ = self._day(day_text)
            found = self.offset_days[day_text + text[-6:-1]] = (y, mo, d, day * 86400 - offset * 60, zone)
        y, mo, d, base, zone = found
        h, mi, seconds = self.clocks.get(clock) or self._clock(clock)
        s, ns = divmod(exact, _NS)
        if s > 60:
            raise ValueError("impossible date or time")
        mtime = datetime(y, mo, d, h, mi, s if s < 60 else 59, ns // 1000, zone) if 1 <= y <= 9999 else None
        return mtime, TimePrecision.NANOSECOND, (base + seconds) * _NS + exact

    def _offset(self, hours: str, minutes: str) -> tuple[int, tzinfo]:
        """The minutes and the zone of a printed ``+HHMM`` offset (one object per offset)."""
        found = self.offsets.get(hours + minutes)
        if found is None:
            offset = int(hours) * 60 + (-1 if hours[0] == "-" else 1) * int(minutes)
            found = self.offsets[hours + minutes] = (offset, timezone(timedelta(minutes=offset)))
        return found

    def _instant(self, seconds: int, ns: int) -> datetime | None:
        """The instant ``seconds`` since the epoch and ``ns`` (0 to 999,999,999) in ``tz``,
        else in the local zone's offset at that instant, as ``astimezone()`` gives it
        (``localtime``'s offset and abbreviation); None outside datetime's years (the
        nanoseconds stay exact). Within a day whose offset stays, an instant is the day's
        start plus a timedelta (cheaper than the zone per entry)."""
        day, rest = divmod(seconds, 86400)
        start = self.days.get(day) if self.by_day else False
        try:
            if start is None:
                first, last = self._exact(day * 86400), self._exact(day * 86400 + 86399)
                start = self.days[day] = not (first.fold or last.fold) and _same_zone(first, last) and first
            if isinstance(start, datetime):
                return start + timedelta(0, rest, ns // 1000)
            return self._exact(seconds).replace(microsecond=ns // 1000)
        except (OverflowError, OSError, ValueError):
            return None

    def _exact(self, seconds: int) -> datetime:
        """The whole second ``seconds`` in ``tz`` or the local zone (one zone object per offset)."""
        if self.tz is not None:
            return datetime.fromtimestamp(seconds, self.tz)
        local = time.localtime(seconds)
        key = (local.tm_gmtoff, local.tm_zone)
        epoch = self.zones.get(key)
        if epoch is None:
            zone = timezone(timedelta(seconds=local.tm_gmtoff), local.tm_zone)
            epoch = self.zones[key] = _EPOCH.astimezone(zone)
        return epoch + timedelta(seconds=seconds)

    def epoch(self, text: str) -> Resolved:
        """``SECONDS `` or ``SECONDS.NANOSECONDS ``."""
        whole, dot, fraction = text[:-1].partition(".")
        seconds, ns = int(whole), int(fraction) if dot else 0
        precision = TimePrecision.NANOSECOND if dot else TimePrecision.SECOND
        return self._instant(seconds, ns), precision, seconds * _NS + ns

    def format(self, g: tuple[str | None, ...]) -> Resolved:
        """``+FORMAT``: the groups of whichever alternative (old/recent format) matched."""
        pos = 1
        for fields in self.format_fields:
            values = g[pos : pos + len(fields)]
            pos += len(fields)
            if values and values[0] is not None:
                return self._from_fields(dict(zip(fields, values)))
        raise ValueError("no time format matched")

    def _from_fields(self, f: dict[str, str | None]) -> Resolved:
        """``(mtime, precision, mtime_ns)`` of the fields a +FORMAT printed."""
        n = {k: int(v) for k, v in f.items() if v is not None and k not in ("b", "z")}
        precision = next((p for k, p in _PRECISIONS if k in f), TimePrecision.DAY)
        if "s" in n:
            return self._instant(n["s"], n.get("N", 0)), precision, n["s"] * _NS + n.get("N", 0)
        month = n["m"] if "m" in n else self._month(f.get("b") or "")
        day, h, mi, s, nanos = n.get("d", 0), n.get("H", 0), n.get("M", 0), n.get("S", 0), n.get("N", 0)
        if "Y" in n:
            year = n["Y"]
        elif "y" in n:
            year = n["y"] + (1900 if n["y"] >= 69 else 2000)  # POSIX: 69-99 are 19xx
        else:  # a recent format without the year: the six-month rule
            year = self._recent(month, day, h, mi).year
        zone = f.get("z")
        if zone is None:
            return self._local(year, month, day, h, mi, s, nanos // 1000), precision, None
        offset, printed = self._offset(zone[:3], zone[3:5])
        _check(month, day, h, mi, s)
        mtime_ns = (days_from_civil(year, month, day) * 86400 + h * 3600 + mi * 60 + s - offset * 60) * _NS + nanos
        exact = mtime_ns if precision in (TimePrecision.NANOSECOND, TimePrecision.SECOND) else None
        try:
            return (
                (_EPOCH + timedelta(0, mtime_ns // _NS, mtime_ns % _NS // 1000)).astimezone(printed),
                precision,
                exact,
            )
        except (OverflowError, ValueError):
            return None, precision, exact

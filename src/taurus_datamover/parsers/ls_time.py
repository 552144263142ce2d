"""Read the timestamp column of ``ls -l`` with token tables, not a date parser per line.

One job: recognise which of ls's timestamp forms starts at a given token, where the name
begins after it, and turn it into a tz-aware ``datetime`` with its precision.

Forms (coreutils 9.1; ``%e`` is the day padded with a space):

=================  ===========================================  ============
style              printed                                      precision
=================  ===========================================  ============
locale, C          ``Nov 25 13:47`` / ``Mar  5  2024``           minute / day
locale, German     ``25. Nov 13:47`` / `` 5. Mär 2024 `` (pad)   minute / day
locale, French     ``25 nov.  13:47`` / `` 5 mars   2024``        minute / day
``long-iso``       ``2024-03-05 13:47``                          minute
``iso``            ``03-05 13:47`` / ``2024-03-05 `` (pad)       minute / day
``full-iso``       ``2024-03-05 13:47:01.123456789 +0100``       nanosecond
``+%s``            ``1709596800``                                second
``+%s.%N``         ``1709596800.123456789`` (``-2.500000000``)   nanosecond
=================  ===========================================  ============

The "recent" forms (time of day, no year) are within six months before ``now`` (ls's rule:
``now - 31556952/2 s < t <= now``), so the year is the one that puts the date in that window.
Older and future times print the year instead (midnight is assumed, precision "day").
Where the year is left-aligned (German, ``iso``) ls pads it with one space so that both forms
have the same width; the pad is not part of the name. ``%s.%N`` is read as
``int(seconds) * 10**9 + int(fraction)``, exact for negative times too.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone, tzinfo
from typing import NamedTuple

__all__ = ["DateMatch", "MONTHS", "match_date", "resolve_date"]

#: Abbreviated month names as glibc prints them (C, de_DE, fr_FR, plus older glibc forms).
MONTHS: dict[str, int] = {}
for _names in (
    "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec",
    "Jan Feb Mär Apr Mai Jun Jul Aug Sep Okt Nov Dez",
    "Jan Feb Mrz Apr Mai Jun Jul Aug Sep Okt Nov Dez",
    "janv. févr. mars avril mai juin juil. août sept. oct. nov. déc.",
    "janv févr mars avr mai juin juil août sept oct nov déc",
):
    for _i, _m in enumerate(_names.split(), start=1):
        MONTHS[_m] = _i

_DIGITS = frozenset("0123456789")
SIX_MONTHS = timedelta(seconds=31556952 // 2)
#: Tolerance for the gap between the moment ls ran and the ``now`` given to the parser.
CLOCK_SLACK = timedelta(days=2)


class DateMatch(NamedTuple):
    """A timestamp found in a line: its style family, the numbers, and where the name starts."""

    family: str  # "locale", "long-iso", "iso", "full-iso", "epoch"
    precision: str  # "minute", "day", "second", "nanosecond"
    year: int | None  # None: to infer from now (recent forms)
    month: int
    day: int
    hour: int
    minute: int
    second: int
    nanos: int
    offset_min: int | None  # printed UTC offset (full-iso)
    epoch_ns: int | None  # +%s / +%s.%N
    name_start: int  # index in the text where the name field begins


def _isdigits(s: str) -> bool:
    return s.isascii() and s.isdigit()


def _hhmm(s: str) -> tuple[int, int] | None:
    if len(s) == 5 and s[2] == ":" and _isdigits(s[:2]) and _isdigits(s[3:]):
        h, m = int(s[:2]), int(s[3:])
        if h < 24 and m < 60:
            return h, m
    return None


def _ymd(s: str) -> tuple[int, int, int] | None:
    if len(s) == 10 and s[4] == "-" and s[7] == "-":
        y, m, d = s[:4], s[5:7], s[8:]
        if _isdigits(y) and _isdigits(m) and _isdigits(d):
            return int(y), int(m), int(d)
    return None


def _day(s: str) -> int | None:
    if 1 <= len(s) <= 2 and _isdigits(s):
        d = int(s)
        if 1 <= d <= 31:
            return d
    return None


def _name_start(text: str, end: int, pad: int) -> int | None:
    """Index after the separator (and pad) that follows a timestamp ending at ``end``."""
    stop = end + 1 + pad
    if len(text) < stop or text[end:stop] != " " * (1 + pad):
        return None
    return stop


Token = tuple[int, int, str]


def _locale(toks: list[Token], j: int, text: str, day_first: bool) -> DateMatch | None:
    if j + 2 >= len(toks):
        return None
    a, b, c = toks[j][2], toks[j + 1][2], toks[j + 2][2]
    if day_first:
        day = _day(a[:-1]) if a.endswith(".") else _day(a)
        month = MONTHS.get(b)
    else:
        month = MONTHS.get(a)
        day = _day(b)
    if day is None or month is None:
        return None
    hm = _hhmm(c)
    end = toks[j + 2][1]
    if hm is not None:
        start = _name_start(text, end, 0)
        if start is None:
            return None
        return DateMatch("locale", "minute", None, month, day, hm[0], hm[1], 0, 0, None, None, start)
    if len(c) == 4 and _isdigits(c):
        # a year printed left-aligned (one space after the month) is padded by one space
        pad = 1 if toks[j + 2][0] - toks[j + 1][1] == 1 else 0
        start = _name_start(text, end, pad)
        if start is None:
            return None
        return DateMatch("locale", "day", int(c), month, day, 0, 0, 0, 0, None, None, start)
    return None


def _epoch(tok: str) -> tuple[int, str] | None:
    body = tok[1:] if tok.startswith("-") else tok
    sec, dot, frac = body.partition(".")
    if not _isdigits(sec) or len(sec) > 12:
        return None
    if dot:
        if len(frac) != 9 or not _isdigits(frac):
            return None
        seconds = -int(sec) if tok.startswith("-") else int(sec)
        return seconds * 10**9 + int(frac), "nanosecond"
    seconds = -int(sec) if tok.startswith("-") else int(sec)
    return seconds * 10**9, "second"


def _offset(s: str) -> int | None:
    if len(s) == 5 and s[0] in "+-" and _isdigits(s[1:]):
        minutes = int(s[1:3]) * 60 + int(s[3:])
        return -minutes if s[0] == "-" else minutes
    return None


def _iso(toks: list[Token], j: int, text: str) -> DateMatch | None:
    first = toks[j][2]
    ymd = _ymd(first)
    nxt = toks[j + 1] if j + 1 < len(toks) else None
    if ymd is not None:
        y, mo, d = ymd
        if nxt is not None and nxt[0] == toks[j][1] + 1:
            hm = _hhmm(nxt[2])
            if hm is not None:
                start = _name_start(text, nxt[1], 0)
                if start is not None:
                    return DateMatch("long-iso", "minute", y, mo, d, hm[0], hm[1], 0, 0,
                                     None, None, start)
            full = _full_time(nxt[2])
            if full is not None and j + 2 < len(toks):
                off = _offset(toks[j + 2][2])
                if off is not None:
                    start = _name_start(text, toks[j + 2][1], 0)
                    if start is not None:
                        h, mi, s, ns = full
                        return DateMatch("full-iso", "nanosecond", y, mo, d, h, mi, s, ns,
                                         off, None, start)
        start = _name_start(text, toks[j][1], 1)  # "iso": "%Y-%m-%d " (padded)
        if start is None:
            return None
        return DateMatch("iso", "day", y, mo, d, 0, 0, 0, 0, None, None, start)
    if len(first) == 5 and first[2] == "-" and _isdigits(first[:2]) and _isdigits(first[3:]):
        if nxt is None:
            return None
        hm = _hhmm(nxt[2])
        if hm is None or nxt[0] != toks[j][1] + 1:
            return None
        start = _name_start(text, nxt[1], 0)
        if start is None:
            return None
        return DateMatch("iso", "minute", None, int(first[:2]), int(first[3:]), hm[0], hm[1],
                         0, 0, None, None, start)
    return None


def _full_time(s: str) -> tuple[int, int, int, int] | None:
    # HH:MM:SS or HH:MM:SS.fffffffff
    if len(s) < 8 or s[2] != ":" or s[5] != ":":
        return None
    hh, mm, rest = s[:2], s[3:5], s[6:]
    ss, dot, frac = rest.partition(".")
    if not (_isdigits(hh) and _isdigits(mm) and _isdigits(ss) and len(ss) == 2):
        return None
    if dot and (not _isdigits(frac) or len(frac) > 9):
        return None
    ns = int(frac.ljust(9, "0")) if dot else 0
    return int(hh), int(mm), int(ss), ns


def match_date(toks: list[Token], j: int, text: str) -> DateMatch | None:
    """The timestamp starting at token ``j`` of ``text``, or ``None``."""
    if j >= len(toks):
        return None
    first = toks[j][2]
    c0 = first[0]
    if c0 in _DIGITS or c0 == "-":
        if first in MONTHS:  # not reachable for digits; kept for clarity
            return None
        if "-" in first[1:]:
            return _iso(toks, j, text)
        if j + 1 < len(toks) and (
            toks[j + 1][2] in MONTHS and (first.endswith(".") or _day(first) is not None)
        ):
            found = _locale(toks, j, text, day_first=True)
            if found is not None:
                return found
        ep = _epoch(first)
        if ep is None:
            return None
        start = _name_start(text, toks[j][1], 0)
        if start is None:
            return None
        return DateMatch("epoch", ep[1], None, 0, 0, 0, 0, 0, 0, None, ep[0], start)
    if first in MONTHS:
        return _locale(toks, j, text, day_first=False)
    return None


def _local(naive: datetime, tz: tzinfo | None) -> datetime:
    if tz is not None:
        return naive.replace(tzinfo=tz)
    return naive.astimezone()  # the local zone's rules at that time


def resolve_date(d: DateMatch, now: datetime | None, tz: tzinfo | None) -> tuple[datetime, int | None]:
    """``(mtime, mtime_ns)`` of a match; ``mtime_ns`` only when the instant was printed.

    Raises ``ValueError`` / ``OverflowError`` / ``OSError`` for impossible dates (the caller
    turns them into ParseError).
    """
    if d.epoch_ns is not None:
        sec, ns = divmod(d.epoch_ns, 10**9)
        base = datetime(1970, 1, 1, tzinfo=timezone.utc) + timedelta(seconds=sec, microseconds=ns // 1000)
        return (base.astimezone(tz) if tz is not None else base.astimezone()), d.epoch_ns
    if d.offset_min is not None:
        zone = timezone(timedelta(minutes=d.offset_min))
        dt = datetime(d.year or 1, d.month, d.day, d.hour, d.minute, d.second, d.nanos // 1000, tzinfo=zone)
        whole = datetime(d.year or 1, d.month, d.day, d.hour, d.minute, d.second, tzinfo=zone)
        epoch = whole - datetime(1970, 1, 1, tzinfo=timezone.utc)
        return dt, (epoch.days * 86400 + epoch.seconds) * 10**9 + d.nanos
    if d.year is not None:
        return _local(datetime(d.year, d.month, d.day, d.hour, d.minute), tz), None
    # recent form: the year that puts the time within six months before ``now``
    ref = now if now is not None else datetime.now(tz) if tz is not None else datetime.now().astimezone()
    if ref.tzinfo is None:
        ref = _local(ref, tz)
    last_error: ValueError | None = None
    # the window is shorter than a year, so at most one year fits: try the likeliest first
    for year in (ref.year, ref.year - 1, ref.year + 1):
        try:
            cand = _local(datetime(year, d.month, d.day, d.hour, d.minute), tz)
        except ValueError as exc:  # 29 Feb in a common year
            last_error = exc
            continue
        if ref - SIX_MONTHS - CLOCK_SLACK < cand <= ref + CLOCK_SLACK:
            return cand, None
    if last_error is not None:
        raise last_error
    raise ValueError("a recent time (no year) that is not within six months before now")

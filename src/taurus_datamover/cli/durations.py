"""The command line's values: durations (``90m``, ``1d12h``, ISO 8601 ``P1DT6H30M``), whole
numbers (``argparse`` ``type=`` forms whose messages say what is accepted), and sizes and
times as people read them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

from taurus_datamover.errors import DurationError

#: What the usage error lists.
ACCEPTED_FORMS = "90m, 12h, 3d, 1w (or combined: 1d12h), or ISO 8601 such as P3D, PT12H, P1W"

_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
# compiled on first use (re's cache): most runs read no duration
_SHORT = r"(?:([0-9]{1,12})([smhdw]))+"
_SHORT_PART = r"([0-9]{1,12})([smhdw])"
_ISO = (
    r"P(?!$)(?:(?P<w>[0-9]{1,12})W)?(?:(?P<d>[0-9]{1,12})D)?"
    r"(?:T(?=[0-9])(?:(?P<h>[0-9]{1,12})H)?(?:(?P<m>[0-9]{1,12})M)?(?:(?P<s>[0-9]{1,12})S)?)?"
)
#: Longer than any workspace or job could last; keeps timedelta from overflowing.
_MAX_SECONDS = 100 * 365 * 86400


def parse_duration(text: str) -> timedelta:
    """The positive :class:`~datetime.timedelta` written as ``text``: whole numbers with
    units ``s m h d w`` (any case) or ISO 8601 weeks to seconds. Years and months are
    refused (their length depends on the calendar); anything else is a DurationError."""
    value = text.strip()
    seconds: int | None = None
    if re.fullmatch(_SHORT, value.lower()):
        seconds = sum(int(n) * _UNIT_SECONDS[unit] for n, unit in re.findall(_SHORT_PART, value.lower()))
    else:
        iso = re.fullmatch(_ISO, value.upper())
        if iso is not None and value.upper() not in ("P", "PT"):
            seconds = sum(
                int(iso.group(unit)) * _UNIT_SECONDS[unit]
                for unit in ("w", "d", "h", "m", "s")
                if iso.group(unit) is not None
            )
    if seconds is None:
        raise DurationError(f"not a duration: {text!r} (use {ACCEPTED_FORMS})")
    if seconds <= 0:
        raise DurationError(f"a duration must be positive: {text!r} (use {ACCEPTED_FORMS})")
    if seconds > _MAX_SECONDS:
        raise DurationError(f"duration too long: {text!r} (at most 100 years)")
    return timedelta(seconds=seconds)


def duration_arg(text: str) -> timedelta:
    """``argparse`` type: :func:`parse_duration`, failing as a usage error (exit 2)."""
    return _argument(parse_duration, text)


def _argument(read: Callable[[str], timedelta], text: str) -> timedelta:
    try:
        return read(text)
    except DurationError as exc:
        raise _type_error(str(exc)) from None


def _type_error(message: str) -> Exception:
    import argparse  # here: ``ws list`` reads its words without argparse

    return argparse.ArgumentTypeError(message)


def format_duration(delta: timedelta | None) -> str:
    """A short human form: ``3d 4h``, ``5h 10m``, ``12m``, ``-2h 5m`` (``?`` for None)."""
    if delta is None:
        return "?"
    total = int(delta.total_seconds())
    sign = "-" if total < 0 else ""
    total = abs(total)
    days, rest = divmod(total, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    if days:
        return f"{sign}{days}d {hours}h" if hours else f"{sign}{days}d"
    if hours:
        return f"{sign}{hours}h {minutes}m" if minutes else f"{sign}{hours}h"
    if minutes:
        return f"{sign}{minutes}m"
    return f"{sign}{seconds}s"


def read_days_or_duration(text: str) -> timedelta:
    """A duration, or a bare number of days (``7`` is ``7d``); else a DurationError."""
    value = text.strip()
    if value.startswith("-"):
        raise DurationError(f"a duration must be positive: {text!r} (use {ACCEPTED_FORMS})")
    return parse_duration(f"{int(value)}d" if value.isdigit() else value)


def days_or_duration(text: str) -> timedelta:
    """``argparse`` type of ``--expiring``/``--within``: :func:`read_days_or_duration`."""
    return _argument(read_days_or_duration, text)


def _whole_number(text: str, minimum: int, complaint: str) -> int:
    """``text`` as a whole number of at least ``minimum``, else an argparse type error."""
    try:
        value = int(text, 10)
    except ValueError:
        raise _type_error(f"not a whole number: {text!r}") from None
    if value < minimum:
        raise _type_error(f"{complaint}: {text!r}")
    return value


def positive_int(text: str) -> int:
    """``argparse`` type: a whole number of at least 1."""
    return _whole_number(text, 1, "must be at least 1")


def non_negative_int(text: str) -> int:
    """``argparse`` type: a whole number of at least 0."""
    return _whole_number(text, 0, "must not be negative")


def format_size(count: float) -> str:
    """Bytes as people read them: ``512 B``, ``1.2 MiB``, ``3.0 TiB`` (binary units)."""
    value = float(count)
    for unit in ("B", "KiB", "MiB", "GiB", "TiB", "PiB"):
        if abs(value) < 1024 or unit == "PiB":
            break
        value /= 1024
    return f"{value:.0f} B" if unit == "B" else f"{value:.1f} {unit}"


def format_clock(seconds: float) -> str:
    """Elapsed time as a clock: ``0:07``, ``12:30``, ``1:02:03``."""
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"

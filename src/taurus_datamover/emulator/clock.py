"""The emulated site's clock (:func:`now`; the rule: ``facts.EMULATOR_NOW_ENV``), so tests can freeze and move time."""

from __future__ import annotations

import os
import time
from collections.abc import Mapping
from datetime import datetime, timedelta, timezone
from pathlib import Path

from taurus_datamover.emulator.errors import EmulatorArgumentError
from taurus_datamover.emulator.files import write_atomic
from taurus_datamover.facts import EMULATOR_CLOCK_FILE as CLOCK_FILE
from taurus_datamover.facts import EMULATOR_NOW_ENV as NOW_ENV


def parse_time(text: str) -> float:
    """Epoch seconds from *text*: a number, or ISO 8601 (naive means UTC); anything else, and
    a number no datetime can hold (``nan``, ``1e300``), is an ``EmulatorArgumentError``."""
    value = text.strip()
    try:
        try:
            seconds = float(value)
        except ValueError:
            seconds = _epoch(datetime.fromisoformat(value))
        datetime.fromtimestamp(seconds, timezone.utc)  # nan, inf and 1e300 are no time
    except (ValueError, OverflowError):
        raise EmulatorArgumentError(f"the emulated clock {value!r} is neither epoch seconds nor ISO 8601") from None
    return seconds


def _epoch(when: datetime) -> float:
    return (when if when.tzinfo is not None else when.replace(tzinfo=timezone.utc)).timestamp()


def now(root: Path, environ: Mapping[str, str] | None = None) -> float:
    """The emulated current time of the site at *root* in epoch seconds (*environ*: ``os.environ``)."""
    env = (os.environ if environ is None else environ).get(NOW_ENV)
    if env:
        return parse_time(env)
    try:
        text = (Path(root) / CLOCK_FILE).read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return time.time()
    return parse_time(text) if text.strip() else time.time()


def set_clock(root: Path, when: datetime | float | None) -> None:
    """Freeze the site's clock at *when* (naive datetimes are UTC); ``None`` unfreezes it."""
    target = Path(root) / CLOCK_FILE
    if when is None:
        target.unlink(missing_ok=True)
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(target, f"{_epoch(when) if isinstance(when, datetime) else float(when)!r}\n")


def advance_clock(root: Path, delta: timedelta | float) -> None:
    """Freeze the clock at the emulated now plus *delta* (``TAURUS_EMULATOR_NOW`` still wins)."""
    seconds = delta.total_seconds() if isinstance(delta, timedelta) else float(delta)
    set_clock(root, now(root) + seconds)

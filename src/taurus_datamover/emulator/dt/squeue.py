"""squeue-style listings of the local queue (pure: records and a clock in, text out).

Supports squeue's ``-o`` format language: ``%[.][width]X`` fields (``.`` = right-justify;
a width also truncates, as squeue does) mixed with literal text; the default is squeue's.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import datetime

from taurus_datamover.emulator.dt.jobs import JobRecord
from taurus_datamover.facts import SLURM_STATE_CODES

DEFAULT_FORMAT = "%.18i %.9P %.8j %.8u %.2t %.10M %.6D %R"

#: Slurm's job states -> squeue's compact codes (``%t``, ``-t``).
STATE_CODES = SLURM_STATE_CODES
_CODE_TO_STATE = {code: state for state, code in STATE_CODES.items()}


class FormatError(ValueError):
    """An unsupported ``-o`` field or ``-t`` state."""


def format_duration(seconds: float | None) -> str:
    """squeue's TIME style: ``0:05``, ``12:34``, ``1:02:03``, ``2-01:02:03``."""
    if seconds is None:
        return "UNLIMITED"
    total = int(seconds)
    days, rest = divmod(total, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{days}-{hours:02d}:{minutes:02d}:{secs:02d}"
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes}:{secs:02d}"


def _stamp(when: float | None) -> str:
    return "N/A" if when is None else datetime.fromtimestamp(when).strftime("%Y-%m-%dT%H:%M:%S")


_Field = Callable[[JobRecord, float], str]
_FIELDS: dict[str, tuple[str, _Field]] = {
    "i": ("JOBID", lambda j, now: str(j.job_id)),
    "A": ("JOBID", lambda j, now: str(j.job_id)),
    "j": ("NAME", lambda j, now: j.name),
    "u": ("USER", lambda j, now: j.user),
    "P": ("PARTITION", lambda j, now: j.partition),
    "T": ("STATE", lambda j, now: j.state),
    "t": ("ST", lambda j, now: STATE_CODES.get(j.state, j.state)),
    "M": ("TIME", lambda j, now: format_duration(j.elapsed(now))),
    "l": ("TIME_LIMIT", lambda j, now: format_duration(j.time_limit)),
    "L": (
        "TIME_LEFT",
        lambda j, now: format_duration(None if j.time_limit is None else max(0.0, j.time_limit - j.elapsed(now))),
    ),
    "D": ("NODES", lambda j, now: "1"),
    "C": ("CPUS", lambda j, now: "1"),
    "R": ("NODELIST(REASON)", lambda j, now: "(None)" if j.state == "PENDING" or j.start_time is None else "localhost"),
    "N": ("NODELIST", lambda j, now: "" if j.start_time is None else "localhost"),
    "r": ("REASON", lambda j, now: "None"),
    "a": ("ACCOUNT", lambda j, now: j.account or "(null)"),
    "Z": ("WORK_DIR", lambda j, now: j.workdir),
    "o": ("COMMAND", lambda j, now: " ".join(j.argv)),
    "V": ("SUBMIT_TIME", lambda j, now: _stamp(j.submit_time)),
    "S": ("START_TIME", lambda j, now: _stamp(j.start_time)),
    "e": ("END_TIME", lambda j, now: _stamp(j.end_time)),
}

_TOKEN = re.compile(r"%(\.?)(\d*)([A-Za-z%])")


def _render(fmt: str, value_of: Callable[[str], str]) -> str:
    def field(match: re.Match[str]) -> str:
        right, width, code = match.groups()
        if code == "%" or not width:
            return "%" if code == "%" else value_of(code)
        size = int(width)
        return value_of(code)[:size].rjust(size) if right else value_of(code)[:size].ljust(size)

    return _TOKEN.sub(field, fmt)


def format_jobs(jobs: Iterable[JobRecord], now: float, fmt: str = DEFAULT_FORMAT, header: bool = True) -> str:
    """Render *jobs* like ``squeue -o FMT`` (with the header line unless *header* is False)."""
    for _, _, code in _TOKEN.findall(fmt):
        if code != "%" and code not in _FIELDS:
            raise FormatError(f"Invalid job format specification: {code}")
    lines = [_render(fmt, lambda code: _FIELDS[code][0])] if header else []
    lines += [_render(fmt, lambda code, job=job: _FIELDS[code][1](job, now)) for job in jobs]  # type: ignore[misc]
    return "".join(line + "\n" for line in lines)


def parse_states(text: str) -> frozenset[str] | None:
    """Parse ``-t`` (``all`` or names/codes, comma-separated); None means every state."""
    states: set[str] = set()
    for word in text.split(","):
        key = word.strip().upper()
        if not key:
            continue
        if key == "ALL":
            return None
        if key in STATE_CODES:
            states.add(key)
        elif key in _CODE_TO_STATE:
            states.add(_CODE_TO_STATE[key])
        else:
            raise FormatError(f"Invalid job state specified: {word.strip()}")
    return frozenset(states)

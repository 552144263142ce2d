"""Transfer progress as rsync reports it with ``--info=progress2`` (or ``--progress``), in
one line rewritten with carriage returns::

          262,144,000  25%  249.88MB/s    0:00:03 (xfr#1, to-chk=3/5)
        1,048,576,000 100%  250.00MB/s    0:00:04 (xfr#4, to-chk=0/5)

The byte count is plain, digit-grouped (``,`` ``.`` or ``'`` by locale) or, with ``-hh``, a
rounded size (``1.05G``), kept as text only. The rate's units are rsync's binary ones (1 kB
= 1024 bytes); the time is kept as printed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_RATE_UNITS = {"B/s": 1, "kB/s": 1024, "KB/s": 1024, "MB/s": 1024**2, "GB/s": 1024**3, "TB/s": 1024**4}

_LINE = re.compile(
    r"^\s*(?P<bytes>[0-9][0-9,.']*[KMGTP]?)\s+(?P<percent>[0-9]{1,3})%\s+"
    r"(?P<rate>[0-9]+(?:\.[0-9]+)?)(?P<unit>[kKMGT]?B/s)\s+"
    r"(?P<time>[0-9]+:[0-9]{2}(?::[0-9]{2})?)"
    r"(?:\s+\(xfe?r#(?P<xfr>[0-9]+),\s+(?:to|ir)-chk=(?P<left>[0-9]+)/(?P<total>[0-9]+)\))?\s*$"
)
_GROUPED = re.compile(r"[0-9]{1,3}(?:([,.'])[0-9]{3})?(?:\1[0-9]{3})*")


@dataclass(frozen=True)
class Progress:
    """One progress report: ``bytes`` (``None`` for a rounded size), ``percent`` (of the whole
    transfer with ``progress2``, of the file with ``--progress``), ``rate`` in bytes per
    second, and ``(xfr#N, to-chk=L/T)`` as ``transferred_files``, ``files_to_check``, ``files_total``."""

    bytes: int | None
    bytes_text: str
    percent: int
    rate: float
    rate_text: str
    time_text: str
    transferred_files: int | None = None
    files_to_check: int | None = None
    files_total: int | None = None

    @property
    def done(self) -> bool:
        """True when the report says everything was transferred (100 %, nothing to check)."""
        return self.percent >= 100 and self.files_to_check in (0, None)


def parse_progress_line(line: str) -> Progress | None:
    """The :class:`Progress` in one rsync progress line, or ``None`` for any other line
    (file names, summaries, errors): the tool's other output shares the stream."""
    found = _LINE.match(line)
    if found is None:
        return None
    bytes_text, unit = found.group("bytes", "unit")
    rounded = bytes_text[-1] in "KMGTP"
    if not rounded and not bytes_text.isdigit() and _GROUPED.fullmatch(bytes_text) is None:
        return None
    percent = int(found.group("percent"))
    if percent > 100:
        return None
    xfr, left, total = (None if value is None else int(value) for value in found.group("xfr", "left", "total"))
    return Progress(
        bytes=None if rounded else int(re.sub(r"[,.']", "", bytes_text)),
        bytes_text=bytes_text,
        percent=percent,
        rate=float(found.group("rate")) * _RATE_UNITS[unit],
        rate_text=found.group("rate") + unit,
        time_text=found.group("time"),
        transferred_files=xfr,
        files_to_check=left,
        files_total=total,
    )


def latest_progress(text: str) -> Progress | None:
    """The last progress report in ``text`` (a job's stdout so far), or ``None``; a last
    piece without ``\\r`` or ``\\n`` may still be arriving and counts only when it parses."""
    for piece in reversed(re.split(r"[\r\n]", text[-65536:])):
        if piece.strip():
            progress = parse_progress_line(piece)
            if progress is not None:
                return progress
    return None

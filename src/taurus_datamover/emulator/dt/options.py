"""The datamover options of the emulated ``dt*`` transfer tools, and Slurm time limits.

The ZIH tools take ``--blocking``, ``--time`` and ``--account`` anywhere before a ``--``;
after it every word (and the ``--`` itself) is the wrapped command's, so ``dtls --
--blocking`` lists a file called ``--blocking``. Time limits use Slurm's syntax; Slurm
rounds to minutes, the local queue honours seconds (``--time=0:02`` for a test).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import NamedTuple

#: The datamover's default job time limit (18 hours), in Slurm syntax.
DEFAULT_TIME = "18:00:00"


class UsageError(ValueError):
    """A datamover option is malformed (e.g. ``--time`` without a value)."""


class DtOptions(NamedTuple):
    """The datamover options of one call and the wrapped command's arguments (a named
    tuple: every tool call imports this, and dataclasses costs more than the rest)."""

    blocking: bool
    time: str | None
    account: str | None
    args: tuple[str, ...]

    @property
    def time_or_default(self) -> str:
        return DEFAULT_TIME if self.time is None else self.time


_VALUED = ("--time", "--account")


def split_options(argv: Sequence[str]) -> DtOptions:
    """Strip ``--blocking``, ``--time``/``--account`` (``=V`` or `` V``) before any ``--``, the rest kept in order."""
    blocking = False
    values: dict[str, str] = {}
    rest: list[str] = []
    i = 0
    while i < len(argv):
        word = argv[i]
        if word == "--":
            rest.extend(argv[i:])
            break
        name, eq, value = word.partition("=")
        if word == "--blocking":
            blocking = True
        elif name in _VALUED and eq:
            values[name] = value
        elif word in _VALUED:
            if i + 1 >= len(argv):
                raise UsageError(f"option '{word}' requires an argument")
            values[word] = argv[i + 1]
            i += 1
        else:
            rest.append(word)
        i += 1
    return DtOptions(blocking=blocking, time=values.get("--time"), account=values.get("--account"), args=tuple(rest))


_NUM = "([0-9]+)"  # ASCII digits only, as Slurm reads them
_TIME_PATTERNS: tuple[tuple[re.Pattern[str], tuple[int, ...]], ...] = (  # and seconds per group
    (re.compile(rf"{_NUM}"), (60,)),
    (re.compile(rf"{_NUM}:{_NUM}"), (60, 1)),
    (re.compile(rf"{_NUM}:{_NUM}:{_NUM}"), (3600, 60, 1)),
    (re.compile(rf"{_NUM}-{_NUM}"), (86400, 3600)),
    (re.compile(rf"{_NUM}-{_NUM}:{_NUM}"), (86400, 3600, 60)),
    (re.compile(rf"{_NUM}-{_NUM}:{_NUM}:{_NUM}"), (86400, 3600, 60, 1)),
)


def parse_time_limit(text: str) -> int | None:
    """A Slurm time limit (``M``, ``M:S``, ``H:M:S``, ``D-H``, ``D-H:M``, ``D-H:M:S``) in
    seconds; None for none (``0``, ``INFINITE``, ``UNLIMITED``); :class:`UsageError` for text
    Slurm would reject."""
    value = text.strip()
    if value.upper() in ("INFINITE", "UNLIMITED", "-1"):
        return None
    for pattern, weights in _TIME_PATTERNS:
        match = pattern.fullmatch(value)
        if match:
            seconds = sum(int(g) * w for g, w in zip(match.groups(), weights))
            return None if seconds == 0 else seconds
    raise UsageError(f"Invalid --time specification: {text!r}")

"""The ``--time-style=+FORMAT`` of ``ls -l`` as a regular expression fragment.

One job: a strftime format (the conversions ls's dates use) as a regex and the field each
group holds; ``dates.DateReader.format`` reads the fields.
"""

from __future__ import annotations

import re

__all__ = ["format_fragment"]

_CONVERSIONS: dict[str, tuple[str, tuple[str, ...]]] = {
    "Y": (r"(-?[0-9]+)", ("Y",)),
    "y": (r"([0-9]{2})", ("y",)),
    "m": (r"([0-9]{2})", ("m",)),
    "d": (r"([0-9]{2})", ("d",)),
    "e": (r" ?([0-9]{1,2})", ("d",)),
    "H": (r"([0-9]{2})", ("H",)),
    "k": (r" ?([0-9]{1,2})", ("H",)),
    "M": (r"([0-9]{2})", ("M",)),
    "S": (r"([0-9]{2})", ("S",)),
    "N": (r"([0-9]{9})", ("N",)),
    "s": (r"(-?[0-9]+)", ("s",)),
    "b": (r"(\S+)", ("b",)),
    "h": (r"(\S+)", ("b",)),
    "z": (r"([-+][0-9]{4})", ("z",)),
    "F": (r"(-?[0-9]+)-([0-9]{2})-([0-9]{2})", ("Y", "m", "d")),
    "T": (r"([0-9]{2}):([0-9]{2}):([0-9]{2})", ("H", "M", "S")),
    "R": (r"([0-9]{2}):([0-9]{2})", ("H", "M")),
    "D": (r"([0-9]{2})/([0-9]{2})/([0-9]{2})", ("m", "d", "y")),
}
_LITERALS = {"%": "%", "t": "\t"}


def _format_parts(fmt: str, recent: bool = False) -> tuple[str, tuple[str, ...]]:
    """A strftime format as a regex (no outer group) and the field of each group."""
    out: list[str] = []
    fields: list[str] = []
    i = 0
    while i < len(fmt):
        ch = fmt[i]
        if ch != "%":
            out.append(re.escape(ch))
            i += 1
            continue
        if i + 1 >= len(fmt):
            raise ValueError(f"time style +{fmt!r} ends with a lone '%'")
        conv = fmt[i + 1]
        if conv in _LITERALS:
            out.append(re.escape(_LITERALS[conv]))
        elif conv in _CONVERSIONS:
            pattern, names = _CONVERSIONS[conv]
            out.append(pattern)
            fields.extend(names)
        else:
            raise ValueError(f"time style +{fmt!r}: %{conv} is not read by the parser")
        i += 2
    have = set(fields)
    if "s" not in have and not (
        {"m", "b"} & have and "d" in have and ({"Y", "y"} & have or (recent and {"H", "M"} <= have))
    ):
        raise ValueError(
            f"time style +{fmt!r} does not print the date (needs %s, or a year, "
            "month and day; a recent format may leave the year out)"
        )
    return "".join(out), tuple(fields)


def format_fragment(fmt: str) -> tuple[str, list[tuple[str, ...]]]:
    """The fragment of ``--time-style=+FORMAT`` and the fields of each alternative's groups.

    ``FMT1\\nFMT2`` is coreutils' pair: FMT1 for old (or future) times, FMT2 for recent
    ones (within six months), which may leave the year out (it is inferred, as for the
    default style).
    """
    parts = fmt.split("\n")[:2]
    alternatives = [_format_parts(part, recent=(k == 1)) for k, part in enumerate(parts)]
    body = "|".join(f"(?:{pattern}) " for pattern, _ in alternatives)
    return f"((?:{body}))", [fields for _, fields in alternatives]

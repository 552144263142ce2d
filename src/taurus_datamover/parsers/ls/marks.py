"""What ``--color``, ``-F`` and ``-q`` add to the literal name field of ``ls -l``.

One job: take a literal name field apart when ls decorated it, exactly or not at all.

* ``--color=always`` wraps a name in an SGR sequence and a reset (``ESC[01;34m`` name
  ``ESC[0m``; the first colored name of the output is preceded by one more reset); names of
  kinds without a color are printed bare. Every ESC in the field must be one of these:
  a name that itself contains ESC cannot be told apart from ls's own sequences in the
  literal style, and raises (list with ``-b``, which escapes it).
* ``-F`` (``--classify``, ``--file-type``, ``-p``) appends one indicator that the entry's
  mode determines (``/`` directory, ``|`` fifo, ``=`` socket, ``*`` executable file); a
  symlink's own name gets none, its target gets the target's, which the link's size (the
  target's byte length) separates from the target.
* ``-q`` prints ``?`` for every non-printable character: a name with ``?`` is lossy.
"""

from __future__ import annotations

import re

from taurus_datamover.parsers.ls.names import NameFieldError, to_bytes, to_str
from taurus_datamover.parsers.ls.options import Layout

__all__ = ["LossyName", "check_lossy", "decorated_field", "indicator_of", "strip_decorations", "without_indicator"]

_SGR = re.compile(r"\x1b\[[0-9;]*m")
_RESET = "\x1b[0m"
_INDICATORS = "*/=>@|"


class LossyName(NameFieldError):
    """A ``-q`` name with ``?``: what it stands for is lost."""


def check_lossy(name: str, target: str | None, lossy: bool) -> None:
    """Raise LossyName for a ``-q`` name or target with ``?``."""
    if lossy and "?" in name + (target or ""):
        raise LossyName("-q printed '?' for characters it hides: the name is lost (list without -q, with -b)")


def strip_decorations(field: str, mode: str, layout: Layout) -> list[str]:
    """The quoted (``-b``/``-Q``/shell-escape) field without ls's colors and indicator:
    the candidates to decode, most likely first. In those styles an ESC or an indicator
    character of the name itself is escaped, so the raw ones are ls's own."""
    if layout.color:
        field = _SGR.sub("", field)
    if not layout.classify:
        return [field]
    if mode[0] == "l":  # the target may carry its target's indicator
        return [field[:-1], field] if field[-1:] in _INDICATORS else [field]
    return [without_indicator(field, mode, layout.classify)]


def indicator_of(mode: str, classify: str) -> str:
    """The indicator ls appends to a (non-symlink) name of this mode, or ``""``."""
    kind = mode[0]
    mark = {"d": "/", "p": "|", "s": "="}.get(kind, "")
    if kind == "-" and "*" in classify and any(c in "xst" for c in (mode[3], mode[6], mode[9])):
        mark = "*"
    return mark if mark and mark in classify else ""


def without_indicator(field: str, mode: str, classify: str) -> str:
    """A (non-symlink) name field without the indicator its mode gets; raises without it."""
    mark = indicator_of(mode, classify) if classify else ""
    if mark and not field.endswith(mark):
        raise NameFieldError(f"-F indicator {mark!r} missing")
    return field[: -len(mark)] if mark else field


def _uncolor(part: str, color: bool) -> str:
    """A name segment without its color: ``[RESET][SGR]name RESET`` or a bare name."""
    if not color:
        return part
    if part.startswith(_RESET):
        part = part[len(_RESET) :]
    m = _SGR.match(part)
    if m is not None:
        if not part.endswith(_RESET):
            raise NameFieldError("a colored name without its reset sequence")
        part = part[m.end() : -len(_RESET)]
    if "\x1b" in part:
        raise NameFieldError(
            "a name with an ESC character under --color cannot be read exactly in the literal style; list with -b"
        )
    return part


def _target_tail(field: str, size: int, color: bool) -> tuple[str, str] | None:
    """``(name part, target)`` when ``field`` ends with a target of ``size`` bytes."""
    raw = to_bytes(field)
    end = len(raw)
    if color and field.endswith(_RESET) and (len(raw) - 4 - size) >= 0:
        body = raw[: end - 4]
        target = body[len(body) - size :]
        before = to_str(body[: len(body) - size])
        m = re.search(r"\x1b\[[0-9;]*m\Z", before)
        if m is not None and before[: m.start()].endswith(" -> "):
            return before[: m.start() - 4], to_str(target)
    if size <= 0 or len(raw) < size + 5:
        return None
    target = raw[end - size :]
    before = to_str(raw[: end - size])
    if not before.endswith(" -> "):
        return None
    return before[:-4], to_str(target)


def decorated_field(field: str, mode: str, size: int | None, layout: Layout) -> tuple[str, str | None]:
    """``(name, target)`` of a literal field with ``--color``/``-F``/``-q`` decorations."""
    color = layout.color
    if mode[0] == "l":
        if size is None:
            raise NameFieldError("a decorated symlink needs the exact size (no -h) to be split")
        found = None
        candidates = [field]
        if layout.classify and field[-1:] in _INDICATORS:
            candidates.append(field[:-1])
        for cand in candidates:
            found = _target_tail(cand, size, color)
            if found is not None:
                break
        if found is None:
            raise NameFieldError("symlink name and target do not split by the link's size")
        name, target = _uncolor(found[0], color), found[1]
        if "\x1b" in target:
            raise NameFieldError(
                "a target with an ESC character under --color cannot be read exactly in the literal style; list with -b"
            )
    else:
        name, target = _uncolor(without_indicator(field, mode, layout.classify), color), None
    check_lossy(name, target, layout.lossy)
    if not name:
        raise NameFieldError("empty name")
    return name, target

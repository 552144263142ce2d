"""The name field of one ``ls -l`` entry: the name and, for a symlink, its target.

One job: turn the text after the time column into ``(name, target)`` for the layout's
quoting style and decorations (``--color``, ``-F``, ``-q``), or say that a literal field is
not complete yet (a name with a newline goes on on the next line). Raises
:class:`NameFieldError` for a field that cannot be read; the reader adds the line.
"""

from __future__ import annotations

from taurus_datamover.parsers.ls.marks import LossyName, check_lossy, decorated_field, strip_decorations
from taurus_datamover.parsers.ls.names import NameFieldError, Quoting, decode_name_field, split_symlink_literal
from taurus_datamover.parsers.ls.options import Layout

__all__ = ["read_field"]

_SYMLINK_MODE = "l"


def read_field(field: str, mode: str, size: int | None, layout: Layout) -> tuple[str, str | None] | None:
    """``(name, target)`` of a name field, or None while a literal field may still go on
    (an empty name; a symlink whose target is shorter than its size says)."""
    symlink = mode[0] == _SYMLINK_MODE
    if layout.quoting is not Quoting.LITERAL:
        return _quoted_decorated(field, mode, size, layout)
    if layout.color or layout.classify or layout.lossy:
        try:
            return decorated_field(field, mode, size, layout)
        except LossyName:
            raise
        except NameFieldError:
            if symlink or not field:
                return None  # may be completed by the next lines
            raise
    if symlink:
        return split_symlink_literal(field, size)  # None: the target goes on
    if field:
        return field, None
    return None  # an empty name goes on on the next line


def _quoted_decorated(field: str, mode: str, size: int | None, layout: Layout) -> tuple[str, str | None]:
    """A quoted name field, without ls's colors and indicator (see ``marks``)."""
    symlink = mode[0] == _SYMLINK_MODE
    if not (layout.color or layout.classify or layout.lossy):
        return _quoted(field, symlink, layout.quoting)
    error: NameFieldError | None = None
    for candidate in strip_decorations(field, mode, layout):
        try:
            name, target = _quoted(candidate, symlink, layout.quoting)
        except NameFieldError as exc:
            error = exc
            continue
        if target is not None and size is not None and len(target.encode("utf-8", "surrogateescape")) != size:
            continue
        check_lossy(name, target, layout.lossy)
        return name, target
    raise error or NameFieldError("symlink size differs from its target's length")


def _quoted(field: str, symlink: bool, quoting: Quoting) -> tuple[str, str | None]:
    """A ``-b``/``-Q``/shell-escape name field; ``-b`` fields without a backslash are the
    name as it is (a raw space only stands in `` -> ``)."""
    if quoting is Quoting.ESCAPE and "\\" not in field:
        if not symlink and field and " " not in field:
            return field, None
        if symlink and field.count(" ") == 2:
            name, arrow, target = field.partition(" -> ")
            if arrow and name and target:
                return name, target
    return decode_name_field(field, quoting, symlink)

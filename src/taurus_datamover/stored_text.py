"""Arguments the hpc-workspace tools store and print back, checked before any tool runs.

``ws_allocate`` keeps a comment, a mail address, a group name ... in its database as
given, and ``ws_list`` prints them back raw, one field per line. A newline in a comment
(``"x\\nid: evil"``) would print as a line of its own and read as a field or a new
workspace; an escape sequence would drive the user's terminal; bytes that are not UTF-8
would make every later listing undecodable. So no argument of a ``ws_*`` tool may hold a
control character (C0 ``U+0000``-``U+001F``, ``DEL``, C1 ``U+0080``-``U+009F``: newline
and tab included), a Unicode line or paragraph separator (``U+2028``, ``U+2029``), or a
byte that is not UTF-8 (a lone surrogate of ``surrogateescape``). Such an argument is a
:class:`WorkspaceArgumentError` and no tool runs.
"""

from __future__ import annotations

import unicodedata

from taurus_datamover.errors import WorkspaceError

__all__ = ["WorkspaceArgumentError", "check_stored_text", "first_forbidden"]

#: Unicode categories refused: controls, line/paragraph separators, lone surrogates.
_FORBIDDEN_CATEGORIES = frozenset({"Cc", "Zl", "Zp", "Cs"})


class WorkspaceArgumentError(WorkspaceError, ValueError):
    """An argument for a ``ws_*`` tool that the tools would store and print back in a
    form that no listing could read right (see the module text); raised before any tool
    runs, so it carries no argv. Also a ``ValueError``."""


def first_forbidden(text: str) -> int | None:
    """The index of the first character of ``text`` that may not reach the tools, or None."""
    for index, char in enumerate(text):
        if unicodedata.category(char) in _FORBIDDEN_CATEGORIES:
            return index
    return None


def check_stored_text(value: object, what: str) -> str:
    """Return ``value`` (``str``, or ``bytes`` as UTF-8) as text if the tools can store
    and print it back unchanged, else raise :class:`WorkspaceArgumentError`.

    Args:
        value: the argument.
        what: how the message names it (``"comment"``, ``"argument 3 of ws_allocate"``).
    """
    if isinstance(value, bytes):
        text = value.decode("utf-8", "surrogateescape")
    elif isinstance(value, str):
        text = value
    else:
        raise WorkspaceArgumentError(f"{what} must be text, not {type(value).__name__}")
    index = first_forbidden(text)
    if index is None:
        return text
    char = text[index]
    if unicodedata.category(char) == "Cs":
        problem = f"a byte that is not UTF-8 (0x{ord(char) - 0xDC00:02X})"
    else:
        problem = f"the control character U+{ord(char):04X}"
    raise WorkspaceArgumentError(
        f"{what} holds {problem} at position {index} ({text!r}): hpc-workspace stores "
        "it and ws_list prints it back raw, where it would break or forge the listing; "
        "nothing was run"
    )

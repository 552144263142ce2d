"""What the ``ls`` options of a listing say about its columns and its quoting.

One job: turn the argv (or an option string) that produced a listing into a :class:`Layout`.
Some things cannot be read from the text alone: one number before the mode is the inode
(``-i``) or the block count (``-s``); one name column is the owner (``-o``/``-G``) or the
group (``-g``); a name printed ``a\\nb`` is literal or ``-b``-escaped. The parser uses the
layout to settle these; without options it assumes owner and group, literal names, and raises
ParseError where the text is ambiguous.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from taurus_datamover.parsers.ls_names import Quoting

__all__ = ["Layout", "layout_from_options", "option_words"]

_STYLES = {
    "literal": Quoting.LITERAL,
    "escape": Quoting.ESCAPE,
    "c": Quoting.C,
    "shell-escape": Quoting.SHELL_ESCAPE,
    "shell-escape-always": Quoting.SHELL_ESCAPE,
}


@dataclass(frozen=True)
class Layout:
    """Columns and quoting of a listing; ``None`` means "not known, read it from the text"."""

    inode: bool | None = None
    blocks: bool | None = None
    owner: bool = True
    group: bool = True
    quoting: Quoting = Quoting.LITERAL
    known: bool = False  # built from real options


def option_words(options: object) -> list[str]:
    """The ls arguments in ``options``: a str (split at blanks) or an iterable of str.

    Raises ``ValueError`` naming the type for anything else (an int, bytes, a list with a
    non-str item), so a wrong argument is reported as such, not as an AttributeError.
    """
    if isinstance(options, str):
        return options.split()
    if isinstance(options, (bytes, bytearray)) or not isinstance(options, Iterable):
        raise ValueError(
            f"options= must be a str or an iterable of str (the ls flags), not {type(options).__name__}")
    words = list(options)
    for word in words:
        if not isinstance(word, str):
            raise ValueError(
                f"options= must hold str items (the ls flags), not {type(word).__name__}: {word!r}")
    return words


def layout_from_options(options: str | Iterable[str] | None) -> Layout:
    """The layout implied by ls ``options`` (operands are ignored); unknown options too.

    Raises ``ValueError`` for a quoting style the parser cannot decode exactly.
    """
    if options is None:
        return Layout()
    args = option_words(options)
    inode = blocks = False
    owner = group = True
    quoting = Quoting.LITERAL
    for arg in args:
        if arg == "--":
            break
        if arg.startswith("--"):
            key, _, value = arg[2:].partition("=")
            if key == "inode":
                inode = True
            elif key == "size":
                blocks = True
            elif key == "no-group":
                group = False
            elif key in ("escape",):
                quoting = Quoting.ESCAPE
            elif key == "quote-name":
                quoting = Quoting.C
            elif key == "literal":
                quoting = Quoting.LITERAL
            elif key == "quoting-style":
                if value not in _STYLES:
                    raise ValueError(f"quoting style {value!r} is not supported by the parser")
                quoting = _STYLES[value]
            elif key == "hide-control-chars":
                raise ValueError("--hide-control-chars prints '?' for bytes: names are lost")
        elif arg.startswith("-") and len(arg) > 1:
            for ch in arg[1:]:
                if ch == "i":
                    inode = True
                elif ch == "s":
                    blocks = True
                elif ch == "g":
                    owner = False
                elif ch in "oG":
                    group = False
                elif ch == "b":
                    quoting = Quoting.ESCAPE
                elif ch == "Q":
                    quoting = Quoting.C
                elif ch == "N":
                    quoting = Quoting.LITERAL
                elif ch == "q":
                    raise ValueError("-q prints '?' for control characters: names are lost")
    return Layout(inode=inode, blocks=blocks, owner=owner, group=group, quoting=quoting, known=True)

"""What the ``ls`` options of a listing say about its columns, names and times.

One job: turn the argv (or an option string) that produced a listing into a :class:`Layout`.
Some things cannot be read from the text alone: one number before the mode is the inode
(``-i``) or the block count (``-s``); one name column is the owner (``-o``/``-G``) or the
group (``-g``); a name printed ``a\\nb`` is literal or ``-b``-escaped; a trailing ``/`` is
part of the name or ``-F``'s indicator; ``+FORMAT`` times have the shape the format says.
Without options the parser reads plain ``ls -l`` as printed to a pipe: owner and group,
literal names, any of ls's own time styles.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from taurus_datamover.parsers.ls.names import Quoting

__all__ = ["Classify", "Layout", "layout_from_options", "option_words"]

_STYLES = {**{q.value: q for q in Quoting}, "shell-escape-always": Quoting.SHELL_ESCAPE}
#: ``--time-style`` words (and ``--full-time``) -> the date families they print.
_TIME_STYLES = {style: (style,) for style in ("full-iso", "long-iso", "iso", "locale")}


class Classify:
    """Which indicators ``-F`` / ``--file-type`` / ``-p`` append to names."""

    NONE = ""
    ALL = "*/=>@|"  # -F, --classify, --indicator-style=classify
    FILE_TYPE = "/=>@|"  # --file-type (no '*' for executables)
    SLASH = "/"  # -p, --indicator-style=slash


@dataclass(frozen=True)
class Layout:
    """Columns, names and times of a listing; ``None`` means "not known, read the text"."""

    inode: bool | None = None
    blocks: bool | None = None
    owner: bool = True
    group: bool = True
    context: bool = False  # -Z: the SELinux context column after the group
    quoting: Quoting = Quoting.LITERAL
    classify: str = Classify.NONE  # the indicator characters ls appends
    color: bool = False  # --color=always: SGR escape sequences around names
    lossy: bool = False  # -q: '?' stands for any non-printable character
    times: tuple[str, ...] | None = None  # the date families, None: any of ls's styles
    time_format: str | None = None  # --time-style=+FORMAT (recent and old, "\n"-separated)
    known: bool = False  # built from real options


def option_words(options: object) -> list[str]:
    """The ls arguments in ``options``: a str (split at blanks) or an iterable of str.

    Raises ``ValueError`` naming the type for anything else (an int, bytes, a list with a
    non-str item), so a wrong argument is reported as such, not as an AttributeError.
    """
    if isinstance(options, str):
        return options.split()
    if isinstance(options, (bytes, bytearray)) or not isinstance(options, Iterable):
        raise ValueError(f"options= must be a str or an iterable of str (the ls flags), not {type(options).__name__}")
    words = list(options)
    for word in words:
        if not isinstance(word, str):
            raise ValueError(f"options= must hold str items (the ls flags), not {type(word).__name__}: {word!r}")
    return words


def _time_style(value: str) -> tuple[tuple[str, ...] | None, str | None]:
    """``(families, +FORMAT)`` of a ``--time-style`` value."""
    if value.startswith("posix-"):  # the style, except in the C/POSIX locale
        families, fmt = _time_style(value[len("posix-") :])
        return (None if families is None else (*families, "locale")), fmt
    if value in ("+%s", "+%s.%N"):  # seconds (and nanoseconds) since the epoch
        return ("epoch",), None
    if value.startswith("+"):
        return ("format",), value[1:]
    if value not in _TIME_STYLES:
        raise ValueError(f"time style {value!r} is not one ls knows")
    return _TIME_STYLES[value], None


#: long options that set one field to one value
_LONG: dict[str, tuple[str, object]] = {
    "inode": ("inode", True),
    "size": ("blocks", True),
    "no-group": ("group", False),
    "context": ("context", True),
    "escape": ("quoting", Quoting.ESCAPE),
    "quote-name": ("quoting", Quoting.C),
    "literal": ("quoting", Quoting.LITERAL),
    "hide-control-chars": ("lossy", True),
    "show-control-chars": ("lossy", False),
    "file-type": ("classify", Classify.FILE_TYPE),
}


def _long_option(key: str, value: str, state: dict[str, object]) -> None:
    if key in _LONG:
        field, setting = _LONG[key]
        state[field] = setting
    elif key == "quoting-style":
        if value not in _STYLES:
            raise ValueError(f"quoting style {value!r} is not supported by the parser")
        state["quoting"] = _STYLES[value]
    elif key == "classify":
        state["classify"] = Classify.NONE if value == "never" else Classify.ALL
    elif key == "indicator-style":
        state["classify"] = {"none": Classify.NONE, "slash": Classify.SLASH, "file-type": Classify.FILE_TYPE}.get(
            value, Classify.ALL
        )
    elif key == "color":
        state["color"] = value in ("", "always", "yes", "force")
    elif key == "full-time":
        state["times"], state["time_format"] = ("full-iso",), None
    elif key == "time-style":
        state["times"], state["time_format"] = _time_style(value)


_SHORT = {
    "i": ("inode", True),
    "s": ("blocks", True),
    "g": ("owner", False),
    "o": ("group", False),
    "G": ("group", False),
    "Z": ("context", True),
    "b": ("quoting", Quoting.ESCAPE),
    "Q": ("quoting", Quoting.C),
    "N": ("quoting", Quoting.LITERAL),
    "q": ("lossy", True),
    "F": ("classify", Classify.ALL),
    "p": ("classify", Classify.SLASH),
}


def layout_from_options(options: str | Iterable[str] | None) -> Layout:
    """The layout implied by ls ``options`` (operands are ignored, unknown options too).

    Raises ``ValueError`` for a quoting or time style the parser cannot read exactly, and
    for an ``options`` value that is not a str or an iterable of str.
    """
    if options is None:
        return Layout()
    state: dict[str, object] = {**vars(Layout(inode=False, blocks=False)), "known": True}
    for arg in option_words(options):
        if arg == "--":
            break
        if arg.startswith("--"):
            key, _, value = arg[2:].partition("=")
            _long_option(key, value, state)
        elif arg.startswith("-") and len(arg) > 1:
            for ch in arg[1:]:
                if ch in _SHORT:
                    key, val = _SHORT[ch]
                    state[key] = val
    return Layout(**state)  # type: ignore[arg-type]

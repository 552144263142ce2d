"""The command line before argparse: the exit codes, option values joined to their option,
the handler a sub-parser names, and ``ws list`` read without argparse (:func:`ws_list_args`):
importing argparse and building its parser cost the command's most frequent call more than
its listing. Only words it fully understands are read so; argparse answers the rest as before.
"""

from __future__ import annotations

from types import SimpleNamespace

from taurus_datamover.cli.durations import read_days_or_duration

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing
if TYPE_CHECKING:
    from argparse import Namespace
    from collections.abc import Callable, Sequence
    from typing import Any, TypeAlias

    #: What the handlers read: argparse's values, or those of :func:`ws_list_args`.
    Arguments: TypeAlias = Namespace | SimpleNamespace

EXIT_TOOL_FAILED = 1
EXIT_USAGE = 2
EXIT_NOT_EXTENDED = 3
EXIT_INTERRUPTED = 130

#: Options whose value may look like an option (``--expiring -1d``), joined to it before
#: parsing, so the value's own error is shown, not argparse's "expected one argument".
VALUE_OPTIONS = ("--expiring", "--within")


def join_option_values(argv: Sequence[str]) -> list[str]:
    """*argv* with ``OPTION -VALUE`` joined to ``OPTION=-VALUE`` for :data:`VALUE_OPTIONS`."""
    words = list(argv)
    out: list[str] = []
    while words:
        word = words.pop(0)
        if word == "--":
            return [*out, word, *words]
        if word in VALUE_OPTIONS and words and words[0].startswith("-") and words[0] != "--":
            word = f"{word}={words.pop(0)}"
        out.append(word)
    return out


def handler_of(name: str) -> Callable[[Any], int]:
    """The handler ``"module:function"`` of a sub-parser, imported now."""
    module, _, function = name.partition(":")
    handler: Callable[[Any], int] = getattr(__import__(f"taurus_datamover.cli.{module}", fromlist=["_"]), function)
    return handler


#: What the parser holds before any word is read (the global options' defaults).
_DEFAULTS = {"emulate": False, "site_root": None, "datamover_path": None, "ws_path": None, "verbose": 0, "quiet": 0}
#: The options that take a value, and their dest: the global ones, and ``ws list``'s own.
_GLOBAL_VALUES = {"--site-root": "site_root", "--datamover-path": "datamover_path", "--ws-path": "ws_path"}
_LIST_VALUES = {**_GLOBAL_VALUES, "-F": "filesystem", "--filesystem": "filesystem", "--expiring": "expiring"}
#: How a value is read (its type=): text, unless named here.
_TYPES: dict[str, Callable[[str], object]] = {"expiring": read_days_or_duration}
_COUNTS = {"-v": "verbose", "--verbose": "verbose", "-q": "quiet", "--quiet": "quiet"}


def ws_list_args(words: Sequence[str]) -> SimpleNamespace | None:
    """The values argparse gives ``words`` (all but ``usage_of``) when they are ``ws list``
    and its options (the global ones anywhere, each spelt in full, with its value as the
    next word or after ``=``), else None. As in argparse, each sub-parser reads its words
    into values of its own that then replace its parent's: the last value wins, the
    deepest count."""
    levels: list[dict[str, Any]] = [dict(_DEFAULTS)]
    at = 0
    while at < len(words):
        word, values = words[at], levels[-1]
        at += 1
        if not word.startswith("-"):
            if len(levels) == 3 or word != ("ws", "list")[len(levels) - 1]:
                return None
            levels.append({})
            continue
        option, equals, value = word.partition("=")
        dest = (_LIST_VALUES if len(levels) == 3 else _GLOBAL_VALUES).get(option)
        if dest is not None:
            if not equals:
                if at == len(words):
                    return None
                value, at = words[at], at + 1
            if value.startswith("-"):
                return None
            try:
                values[dest] = _TYPES.get(dest, str)(value)
            except ValueError:
                return None
        elif word in _COUNTS:
            values[_COUNTS[word]] = values.get(_COUNTS[word], 0) + 1
        elif word == "--emulate" or (word == "--json" and len(levels) == 3):
            values[word[2:]] = True
        else:
            return None
    if len(levels) < 3:
        return None
    top, ws, own = levels
    listing = {"filesystem": None, "expiring": None, "json": False, "handler": "ws:run_ws_list", **own}
    return SimpleNamespace(**{**top, "command": "ws", "ws_command": "list", **ws, **listing})

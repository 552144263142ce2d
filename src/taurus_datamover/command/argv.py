"""Argument vectors: one argv entry per argument, ``str`` or ``bytes`` (raw file names), never
through a shell; and reading argv the way the tools do.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence

from taurus_datamover.errors import ToolArgumentError, ToolArgumentTypeError

#: What may be passed as one argument: text, bytes (raw file names) or a path object.
PathArg = str | bytes | os.PathLike[str]


def as_arg(value: PathArg | int | float) -> str | bytes:
    """One argv entry: numbers become text, bytes stay bytes (names that are not UTF-8); a
    NUL, which no program can be given, is a ``ToolArgumentError`` before anything runs."""
    if isinstance(value, bool):
        raise ToolArgumentTypeError("a bool is not a tool argument")
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, os.PathLike):
        value = os.fspath(value)
    if isinstance(value, str):
        if "\x00" in value:
            raise ToolArgumentError(f"argument contains a NUL character: {value!r}")
        return value
    if isinstance(value, bytes):
        if b"\x00" in value:
            raise ToolArgumentError(f"argument contains a NUL byte: {value!r}")
        return value
    raise ToolArgumentTypeError(f"not a tool argument: {value!r}")


def arg_words(argv: Sequence[str | bytes]) -> list[str]:
    """``argv`` as text for argv building to read (never what is run), decoded as the OS decodes
    file names: the one place ``str`` and ``bytes`` meet, so ``b"--"`` ends options as ``"--"``."""
    return [os.fsdecode(word) for word in argv]


def end_of_options(argv: Sequence[str | bytes], start: int = 1) -> int | None:
    """The index of the first ``--`` (``str`` or ``bytes``) at or after ``start``, else None."""
    words = arg_words(argv)
    return words.index("--", start) if "--" in words[start:] else None


#: Linux's limit on one argument or environment string (MAX_ARG_STRLEN, 32 pages).
_MAX_ARG_STRLEN = 32 * 4096


def shown_argv(argv: Sequence[str], words: int = 5, chars: int = 200) -> list[str]:
    """The start of an argv too long to run, short enough for an error message."""
    shown = [a if len(a) <= chars else f"{a[:chars]}...({len(a):,} chars)" for a in argv[:words]]
    if len(argv) > words:
        shown.append(f"...({len(argv) - words:,} more arguments)")
    return shown


def too_long_message(argv: Sequence[str | bytes | os.PathLike[str]], env: Mapping[str, str]) -> str:
    """Why the OS refused to start ``argv`` (E2BIG), with its size, and what to do."""
    sizes = [len(os.fsencode(a)) + 1 for a in argv]
    env_size = sum(len(os.fsencode(k)) + len(os.fsencode(v)) + 2 for k, v in env.items())
    try:
        limit = os.sysconf("SC_ARG_MAX")
    except (ValueError, OSError):
        limit = -1
    tool = os.path.basename(os.fsdecode(argv[0]))
    text = (
        f"{tool} was not started: the argument list is too long for the operating system "
        f"(E2BIG): {len(argv) - 1:,} arguments, {sum(sizes):,} bytes, plus {env_size:,} bytes "
        "of environment"
    )
    longest = max(sizes[1:], default=0) - 1
    if limit > 0:
        text += f"; this system allows {limit:,} bytes for both (ARG_MAX)"
        room = limit - env_size
        per_arg = sum(sizes[1:]) / max(1, len(sizes) - 1)
        if room > 0 and len(sizes) > 2 and longest < _MAX_ARG_STRLEN:
            text += f", about {max(1, int(room / per_arg / 2)):,} such arguments per call with room to spare"
    if longest >= _MAX_ARG_STRLEN:
        text += f"; one argument has {longest:,} bytes, and Linux takes at most {_MAX_ARG_STRLEN - 1:,} in one"
    return text + ". Nothing ran. Split the paths into several calls, or name a directory that holds them."

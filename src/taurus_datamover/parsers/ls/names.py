"""Decode the file names that GNU ``ls`` prints back into the exact names (and link targets).

One job: given the *name field* of an ``ls -l`` line (everything after the timestamp) and the
quoting style, return the name and, for symlinks, the target. Names are ``str`` decoded from
UTF-8 with ``surrogateescape``, so bytes that are not UTF-8 survive unchanged
(``name.encode("utf-8", "surrogateescape")`` gives the raw bytes back).

Quoting styles (what GNU ls prints, seen on coreutils 9.1):

* ``literal`` (the default when stdout is a pipe): the raw name; a newline in a name is a real
  newline, so a name may span several lines (the caller stitches them). A symlink is printed
  ``name -> target``, and both may contain `` -> ``: the link's size (the byte length of its
  target) says where the target starts.
* ``escape`` (``-b``): C escapes (``\\n``, ``\\t``, ``\\ooo`` octal, ``\\\\``) and ``\\ `` for
  a space, so a name never contains a raw space and `` -> `` is unambiguous. Directory headers
  keep raw spaces and escape ``:`` instead.
* ``c`` (``-Q``): the name in double quotes with the same C escapes and ``\\"``.
* ``shell-escape``: a shell word made of ``'...'``, ``"..."``, ``$'...'`` (C escapes) and
  ``\\'`` pieces; names that need no quoting are printed bare, preceded by one space of
  alignment when another name of the same block is quoted.
"""

from __future__ import annotations

from enum import Enum

__all__ = [
    "NameFieldError",
    "Quoting",
    "decode_header",
    "decode_name_field",
    "split_symlink_literal",
    "to_bytes",
    "to_str",
]


class Quoting(str, Enum):
    """How ls quoted the names of a listing."""

    LITERAL = "literal"
    ESCAPE = "escape"
    C = "c"
    SHELL_ESCAPE = "shell-escape"


class NameFieldError(ValueError):
    """A name field that does not decode in the given style (turned into ParseError)."""


_SIMPLE_ESCAPES: dict[str, int] = dict(zip("abefnrtv", (7, 8, 27, 12, 10, 13, 9, 11)))
_OCTAL = frozenset("01234567")


def to_bytes(text: str) -> bytes:
    """The raw bytes of a surrogate-escaped name."""
    return text.encode("utf-8", "surrogateescape")


def to_str(raw: bytes | bytearray) -> str:
    """Bytes to a surrogate-escaped str (never raises)."""
    return bytes(raw).decode("utf-8", "surrogateescape")


def _c_escape(text: str, i: int, out: bytearray) -> int:
    """Decode the C escape whose backslash is at ``text[i]``; return the index after it."""
    if i + 1 >= len(text):
        raise NameFieldError("dangling backslash")
    ch = text[i + 1]
    if ch in _OCTAL:
        j = i + 1
        while j < len(text) and j < i + 4 and text[j] in _OCTAL:
            j += 1
        value = int(text[i + 1 : j], 8)
        if value > 255:
            raise NameFieldError("octal escape out of range")
        out.append(value)
        return j
    simple = _SIMPLE_ESCAPES.get(ch)
    if simple is not None:
        out.append(simple)
        return i + 2
    # \\ \" \' \? \  \: and any other quoted character stand for themselves
    out += to_bytes(ch)
    return i + 2


def _scan_escape(text: str, i: int, *, stop_at_space: bool) -> tuple[bytes, int]:
    """``-b`` style: backslash escapes, stop at an unescaped space (or the end)."""
    out = bytearray()
    n = len(text)
    while i < n:
        ch = text[i]
        if ch == "\\":
            i = _c_escape(text, i, out)
        elif ch == " " and stop_at_space:
            break
        else:
            out += to_bytes(ch)
            i += 1
    return bytes(out), i


def _scan_c(text: str, i: int) -> tuple[bytes, int]:
    """``-Q`` style: one double-quoted string starting at ``text[i]``."""
    if i >= len(text) or text[i] != '"':
        raise NameFieldError("expected a double-quoted name")
    out = bytearray()
    i += 1
    n = len(text)
    while i < n:
        ch = text[i]
        if ch == "\\":
            i = _c_escape(text, i, out)
        elif ch == '"':
            return bytes(out), i + 1
        else:
            out += to_bytes(ch)
            i += 1
    raise NameFieldError("unterminated double quote")


def _scan_shell(text: str, i: int) -> tuple[bytes, int]:
    """shell-escape style: one shell word starting at ``text[i]``, up to a bare space."""
    out = bytearray()
    n = len(text)
    start = i
    while i < n:
        ch = text[i]
        if ch == " ":
            break
        if ch == "'":
            end = text.find("'", i + 1)
            if end < 0:
                raise NameFieldError("unterminated single quote")
            out += to_bytes(text[i + 1 : end])
            i = end + 1
        elif ch == "$" and i + 1 < n and text[i + 1] == "'":
            i += 2
            while True:
                if i >= n:
                    raise NameFieldError("unterminated $'...'")
                c = text[i]
                if c == "'":
                    i += 1
                    break
                if c == "\\":
                    i = _c_escape(text, i, out)
                else:
                    out += to_bytes(c)
                    i += 1
        elif ch == '"':
            i += 1
            while True:
                if i >= n:
                    raise NameFieldError("unterminated double quote")
                c = text[i]
                if c == '"':
                    i += 1
                    break
                if c == "\\" and i + 1 < n and text[i + 1] in '"\\$`':
                    out += to_bytes(text[i + 1])
                    i += 2
                else:
                    out += to_bytes(c)
                    i += 1
        elif ch == "\\":
            if i + 1 >= n:
                raise NameFieldError("dangling backslash")
            out += to_bytes(text[i + 1])
            i += 2
        else:
            out += to_bytes(ch)
            i += 1
    if i == start:
        raise NameFieldError("empty shell word")
    return bytes(out), i


def decode_word(text: str, i: int, quoting: Quoting, *, to_end: bool) -> tuple[bytes, int]:
    """Decode one quoted name starting at ``text[i]``; return its bytes and the end index.

    ``to_end`` means the name must run to the end of ``text`` (a non-symlink entry); else it
    stops where an unquoted space begins (before `` -> `` of a symlink).
    """
    if quoting is Quoting.ESCAPE:
        raw, j = _scan_escape(text, i, stop_at_space=not to_end)
    elif quoting is Quoting.C:
        raw, j = _scan_c(text, i)
    elif quoting is Quoting.SHELL_ESCAPE:
        raw, j = _scan_shell(text, i)
    else:
        raise NameFieldError(f"decode_word does not handle {quoting.value!r}")
    if to_end and j != len(text):
        raise NameFieldError("text after the end of the quoted name")
    return raw, j


def decode_name_field(field: str, quoting: Quoting, symlink: bool) -> tuple[str, str | None]:
    """Decode a complete (one-line) name field of a quoted style into ``(name, target)``."""
    i = 0
    if quoting is Quoting.SHELL_ESCAPE and field.startswith(" "):
        i = 1  # alignment space before a bare name
    if not symlink:
        raw, _ = decode_word(field, i, quoting, to_end=True)
        if not raw:
            raise NameFieldError("empty name")
        return to_str(raw), None
    raw, j = decode_word(field, i, quoting, to_end=False)
    if field[j : j + 4] != " -> ":
        raise NameFieldError("symlink without ' -> '")
    traw, _ = decode_word(field, j + 4, quoting, to_end=True)
    if not raw or not traw:
        raise NameFieldError("empty symlink name or target")
    return to_str(raw), to_str(traw)


def decode_header(text: str, quoting: Quoting) -> str:
    """Decode a directory header (without its final ``:``)."""
    return text if quoting is Quoting.LITERAL else to_str(decode_word(text, 0, quoting, to_end=True)[0])


def split_symlink_literal(field: str, size: int | None) -> tuple[str, str] | None:
    """Split a literal ``name -> target`` field; ``None`` when it is not complete yet.

    With the exact size (the target's byte length) the split is certain. Without it (a
    rounded ``-h`` size), only a field with a single `` -> `` can be split; several raise.
    """
    if size is not None:
        raw = to_bytes(field)
        if size <= 0 or len(raw) < size + 5:
            return None
        if raw[-size - 4 : -size] != b" -> ":
            return None
        return to_str(raw[: -size - 4]), to_str(raw[-size:])
    count = field.count(" -> ")
    if count == 0:
        return None
    if count > 1:
        raise NameFieldError("symlink name or target contains ' -> ' and the size is rounded")
    name, target = field.split(" -> ")
    if not name or not target:
        raise NameFieldError("empty symlink name or target")
    return name, target

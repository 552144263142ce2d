"""Small pieces shared by the hpc-workspace parsers: diagnostics, durations, names.

* Diagnostics on stderr: v1 writes ``Info:``/``Warning:``/``Error:`` (a warning or error
  may go on in indented lines), v2 ``info:``/``warning:``/``error:`` (ANSI colour around
  the level on a terminal).
* Durations: v1 ``4 days 23 hours``, v2 ``6 days, 23 hours`` (parts truncated toward zero,
  so both may be negative in v2).
* Names: workspace directories are ``<space>/<user>-<name>``; usernames and names may both
  contain ``-``, so a name is only split off when the user is known (reference §10, 2-3).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone, tzinfo

from taurus_datamover.errors import ParseError
from taurus_datamover.facts import WORKSPACE_NAME_RULE
from taurus_datamover.parsers.workspaces.ctime import parse_ctime

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing
if TYPE_CHECKING:
    from typing import Literal

    Level = Literal["info", "warning", "error", "debug", "trace", "critical"]

# the expressions are compiled on first use (re's cache): a plain listing needs none
_ANSI = r"\x1b\[[0-9;]*m"
_DIAGNOSTIC = r"(?is)(info|warning|error|debug|trace|critical):[ \t]?(.*)"
_NOT_FOUND = (
    r"(?i)(?<!target )workspace does not exist|non-existent workspace|workspace not found"
    r"|no such workspace|workspace to restore does not exist"
)
SERIOUS = ("warning", "error", "critical")


def __getattr__(name: str) -> re.Pattern[str]:
    """``NAME_PATTERN``, what a workspace name may look like (hpc-workspace's rule), compiled
    on first use (PEP 562): a listing needs it only to explain an error."""
    if name != "NAME_PATTERN":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    pattern = globals()[name] = re.compile(WORKSPACE_NAME_RULE)
    return pattern


#: The largest day count a parser turns into a ``timedelta``: far past any real keep or
#: lifetime (about 2700 years), and small enough that ``now + timedelta(days=MAX_DAYS)``
#: stays inside ``datetime``'s range (year 9999) until the year 7000.
MAX_DAYS = 1_000_000


def split_lines(text: str) -> list[str]:
    """The lines of ``text``, split on ``\\n`` only (one trailing ``\\r`` dropped):
    ``str.splitlines`` would also split on form feeds and others that may sit in a comment."""
    lines = text.split("\n")
    return [line.removesuffix("\r") for line in lines] if "\r" in text else lines


def numbered_lines(text: str) -> Iterator[tuple[int, str]]:
    """``(1-based number, line)`` pairs of :func:`split_lines`."""
    return enumerate(split_lines(text), start=1)


def ctime_at(text: str, zone: tzinfo, lineno: int, raw: str) -> datetime:
    """:func:`~.ctime.parse_ctime`, its ``ValueError`` a ``ParseError`` naming the line."""
    try:
        return parse_ctime(text, zone)
    except ValueError as exc:
        raise ParseError(str(exc), lineno=lineno, line=raw) from None


def strip_ansi(line: str) -> str:
    """``line`` without ANSI SGR colour codes (v2 colours the level on a terminal)."""
    return re.sub(_ANSI, "", line) if "\x1b" in line else line


def split_diagnostic(line: str) -> tuple[Level, str] | None:
    """``("error", "no more extensions.")`` for ``Error: no more extensions.``; else None
    (the level lower-cased, the message its text after the one separating blank)."""
    match = re.fullmatch(_DIAGNOSTIC, strip_ansi(line).strip())
    if match is None:
        return None
    level: Level = match.group(1).lower()  # type: ignore[assignment]  # the expression's words
    return level, match.group(2).strip()


def diagnostics(stderr: str, *, plain: re.Pattern[str] | None = None) -> Iterator[tuple[Level | None, str, str]]:
    """``(level, message, raw line)`` of each non-blank stderr line: the level of a
    ``Error:``-style line, the one before for v1's indented continuation of a warning or
    error, None for a line of no known shape (and for lines ``plain`` matches, which end a
    continuation; without ``plain`` a blank line ends one too)."""
    previous: Level | None = None
    for _lineno, raw in numbered_lines(stderr):
        line = strip_ansi(raw).strip()
        if not line:
            previous = previous if plain is not None else None
            continue
        is_plain = plain is not None and plain.fullmatch(line) is not None
        diagnostic = None if is_plain else split_diagnostic(line)
        if diagnostic is None and not is_plain and previous in SERIOUS and raw[:1] in (" ", "\t"):
            diagnostic = (previous, line)
        level, message = diagnostic if diagnostic is not None else (None, line)
        previous = level
        yield level, message, raw


def workspace_error_message(stderr: str) -> str | None:
    """The tool's ``Error:``/``error:`` lines (v1's continuations too) as printed, colour
    removed, joined by newlines; None if there are none. Any ``ws_*`` tool's output (v1
    ``ws_find`` writes some errors to stdout: pass that when stderr has none). Whether the
    run failed is the exit code's business: a capped duration is an ``Error:`` line too.
    """
    found = [strip_ansi(raw).strip() for level, _message, raw in diagnostics(stderr) if level in ("error", "critical")]
    return "\n".join(found) if found else None


def is_not_found_message(message: str) -> bool:
    """True when a tool's error text says that the named workspace does not exist
    (``workspace does not exist``, ``Non-existent workspace given.``, ``workspace not
    found!``, ``no such workspace``); not for a missing *target* of ``ws_restore``."""
    return re.search(_NOT_FOUND, message) is not None


def aware_now(now: datetime | None) -> datetime:
    """``now``, checked to be timezone-aware (a ``ParseError`` of the call, as for
    ``parse_ls``'s ``options=``); the current time when None."""
    if now is None:
        return datetime.now(timezone.utc)
    if now.tzinfo is None or now.utcoffset() is None:
        raise ParseError("now must be timezone-aware")
    return now


def released_id_of(shown_id: str, path: str) -> str | None:
    """The id ``ws_restore`` takes for a v2 ``ws_list -e`` entry (which prints the deleted
    entry's timestamp as its id; admins: the whole ``<user>-<name>-<timestamp>``), else None."""
    base = path.rstrip("/").rsplit("/", 1)[-1]
    stamp = shown_id.rsplit("-", 1)[-1]
    if parse_whole_number(stamp, most=11) is not None and shown_id in (stamp, f"{base}-{stamp}"):
        return f"{base}-{stamp}"
    return None


def implausible_entry(shown_id: str, path: str, user: str | None, group_listing: bool, removed: bool) -> str | None:
    """Why a listed entry cannot be what the tools print, or None if it can be: every genuine
    entry has an absolute directory, a printed id that is its name or the name's end after a
    ``-`` (``-e``: the entry's timestamp), and in a user's own listing (``user``, no ``-g``)
    a directory ``<user>-...``, the only DB entries the tools list there."""
    if not path.startswith("/"):
        return "the workspace directory is no absolute path"
    base = path.rstrip("/").rsplit("/", 1)[-1]
    if removed:
        if released_id_of(shown_id, path) is None:
            return "an entry of `ws_list -e` whose id is no timestamp of its directory"
    elif base != shown_id and not base.endswith("-" + shown_id):
        return f"the printed id {shown_id!r} is no part of the directory name {base!r}"
    if user and not group_listing and not base.startswith(user + "-"):
        return (
            f"the directory {base!r} is no workspace of {user!r} (`ws_list` without -g lists "
            f"only `{user}-*`): text the tool did not print as an entry, or `user` is not "
            "the user the tools ran as"
        )
    return None


def parse_whole_number(text: str, *, signed: bool = False, most: int = 18) -> int | None:
    """The number in 1 to ``most`` ASCII digits (``-`` first if ``signed``), else None: ``int()``
    alone would also take ``1_0``, ``+3``, `` 7`` and other scripts' digits (``٣``)."""
    digits = text[1:] if signed and text[:1] == "-" else text
    return int(text) if 0 < len(digits) <= most and digits.isascii() and digits.isdigit() else None


def parse_days_hours(text: str) -> timedelta | None:
    """``timedelta`` of ``N days M hours`` / ``N days, M hours``; None for another shape, and
    beyond :data:`MAX_DAYS` (no remaining time a tool computes; it would overflow ``datetime``)."""
    words = text.strip().split(" ")
    if len(words) != 4 or words[1] not in ("days", "days,") or words[3] != "hours":
        return None
    days, hours = parse_whole_number(words[0], signed=True, most=12), parse_whole_number(words[2], signed=True, most=12)
    if days is None or hours is None or abs(days) > MAX_DAYS or abs(hours) > MAX_DAYS * 24:
        return None
    return timedelta(days=days, hours=hours)


def derive_name(shown_id: str, path: str, user: str | None, *, group_listing: bool = False) -> tuple[str, str | None]:
    """``(name, owner)`` of a listed workspace, from what is unambiguous.

    Directories (and DB ids) are ``<owner>-<name>`` and both parts may contain ``-``; the
    printed id does not settle it (v1 prints the text after the first ``-``, v2 HEAD after
    the last one, admins the whole id, ``-e`` a timestamp). So: with ``user`` known and
    the basename ``<user>-<rest>``, ``(rest, user)`` (in a ``group_listing`` only when the
    basename has one ``-``: users ``alice`` and ``alice-b`` both fit ``alice-b-data``);
    else a basename with exactly one ``-`` is ``(after, before)``; else the owner cannot
    be known: ``(printed id, None)`` (the basename when the id is empty or no part of it).
    """
    base = path.rstrip("/").rsplit("/", 1)[-1]
    dashes = base.count("-")
    if user:
        prefix = user + "-"
        if base.startswith(prefix) and len(base) > len(prefix):
            if not group_listing or dashes == 1:
                return base[len(prefix) :], user
            return _printed_name(shown_id, base), None
    if dashes == 1:
        owner, name = base.split("-")
        if owner and name:
            return name, owner
    return _printed_name(shown_id, base), None


def _printed_name(shown_id: str, base: str) -> str:
    if shown_id and (base == shown_id or base.endswith("-" + shown_id)):
        return shown_id
    return base

"""``ws_list`` block listings (hpc-workspace v1 and v2) to plain records (:class:`~.records.ListedWorkspace`).

Block form (normal, ``-t`` terse, ``-v`` verbose, ``-P``, admin ``-u``, v2 ``-e``)::

    id: first                                       <- v1: "id:", 5-space indent
         workspace directory  : /scratch/ws/0/marie-first
         remaining time       : 9 days 23 hours     <- or "expired"
    Id: first                                       <- v2: "Id:", 4-space indent
        remaining time       : 6 days, 23 hours     <- parts may be negative

A comment is user text printed raw (a newline in it makes more lines), so the layout is
read exactly as the tools print it:

* Each line is ``<indent><key padded to 21>: <value>``, one generation per listing; keys
  come in the tools' order (:attr:`~.ws_list_layout.Layout.order`): one out of order, or
  twice, is a ``ParseError``; unknown keys (newer tools) go to ``extra``.
* A block is complete at ``available extensions``; a header anywhere else is a
  ``ParseError``, never a new workspace.
* Every line from ``comment`` up to ``creation time`` (v2: or ``expiration time``) is the
  comment's: ``x\\nid: evil`` is a comment, not a workspace ``evil``. A comment that holds
  a well-formed rest of its block and a whole next block cannot be told apart (see
  ``docs/reliability.md``): :func:`confirm_with_terse` checks against ``-t``, which prints none.

Names and owners come from the directory (:func:`~.common.derive_name`). A block in the
exact layout (no unknown key, a one-line comment) is read by one expression
(:attr:`Layout.block`) that accepts only blocks the line reader :func:`_read_block` reads
the same way; any other block, or a value that does not convert, goes to the line reader,
which gives every ``ParseError`` its line.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from datetime import datetime, timedelta, tzinfo
from functools import partial
from itertools import accumulate

from taurus_datamover.errors import ParseError
from taurus_datamover.facts import WORKSPACE_NAME_RULE
from taurus_datamover.parsers.workspaces.common import (
    aware_now,
    ctime_at,
    parse_days_hours,
    parse_whole_number,
    split_lines,
)
from taurus_datamover.parsers.workspaces.ctime import local_zone, parse_ctime
from taurus_datamover.parsers.workspaces.records import (
    ListedWorkspace,
    Listing,
    listed_workspace,
    standing,
)
from taurus_datamover.parsers.workspaces.ws_list_layout import (
    COMPLETE_AT,
    FULL_ONLY,
    HEADER,
    KEY_WIDTH,
    KEYS,
    LAYOUTS,
    REQUIRED,
    Layout,
    listing_generation,
)

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing
if TYPE_CHECKING:
    from typing import Any

__all__ = ["HEADER", "listing_generation", "read_ws_list"]

_ENTRY = r"([a-z][a-z ]*[a-z]) *:(?: (.*))?"  # compiled on first use (re's cache): an unknown key
_SAID_EXPIRED = frozenset({"expired", "released"})
_record = partial(tuple.__new__, ListedWorkspace)  # the record of its fields in order
_NOWHERE = (0, "")
_KEPT = (None, False, None, None)  # until deletion, removed, released id, restorable until: not in -e
#: Listings up to this length (a dozen blocks) are read line by line: that is faster than
#: compiling the block expression in a process that reads one short listing.
_SHORT = 4096


def _convert(kind: str, value: str, zone: tzinfo, where: tuple[int, str]) -> Any:
    """The value of a known key in its field's type (ParseError naming the line if not)."""
    if kind == "text":
        return value
    if kind == "optional":
        return value or None
    if kind == "time":
        return ctime_at(value, zone, *where)
    if kind == "int":
        number = parse_whole_number(value)
        if number is None:
            raise ParseError("expected a whole number (ASCII digits)", lineno=where[0], line=where[1])
        return number
    if kind == "remaining" and value in _SAID_EXPIRED:
        return value
    remaining = parse_days_hours(value)
    if remaining is None:
        message = "expected `N days, M hours` (ASCII digits, at most a million days)"
        raise ParseError(message, lineno=where[0], line=where[1])
    return value if kind == "remaining" else remaining


def read_ws_list(
    text: str,
    *,
    tz: tzinfo | None = None,
    now: datetime | None = None,
    user: str | None = None,
    group_listing: bool = False,
) -> list[ListedWorkspace]:
    """Read a ``ws_list`` block listing (v1 or v2) into records, in printed order.

    Args:
        text: the tool's stdout. Empty text (the tools print nothing when nothing
            matches) gives ``[]``.
        tz: the cluster's zone for the printed wall times; default: this machine's zone.
        now: the moment ``remaining`` is measured from (aware); default: the current time.
        user: the user whose workspaces these are (for an admin's ``-u USER``: USER),
            used to derive ``name`` and ``owner`` from the directory.
        group_listing: the listing came from ``ws_list -g`` and may hold other users'
            workspaces: an owner is only given where the directory allows one reading.

    Raises:
        ParseError: a line that does not fit the layout (with its number and text).
    """
    zone = tz if tz is not None else local_zone()
    listing = Listing(aware_now(now), user, group_listing)
    records: list[ListedWorkspace] = []
    layout: Layout | None = None
    lines: list[str] = []
    starts: list[int] = []  # where each line begins, once the line reader is needed
    pos, end = 0, len(text)
    fast = end > _SHORT
    while pos < end:
        candidate = LAYOUTS.get(text[pos : pos + 2]) if fast else None
        match = candidate.block.match(text, pos) if candidate is not None and layout in (None, candidate) else None
        if match is not None and candidate is not None:
            try:
                record = _regular_block(match.groups(), candidate, zone, listing)
            except (ValueError, OverflowError):
                pass  # the line reader says what is wrong, and where
            else:
                records.append(record)
                layout, pos = candidate, match.end()
                continue
        if not starts:
            lines = split_lines(text)
            starts = [0, *accumulate(len(raw) + 1 for raw in text.split("\n"))]
        index = bisect_right(starts, pos) - 1
        while index < len(lines) and not lines[index].strip():
            index += 1
        if index == len(lines):
            break
        raw = lines[index]
        header = HEADER.fullmatch(raw.rstrip(" "))
        if header is None:
            raise ParseError(_why_not(raw), lineno=index + 1, line=raw)
        layout = layout or LAYOUTS[header.group(1)]
        if LAYOUTS[header.group(1)] is not layout:
            raise _mixed(index, raw)
        info, index = _read_block(lines, index, header.group(2) or "", layout, zone, listing)
        records.append(info)
        pos = starts[index] if index < len(lines) else end
    return records


def _regular_block(groups: tuple[str | None, ...], layout: Layout, zone: tzinfo, listing: Listing) -> ListedWorkspace:
    """The record of a block matched by ``layout.block``; a ``ValueError`` where a value does
    not convert or the block breaks a rule (the line reader then names the line)."""
    (shown_id, path, said, until_text, comment, created, expires, expired_at, released_at, group, again,
     filesystem, extensions, acctcode, reminder, mail, permissions) = layout.pick((*groups, None))  # fmt: skip
    if again not in (None, group) and group is not None:
        raise ValueError("group given twice with different values")
    group = group if again is None else again
    if (expires is None or filesystem is None) and (comment, created, expires, expired_at, released_at) != (None,) * 5:
        raise ValueError("a full block without its expiration time or file system")
    if expires is not None:
        expires = parse_ctime(expires, zone)
        remaining: timedelta | None = expires - listing.now
    else:
        remaining = None if said in _SAID_EXPIRED else _days_hours(said)
    created = None if created is None else parse_ctime(created, zone)
    expired_at = None if expired_at is None else parse_ctime(expired_at, zone)
    released_at = None if released_at is None else parse_ctime(released_at, zone)
    reminder = None if reminder is None else parse_ctime(reminder, zone)
    shown_id = shown_id or ""
    until, removed, released_id, restorable_until = (
        _KEPT if until_text is None else listing.deleted(shown_id, path, _days_hours(until_text))
    )
    name, owner, path = listing.entry(shown_id, path, removed, _NOWHERE)  # last: it notes the path
    expired, state = standing(said, remaining)
    shared = listing.shared
    return _record(
        (
            shown_id, name, owner, path, shared.setdefault(filesystem, filesystem), created, expires, remaining,
            shared.setdefault(said, said), expired, int(extensions), comment, group or None, reminder, mail or None,
            acctcode or None, permissions, expired_at, released_at, until, state, removed, released_id,
            restorable_until, {},
        )
    )  # fmt: skip


def _days_hours(text: str | None) -> timedelta:
    """:func:`~.common.parse_days_hours`, a ``ValueError`` where it gives None."""
    value = parse_days_hours(text or "")
    if value is None:
        raise ValueError("out of range")
    return value


def _mixed(index: int, raw: str) -> ParseError:
    message = "an `id:` and an `Id:` header in one listing (v1 and v2 layouts mixed)"
    return ParseError(message, lineno=index + 1, line=raw)


def _read_block(
    lines: list[str], start: int, shown_id: str, layout: Layout, zone: tzinfo, listing: Listing
) -> tuple[ListedWorkspace, int]:
    """The workspace whose header is ``lines[start]``, and the index of the next header."""
    head = (start + 1, lines[start])
    prefixes, places, width = layout.prefixes, layout.places, layout.width
    fields: dict[str, Any] = {}
    extra: dict[str, str] = {}
    seen: set[str] = set()
    position = -1
    index = start + 1
    while index < len(lines):
        raw = lines[index]
        key = prefixes.get(raw[:width])
        if key is None or (len(raw) > width and raw[width] != " "):
            if not raw.strip():
                index += 1
                continue
            header = HEADER.fullmatch(raw.rstrip(" "))
            if header is not None:
                if COMPLETE_AT in seen:
                    break
                if LAYOUTS[header.group(1)] is not layout:
                    raise _mixed(index, raw)
                raise ParseError(
                    f"a block cannot begin here: the block of line {start + 1} has no "
                    f"`{COMPLETE_AT}` yet (a header inside a block is no new workspace)",
                    lineno=index + 1,
                    line=raw,
                )
            key = _unknown_key(layout, raw, index)
            if key in extra:
                raise ParseError(f"{key!r} given twice", lineno=index + 1, line=raw)
            extra[key] = raw[raw.index(":", len(layout.indent)) + 2 :]
            index += 1
            continue
        for place in places[key]:
            if place > position:
                position = place
                break
        else:
            raise ParseError(
                f"{key!r} out of the tools' order (after {layout.order[position]!r}): "
                "not a line the tool printed for this block",
                lineno=index + 1,
                line=raw,
            )
        seen.add(key)
        value = raw[width + 1 :]
        name, kind = KEYS[key]
        if key == "comment":
            value, index = _comment(lines, index, value, layout, head)
            fields[name] = value
            continue
        converted = _convert(kind, value, zone, (index + 1, raw))
        if name in fields and fields[name] != converted:
            raise ParseError(f"{key!r} given twice with different values", lineno=index + 1, line=raw)
        fields[name] = converted
        index += 1
    lineno, line = head
    if COMPLETE_AT not in seen:
        message = f"the last block has no `{COMPLETE_AT}` line (the listing is cut off)"
        raise ParseError(message, lineno=lineno, line=line)
    for key in REQUIRED:
        if key not in seen:
            raise ParseError(f"workspace block without a `{key}` line", lineno=lineno, line=line)
    if not seen.isdisjoint(FULL_ONLY) and not (layout.expires_key in seen and "filesystem name" in seen):
        message = f"a full workspace block must have `{layout.expires_key}` and `filesystem name`"
        raise ParseError(message, lineno=lineno, line=line)
    said: str = fields["remaining_text"]
    path, until = fields.pop("path"), fields.pop("until_deletion", None)
    fields["extra"] = extra
    # remaining from the text where no expiry was printed (listed_workspace measures it else)
    record = listed_workspace(
        shown_id, path, fields, listing, remaining=parse_days_hours(said), said=said, until_deletion=until, where=head
    )
    return record, index


def _unknown_key(layout: Layout, raw: str, index: int) -> str:
    """The unknown key of a ``key : value`` line in the exact layout (the key padded to the
    tools' column, or longer); else a ``ParseError``: the line is no line of a block."""
    indent = layout.indent
    body = raw[len(indent) :]
    entry = re.fullmatch(_ENTRY, body) if raw.startswith(indent) else None
    key = entry.group(1) if entry is not None else ""
    colon = body.find(":", len(key))
    if not key or body[:1] == " " or not (colon == max(KEY_WIDTH, len(key) + 1) or KEY_WIDTH <= len(key) < colon):
        raise ParseError(
            f"not a `key : value` line of a v{layout.generation} ws_list block "
            f"({len(indent)} blanks, key padded to {KEY_WIDTH} columns)",
            lineno=index + 1,
            line=raw,
        )
    return key


def _comment(lines: list[str], index: int, first: str, layout: Layout, head: tuple[int, str]) -> tuple[str, int]:
    """The comment starting on ``lines[index]`` (every line up to the first of
    ``layout.after_comment`` in the exact layout) and the index of that line."""
    width = layout.width
    for end in range(index + 1, len(lines)):
        raw = lines[end]
        if layout.prefixes.get(raw[:width]) in layout.after_comment and (len(raw) == width or raw[width] == " "):
            return "\n".join([first, *lines[index + 1 : end]]), end
    raise ParseError("the listing ends inside a comment (no `creation time` after it)", lineno=head[0], line=head[1])


def _why_not(raw: str) -> str:
    if re.fullmatch(WORKSPACE_NAME_RULE, raw.strip()):
        return "a bare name: this looks like `ws_list -s`; use parse_ws_list_short"
    if raw.startswith("ID ") and "PATH" in raw:
        return "this looks like the `ws_list -T` table; use parse_ws_list_table"
    if raw[:1] in (" ", "\t"):
        return "a `key : value` line before the first block header"
    return "not a ws_list block header (`id: ...` / `Id: ...`)"

"""``ws_list`` block listings (hpc-workspace v1 and v2) to :class:`WorkspaceInfo`.

Block form (normal, ``-t`` terse, ``-v`` verbose, ``-P``, admin ``-u``, v2 ``-e``)::

    id: first                                       <- v1: "id:", 5-space indent
         workspace directory  : /scratch/ws/0/marie-first
         remaining time       : 9 days 23 hours     <- or "expired"
    Id: first                                       <- v2: "Id:", 4-space indent
        remaining time       : 6 days, 23 hours     <- parts may be negative

The layout is read exactly as the tools print it, because a workspace comment is user
text printed raw (a newline in it makes more lines):

* Every line of a block is ``<indent><key padded to 21>: <value>`` with the indent of its
  generation (v1: 5 blanks after ``id:``, v2: 4 after ``Id:``); a listing is all one
  generation. Keys come in the tools' fixed order (:data:`_ORDER`); a key out of order,
  or twice, is a ``ParseError``. Unknown keys (newer tools) go to ``extra``.
* A block is complete once ``available extensions`` is printed (every form prints it).
  A header line starts a block only after a complete one: anywhere else it is a
  ``ParseError``, never a new workspace.
* After ``comment`` the tools print ``creation time`` (v2 also ``expiration time`` when
  there is no creation time). Every line before that one belongs to the comment and is
  kept in it, joined by ``\\n``: a comment ``x\\nid: evil`` yields a comment, not a
  workspace ``evil``. What cannot be told apart: a comment that itself carries a
  complete, well-formed rest of the block and a whole next block (see
  ``docs/reliability.md``); only a listing without comments (``-t``, ``-T``) is free of
  user text, and :func:`confirm_with_terse` checks a full listing against one.

Names and owners come from the directory (:func:`~.ws_common.derive_name`); v2 ``-e``
entries (``Id: <timestamp>``, ``remaining time : released|expired``, ``until deletion``)
get ``state``, ``removed``, ``released_id`` and ``restorable_until``.

Short form (``-s``, bare names) is read by :func:`parse_ws_list_short` into plain names.
The v2 ``-T`` table is read by :func:`~.ws_table.parse_ws_list_table`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone, tzinfo
from typing import Any

from taurus_datamover.errors import ParseError
from taurus_datamover.models.workspaces import WorkspaceInfo, WorkspaceState
from taurus_datamover.parsers.workspaces.common import (
    NAME_PATTERN,
    aware_now,
    derive_name,
    implausible_entry,
    numbered_lines,
    parse_days_hours,
    parse_whole_number,
    refuse_repeated_paths,
    released_id_of,
)
from taurus_datamover.parsers.workspaces.ctime import local_zone, parse_ctime

__all__ = ["confirm_with_terse", "listing_generation", "parse_ws_list", "parse_ws_list_short"]

#: An id as the tools print it: a name, ``user-name``, a timestamp, or empty (v2 HEAD
#: prints the text after the last ``-``, which is empty for a name ending in ``-``).
_ID = r"[A-Za-z0-9._-]*"
_HEADER = re.compile(rf"(id|Id):(?: ({_ID}))?")
_KEY_WIDTH = 21
_ENTRY = re.compile(r"([a-z][a-z ]*[a-z]) *:(?: (.*))?")


@dataclass(frozen=True)
class _Layout:
    """How one generation prints a block."""

    generation: int
    indent: str
    order: tuple[str, ...]
    after_comment: frozenset[str]


_V1 = _Layout(
    generation=1,
    indent=" " * 5,
    order=(
        "workspace directory",
        "remaining time",
        "comment",
        "creation time",
        "expiration date",
        "filesystem name",
        "group",
        "available extensions",
        "group",  # -v prints it again
        "acctcode",
        "reminder",
        "mailaddress",
    ),
    after_comment=frozenset({"creation time"}),
)
_V2 = _Layout(
    generation=2,
    indent=" " * 4,
    order=(
        "workspace directory",
        "remaining time",
        "until deletion",
        "comment",
        "creation time",
        "expiration time",
        "expired time",
        "release time",
        "group",
        "filesystem name",
        "available extensions",
        "reminder",
        "mailaddress",
        "permissions",
    ),
    after_comment=frozenset({"creation time", "expiration time"}),
)
_LAYOUTS = {"id": _V1, "Id": _V2}
_COMPLETE_AT = "available extensions"
_REQUIRED = ("workspace directory", "remaining time", _COMPLETE_AT)
#: Keys only the full (not terse) form prints, and the ones it always prints then.
_FULL_ONLY = frozenset(
    {"comment", "creation time", "expiration date", "expiration time", "expired time"}
    | {"release time", "filesystem name"}
)

# key as printed -> (field, kind)
_KEYS: dict[str, tuple[str, str]] = {
    "workspace directory": ("path", "text"),
    "remaining time": ("remaining_text", "remaining"),
    "comment": ("comment", "text"),
    "creation time": ("created", "time"),
    "expiration date": ("expires", "time"),
    "expiration time": ("expires", "time"),
    "expired time": ("expired_at", "time"),
    "release time": ("released_at", "time"),
    "group": ("group", "optional"),
    "filesystem name": ("filesystem", "text"),
    "available extensions": ("extensions_left", "int"),
    "acctcode": ("acctcode", "optional"),
    "reminder": ("reminder", "time"),
    "mailaddress": ("mail", "optional"),
    "permissions": ("permissions", "text"),
    "until deletion": ("until_deletion", "days_hours"),
}
_SAID_EXPIRED = frozenset({"expired", "released"})


def listing_generation(text: str) -> int | None:
    """1 or 2 when ``text`` is a ``ws_list`` block listing of that generation (its first
    header is ``id:`` or ``Id:``), else None (empty, ``-s``, ``-T`` or other text)."""
    for _lineno, raw in numbered_lines(text):
        if not raw.strip():
            continue
        header = _HEADER.fullmatch(raw.rstrip(" "))
        return _LAYOUTS[header.group(1)].generation if header is not None else None
    return None


def parse_ws_list(
    text: str,
    *,
    tz: tzinfo | None = None,
    now: datetime | None = None,
    user: str | None = None,
    group_listing: bool = False,
) -> list[WorkspaceInfo]:
    """Parse a ``ws_list`` block listing (v1 or v2) into workspaces, in printed order.

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
    reader = _Reader(tz if tz is not None else local_zone(), aware_now(now), user, group_listing)
    for lineno, raw in numbered_lines(text):
        reader.line(lineno, raw)
    return reader.finish()


class _Reader:
    """The state of one listing: its generation, the finished blocks, the open one."""

    def __init__(self, zone: tzinfo, now: datetime, user: str | None, group: bool) -> None:
        self.zone = zone
        self.now = now
        self.user = user
        self.group = group
        self.layout: _Layout | None = None
        self.result: list[WorkspaceInfo] = []
        self.block: _Block | None = None

    def line(self, lineno: int, raw: str) -> None:
        block = self.block
        if block is not None and block.in_comment:
            if not self._ends_comment(raw):
                block.comment_lines.append(raw)
                return
            block.close_comment()
        if not raw.strip():
            return
        header = _HEADER.fullmatch(raw.rstrip(" "))
        if header is not None:
            self._start(header, lineno, raw)
            return
        if block is None or self.layout is None:
            raise ParseError(_why_not(raw), lineno=lineno, line=raw)
        key, value = self._entry(raw, lineno)
        block.add(key, value, self.zone, lineno, raw)

    def _start(self, header: re.Match[str], lineno: int, raw: str) -> None:
        layout = _LAYOUTS[header.group(1)]
        if self.layout is None:
            self.layout = layout
        elif layout is not self.layout:
            raise ParseError(
                "an `id:` and an `Id:` header in one listing (v1 and v2 layouts mixed)",
                lineno=lineno,
                line=raw,
            )
        if self.block is not None:
            if not self.block.complete:
                raise ParseError(
                    f"a block cannot begin here: the block of line {self.block.lineno} has "
                    f"no `{_COMPLETE_AT}` yet (a header inside a block is no new workspace)",
                    lineno=lineno,
                    line=raw,
                )
            self.result.append(self.block.finish(self.now, self.user, self.group))
        self.block = _Block(header.group(2) or "", lineno, raw, layout)

    def _entry(self, raw: str, lineno: int) -> tuple[str, str]:
        """``(key, value)`` of a line in the exact layout of this listing's generation."""
        assert self.layout is not None
        indent = self.layout.indent
        body = raw[len(indent) :]
        entry = _ENTRY.fullmatch(body) if raw.startswith(indent) else None
        if entry is None or body[:1] == " " or not _padded(body, entry.group(1)):
            raise ParseError(
                f"not a `key : value` line of a v{self.layout.generation} ws_list block "
                f"({len(indent)} blanks, key padded to {_KEY_WIDTH} columns)",
                lineno=lineno,
                line=raw,
            )
        return entry.group(1), entry.group(2) or ""

    def _ends_comment(self, raw: str) -> bool:
        """True for the first line after a comment that the tools print themselves."""
        assert self.layout is not None
        try:
            key, _value = self._entry(raw, 0)
        except ParseError:
            return False
        return key in self.layout.after_comment

    def finish(self) -> list[WorkspaceInfo]:
        block = self.block
        if block is not None:
            if block.in_comment:
                raise ParseError(
                    "the listing ends inside a comment (no `creation time` after it)",
                    lineno=block.lineno,
                    line=block.line,
                )
            if not block.complete:
                raise ParseError(
                    f"the last block has no `{_COMPLETE_AT}` line (the listing is cut off)",
                    lineno=block.lineno,
                    line=block.line,
                )
            self.result.append(block.finish(self.now, self.user, self.group))
            self.block = None
        return refuse_repeated_paths(self.result)


def _padded(body: str, key: str) -> bool:
    """The key is padded with blanks to the tools' column, or longer than it."""
    colon = body.index(":", len(key))
    return colon == max(_KEY_WIDTH, len(key) + 1) or (len(key) >= _KEY_WIDTH and colon > len(key))


def _why_not(raw: str) -> str:
    if NAME_PATTERN.fullmatch(raw.strip()):
        return "a bare name: this looks like `ws_list -s`; use parse_ws_list_short"
    if raw.startswith("ID ") and "PATH" in raw:
        return "this looks like the `ws_list -T` table; use parse_ws_list_table"
    if raw[:1] in (" ", "\t"):
        return "a `key : value` line before the first block header"
    return "not a ws_list block header (`id: ...` / `Id: ...`)"


class _Block:
    """The lines of one workspace, in the layout's order."""

    def __init__(self, shown_id: str, lineno: int, line: str, layout: _Layout) -> None:
        self.shown_id = shown_id
        self.lineno = lineno
        self.line = line
        self.layout = layout
        self.position = -1
        self.fields: dict[str, Any] = {}
        self.extra: dict[str, str] = {}
        self.seen: set[str] = set()
        self.in_comment = False
        self.comment_lines: list[str] = []

    @property
    def complete(self) -> bool:
        return _COMPLETE_AT in self.seen

    def add(self, key: str, value: str, zone: tzinfo, lineno: int, raw: str) -> None:
        spec = _KEYS.get(key)
        if spec is None or key not in self.layout.order:
            if key in self.extra:
                raise ParseError(f"{key!r} given twice", lineno=lineno, line=raw)
            self.extra[key] = value
            return
        self._advance(key, lineno, raw)
        field, kind = spec
        converted = _convert(kind, value, zone, lineno, raw)
        if field in self.fields and self.fields[field] != converted:
            raise ParseError(f"{key!r} given twice with different values", lineno=lineno, line=raw)
        self.fields[field] = converted
        if key == "comment":
            self.in_comment = True
            self.comment_lines = [value]

    def _advance(self, key: str, lineno: int, raw: str) -> None:
        """Move to ``key``'s place in the fixed order; a key out of order is refused."""
        order = self.layout.order
        for index in range(self.position + 1, len(order)):
            if order[index] == key:
                self.position = index
                self.seen.add(key)
                return
        raise ParseError(
            f"{key!r} out of the tools' order (after {order[self.position]!r}): "
            "not a line the tool printed for this block",
            lineno=lineno,
            line=raw,
        )

    def close_comment(self) -> None:
        self.fields["comment"] = "\n".join(self.comment_lines)
        self.in_comment = False

    def finish(self, now: datetime, user: str | None, group: bool) -> WorkspaceInfo:
        for key in _REQUIRED:
            if key not in self.seen:
                raise ParseError(f"workspace block without a `{key}` line", lineno=self.lineno, line=self.line)
        full = self.seen & _FULL_ONLY
        expires_key = "expiration date" if self.layout.generation == 1 else "expiration time"
        if full and not {expires_key, "filesystem name"} <= self.seen:
            raise ParseError(
                f"a full workspace block must have `{expires_key}` and `filesystem name`",
                lineno=self.lineno,
                line=self.line,
            )
        fields = self.fields
        path: str = fields["path"]
        why = implausible_entry(self.shown_id, path, user, group, "until deletion" in self.seen)
        if why is not None:
            raise ParseError(why, lineno=self.lineno, line=self.line)
        name, owner = derive_name(self.shown_id, path, user, group_listing=group)
        state_fields = _state(self.shown_id, path, fields, self.seen, now)
        remaining_text: str | None = fields.get("remaining_text")
        expires: datetime | None = fields.get("expires")
        remaining: timedelta | None = None
        if expires is not None:
            remaining = expires.astimezone(timezone.utc) - now.astimezone(timezone.utc)
        elif remaining_text is not None:
            remaining = parse_days_hours(remaining_text)
        said_expired = remaining_text in _SAID_EXPIRED
        expired = said_expired or (remaining is not None and remaining < timedelta(0))
        if state_fields["state"] is WorkspaceState.ACTIVE and expired:
            state_fields["state"] = WorkspaceState.EXPIRED
        try:
            return WorkspaceInfo(
                id=self.shown_id,
                name=name,
                owner=owner,
                remaining=remaining,
                expired=expired,
                extra=self.extra,
                **fields,
                **state_fields,
            )
        except OverflowError:
            raise ParseError("a time out of range", lineno=self.lineno, line=self.line) from None


def _state(shown_id: str, path: str, fields: dict[str, Any], seen: set[str], now: datetime) -> dict[str, Any]:
    """``state``, ``removed``, ``released_id``, ``restorable_until`` of a block.

    A block is ``removed`` (listed by v2 ``-e`` from the deleted area) when it has
    ``until deletion`` (see :func:`~.ws_common.released_id_of` for its id).
    """
    said = fields.get("remaining_text")
    state = WorkspaceState.ACTIVE
    if said == "released":
        state = WorkspaceState.RELEASED
    elif said == "expired":
        state = WorkspaceState.EXPIRED
    if "until deletion" not in seen:
        return {"state": state}
    until: timedelta = fields["until_deletion"]
    try:
        restorable_until = now + until
    except OverflowError:
        restorable_until = None
    return {
        "state": state,
        "removed": True,
        "released_id": released_id_of(shown_id, path),
        "restorable_until": restorable_until,
    }


def _convert(kind: str, value: str, zone: tzinfo, lineno: int, raw: str) -> Any:
    """The value of a known key in its field's type (ParseError naming the line if not)."""
    if kind == "text":
        return value
    if kind == "optional":
        return value or None
    if kind == "int":
        number = parse_whole_number(value)
        if number is None:
            raise ParseError("expected a whole number (ASCII digits)", lineno=lineno, line=raw)
        return number
    if kind == "time":
        try:
            return parse_ctime(value, zone)
        except ValueError as exc:
            raise ParseError(str(exc), lineno=lineno, line=raw) from None
    if kind == "remaining" and value in _SAID_EXPIRED:
        return value
    remaining = parse_days_hours(value)
    if remaining is None:
        raise ParseError(
            "expected `N days, M hours` (ASCII digits, at most a million days)",
            lineno=lineno,
            line=raw,
        )
    return value if kind == "remaining" else remaining


def confirm_with_terse(infos: list[WorkspaceInfo], terse: list[WorkspaceInfo]) -> list[WorkspaceInfo]:
    """``infos`` (a full listing) once a terse listing of the same moment agrees with it.

    ``ws_list -t`` prints no comment, so its entries carry no user text: every directory
    of the full listing must be one of the terse listing's, with the same printed id, and
    none may be missing. This catches what the layout alone cannot (a comment that holds a
    whole well-formed entry). Order is not compared (v2 prints in no stable order).

    The lines a full block prints after its comment (expiry, extensions) could come from
    the comment too, so they must agree with what the terse entry prints: the same
    extensions, and an expiry within the rounding of its remaining time.

    Raises:
        ParseError: an entry in one listing and not in the other, or one whose expiry or
            extensions differ (the message names it).
    """

    def key(info: WorkspaceInfo) -> tuple[str, str]:
        return (info.path.rstrip("/"), info.id)

    full_keys = sorted(key(info) for info in infos)
    terse_keys = sorted(key(info) for info in terse)
    if full_keys != terse_keys:
        extra = sorted(set(full_keys) - set(terse_keys))
        missing = sorted(set(terse_keys) - set(full_keys))
        raise ParseError(
            "the full and the terse listing differ (a comment forging an entry, or a change "
            f"between the two runs): only in the full one {extra}, only in the terse one "
            f"{missing}"
        )
    by_key = {key(info): info for info in terse}
    for info in infos:
        why = _disagreement(info, by_key[key(info)])
        if why is not None:
            raise ParseError(
                f"the full and the terse listing differ for {info.path!r} ({why}): a comment "
                "forging the lines after it, or a change between the two runs"
            )
    return infos


#: How far an expiry may lie from a printed remaining time: the tools cut it to whole
#: hours, v2 2.0.0 was seen 2 hours off its own expiry (a zone offset), and the two
#: listings are a moment apart. A forged expiry that matters is days away.
_ROUNDING = timedelta(hours=3)


def _disagreement(full: WorkspaceInfo, terse: WorkspaceInfo) -> str | None:
    """What of ``full`` the terse entry contradicts, or None."""
    if (
        full.extensions_left is not None
        and terse.extensions_left is not None
        and full.extensions_left != terse.extensions_left
    ):
        return f"{full.extensions_left} against {terse.extensions_left} extensions"
    said = parse_days_hours(terse.remaining_text or "")
    if said is not None and full.remaining is not None and abs(full.remaining - said) > _ROUNDING:
        return f"an expiry {full.remaining} away against a remaining time of {terse.remaining_text!r}"
    return None


def parse_ws_list_short(text: str) -> list[str]:
    """Parse ``ws_list -s`` (one name per line) into names, in printed order.

    Blank lines are skipped (v2 HEAD prints an empty line for a name ending in ``-``: use
    a block listing for those); a line that is not a workspace name (e.g. a block
    listing's ``id: x``) is a ``ParseError``.
    """
    names: list[str] = []
    for lineno, raw in numbered_lines(text):
        name = raw.strip()
        if not name:
            continue
        if not NAME_PATTERN.fullmatch(name):
            hint = "; use parse_ws_list for block listings" if _HEADER.fullmatch(name) else ""
            raise ParseError(f"not a workspace name{hint}", lineno=lineno, line=raw)
        names.append(name)
    return names

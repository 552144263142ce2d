"""A listed workspace as plain data: what the ``ws_list`` readers make before any model.

:class:`ListedWorkspace` holds the fields of :class:`~taurus_datamover.models.workspaces.WorkspaceInfo`
(same names, same order, ``state`` as its text) and needs nothing beyond the standard
library, so the command line can print a listing without loading pydantic; the parsers
validate a whole listing of them into models in one call.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, NamedTuple

from taurus_datamover.errors import ParseError
from taurus_datamover.parsers.workspaces.common import derive_name, implausible_entry, released_id_of

__all__ = ["ListedWorkspace", "Listing", "listed_workspace", "standing"]


class ListedWorkspace(NamedTuple):
    """One listed workspace; see :class:`~taurus_datamover.models.workspaces.WorkspaceInfo`."""

    id: str
    name: str
    owner: str | None
    path: Path
    filesystem: str | None = None
    created: datetime | None = None
    expires: datetime | None = None
    remaining: timedelta | None = None
    remaining_text: str | None = None
    expired: bool = False
    extensions_left: int | None = None
    comment: str | None = None
    group: str | None = None
    reminder: datetime | None = None
    mail: str | None = None
    acctcode: str | None = None
    permissions: str | None = None
    expired_at: datetime | None = None
    released_at: datetime | None = None
    until_deletion: timedelta | None = None
    state: str | None = "active"
    removed: bool = False
    released_id: str | None = None
    restorable_until: datetime | None = None
    extra: dict[str, str] = {}  # noqa: RUF012 - never changed: readers pass their own dict


class Listing:
    """What every entry of one listing is read against, and the directories it named so far."""

    __slots__ = ("group", "now", "parents", "prefix", "seen", "user")

    def __init__(self, now: datetime, user: str | None, group: bool) -> None:
        self.now = now
        self.user = user
        self.prefix = f"{user}-"
        self.group = group
        self.parents: dict[str, tuple[Path, str]] = {}
        self.seen: set[str] = set()

    def entry(self, shown_id: str, text: str, removed: bool, where: tuple[int, str]) -> tuple[str, str | None, Path]:
        """``(name, owner, Path(text))`` of an entry (:func:`~.common.derive_name`), the path
        joined to its directory's shared one (cheaper than parsing it whole). A ``ParseError``
        at ``where`` for an entry the tools cannot print (:func:`~.common.implausible_entry`)
        or a directory listed before (a comment forging an entry for an existing one)."""
        head, _, base = text.rpartition("/")
        regular = bool(head) and head[-1] != "/" and bool(base) and base != "."  # no root, trailing or double slash
        user, prefix = self.user, self.prefix
        if (
            regular  # the common case, in one pass: an entry of the user's own listing
            and user
            and not self.group
            and not removed
            and text[:1] == "/"
            and base.startswith(prefix)
            and len(base) > len(prefix)
            and (base == shown_id or base.endswith("-" + shown_id))
        ):
            name, owner = base[len(prefix) :], user  # type: tuple[str, str | None]
        else:
            why = implausible_entry(shown_id, text, user, self.group, removed)
            if why is not None:
                raise ParseError(why, lineno=where[0], line=where[1])
            name, owner = derive_name(shown_id, text, user, group_listing=self.group)
        if regular:
            parent = self.parents.get(head)
            if parent is None:
                made = Path(head)
                parent = self.parents[head] = (made, str(made).rstrip("/") + "/")
            path, key = parent[0] / base, parent[1] + base
        else:
            path = Path(text)
            key = str(path)
        if key in self.seen:
            raise ParseError(f"the directory {key!r} is listed twice", lineno=where[0], line=where[1])
        self.seen.add(key)
        return name, owner, path

    def deleted(
        self, shown_id: str, path: str, until_deletion: timedelta
    ) -> tuple[timedelta, bool, str | None, datetime | None]:
        """``until_deletion``, ``removed``, ``released_id``, ``restorable_until`` of an entry
        of ``-e`` (the deleted area)."""
        try:
            restorable_until: datetime | None = self.now + until_deletion
        except OverflowError:
            restorable_until = None
        return until_deletion, True, released_id_of(shown_id, path), restorable_until


_ZERO = timedelta(0)
_DELETED = ("until_deletion", "removed", "released_id", "restorable_until")


def standing(said: str | None, remaining: timedelta | None) -> tuple[bool, str]:
    """``expired`` and ``state`` of an entry: ``said`` is the tool's ``expired``/``released``."""
    expired = said == "expired" or said == "released" or (remaining is not None and remaining < _ZERO)
    return expired, "released" if said == "released" else "expired" if expired else "active"


def listed_workspace(
    shown_id: str,
    path: str,
    fields: dict[str, Any],
    listing: Listing,
    *,
    remaining: timedelta | None,
    said: str | None = None,
    until_deletion: timedelta | None = None,
    where: tuple[int, str],
) -> ListedWorkspace:
    """The record of one entry of a block listing or a ``-T`` table.

    ``remaining`` is measured from ``expires`` where the entry printed one; ``said`` is
    the tool's ``expired``/``released``; ``until_deletion`` marks an entry of ``-e``.
    ``fields`` holds the rest. ``where`` (lineno, line) is what a ``ParseError`` names.
    """
    name, owner, made = listing.entry(shown_id, path, until_deletion is not None, where)
    expires: datetime | None = fields.get("expires")
    if expires is not None:
        remaining = expires - listing.now
    expired, state = standing(said, remaining)
    if until_deletion is not None:
        fields.update(zip(_DELETED, listing.deleted(shown_id, path, until_deletion)))
    return ListedWorkspace(shown_id, name, owner, made, remaining=remaining, expired=expired, state=state, **fields)

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

__all__ = ["ListedWorkspace", "Listing", "listed_workspace", "refuse_repeated_paths"]


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
    """What every entry of one listing is read against, and the directories its paths
    were made from so far."""

    __slots__ = ("group", "now", "parents", "user")

    def __init__(self, now: datetime, user: str | None, group: bool) -> None:
        self.now = now
        self.user = user
        self.group = group
        self.parents: dict[str, Path] = {}

    def path(self, text: str) -> Path:
        """``Path(text)``, made from the (shared) path of its directory: the directories of
        one listing are few, and joining a name costs less than parsing a whole path."""
        head, _, base = text.rpartition("/")
        if not head or head[-1] == "/" or not base or base == ".":
            return Path(text)  # a root, a trailing or doubled slash: Path's own reading
        parent = self.parents.get(head)
        if parent is None:
            parent = self.parents[head] = Path(head)
        return parent / base


_ZERO = timedelta(0)


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
    the tool's ``expired``/``released``; ``until_deletion`` marks an entry of ``-e`` (the
    deleted area): it gets ``removed``, ``released_id`` and ``restorable_until``. ``fields``
    holds the rest. An entry that cannot be what the tools print
    (:func:`~.common.implausible_entry`) is a ``ParseError`` at ``where`` (lineno, line).
    """
    user, base = listing.user, path.rstrip("/").rsplit("/", 1)[-1]
    if (
        user  # the common case, in one pass: an entry of the user's own listing
        and not listing.group
        and until_deletion is None
        and path[:1] == "/"
        and base.startswith(user + "-")
        and len(base) > len(user) + 1
        and (base == shown_id or base.endswith("-" + shown_id))
    ):
        name, owner = base[len(user) + 1 :], user  # type: tuple[str, str | None]
    else:
        why = implausible_entry(shown_id, path, user, listing.group, until_deletion is not None)
        if why is not None:
            raise ParseError(why, lineno=where[0], line=where[1])
        name, owner = derive_name(shown_id, path, user, group_listing=listing.group)
    expires: datetime | None = fields.get("expires")
    if expires is not None:
        remaining = expires - listing.now
    expired = said == "expired" or said == "released" or (remaining is not None and remaining < _ZERO)
    state = "released" if said == "released" else "expired" if expired else "active"
    if until_deletion is not None:
        try:
            restorable_until: datetime | None = listing.now + until_deletion
        except OverflowError:
            restorable_until = None
        fields.update(
            until_deletion=until_deletion,
            removed=True,
            released_id=released_id_of(shown_id, path),
            restorable_until=restorable_until,
        )
    return ListedWorkspace(
        shown_id, name, owner, listing.path(path), remaining=remaining, expired=expired, state=state, **fields
    )


def refuse_repeated_paths(infos: list[Any]) -> list[Any]:
    """``infos``, unless one directory is listed twice (no listing does that; a comment
    that forges an entry for an existing workspace would): then a ``ParseError``."""
    seen: set[str] = set()
    for info in infos:
        key = str(info.path)
        if key in seen:
            raise ParseError(f"the directory {key!r} is listed twice")
        seen.add(key)
    return infos

"""A listed workspace as plain data: what the ``ws_list`` readers make before any model.

:class:`ListedWorkspace` holds the fields of :class:`~taurus_datamover.models.workspaces.WorkspaceInfo`
(same names, same order, ``state`` and ``path`` as text: the path as ``pathlib`` would
print it) and needs nothing beyond ``datetime``, so the command line can print a listing
without loading pydantic or ``pathlib``; the parsers validate a listing of them in one call.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from taurus_datamover.errors import ParseError
from taurus_datamover.parsers.workspaces.common import derive_name, implausible_entry, released_id_of

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing
if TYPE_CHECKING:
    from typing import Any
    from typing import NamedTuple as _Record
else:
    from operator import itemgetter

    _REQUIRED = object()

    class _Fields(type):
        """``typing.NamedTuple``'s work without importing ``typing``, nor making the class
        through ``collections.namedtuple``'s ``exec`` (either costs the command's start more
        than this module): each annotated field is read by position, a call leaves out only
        those with a default."""

        def __new__(cls, name: str, bases: tuple[type, ...], ns: dict[str, Any]) -> type:
            fields = tuple(ns.get("__annotations__", ()))
            defaults = {field: ns.pop(field) for field in fields if field in ns}
            ns.update({field: property(itemgetter(index)) for index, field in enumerate(fields)})
            ns.update(__slots__=(), _fields=fields, _field_defaults=defaults)
            ns["_defaults"] = tuple(defaults.get(field, _REQUIRED) for field in fields)
            return super().__new__(cls, name, bases, ns)

        def __call__(cls, *args: Any, **kwargs: Any) -> Any:
            at = len(args)
            values = (*args, *map(kwargs.pop, cls._fields[at:], cls._defaults[at:]))
            if kwargs or len(values) != len(cls._fields) or any(value is _REQUIRED for value in values):
                raise TypeError(f"{cls.__name__}() takes the fields {cls._fields}, each once")
            return tuple.__new__(cls, values)

    class _Record(tuple, metaclass=_Fields):
        def _replace(self, **changes: Any) -> Any:
            made = type(self)(*map(changes.pop, self._fields, self))
            if changes:
                raise ValueError(f"no fields {sorted(changes)}")
            return made

        def __repr__(self) -> str:
            return f"{type(self).__name__}({', '.join(f'{f}={v!r}' for f, v in zip(self._fields, self))})"


class ListedWorkspace(_Record):
    """One listed workspace; see :class:`~taurus_datamover.models.workspaces.WorkspaceInfo`."""

    id: str
    name: str
    owner: str | None
    path: str
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

    __slots__ = ("group", "now", "prefix", "seen", "shared", "user")

    def __init__(self, now: datetime, user: str | None, group: bool) -> None:
        self.now = now
        self.user = user
        self.prefix = f"{user}-"
        self.group = group
        self.seen: set[str] = set()
        #: texts many entries repeat (file system, remaining time), one object each
        self.shared: dict[str | None, str | None] = {}

    def entry(self, shown_id: str, text: str, removed: bool, where: tuple[int, str]) -> tuple[str, str | None, str]:
        """``(name, owner, normal path)`` of an entry; a ``ParseError`` at ``where`` for one the
        tools cannot print or a directory listed before (a comment forging an entry)."""
        base = text[text.rfind("/") + 1 :]
        user, prefix = self.user, self.prefix
        if (
            user  # the common case, in one pass: an entry of the user's own listing, its path normal
            and not self.group
            and not removed
            and text[:1] == "/"
            and base.startswith(prefix)
            and len(base) > len(prefix)
            and (base == shown_id or base.endswith("-" + shown_id))
            and "//" not in text
            and "/." not in text
        ):
            name, owner, path = base[len(prefix) :], user, text  # type: tuple[str, str | None, str]
        else:
            why = implausible_entry(shown_id, text, user, self.group, removed)
            if why is not None:
                raise ParseError(why, lineno=where[0], line=where[1])
            name, owner = derive_name(shown_id, text, user, group_listing=self.group)
            path = normal_path(text)
        if path in self.seen:
            raise ParseError(f"the directory {path!r} is listed twice", lineno=where[0], line=where[1])
        self.seen.add(path)
        return name, owner, path

    def deleted(
        self, shown_id: str, path: str, until_deletion: timedelta
    ) -> tuple[timedelta, bool, str | None, datetime | None]:
        """``until_deletion``, ``removed``, ``released_id``, ``restorable_until`` of an ``-e`` entry."""
        try:
            restorable_until: datetime | None = self.now + until_deletion
        except OverflowError:
            restorable_until = None
        return until_deletion, True, released_id_of(shown_id, path), restorable_until


_ZERO = timedelta(0)
_DELETED = ("until_deletion", "removed", "released_id", "restorable_until")


def normal_path(text: str) -> str:
    """``str(pathlib.PurePosixPath(text))`` without ``pathlib``: blank and ``.`` parts
    dropped, one root (two where the text begins with exactly two slashes, as POSIX allows)."""
    stripped = text.lstrip("/")
    root = "//" if len(text) - len(stripped) == 2 else "/" if stripped != text else ""
    return root + "/".join(part for part in stripped.split("/") if part and part != ".") or "."


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
    """The record of an entry of a block listing or a ``-T`` table (``remaining`` measured from
    ``expires`` where one was printed; ``until_deletion`` marks an entry of ``-e``)."""
    name, owner, made = listing.entry(shown_id, path, until_deletion is not None, where)
    expires: datetime | None = fields.get("expires")
    if expires is not None:
        remaining = expires - listing.now
    expired, state = standing(said, remaining)
    if until_deletion is not None:
        fields.update(zip(_DELETED, listing.deleted(shown_id, path, until_deletion)))
    return ListedWorkspace(shown_id, name, owner, made, remaining=remaining, expired=expired, state=state, **fields)

"""What the hpc-workspace tools report: workspaces, file systems, released workspaces,
allocation results (paths are :class:`~pathlib.Path`, strings in JSON).

Bound to the ``Workspace`` that listed them (:mod:`~taurus_datamover.models.base`,
:class:`WorkspaceOwner`), models have methods such as ``info.extend(30)``. The *field*
``owner`` is the user who owns the workspace on the cluster, the slot ``_owner`` the
Python object that listed it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from enum import Enum
from functools import cache
from pathlib import Path
from typing import Protocol, cast

from pydantic import Field, TypeAdapter

from taurus_datamover.errors import WorkspaceError
from taurus_datamover.models.base import FrozenModel


class WorkspaceOwner(Protocol):
    """What a bound workspace model needs from the object that listed it (a ``Workspace``)."""

    def extend(self, name: str, days: int, *, filesystem: str | None = None) -> WorkspaceInfo: ...
    def release(self, name: str, *, filesystem: str | None = None, delete_data: bool = False) -> None: ...
    def get(self, name: str, filesystem: str | None = None) -> WorkspaceInfo: ...
    def restore(self, released_id: str, target: str, *, filesystem: str | None = None) -> object: ...


class WorkspaceState(str, Enum):
    """Where a listed workspace stands: in use, past its expiry, or released by its owner."""

    ACTIVE = "active"
    EXPIRED = "expired"
    RELEASED = "released"


class WorkspaceInfo(FrozenModel):
    """One workspace as ``ws_list`` prints it (v1 or v2; normal, terse or verbose form).

    Fields the tool did not print are ``None``. Times are aware, with the fixed UTC offset
    of the cluster zone at that moment (see :mod:`~taurus_datamover.parsers.workspaces.ctime`).

    * ``id``: as printed (maybe truncated, or the admins' whole ``user-name``); ``name``
      addresses the workspace: the directory basename minus ``<user>-`` when the user is
      known, else the printed id. ``owner``: ``None`` where the listing cannot tell it (a
      group listing's ``alice-b-data``), and then the methods that act on it refuse.
    * ``remaining``: ``expires - now`` at parse time; from the tool's rounded text when no
      expiration time was printed (terse form); ``None`` if neither. ``remaining_text``:
      the tool's own text (``4 days 23 hours``, ``0 days, -3 hours``, ``expired``).
    * ``expired``: the tool said ``expired``/``released``, or ``remaining`` is negative.
      ``state``: active, expired or released; ``None`` where the listing does not say
      (v2 ``ws_list -e -T``).
    * ``removed``: listed from the deleted area (v2 ``ws_list -e``): the data waits for
      ``ws_restore`` under ``released_id`` until about ``restorable_until``;
      ``extend``/``release`` refuse such an entry.
    * ``extra``: lines with keys this library does not know, verbatim.
    """

    id: str
    name: str
    owner: str | None = None
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
    state: WorkspaceState | None = WorkspaceState.ACTIVE
    removed: bool = False
    released_id: str | None = None
    restorable_until: datetime | None = None
    extra: dict[str, str] = Field(default_factory=dict)

    @property
    def remaining_days(self) -> float | None:
        """``remaining`` in days (negative once expired), ``None`` if unknown; a float, since
        the tools truncate to whole days or hours and an int would hide up to a day more."""
        return None if self.remaining is None else self.remaining.total_seconds() / 86400

    def expires_within(self, delta: timedelta) -> bool:
        """True if the workspace is expired or has at most ``delta`` left; ``ValueError``
        when the remaining time is unknown (a model built by hand), rather than a guess."""
        if self.expired:
            return True
        if self.remaining is None:
            raise ValueError(f"remaining time of workspace {self.id!r} is unknown")
        return self.remaining <= delta

    def _acting_on(self, action: str) -> WorkspaceOwner:
        """The owner object, once it is sure that ``name`` addresses this very workspace."""
        workspace = cast(WorkspaceOwner, self._require_owner())
        if self.removed:
            raise WorkspaceError(
                f"cannot {action} workspace {self.name!r} ({self.path}): it was released "
                f"or has expired and waits in the deleted area; restore it first "
                f"(ws_restore {self.released_id or '<id from ws_restore -l>'})"
            )
        if self.owner is None:
            raise WorkspaceError(
                f"cannot {action} the workspace at {self.path}: its owner cannot be told "
                f"from the listing (user names and workspace names may both contain '-'), "
                f"so the name {self.name!r} may address another workspace"
            )
        current = getattr(workspace, "current_user", None)
        user = current() if callable(current) else None
        if isinstance(user, str) and user and user != self.owner:
            raise WorkspaceError(
                f"cannot {action} workspace {self.name!r} ({self.path}): it belongs to "
                f"{self.owner!r}, and the tools would act on {user!r}'s workspace of that name"
            )
        return workspace

    def extend(self, days: int) -> WorkspaceInfo:
        """Extend this workspace to ``days`` from now (uses one extension); return its new state.
        ``WorkspaceError`` before any tool runs when ``owner`` is unknown or not the tools'
        user, or the entry is ``removed``: the name might address another workspace."""
        return self._acting_on("extend").extend(self.name, days, filesystem=self.filesystem)

    def release(self, *, delete_data: bool = False) -> None:
        """Release this workspace (restorable with ``ws_restore`` unless ``delete_data``);
        refuses like :meth:`extend`."""
        self._acting_on("release").release(self.name, filesystem=self.filesystem, delete_data=delete_data)

    def refresh(self) -> WorkspaceInfo:
        """This workspace listed again (a new object; models are frozen)."""
        return self._acting_on("look up").get(self.name, filesystem=self.filesystem)


@cache
def _workspace_list() -> TypeAdapter[list[WorkspaceInfo]]:
    return TypeAdapter(list[WorkspaceInfo])


def workspace_infos(records: Iterable[object]) -> list[WorkspaceInfo]:
    """``records`` (objects with the fields as attributes: the parsers' plain records)
    validated in one call, far cheaper than one call each (measured, 1 to 10,000 at a time)."""
    return _workspace_list().validate_python(list(records), from_attributes=True)


class WorkspaceStat(FrozenModel):
    """What v2 ``ws_stat NAME`` counts in a workspace.

    * ``id``: as printed (``<user>-<name>``, the DB id); ``name``/``owner`` as for
      :class:`WorkspaceInfo` (``owner`` None where the id cannot be split for sure).
    * ``size_text``: the tool's rounded size in parentheses (``0 B``, ``1.5 GiB``).
    """

    id: str
    name: str
    owner: str | None = None
    path: Path
    files: int | None = None
    softlinks: int | None = None
    directories: int | None = None
    bytes: int | None = None
    size_text: str | None = None
    blocks: int | None = None
    extra: dict[str, str] = Field(default_factory=dict)


class FilesystemInfo(FrozenModel):
    """A workspace file system from ``ws_list -l``/``-L`` or ``ws_find -l``.

    ``is_default`` is what ``ws_allocate`` uses without ``-F``: the entry marked
    ``(default)`` by v1; the first entry of v2's list (sorted by priority). Limits are only
    printed by v2 ``ws_list -L``; elsewhere they are ``None``.
    """

    name: str
    is_default: bool = False
    max_duration: int | None = None
    max_extensions: int | None = None
    keeptime: int | None = None
    release_keeptime: int | None = None
    allocatable: bool | None = None
    extendable: bool | None = None
    restorable: bool | None = None
    comment: str | None = None


class ReleasedWorkspace(FrozenModel):
    """A released or expired workspace as ``ws_restore -l`` prints it.

    * ``id``: the timestamped id (``user-name-1700000000``), what ``ws_restore`` takes;
      ``name``/``owner`` only when the user is known (usernames may contain ``-``).
    * ``released``: from the id's timestamp (exact, UTC); ``filesystem``: from v1's ``fs:``
      header or v2's ``in filesystem`` line; ``restorable_until``: v2 only.
    """

    id: str
    name: str | None = None
    owner: str | None = None
    released: datetime
    filesystem: str | None = None
    restorable_until: datetime | None = None
    extra: dict[str, str] = Field(default_factory=dict)

    @property
    def db_id(self) -> str:
        """The id without its timestamp: ``<user>-<name>``."""
        return self.id.rsplit("-", 1)[0]

    @property
    def released_timestamp(self) -> int:
        """The Unix time in the id."""
        return int(self.id.rsplit("-", 1)[1])

    def restore(self, target: str) -> object:
        """Restore into the (existing) workspace ``target``; returns what the owner returns."""
        owner = cast(WorkspaceOwner, self._require_owner())
        return owner.restore(self.id, target, filesystem=self.filesystem)


class AllocationAction(str, Enum):
    """What ``ws_allocate``/``ws_extend`` said it did."""

    CREATED = "created"
    REUSED = "reused"
    EXTENDED = "extended"


class AllocationResult(FrozenModel):
    """What ``ws_allocate`` or ``ws_extend`` reported.

    * ``path``: the workspace directory (stdout). ``action``: from the ``creating``/
      ``reusing``/``extending workspace`` line; ``None`` when there is none (seen in ZIH's
      documentation).
    * ``remaining_extensions``, ``remaining_days``: the two ``remaining ...`` lines; days are
      truncated (a fresh 100-day workspace may say 99). ``capped_duration``: the maximum the
      duration was cut to (``setting to allowed maximum of N``).
    * ``messages``: ``info`` lines; ``warnings``: ``warning``/``error`` lines of a run that
      still succeeded (with continuation lines), without prefix; ``other``: stderr lines of
      no known shape, verbatim.
    """

    path: Path
    action: AllocationAction | None = None
    remaining_extensions: int | None = None
    remaining_days: int | None = None
    capped_duration: int | None = None
    messages: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    other: tuple[str, ...] = ()

    @property
    def was_capped(self) -> bool:
        """True when the tool cut the requested duration to its maximum."""
        return self.capped_duration is not None

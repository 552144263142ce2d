"""``Workspace``: the hpc-workspace tools as methods, and an object API on top of them::

ws = Workspace()
new = ws.allocate("data", 30)           # AllocatedWorkspace: new.info, new.allocation
new.reused, new.capped_duration, new.path   # what ws_allocate said; a pathlib.Path
ws.list()                               # [WorkspaceInfo, ...], bound to ws
"""

from __future__ import annotations

import builtins
import re
import warnings
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from taurus_datamover.errors import (
    ParseError,
    WorkspaceArgumentError,
    WorkspaceError,
    WorkspaceNotFound,
    WorkspaceWarning,
)
from taurus_datamover.models.workspaces import AllocationResult, FilesystemInfo, ReleasedWorkspace, WorkspaceInfo
from taurus_datamover.parsers.workspaces import (
    confirm_with_terse,
    parse_ws_allocate,
    parse_ws_extend,
    parse_ws_filesystems,
    parse_ws_list,
    parse_ws_restore_list,
)
from taurus_datamover.workspace.allocated import AllocatedWorkspace
from taurus_datamover.workspace.arguments import (
    allocation_args,
    check_days,
    check_released_id,
    check_workspace_name,
    filesystem_args,
)
from taurus_datamover.workspace.options import AllocationOptions
from taurus_datamover.workspace.running import DEFAULT_TIMEOUT, WorkspaceRunner

if TYPE_CHECKING:
    from typing_extensions import Unpack

__all__ = ["DEFAULT_TIMEOUT", "Workspace"]

_RESTORE_OK = re.compile(r"restore successful", re.IGNORECASE)


class Workspace(WorkspaceRunner):
    """The ``ws_*`` tools as methods (``ws.ws_allocate('name', '30')``), each call a Job,
    and the object API (:meth:`list`, :meth:`get`, :meth:`allocate`, :meth:`extend`,
    :meth:`release`, :meth:`restorable`, :meth:`restore`, :meth:`filesystems`,
    :meth:`expiring`).

    Args:
        path_to_exe: directory (or ``os.pathsep``-separated directories) holding the tools;
            ``None`` searches ``TAURUS_WS_PATH``, ``/usr/bin``, then ``PATH``.
        verbosity: 0 captures the output; 1 also prints each command line; 2 also echoes
            the output as it arrives.
        env: environment of the tools (default: this process's, at call time).
        timeout: seconds each object-API tool run may take (None: no limit).
        tz: the cluster's zone for the wall times the tools print (default: the zone of
            the tools' environment, its ``TZ`` read as the C library reads it, see
            :mod:`taurus_datamover.parsers.workspaces.posix_tz`; a ``TZ`` that cannot be read is a
            :class:`~taurus_datamover.errors.TimeZoneError`, never UTC).
        now: the moment remaining times are measured from: an aware datetime, or a
            callable returning one; default: the current time, or, when the ``ws_*``
            tools found are those of the emulated site that the environment's
            ``TAURUS_EMULATOR_ROOT`` names, that site's clock.
        user: the tools' user (default: ``$TAURUS_EMULATOR_USER`` in ``env``/this
            process's environment, else the login name); used to derive names from
            workspace directories.
    """

    # ------------------------------------------------------------------ listing
    def filesystems(self, *, details: bool = False) -> builtins.list[FilesystemInfo]:
        """The workspace file systems (``ws_list -l``; ``details=True``: v2's ``-L`` with
        limits). The default one is marked ``is_default``."""
        _, output = self._call("ws_list", "-L" if details else "-l", error_lines=True)
        return [fs.bind(self) for fs in parse_ws_filesystems(output.stdout)]

    def list(
        self,
        filesystem: str | None = None,
        *,
        all_filesystems: bool = False,
        group: bool = False,
        confirm: bool = False,
    ) -> builtins.list[WorkspaceInfo]:
        """The user's workspaces as ``ws_list`` shows them, each bound to this object.

        Args:
            filesystem: only this file system (``-F``).
            all_filesystems: every entry knows its file system: one ``ws_list`` call
                (without ``-F`` the tool lists every file system the user may use, and
                its long form names each entry's); only where some entry lacks the
                name are the file systems of ``ws_list -l`` listed in turn (``-F`` for
                each). Cannot be combined with ``filesystem``.
            group: also the group's workspaces (``-g``).
            confirm: also run the terse ``ws_list -t`` (which prints no comments) and
                require the same entries (see :func:`confirm_with_terse`): no comment can
                then forge an entry. One more ``ws_list`` run; :meth:`get` and ``ws
                auto-extend`` always confirm, since they decide what to change.
        """
        if filesystem is not None and all_filesystems:
            raise WorkspaceArgumentError("give either filesystem or all_filesystems=True, not both")
        listed = self._list_one(filesystem, group, confirm)
        if not all_filesystems or all(info.filesystem for info in listed):
            return listed
        return [info for fs in self.filesystems() for info in self._list_one(fs.name, group, confirm)]

    def _list_one(self, filesystem: str | None, group: bool, confirm: bool = False) -> builtins.list[WorkspaceInfo]:
        """One ``ws_list`` (``-F``, ``-g``), confirmed by its terse form if asked."""
        args = [*filesystem_args(filesystem), *(["-g"] if group else [])]
        infos = self._parsed_listing(args, group)
        if confirm:
            try:
                confirm_with_terse(infos, self._parsed_listing([*args, "-t"], group))
            except ParseError:  # a workspace made or removed between the two runs: once more
                infos = self._parsed_listing(args, group)
                confirm_with_terse(infos, self._parsed_listing([*args, "-t"], group))
        if filesystem is not None:
            infos = [info if info.filesystem else info.model_copy(update={"filesystem": filesystem}) for info in infos]
        return [info.bind(self) for info in infos]

    def _parsed_listing(self, args: builtins.list[str], group: bool) -> builtins.list[WorkspaceInfo]:
        """``ws_list ARGS`` run and parsed (refusals and ``error:`` lines raised)."""
        _, output = self._call("ws_list", *args, error_lines=True)
        user, now = self.current_user(), self.current_time()
        return parse_ws_list(output.stdout, tz=self.tz, now=now, user=user, group_listing=group)

    def get(self, name: str, filesystem: str | None = None) -> WorkspaceInfo:
        """Workspace ``name`` as ``ws_list`` shows it now (confirmed, see :meth:`list`).

        Raises:
            WorkspaceNotFound: no such workspace (in ``filesystem``, when given).
            WorkspaceError: a bad name, or (without ``filesystem``) the name exists in
                more than one file system.
        """
        check_workspace_name(name)
        found = [info for info in self._list_one(filesystem, False, confirm=True) if info.name == name]
        if not found:
            where = f" in file system {filesystem!r}" if filesystem is not None else ""
            raise WorkspaceNotFound(f"workspace {name!r} not found{where}")
        if len(found) > 1:
            places = ", ".join(str(info.filesystem) for info in found)
            raise WorkspaceError(f"workspace {name!r} exists in several file systems ({places}); give filesystem=")
        return found[0]

    def expiring(
        self, within: timedelta, *, filesystem: str | None = None, all_filesystems: bool = True
    ) -> builtins.list[WorkspaceInfo]:
        """Workspaces that are expired or expire within ``within``
        (:meth:`WorkspaceInfo.expires_within`), soonest first; those whose remaining time
        is unknown and that are not expired are left out.

        One ``ws_list`` run: of ``filesystem`` when given, else without ``-F``, which lists
        every file system the user may use (``all_filesystems``, kept for callers of the
        first version, changes nothing).
        """
        infos = self._list_one(filesystem, group=False)
        due = [info for info in infos if (info.expired or info.remaining is not None) and info.expires_within(within)]
        # expired entries of unknown remaining time first, then by remaining time
        return sorted(due, key=lambda i: (0, 0.0) if i.remaining is None else (1, i.remaining.total_seconds()))

    # ------------------------------------------------------------------ changing
    def allocate(self, name: str, days: int, **options: Unpack[AllocationOptions]) -> AllocatedWorkspace:
        """Allocate workspace ``name`` for ``days`` days, or reuse it if it exists.

        An existing workspace is reused as ``ws_allocate`` does (its duration is not
        changed: use :meth:`extend`); the result's ``reused`` says which happened. A
        duration over the maximum is cut by the tool: ``capped_duration`` says so and a
        :class:`WorkspaceWarning` is issued. ``options``: see :class:`AllocationOptions`.

        Returns:
            The workspace as listed after the call (one ``ws_list`` run, see
            :meth:`listed_at`), with what the tool reported.
        """
        result = self._allocation(name, days, options)
        return AllocatedWorkspace(self.listed_at(result, name, options.get("filesystem")), _warned(name, result))

    def allocation(self, name: str, days: int, **options: Unpack[AllocationOptions]) -> AllocationResult:
        """:meth:`allocate` without the listing after it: only what ``ws_allocate`` said
        (the path, created or reused, a capped duration), one tool run. Enough for a
        caller that needs the directory and whether the workspace is new
        (:class:`~taurus_datamover.workspace.CacheWorkspace`)."""
        return _warned(name, self._allocation(name, days, options))

    def _allocation(self, name: str, days: int, options: AllocationOptions) -> AllocationResult:
        """Check every argument, run ``ws_allocate`` and read what it said."""
        args: builtins.list[str | int] = [*filesystem_args(options.get("filesystem")), *allocation_args(options)]
        _, output = self._call("ws_allocate", *args, check_workspace_name(name), check_days(days))
        return parse_ws_allocate(output.stdout, output.stderr)

    def extend(self, name: str, days: int, *, filesystem: str | None = None) -> AllocatedWorkspace:
        """Extend workspace ``name`` to ``days`` days from now (``ws_extend``); this uses
        one of its extensions. The new duration replaces the remaining time.

        Raises:
            WorkspaceError: the tool refused, e.g. ``Error: no more extensions.``
            WorkspaceNotFound: no such workspace.
        """
        args = filesystem_args(filesystem)
        _, output = self._call("ws_extend", *args, check_workspace_name(name), check_days(days))
        result = parse_ws_extend(output.stdout, output.stderr)
        return AllocatedWorkspace(self.listed_at(result, name, filesystem), _warned(name, result))

    def listed_at(self, result: AllocationResult, name: str, filesystem: str | None) -> WorkspaceInfo:
        """Workspace ``name`` as listed now: the entry at the path ``ws_allocate``/
        ``ws_extend`` printed (``result``) in one ``ws_list`` run, else the confirmed look-up
        of :meth:`get` (a path the listing does not show is not trusted)."""
        path = str(result.path).rstrip("/")
        listed = [info for info in self.list(filesystem) if str(info.path).rstrip("/") == path]
        return listed[0] if listed else self.get(name, filesystem)

    def release(self, name: str, *, filesystem: str | None = None, delete_data: bool = False) -> None:
        """Release workspace ``name`` (``ws_release``). It stays restorable
        (:meth:`restorable`) for the file system's keep time, unless ``delete_data``.

        Raises:
            WorkspaceNotFound: no such workspace.
        """
        delete = ["--delete-data"] if delete_data else []
        self._call("ws_release", *filesystem_args(filesystem), *delete, check_workspace_name(name))

    def restorable(self, filesystem: str | None = None) -> builtins.list[ReleasedWorkspace]:
        """Released or expired workspaces that can still be restored (``ws_restore -l``),
        each bound to this object (``released.restore(target)``)."""
        _, output = self._call("ws_restore", "-l", *filesystem_args(filesystem), error_lines=True)
        released = parse_ws_restore_list(output.stdout, tz=self.tz, user=self.current_user())
        if filesystem is not None:
            released = [r for r in released if r.filesystem in (None, filesystem)]
        return [r.bind(self) for r in released]

    def restore(self, released_id: str | ReleasedWorkspace, target: str, *, filesystem: str | None = None) -> Path:
        """Move the data of a released workspace into the existing workspace ``target``.

        ``released_id`` is the id ``ws_restore -l`` prints (or a :class:`ReleasedWorkspace`).
        Without ``filesystem`` the file system is taken from the released workspace (a
        look-up in :meth:`restorable` for a plain id), since v1 would otherwise search
        only the default one.

        Returns:
            The directory the data now lies in: ``<target>/<released_id>``.

        Raises:
            WorkspaceNotFound: the released id does not exist.
            WorkspaceError: the tool refused (e.g. the target does not exist) or did not
                confirm the restore (real tools ask a question on a terminal first and
                silently do nothing when it is not answered).
        """
        if isinstance(released_id, ReleasedWorkspace):
            if filesystem is None:
                filesystem = released_id.filesystem
            released_id = released_id.id
        check_released_id(released_id)
        check_workspace_name(target)
        if filesystem is None:
            places = {r.filesystem for r in self.restorable() if r.id == released_id}
            if len(places) == 1:
                filesystem = places.pop()
        args = filesystem_args(filesystem)
        job, output = self._call("ws_restore", *args, released_id, target, error_lines=True)
        if _RESTORE_OK.search(output.stderr + output.stdout) is None:
            raise self._refusal(
                job, output.stdout, output.stderr, fallback="ws_restore did not report a successful restore"
            )
        return Path(self.get(target, filesystem).path) / released_id


def _warned(name: str, result: AllocationResult) -> AllocationResult:
    """``result``, after a :class:`WorkspaceWarning` (at the caller of the public method)
    when the tool cut the duration to its maximum."""
    if result.capped_duration is not None:
        message = f"workspace {name!r}: duration cut to the allowed maximum of {result.capped_duration} days"
        warnings.warn(WorkspaceWarning(message), stacklevel=3)
    return result

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
from taurus_datamover.workspace.context import DEFAULT_TIMEOUT as DEFAULT_TIMEOUT  # the package's name
from taurus_datamover.workspace.options import AllocationOptions
from taurus_datamover.workspace.running import WorkspaceRunner

if TYPE_CHECKING:
    from typing_extensions import Unpack

_RESTORE_OK = re.compile(r"restore successful", re.IGNORECASE)


class Workspace(WorkspaceRunner):
    """The ``ws_*`` tools as methods (``ws.ws_allocate('name', '30')``), each call a Job,
    and the object API on top of them.

    Args (``path_to_exe``, ``verbosity``, ``env``: see
    :class:`~taurus_datamover.command.toolset.ToolSet`; the variable is ``TAURUS_WS_PATH``):
        timeout: seconds each object-API tool run may take (None: no limit).
        tz: the zone of the wall times the tools print (default: their environment's ``TZ``,
            read as the C library reads it; one that cannot be read is a ``TimeZoneError``).
        now: the moment remaining times are measured from (an aware datetime, or a callable
            giving one); default: now, or the clock of the emulated site the tools are from.
        user: the tools' user, to derive names from directories (default:
            ``$TAURUS_EMULATOR_USER``, else the login name).
    """

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
        """The user's workspaces as ``ws_list`` shows them, each bound to this object:
        of ``filesystem`` only (``-F``), or with ``all_filesystems`` each naming its file system
        (one ``ws_list``; each file system in turn only where an entry lacks the name); with
        ``group`` the group's too (``-g``). ``confirm`` also runs the terse ``ws_list -t`` (no
        comments) and requires the same entries, so no comment can forge one (:meth:`get` and
        ``ws auto-extend`` always confirm: they decide what to change)."""
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
        """Workspace ``name`` as ``ws_list`` shows it now (confirmed, see :meth:`list`);
        ``WorkspaceNotFound``, or ``WorkspaceError`` for a bad name or one in several file
        systems (without ``filesystem``)."""
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
        """Workspaces expired or expiring within ``within``, soonest first (unknown remaining
        time: only the expired ones), from one ``ws_list`` (``all_filesystems`` is kept for
        callers of the first version: without ``-F`` it lists them all)."""
        infos = self._list_one(filesystem, group=False)
        due = [info for info in infos if (info.expired or info.remaining is not None) and info.expires_within(within)]
        # expired entries of unknown remaining time first, then by remaining time
        return sorted(due, key=lambda i: (0, 0.0) if i.remaining is None else (1, i.remaining.total_seconds()))

    def allocate(self, name: str, days: int, **options: Unpack[AllocationOptions]) -> AllocatedWorkspace:
        """Allocate workspace ``name`` for ``days`` days, or reuse it as ``ws_allocate`` does
        (its duration unchanged; ``reused`` says so). A duration the tool cuts to its maximum
        is a ``capped_duration`` and a :class:`WorkspaceWarning`. Returns the workspace as
        listed after the call (:meth:`listed_at`), with what the tool reported."""
        result = self._allocation(name, days, options)
        return AllocatedWorkspace(self.listed_at(result, name, options.get("filesystem")), _warned(name, result))

    def allocation(self, name: str, days: int, **options: Unpack[AllocationOptions]) -> AllocationResult:
        """:meth:`allocate` without the listing after it: only what ``ws_allocate`` said (the
        path, created or reused, a capped duration), one tool run."""
        return _warned(name, self._allocation(name, days, options))

    def _allocation(self, name: str, days: int, options: AllocationOptions) -> AllocationResult:
        args: builtins.list[str | int] = [*filesystem_args(options.get("filesystem")), *allocation_args(options)]
        _, output = self._call("ws_allocate", *args, check_workspace_name(name), check_days(days))
        return parse_ws_allocate(output.stdout, output.stderr)

    def extend(self, name: str, days: int, *, filesystem: str | None = None) -> AllocatedWorkspace:
        """Extend workspace ``name`` to ``days`` days from now (``ws_extend``, one of its
        extensions); ``WorkspaceError`` when the tool refused (``no more extensions``)."""
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
        """Release workspace ``name`` (``ws_release``); it stays :meth:`restorable` for the
        file system's keep time, unless ``delete_data``."""
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
        """Move a released workspace's data (its ``ws_restore -l`` id, or the
        :class:`ReleasedWorkspace`) into the workspace ``target``: ``<target>/<released_id>``.
        Without ``filesystem`` the released one's is used (v1 would search only the default).
        ``WorkspaceError`` also when the tool did not confirm (real tools ask on a terminal)."""
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
    """``result``, after a :class:`WorkspaceWarning` (at the public method's caller) when the
    tool cut the duration."""
    if result.capped_duration is not None:
        message = f"workspace {name!r}: duration cut to the allowed maximum of {result.capped_duration} days"
        warnings.warn(WorkspaceWarning(message), stacklevel=3)
    return result

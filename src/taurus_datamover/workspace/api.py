"""``Workspace``: the hpc-workspace tools as methods and an object API on top of them, each
tool run with its arguments checked and a timeout, a refusal turned into the tool's own
:class:`WorkspaceError`, its listings read in the tools' context (user, zone, clock, generation).
"""

from __future__ import annotations

import builtins
import os
import re
import warnings
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING

from taurus_datamover.command.argv import PathArg
from taurus_datamover.command.job import Job, JobOutput
from taurus_datamover.command.tools import WORKSPACE_FAMILY
from taurus_datamover.command.toolset import ToolSet
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
    is_not_found_message,
    listing_generation,
    parse_ws_allocate,
    parse_ws_extend,
    parse_ws_filesystems,
    parse_ws_list,
    parse_ws_restore_list,
    workspace_error_message,
)
from taurus_datamover.parsers.workspaces.common import split_diagnostic, strip_ansi
from taurus_datamover.workspace.allocated import AllocatedWorkspace, AllocationOptions
from taurus_datamover.workspace.arguments import (
    allocation_args,
    check_days,
    check_released_id,
    check_stored_text,
    check_workspace_name,
    filesystem_args,
)
from taurus_datamover.workspace.context import DEFAULT_TIMEOUT as DEFAULT_TIMEOUT  # the package's name
from taurus_datamover.workspace.context import tools_time, tools_user, tools_zone

if TYPE_CHECKING:
    from typing_extensions import Unpack

_RESTORE_OK = re.compile(r"restore successful", re.IGNORECASE)
_VERSION = re.compile(r"\bversion ([0-9]{1,3})\.[0-9]")


class Workspace(ToolSet):
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

    family = WORKSPACE_FAMILY
    error_class = WorkspaceError

    def __init__(
        self,
        path_to_exe: str | os.PathLike[str] | Sequence[str | os.PathLike[str]] | None = None,
        verbosity: int = 0,
        *,
        env: Mapping[str, str] | None = None,
        timeout: float | None = DEFAULT_TIMEOUT,
        tz: tzinfo | None = None,
        now: datetime | Callable[[], datetime] | None = None,
        user: str | None = None,
    ) -> None:
        super().__init__(path_to_exe, verbosity, env=env)
        if timeout is not None and timeout <= 0:
            raise WorkspaceArgumentError("timeout must be positive (or None for no limit)")
        self.timeout, self.tz, self.now, self.user = timeout, tz, now, user
        self._generation: int | None = None

    @property
    def tz(self) -> tzinfo:
        """The zone the tools print wall times in: ``tz=`` if given, else the ``TZ`` (and
        ``TZDIR``) of the tools' environment read as glibc reads it."""
        return self._tz if self._tz is not None else tools_zone(self._environ())

    @tz.setter
    def tz(self, value: tzinfo | None) -> None:
        self._tz = value

    def current_user(self) -> str | None:
        """The user the tools run as: ``user=``, else :func:`~.context.tools_user`."""
        return self.user or tools_user(self._environ())

    def current_time(self) -> datetime:
        """The aware moment remaining times are measured from (see ``now=``)."""
        value = self.now() if callable(self.now) else self.now
        if value is None:
            return tools_time(self._found.paths.get("ws_list"), self._environ())
        if value.tzinfo is None or value.utcoffset() is None:
            raise WorkspaceArgumentError("now must give a timezone-aware datetime")
        return value

    def build_argv(self, tool: str, args: Sequence[PathArg | int | float]) -> builtins.list[str | bytes]:
        """The argv for ``tool``; every argument is first checked to be text the tools can
        store and print back (:func:`~taurus_datamover.workspace.arguments.check_stored_text`)."""
        argv = super().build_argv(tool, args)
        for position, arg in enumerate(argv[1:], start=1):
            check_stored_text(arg, f"argument {position} of {tool}")
        return argv

    def _call(self, tool: str, *args: str | int, error_lines: bool = False) -> tuple[Job, JobOutput]:
        """Run ``tool`` and wait; a failure becomes the tool's own WorkspaceError, and with
        ``error_lines`` so do the error lines of a run that exited 0 (v2 ``ws_list -F nosuchfs``).
        What it printed also tells the :attr:`tool_generation`."""
        job = self.run(tool, *args, timeout=self.timeout)
        try:
            output = job.result()
        except WorkspaceError as exc:
            self._note_generation(tool, exc.stdout, exc.stderr)
            raise self._refusal(job, exc.stdout, exc.stderr, fallback=exc.message) from None
        self._note_generation(tool, *output)
        said = workspace_error_message(output.stderr) if error_lines else None
        if said is not None:
            raise self._refusal(job, *output, fallback=said)
        return job, output

    @staticmethod
    def _refusal(job: Job, stdout: str, stderr: str, *, fallback: str) -> WorkspaceError:
        """The error for a refusal in the tool's words: its ``error:`` lines, else the last
        line of a failed run, else ``fallback``; "does not exist" is ``WorkspaceNotFound``."""
        said = workspace_error_message(stderr) or workspace_error_message(stdout)
        if said is None:
            lines = [line.strip() for line in (stderr + "\n" + stdout).split("\n") if line.strip()]
            said = lines[-1] if lines and job.returncode not in (0, None) else fallback
        cls = WorkspaceNotFound if is_not_found_message(said) else WorkspaceError
        return cls(said, argv=job.argv, returncode=job.returncode, stdout=stdout, stderr=stderr)

    @property
    def tool_generation(self) -> int:
        """1 (hpc-workspace 1.x) or 2 (the C++ rewrite), from the first output that tells (a
        listing's ``id:``/``Id:``, ``Error:``/``error:``), else ``ws_list --version``. The
        parsers read both either way; this says which one the site runs."""
        if self._generation is not None:
            return self._generation
        job = self.run("ws_list", "--version", timeout=self.timeout)
        try:
            text = "\n".join(job.result())
        except WorkspaceError as exc:  # v1's C++ tools exit 1 after --version
            text = exc.stdout + "\n" + exc.stderr
        match = _VERSION.search(text)
        if match is None:
            raise WorkspaceError("ws_list --version names no version", argv=job.argv, stdout=text)
        self._generation = 1 if int(match.group(1)) < 2 else 2
        return self._generation

    def _note_generation(self, tool: str, stdout: str, stderr: str) -> None:
        """Remember the generation once an output shows it (first one wins)."""
        if self._generation is None:
            found = listing_generation(stdout) if tool == "ws_list" else None
            self._generation = found or _diagnostic_generation(stderr)

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
        """The user's workspaces as ``ws_list`` shows them, bound: of ``filesystem`` only
        (``-F``), or with ``all_filesystems`` each naming its file system; ``group``: the
        group's too (``-g``). ``confirm`` requires the same entries from the terse ``ws_list
        -t`` (no comments), so no comment can forge one (:meth:`get` always confirms)."""
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
        ``WorkspaceNotFound``, or ``WorkspaceError`` for a bad name or several file systems."""
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
        """Workspaces expired or expiring within ``within``, soonest first, from one ``ws_list``
        (``all_filesystems``: kept for old callers; without ``-F`` it lists them all)."""
        infos = self._list_one(filesystem, group=False)
        due = [info for info in infos if (info.expired or info.remaining is not None) and info.expires_within(within)]
        # expired entries of unknown remaining time first, then by remaining time
        return sorted(due, key=lambda i: (0, 0.0) if i.remaining is None else (1, i.remaining.total_seconds()))

    def allocate(self, name: str, days: int, **options: Unpack[AllocationOptions]) -> AllocatedWorkspace:
        """Allocate workspace ``name`` for ``days`` days, or reuse it as ``ws_allocate`` does
        (``reused``); a duration cut to the maximum is a ``capped_duration`` and a
        :class:`WorkspaceWarning`. Returns it as listed after the call, with the tool's report."""
        result = self._allocation(name, days, options)
        return AllocatedWorkspace(self.listed_at(result, name, options.get("filesystem")), _warned(name, result))

    def allocation(self, name: str, days: int, **options: Unpack[AllocationOptions]) -> AllocationResult:
        """:meth:`allocate` without the listing after it: what ``ws_allocate`` said, one run."""
        return _warned(name, self._allocation(name, days, options))

    def _allocation(self, name: str, days: int, options: AllocationOptions) -> AllocationResult:
        args: builtins.list[str | int] = [*filesystem_args(options.get("filesystem")), *allocation_args(options)]
        return parse_ws_allocate(*self._call("ws_allocate", *args, check_workspace_name(name), check_days(days))[1])

    def extend(self, name: str, days: int, *, filesystem: str | None = None) -> AllocatedWorkspace:
        """Extend workspace ``name`` to ``days`` days from now (``ws_extend``, one of its
        extensions); ``WorkspaceError`` when the tool refused (``no more extensions``)."""
        args = filesystem_args(filesystem)
        result = parse_ws_extend(*self._call("ws_extend", *args, check_workspace_name(name), check_days(days))[1])
        return AllocatedWorkspace(self.listed_at(result, name, filesystem), _warned(name, result))

    def listed_at(self, result: AllocationResult, name: str, filesystem: str | None) -> WorkspaceInfo:
        """Workspace ``name`` as listed now at the path the tool printed (``result``), else
        :meth:`get`'s confirmed look-up: a path the listing does not show is not trusted."""
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
        """Move a released workspace's data (its id, or the :class:`ReleasedWorkspace`) into
        workspace ``target``, to ``<target>/<released_id>``; without ``filesystem``, the released
        one's (v1 would search only the default). ``WorkspaceError`` unless the tool confirmed."""
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
            raise self._refusal(job, *output, fallback="ws_restore did not report a successful restore")
        return Path(self.get(target, filesystem).path) / released_id


def _warned(name: str, result: AllocationResult) -> AllocationResult:
    """``result``, after a :class:`WorkspaceWarning` (at the caller) when the tool cut the duration."""
    if result.capped_duration is not None:
        message = f"workspace {name!r}: duration cut to the allowed maximum of {result.capped_duration} days"
        warnings.warn(WorkspaceWarning(message), stacklevel=3)
    return result


def _diagnostic_generation(stderr: str) -> int | None:
    """1 for v1's capitalised ``Error:``/``Info:``, 2 for v2's ``error:``/``info:``."""
    for line in stderr.split("\n"):
        text = strip_ansi(line).strip()
        if split_diagnostic(text) is not None and text[:1].isalpha():
            return 1 if text[:1].isupper() else 2
    return None

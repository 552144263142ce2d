"""``Workspace``: the hpc-workspace tools as methods, and an object API on top of them.

The original API keeps working: every ``ws_*`` tool found is a method that returns a
:class:`~taurus_datamover.Job` (``ws.ws_allocate('name', '30')``).

The object API runs the same tools, waits for them, and returns models::

    ws = Workspace()
    info = ws.allocate("data", 30)          # WorkspaceInfo (an AllocatedWorkspace)
    info.reused, info.capped_duration       # what ws_allocate said
    ws.list()                               # [WorkspaceInfo, ...]
    info.extend(60); info.release()         # bound methods call back into ws

Rules the object API keeps:

* Names (workspace names, file system names, released ids) are checked against
  hpc-workspace's rules *before* any tool runs; a bad one is a :class:`WorkspaceError`
  with no argv, so nothing on the cluster is touched by a typo or an injected option.
* No argument of a ``ws_*`` tool (comment, mail address, ... and every argument of the
  original API's ``ws.ws_allocate(...)`` methods) may hold a control character, a line
  separator or bytes that are not UTF-8: the tools store such text and print it back raw,
  where it would forge or break the listing. It is a
  :class:`~taurus_datamover.stored_text.WorkspaceArgumentError` (a ``WorkspaceError`` and
  a ``ValueError``) before any tool runs.
* A refusal of a tool (no extensions left, unknown file system, ...) is a
  :class:`WorkspaceError` whose ``message`` is the tool's own error line(s), with argv,
  exit code and both streams; "does not exist" refusals are :class:`WorkspaceNotFound`.
  Some refusals exit 0 (v2 ``ws_list -F unknown``, v1 ``ws_restore`` of a missing id):
  their error lines are caught as well.
* A duration over the file system's maximum is *not* an error: the tool caps it and
  succeeds. The result says so (``capped_duration``, ``tool_warnings``) and a
  :class:`WorkspaceWarning` is issued.
* Every tool run of the object API has a ``timeout`` (default :data:`DEFAULT_TIMEOUT`
  seconds); a hung tool is stopped and :class:`~taurus_datamover.CommandTimeout` raised.
* Listings are parsed for the tools' user (``user=``, else ``$TAURUS_EMULATOR_USER`` as
  the emulated tools see it, else the login name), in zone ``tz`` and measured from
  ``now`` (a datetime or a callable; default: the current time), so that an emulated
  clock can be followed.
"""

from __future__ import annotations

import builtins
import getpass
import os
import re
import warnings
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta, timezone, tzinfo
from pathlib import Path

from taurus_datamover.cache_workspace import CacheWorkspace
from taurus_datamover.command import PathArg, ToolSet
from taurus_datamover.errors import CommandTimeout, ParseError, WorkspaceError, WorkspaceNotFound
from taurus_datamover.jobs import Job, JobOutput
from taurus_datamover.models.workspaces import (
    AllocationAction,
    AllocationResult,
    FilesystemInfo,
    ReleasedWorkspace,
    WorkspaceInfo,
)
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
from taurus_datamover.parsers.workspaces.common import NAME_PATTERN, split_diagnostic, strip_ansi
from taurus_datamover.parsers.workspaces.posix_tz import zone_from_environment
from taurus_datamover.stored_text import WorkspaceArgumentError, check_stored_text
from taurus_datamover.tools import WORKSPACE_FAMILY

__all__ = [
    "DEFAULT_TIMEOUT",
    "USER_ENV",
    "AllocatedWorkspace",
    "CacheWorkspace",
    "Workspace",
    "WorkspaceArgumentError",
    "WorkspaceWarning",
    "check_filesystem_name",
    "check_released_id",
    "check_workspace_name",
]

#: Seconds an object-API call waits for its tool before stopping it (``CommandTimeout``).
DEFAULT_TIMEOUT = 120.0
#: The emulated tools take their user from this variable (see the emulator's config).
USER_ENV = "TAURUS_EMULATOR_USER"
#: The emulated tools take their site from this variable (see the emulator's launcher).
ROOT_ENV = "TAURUS_EMULATOR_ROOT"

#: File system names as the tools print them (``ws_list -l``).
_FS_NAME = re.compile(r"[A-Za-z0-9_.][A-Za-z0-9_.-]*")
#: Released ids: ``<user>-<name>-<unix time>`` (``ws_restore -l``).
_RELEASED_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*-[0-9]+")
_ILLEGAL_NAME = "Illegal workspace name, use ASCII characters and numbers, '-','.' and '_' only!"
#: The longest name whose released entry ``<user>-<name>-<unix time>`` still fits in a
#: file name (255 bytes) for a user name of up to 32 characters (``useradd``'s limit).
MAX_NAME_LENGTH = 255 - 32 - 1 - 1 - 10
_VERSION = re.compile(r"\bversion ([0-9]{1,3})\.[0-9]")
_RESTORE_OK = re.compile(r"restore successful", re.IGNORECASE)


class WorkspaceWarning(UserWarning):
    """A tool succeeded but said something the caller should know (a capped duration)."""


def check_workspace_name(name: object) -> str:
    """Return ``name`` if hpc-workspace accepts it as a workspace name, else raise.

    The rule of both generations: an ASCII letter or digit, then letters, digits, ``.``,
    ``_`` and ``-``. Checked here so that a bad name never reaches a tool (where ``-x``
    would be read as an option and ``a/b`` as a path).

    Every name that passes lists back: listings are read by the directory
    (``<user>-<name>``), not by the id the tools print (v2 prints only the text after the
    last ``-``, nothing at all for ``data-``). Refused besides: names longer than
    :data:`MAX_NAME_LENGTH`, which the tools create but cannot release or restore (the
    released entry's file name would pass 255 bytes).

    Raises:
        WorkspaceError: the name breaks the rule (the message quotes the tools' wording).
    """
    if not isinstance(name, str) or NAME_PATTERN.fullmatch(name) is None:
        raise WorkspaceError(f"{_ILLEGAL_NAME} (got {name!r})")
    if len(name) > MAX_NAME_LENGTH:
        raise WorkspaceError(
            f"workspace name of {len(name)} characters: at most {MAX_NAME_LENGTH}, so that "
            "its released entry `<user>-<name>-<unix time>` fits in a file name"
        )
    return name


def check_filesystem_name(filesystem: object) -> str:
    """Return ``filesystem`` if it looks like a workspace file system name, else raise
    :class:`WorkspaceError` (before any tool runs)."""
    if not isinstance(filesystem, str) or _FS_NAME.fullmatch(filesystem) is None:
        raise WorkspaceError(f"not a file system name: {filesystem!r}")
    return filesystem


def check_released_id(released_id: object) -> str:
    """Return ``released_id`` if it has the shape ``ws_restore -l`` prints
    (``user-name-1700000000``), else raise :class:`WorkspaceError` (before any tool runs)."""
    if not isinstance(released_id, str) or _RELEASED_ID.fullmatch(released_id) is None:
        raise WorkspaceError(
            f"not a released workspace id (`user-name-timestamp` as `ws_restore -l` prints it): {released_id!r}"
        )
    return released_id


def _check_days(days: object) -> int:
    if isinstance(days, bool) or not isinstance(days, int) or days < 1:
        raise ValueError(f"days must be a whole number of at least 1, not {days!r}")
    return days


class AllocatedWorkspace(WorkspaceInfo):
    """A :class:`WorkspaceInfo` (as ``ws_list`` shows it right after the call) plus what
    ``ws_allocate``/``ws_extend`` reported in ``allocation``.

    Returned by :meth:`Workspace.allocate` and :meth:`Workspace.extend`, so it is also a
    ``WorkspaceInfo`` with all its fields and bound methods. Because models compare by
    type and fields, use :attr:`info` to compare it with a listed ``WorkspaceInfo``.
    """

    allocation: AllocationResult

    @property
    def reused(self) -> bool:
        """True when ``ws_allocate`` reused an existing workspace (``reusing workspace``).

        False when it created one, for extensions, and when the tool printed no action
        line at all (``allocation.action is None``, seen in ZIH's documentation).
        """
        return self.allocation.action is AllocationAction.REUSED

    @property
    def action(self) -> AllocationAction | None:
        """What the tool said it did: created, reused or extended (None: it did not say)."""
        return self.allocation.action

    @property
    def capped_duration(self) -> int | None:
        """The maximum (days) the requested duration was cut to, else None."""
        return self.allocation.capped_duration

    @property
    def tool_warnings(self) -> tuple[str, ...]:
        """The tool's warning/error lines of this successful run (without prefix)."""
        return self.allocation.warnings

    @property
    def info(self) -> WorkspaceInfo:
        """The plain :class:`WorkspaceInfo` (bound to the same owner)."""
        fields = {key: value for key, value in self if key != "allocation"}
        return WorkspaceInfo(**fields).bind(getattr(self, "_owner", None))


class Workspace(ToolSet):
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
            :class:`~taurus_datamover.parsers.workspaces.posix_tz.TimeZoneError`, never UTC).
        now: the moment remaining times are measured from: an aware datetime, or a
            callable returning one; default: the current time, or, when the ``ws_*``
            tools found are those of the emulated site that the environment's
            ``TAURUS_EMULATOR_ROOT`` names, that site's clock.
        user: the tools' user (default: ``$TAURUS_EMULATOR_USER`` in ``env``/this
            process's environment, else the login name); used to derive names from
            workspace directories.
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
            raise ValueError("timeout must be positive (or None for no limit)")
        self.timeout = timeout
        self.tz = tz
        self.now = now
        self.user = user

    @property
    def tz(self) -> tzinfo:
        """The zone the tools print wall times in: ``tz=`` if given, else the ``TZ`` (and
        ``TZDIR``) of the tools' environment read as glibc reads it."""
        if self._tz is not None:
            return self._tz
        return zone_from_environment(self.env if self.env is not None else os.environ)

    @tz.setter
    def tz(self, value: tzinfo | None) -> None:
        self._tz = value

    # ------------------------------------------------------------------ context
    def current_user(self) -> str | None:
        """The user the tools run as: ``user=``, else ``$TAURUS_EMULATOR_USER`` of the
        tools' environment (the emulated site's user), else the login name."""
        if self.user:
            return self.user
        environ = self.env if self.env is not None else os.environ
        emulated = environ.get(USER_ENV)
        if emulated:
            return emulated
        try:
            return getpass.getuser()
        except (KeyError, OSError):
            return None

    def emulated_site_root(self) -> Path | None:
        """The root of the emulated site whose tools these are: the environment's
        ``TAURUS_EMULATOR_ROOT`` when ``ws_list`` was found in its ``bin``; else None (a
        root left in the shell does not make other tools follow that site's clock)."""
        environ = self.env if self.env is not None else os.environ
        root = environ.get(ROOT_ENV)
        if not root or not self.has_tool("ws_list"):
            return None
        tools = os.path.realpath(os.path.dirname(self.tool_path("ws_list")))
        return Path(root) if tools == os.path.realpath(os.path.join(root, "bin")) else None

    def current_time(self) -> datetime:
        """The aware moment remaining times are measured from (see ``now=``)."""
        value = self.now() if callable(self.now) else self.now
        if value is None:
            root = self.emulated_site_root()
            if root is not None:
                from taurus_datamover.emulator import clock

                environ = self.env if self.env is not None else os.environ
                return datetime.fromtimestamp(clock.now(root, environ), timezone.utc)
            return datetime.now(timezone.utc)
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError("now must give a timezone-aware datetime")
        return value

    # ------------------------------------------------------------------ running
    def build_argv(self, tool: str, args: Sequence[PathArg | int | float]) -> builtins.list[str | bytes]:
        """The argv for ``tool``; every argument is first checked to be text the tools can
        store and print back (:func:`~taurus_datamover.stored_text.check_stored_text`)."""
        argv = super().build_argv(tool, args)
        for position, arg in enumerate(argv[1:], start=1):
            check_stored_text(arg, f"argument {position} of {tool}")
        return argv

    def _start(self, tool: str, *args: str | int) -> Job:
        return self.run(tool, *args, timeout=self.timeout)

    def _call(self, tool: str, *args: str | int) -> JobOutput:
        """Run ``tool`` and wait; a failure becomes the tool's own WorkspaceError."""
        return self._finish(self._start(tool, *args))

    def _finish(self, job: Job) -> JobOutput:
        """Wait for ``job``; a non-zero exit becomes the tool's own refusal. What the tool
        printed also tells which generation the tools are (see :attr:`tool_generation`)."""
        try:
            output = job.result()
        except CommandTimeout:
            raise
        except WorkspaceError as exc:
            self._note_generation(job, exc.stdout, exc.stderr)
            raise self._refusal(job, exc.stdout, exc.stderr, fallback=exc.message) from None
        self._note_generation(job, output.stdout, output.stderr)
        return output

    @staticmethod
    def _refusal(job: Job, stdout: str, stderr: str, *, fallback: str) -> WorkspaceError:
        """The error for a refusal, carrying the tool's own words where it printed any.

        The tool's ``error:`` lines (v1 ``Error:``) are the message; without any, the last
        line it printed on a failed run, else ``fallback``. "Does not exist" refusals are
        :class:`WorkspaceNotFound` (not a missing ``ws_restore`` *target*).
        """
        said = workspace_error_message(stderr) or workspace_error_message(stdout)
        if said is None:
            lines = [line.strip() for line in (stderr + "\n" + stdout).split("\n") if line.strip()]
            said = lines[-1] if lines and job.returncode not in (0, None) else fallback
        cls = WorkspaceNotFound if is_not_found_message(said) else WorkspaceError
        return cls(said, argv=job.argv, returncode=job.returncode, stdout=stdout, stderr=stderr)

    def _refuse_on_error_lines(self, job: Job, output: JobOutput) -> None:
        """Raise for tools that print an error and still exit 0 (v2: ``ws_list -F
        nosuchfs``, ``ws_restore`` to a missing target; v1 ``ws_find`` on stdout)."""
        said = workspace_error_message(output.stderr)
        if said is not None:
            raise self._refusal(job, output.stdout, output.stderr, fallback=said)

    # ------------------------------------------------------------------ generation
    @property
    def tool_generation(self) -> int:
        """1 (hpc-workspace 1.x) or 2 (the C++ rewrite), found once per ``Workspace``.

        Taken from the first output that tells (a ``ws_list`` block's ``id:``/``Id:``, or
        the case of a diagnostic's level, ``Error:``/``error:``); when nothing has told
        yet, from ``ws_list --version``. The parsers read both generations either way;
        this says which one the site runs.

        Raises:
            WorkspaceError: ``ws_list --version`` names no version.
        """
        known = vars(self).get("_generation")
        if isinstance(known, int):
            return known
        job = self._start("ws_list", "--version")
        try:
            output = job.result()
            text = output.stdout + "\n" + output.stderr
        except WorkspaceError as exc:  # v1's C++ tools exit 1 after --version
            text = exc.stdout + "\n" + exc.stderr
        match = _VERSION.search(text)
        if match is None:
            raise WorkspaceError("ws_list --version names no version", argv=job.argv, stdout=text)
        generation = 1 if int(match.group(1)) < 2 else 2
        self._generation = generation
        return generation

    def _note_generation(self, job: Job, stdout: str, stderr: str) -> None:
        """Remember the generation once an output shows it (first one wins)."""
        if isinstance(vars(self).get("_generation"), int):
            return
        found: int | None = None
        if job.argv and Path(job.argv[0]).name == "ws_list":
            found = listing_generation(stdout)
        if found is None:
            found = _diagnostic_generation(stderr)
        if found is not None:
            self._generation = found

    # ------------------------------------------------------------------ listing
    def filesystems(self, *, details: bool = False) -> builtins.list[FilesystemInfo]:
        """The workspace file systems (``ws_list -l``; ``details=True``: v2's ``-L`` with
        limits). The default one is marked ``is_default``."""
        job = self._start("ws_list", "-L" if details else "-l")
        output = self._finish(job)
        self._refuse_on_error_lines(job, output)
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
            raise ValueError("give either filesystem or all_filesystems=True, not both")
        if all_filesystems:
            together = self._list_one(None, group, confirm)
            if all(info.filesystem for info in together):
                return together
            result: builtins.list[WorkspaceInfo] = []
            for fs in self.filesystems():
                result.extend(self._list_one(fs.name, group, confirm))
            return result
        if filesystem is not None:
            check_filesystem_name(filesystem)
        return self._list_one(filesystem, group, confirm)

    def _list_one(self, filesystem: str | None, group: bool, confirm: bool = False) -> builtins.list[WorkspaceInfo]:
        args: builtins.list[str] = []
        if filesystem is not None:
            args += ["-F", filesystem]
        if group:
            args.append("-g")
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
        job = self._start("ws_list", *args)
        output = self._finish(job)
        self._refuse_on_error_lines(job, output)
        return parse_ws_list(
            output.stdout,
            tz=self.tz,
            now=self.current_time(),
            user=self.current_user(),
            group_listing=group,
        )

    def get(self, name: str, filesystem: str | None = None) -> WorkspaceInfo:
        """Workspace ``name`` as ``ws_list`` shows it now.

        Raises:
            WorkspaceNotFound: no such workspace (in ``filesystem``, when given).
            WorkspaceError: a bad name, or (without ``filesystem``) the name exists in
                more than one file system.
        """
        check_workspace_name(name)
        if filesystem is not None:
            check_filesystem_name(filesystem)
        found = [info for info in self.list(filesystem, confirm=True) if info.name == name]
        where = f" in file system {filesystem!r}" if filesystem is not None else ""
        if not found:
            raise WorkspaceNotFound(f"workspace {name!r} not found{where}")
        if len(found) > 1:
            places = ", ".join(str(info.filesystem) for info in found)
            raise WorkspaceError(f"workspace {name!r} exists in several file systems ({places}); give filesystem=")
        return found[0]

    def expiring(
        self,
        within: timedelta,
        *,
        filesystem: str | None = None,
        all_filesystems: bool = True,
    ) -> builtins.list[WorkspaceInfo]:
        """Workspaces that are expired or expire within ``within``, soonest first.

        Lists every file system (``all_filesystems``) unless ``filesystem`` is given.
        Entries whose remaining time is unknown and that are not expired are left out.
        """
        if filesystem is not None:
            infos = self.list(filesystem)
        else:
            infos = self.list(all_filesystems=all_filesystems)
        due = [info for info in infos if info.expired or (info.remaining is not None and info.remaining <= within)]
        return sorted(due, key=_remaining_key)

    # ------------------------------------------------------------------ changing
    def allocate(
        self,
        name: str,
        days: int,
        *,
        filesystem: str | None = None,
        reminder: int | None = None,
        mail: str | None = None,
        comment: str | None = None,
        group: bool | str | None = None,
    ) -> AllocatedWorkspace:
        """Allocate workspace ``name`` for ``days`` days, or reuse it if it exists.

        An existing workspace is reused as ``ws_allocate`` does (its duration is not
        changed: use :meth:`extend`); the result's ``reused`` says which happened. A
        duration over the maximum is cut by the tool: ``capped_duration`` says so and a
        :class:`WorkspaceWarning` is issued.

        Args:
            reminder: days before expiry to send a reminder (``-r``); ``mail`` (``-m``)
                needs it (the tool refuses ``mail`` alone).
            comment: stored with the workspace (``-c``).
            group: ``True`` gives ``-g`` (a group workspace of your primary group; v2:
                group-readable); a group name gives ``-G<name>`` (v1: that group;
                v2: group-writable by it).

        Returns:
            The workspace as listed after the call, with what the tool reported.
        """
        check_workspace_name(name)
        _check_days(days)
        args: builtins.list[str | int] = []
        if filesystem is not None:
            args += ["-F", check_filesystem_name(filesystem)]
        if reminder is not None:
            if isinstance(reminder, bool) or not isinstance(reminder, int) or reminder < 0:
                raise ValueError(f"reminder must be a whole number of days, not {reminder!r}")
            args += ["-r", reminder]
        if mail is not None:
            args.append(f"--mailaddress={check_stored_text(mail, 'mail')}")
        if comment is not None:
            args.append(f"--comment={check_stored_text(comment, 'comment')}")
        if group is True:
            args.append("-g")
        elif isinstance(group, str):
            if _FS_NAME.fullmatch(group) is None:
                raise WorkspaceError(f"not a group name: {group!r}")
            args.append(f"-G{group}")
        elif group not in (None, False):
            raise TypeError(f"group must be a bool or a group name, not {group!r}")
        output = self._call("ws_allocate", *args, name, days)
        result = parse_ws_allocate(output.stdout, output.stderr)
        return self._allocated(name, filesystem, result)

    def extend(self, name: str, days: int, *, filesystem: str | None = None) -> AllocatedWorkspace:
        """Extend workspace ``name`` to ``days`` days from now (``ws_extend``); this uses
        one of its extensions. The new duration replaces the remaining time.

        Raises:
            WorkspaceError: the tool refused, e.g. ``Error: no more extensions.``
            WorkspaceNotFound: no such workspace.
        """
        check_workspace_name(name)
        _check_days(days)
        args: builtins.list[str | int] = []
        if filesystem is not None:
            args += ["-F", check_filesystem_name(filesystem)]
        output = self._call("ws_extend", *args, name, days)
        result = parse_ws_extend(output.stdout, output.stderr)
        return self._allocated(name, filesystem, result)

    def _allocated(self, name: str, filesystem: str | None, result: AllocationResult) -> AllocatedWorkspace:
        """The listed state of the workspace at ``result.path``, with ``result`` attached."""
        path = result.path
        listed = [info for info in self.list(filesystem) if info.path == path]
        info = listed[0] if listed else self.get(name, filesystem)
        fields = dict(info)
        allocated = AllocatedWorkspace(**fields, allocation=result).bind(self)
        if result.capped_duration is not None:
            warnings.warn(
                WorkspaceWarning(
                    f"workspace {name!r}: duration cut to the allowed maximum of {result.capped_duration} days"
                ),
                stacklevel=3,
            )
        return allocated

    def release(self, name: str, *, filesystem: str | None = None, delete_data: bool = False) -> None:
        """Release workspace ``name`` (``ws_release``). It stays restorable
        (:meth:`restorable`) for the file system's keep time, unless ``delete_data``.

        Raises:
            WorkspaceNotFound: no such workspace.
        """
        check_workspace_name(name)
        args: builtins.list[str] = []
        if filesystem is not None:
            args += ["-F", check_filesystem_name(filesystem)]
        if delete_data:
            args.append("--delete-data")
        self._call("ws_release", *args, name)

    def restorable(self, filesystem: str | None = None) -> builtins.list[ReleasedWorkspace]:
        """Released or expired workspaces that can still be restored (``ws_restore -l``),
        each bound to this object (``released.restore(target)``)."""
        args: builtins.list[str] = ["-l"]
        if filesystem is not None:
            args += ["-F", check_filesystem_name(filesystem)]
        job = self._start("ws_restore", *args)
        output = self._finish(job)
        self._refuse_on_error_lines(job, output)
        released = parse_ws_restore_list(output.stdout, tz=self.tz, user=self.current_user())
        if filesystem is not None:
            released = [r for r in released if r.filesystem in (None, filesystem)]
        return [r.bind(self) for r in released]

    def restore(
        self,
        released_id: str | ReleasedWorkspace,
        target: str,
        *,
        filesystem: str | None = None,
    ) -> Path:
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
        args: builtins.list[str] = []
        if filesystem is not None:
            args += ["-F", check_filesystem_name(filesystem)]
        job = self._start("ws_restore", *args, released_id, target)
        output = self._finish(job)
        self._refuse_on_error_lines(job, output)
        if _RESTORE_OK.search(output.stderr + output.stdout) is None:
            raise WorkspaceError(
                "ws_restore did not report a successful restore",
                argv=job.argv,
                returncode=job.returncode,
                stdout=output.stdout,
                stderr=output.stderr,
            )
        return Path(self.get(target, filesystem).path) / released_id


def _diagnostic_generation(stderr: str) -> int | None:
    """1 for v1's capitalised ``Error:``/``Info:``, 2 for v2's ``error:``/``info:``."""
    for line in stderr.split("\n"):
        text = strip_ansi(line).strip()
        if split_diagnostic(text) is not None and text[:1].isalpha():
            return 1 if text[:1].isupper() else 2
    return None


def _remaining_key(info: WorkspaceInfo) -> tuple[int, float]:
    """Sort key: expired entries of unknown remaining time first, then by remaining time."""
    if info.remaining is None:
        return (0, 0.0)
    return (1, info.remaining.total_seconds())

"""One error hierarchy for the whole library; every error carries its evidence.

``TaurusDatamoverError``
 +-- ``ToolNotFoundError`` (also ``AttributeError``): a ``dt*``/``ws_*`` tool is missing;
 |    names the tool and every place that was searched.
 +-- ``ToolError``: a tool ran and failed; keeps argv, exit code, stdout and stderr.
 |    +-- ``DatamoverError``: a ``dt*`` tool (or its Slurm job) failed.
 |    |    +-- ``SaveError``: ``Datamover.save`` could not copy; names where the data is.
 |    +-- ``WorkspaceError``: a ``ws_*`` tool refused, or a workspace name is invalid.
 |         +-- ``WorkspaceNotFound``
 |         +-- ``WorkspaceArgumentError`` (also ``ValueError``): an argument refused
 |              before any tool runs (text the tools would print back raw, a bad duration).
 +-- ``CommandTimeout`` (also ``TimeoutError``): a tool did not end in time.
 +-- ``CacheWorkspaceClosed`` (also ``RuntimeError``): a used-up cache workspace entered again.
 +-- ``ParseError`` (also ``ValueError``): tool output that cannot be read; keeps the
 |    line number and the raw line.
 +-- ``DatamoverArgumentError`` (also ``ValueError``, ``TypeError``): a ``Datamover`` call's
 |    argument refused before any tool runs.
 |    +-- ``JobOptionsError``: Slurm options a call does not take, or the time limit twice.
 +-- ``ToolArgumentError`` (also ``ValueError``) / ``ToolArgumentTypeError`` (also
 |    ``TypeError``): an argument the command layer cannot pass to a tool (argv lists only).
 +-- ``TimeZoneError`` (also ``ValueError``): a ``TZ`` that names no zone (never UTC).
 +-- ``UnboundModelError`` (also ``RuntimeError``): a model made by a parser alone was asked
 |    to act (``info.extend()``); bind it or take it from the object API.
 +-- ``UsageError``, ``DurationError`` (also ``ValueError``), ``LockTimeout`` (also
 |    ``TimeoutError``): the command line's refusals (exit 2) and its run lock.
 +-- ``SyncError``: a sync (``Datamover.sync``) was refused, a part failed, or the
      destination does not match the source; keeps the run id and every difference.

The emulated site's errors (``SiteRootError``, ``SlurmUnavailableError``,
``ZihViewUnavailableError``) are ``TaurusDatamoverError`` too; they live in
``taurus_datamover.emulator.errors``, since the emulator imports nothing of the library but
``facts`` (where the root class is defined).
``WorkspaceWarning`` (a ``UserWarning``) is issued, not raised: a tool succeeded but said
something the caller should know.

Errors also derive from the matching builtin so that ``except AttributeError`` /
``except TimeoutError`` / ``except ValueError`` written for plain Python keep working.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

from taurus_datamover.facts import TaurusDatamoverError

__all__ = [
    "CacheWorkspaceClosed",
    "CommandTimeout",
    "DatamoverArgumentError",
    "DatamoverError",
    "DurationError",
    "JobOptionsError",
    "LockTimeout",
    "ParseError",
    "SaveError",
    "SyncError",
    "TaurusDatamoverError",
    "TimeZoneError",
    "ToolArgumentError",
    "ToolArgumentTypeError",
    "ToolError",
    "ToolNotFoundError",
    "UnboundModelError",
    "UsageError",
    "WorkspaceArgumentError",
    "WorkspaceError",
    "WorkspaceNotFound",
    "WorkspaceWarning",
    "tail",
]

#: How many characters of a stream an error report shows.
TAIL_CHARS = 600


def tail(text: str | bytes | None, limit: int = TAIL_CHARS) -> str:
    """Return the last ``limit`` characters of ``text``, noting how much was cut.

    Bytes are decoded as UTF-8 with ``surrogateescape`` so that nothing is lost and nothing
    raises while an error is being reported.
    """
    if text is None:
        return ""
    if isinstance(text, bytes):
        text = text.decode("utf-8", "surrogateescape")
    if len(text) <= limit:
        return text
    return f"({len(text) - limit} more chars) ...{text[-limit:]}"


def _as_text(stream: str | bytes | None) -> str:
    if stream is None:
        return ""
    if isinstance(stream, bytes):
        return stream.decode("utf-8", "surrogateescape")
    return stream


class ToolNotFoundError(TaurusDatamoverError, AttributeError):
    """A ``dt*`` or ``ws_*`` tool is not installed where the library looked.

    Subclasses ``AttributeError`` because tools are reached as attributes
    (``Datamover().dtls``), so ``hasattr``/``getattr(obj, name, default)`` keep working.
    """

    def __init__(self, tool: str, searched: Sequence[str]) -> None:
        self.tool = tool
        self.searched = tuple(searched)
        where = ", ".join(self.searched) if self.searched else "(no directories)"
        super().__init__(f"tool {tool!r} not found; searched: {where}")

    def __reduce__(self) -> tuple[type[ToolNotFoundError], tuple[str, tuple[str, ...]]]:
        return (type(self), (self.tool, self.searched))


class ToolError(TaurusDatamoverError):
    """A tool ran and failed (non-zero exit code) or refused the request.

    ``str()`` is a readable report: the message, the command line, the exit code, and the
    tails of both streams.
    """

    def __init__(
        self,
        message: str,
        *,
        argv: Sequence[str] = (),
        returncode: int | None = None,
        stdout: str | bytes | None = "",
        stderr: str | bytes | None = "",
    ) -> None:
        self.message = message
        self.argv = tuple(str(a) for a in argv)
        self.returncode = returncode
        self.stdout = _as_text(stdout)
        self.stderr = _as_text(stderr)
        super().__init__(message)

    def __str__(self) -> str:
        lines = [self.message]
        if self.argv:
            lines.append(f"  RAN: {' '.join(self.argv)!s}")
        if self.returncode is not None:
            lines.append(f"  EXIT CODE: {self.returncode}")
        if self.stdout:
            lines.append(f"  STDOUT: {tail(self.stdout)}")
        if self.stderr:
            lines.append(f"  STDERR: {tail(self.stderr)}")
        return "\n".join(lines)

    def __reduce__(self) -> tuple[object, ...]:
        return (
            _rebuild_tool_error,
            (type(self), self.message, self.argv, self.returncode, self.stdout, self.stderr),
        )


def _rebuild_tool_error(
    cls: type[ToolError],
    message: str,
    argv: tuple[str, ...],
    returncode: int | None,
    stdout: str,
    stderr: str,
) -> ToolError:
    return cls(message, argv=argv, returncode=returncode, stdout=stdout, stderr=stderr)


class DatamoverError(ToolError):
    """A ``dt*`` tool, or the Slurm job it submitted, failed."""


class SaveError(DatamoverError):
    """``Datamover.save`` wrote the data but could not copy it to its target.

    The data was *not* thrown away: ``data_path`` is where it is (inside the cache
    workspace ``workspace_name``, which was not released, or inside the given directory).
    """

    def __init__(
        self,
        message: str,
        *,
        data_path: str,
        workspace_name: str | None = None,
        argv: Sequence[str] = (),
        returncode: int | None = None,
        stdout: str | bytes | None = "",
        stderr: str | bytes | None = "",
    ) -> None:
        super().__init__(message, argv=argv, returncode=returncode, stdout=stdout, stderr=stderr)
        self.data_path = data_path
        self.workspace_name = workspace_name

    def __reduce__(self) -> tuple[object, ...]:
        rebuild = partial(
            SaveError,
            data_path=self.data_path,
            workspace_name=self.workspace_name,
            argv=self.argv,
            returncode=self.returncode,
            stdout=self.stdout,
            stderr=self.stderr,
        )
        return (rebuild, (self.message,))


class DatamoverArgumentError(TaurusDatamoverError, ValueError, TypeError):
    """An argument of a ``Datamover`` call refused before any tool runs: an empty path or
    one with a NUL, something that is not a path, ``rm`` of ``/``, an rsync option that is
    not one word, ``cancel()`` of no job.

    Subclasses ``ValueError`` and ``TypeError``, what these were before they were typed.
    """


class JobOptionsError(DatamoverArgumentError):
    """A ``Datamover`` call got a Slurm option it does not take (``blocking=`` for a
    listing, a misspelt name), or both ``time_limit=`` and its old name ``time=``."""


class WorkspaceError(ToolError):
    """A ``ws_*`` tool refused (no extensions left, duration too long, unknown file system)
    or a workspace name breaks hpc-workspace's rules. ``message`` holds the tool's own words."""


class WorkspaceNotFound(WorkspaceError):
    """The named workspace does not exist (in the given file system)."""


class WorkspaceArgumentError(WorkspaceError, ValueError):
    """An argument for a ``ws_*`` tool refused before any tool runs (so it carries no
    argv): text the tools would store and print back in a form no listing could read
    right (a control character, a line separator, bytes that are not UTF-8), or a
    duration that is not a whole number of days. Also a ``ValueError``."""


class CacheWorkspaceClosed(TaurusDatamoverError, RuntimeError):
    """A ``with`` block entered again on a ``CacheWorkspace`` that was already released
    or cleaned up. Also a ``RuntimeError``."""


class WorkspaceWarning(UserWarning):
    """A ``ws_*`` tool succeeded but said something the caller should know (a capped
    duration), or a cache workspace is reused and therefore kept."""


class CommandTimeout(TaurusDatamoverError, TimeoutError):
    """A tool did not finish within the allowed time; it has been stopped."""

    def __init__(
        self,
        argv: Sequence[str],
        timeout: float,
        *,
        stdout: str | bytes | None = "",
        stderr: str | bytes | None = "",
    ) -> None:
        self.argv = tuple(str(a) for a in argv)
        self.timeout = timeout
        self.stdout = _as_text(stdout)
        self.stderr = _as_text(stderr)
        super().__init__(f"{' '.join(self.argv)} did not finish within {timeout:g} s")

    def __reduce__(self) -> tuple[object, ...]:
        return (_rebuild_timeout, (self.argv, self.timeout, self.stdout, self.stderr))


def _rebuild_timeout(argv: tuple[str, ...], timeout: float, stdout: str, stderr: str) -> CommandTimeout:
    return CommandTimeout(argv, timeout, stdout=stdout, stderr=stderr)


class ParseError(TaurusDatamoverError, ValueError):
    """Tool output that the parser cannot read without guessing.

    ``lineno`` is 1-based (0 when the error concerns the text as a whole), ``line`` the raw
    line as it was given.
    """

    def __init__(self, message: str, *, lineno: int = 0, line: str = "") -> None:
        self.message = message
        self.lineno = lineno
        self.line = line
        super().__init__(message)

    def __str__(self) -> str:
        if self.lineno:
            return f"line {self.lineno}: {self.message}: {self.line!r}"
        return self.message

    def __reduce__(self) -> tuple[object, ...]:
        return (_rebuild_parse_error, (self.message, self.lineno, self.line))


def _rebuild_parse_error(message: str, lineno: int, line: str) -> ParseError:
    return ParseError(message, lineno=lineno, line=line)


class SyncError(TaurusDatamoverError):
    """A sync of a tree (``Datamover.sync``) was refused before any job ran, or did not
    end with a destination that matches the source.

    ``run_id`` names the run (None when it was refused before one existed): resume it with
    ``Datamover.resume(run_id)``. ``failed_parts`` are the indices of the parts whose jobs
    did not complete; ``differ``, ``missing`` and ``extra`` the relative paths that
    verification found changed, absent at the destination, or only at the destination.
    """

    def __init__(
        self,
        message: str,
        *,
        run_id: str | None = None,
        failed_parts: Sequence[int] = (),
        differ: Sequence[str] = (),
        missing: Sequence[str] = (),
        extra: Sequence[str] = (),
    ) -> None:
        self.message = message
        self.run_id = run_id
        self.failed_parts = tuple(failed_parts)
        self.differ = tuple(differ)
        self.missing = tuple(missing)
        self.extra = tuple(extra)
        super().__init__(message)

    def __reduce__(self) -> tuple[object, ...]:
        return (
            _rebuild_sync_error,
            (self.message, self.run_id, self.failed_parts, self.differ, self.missing, self.extra),
        )


def _rebuild_sync_error(
    message: str,
    run_id: str | None,
    failed_parts: tuple[int, ...],
    differ: tuple[str, ...],
    missing: tuple[str, ...],
    extra: tuple[str, ...],
) -> SyncError:
    return SyncError(message, run_id=run_id, failed_parts=failed_parts, differ=differ, missing=missing, extra=extra)


class UnboundModelError(TaurusDatamoverError, RuntimeError):
    """A method that needs a tool was called on a model that no tool produced (e.g. one
    built by a parser directly). Get it from the object API, or ``model.bind(owner)``."""

    def __init__(self, model: object) -> None:
        self.model_type = type(model).__name__
        super().__init__(
            f"{self.model_type} is not bound to a Datamover/Workspace; call .bind(owner) or get it from the object API"
        )


class UsageError(TaurusDatamoverError):
    """Command-line arguments that parse but do not make sense together (exit code 2)."""


class DurationError(TaurusDatamoverError, ValueError):
    """Text that is not one of the accepted duration forms (``7d``, ``PT12H``, ...)."""


class LockTimeout(TaurusDatamoverError, TimeoutError):
    """Another ``ws auto-extend`` of the user held its lock longer than the caller would wait;
    names the lock file and the holder's pid (when it wrote one)."""

    def __init__(self, path: object, waited: float, holder: str | None) -> None:
        self.path = path
        self.waited = waited
        self.holder = holder
        who = f"pid {holder}" if holder else "a process that has not written its pid yet"
        super().__init__(
            f"another ws auto-extend is running: {path} is locked by {who}; waited "
            f"{waited:g} s (wait longer with --lock-timeout, or end that run)"
        )


class ToolArgumentError(TaurusDatamoverError, ValueError):
    """A value the command layer refuses before anything runs: an argument no program can
    be given (a NUL byte), or a setting out of its range (``verbosity``, ``patience``, input
    for a job). Also a ``ValueError``, which these were before."""


class ToolArgumentTypeError(ToolArgumentError, TypeError):
    """A value of a type that cannot be one tool argument (a bool; an object that is not
    text, bytes, a path or a number). Also a ``TypeError``, which these were before."""


class TimeZoneError(TaurusDatamoverError, ValueError):
    """A ``TZ`` value that is neither a readable zone file nor a POSIX TZ string."""

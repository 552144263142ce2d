"""One error hierarchy for the whole library (its map: the README's "Errors"); every error
carries its evidence. The root, ``TaurusDatamoverError``, is defined in ``facts`` so that the
emulated site's errors share it. Errors also derive from the matching builtin (``ValueError``,
``TimeoutError``, ...), so ``except ValueError`` written for plain Python keeps working.
``WorkspaceWarning`` (a ``UserWarning``) is issued, not raised.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

from taurus_datamover.facts import TaurusDatamoverError as TaurusDatamoverError

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing
if TYPE_CHECKING:
    from typing import Any

    from typing_extensions import Self

#: How many characters of a stream an error report shows.
TAIL_CHARS = 600


def _as_text(stream: str | bytes | None) -> str:
    """Bytes as UTF-8 with ``surrogateescape``: nothing lost, nothing raised while reporting."""
    return stream.decode("utf-8", "surrogateescape") if isinstance(stream, bytes) else stream or ""


def tail(text: str | bytes | None, limit: int = TAIL_CHARS) -> str:
    """The last ``limit`` characters of ``text``, noting how much was cut."""
    text = _as_text(text)
    return text if len(text) <= limit else f"({len(text) - limit} more chars) ...{text[-limit:]}"


class _Remade(TaurusDatamoverError):
    """An error that pickles (and copies) by calling its class again with the arguments it
    was made with: ``Exception`` pickles ``args`` only, which loses the keyword evidence."""

    _made: tuple[tuple[Any, ...], dict[str, Any]]

    def __new__(cls, *args: Any, **kwargs: Any) -> Self:
        self = super().__new__(cls)
        self._made = (args, kwargs)
        return self

    def __reduce__(self) -> tuple[object, ...]:
        args, kwargs = self._made
        return (partial(type(self), **kwargs), args)


class ToolNotFoundError(_Remade, AttributeError):
    """A tool is not where the library looked; an ``AttributeError``, as tools are attributes."""

    def __init__(self, tool: str, searched: Sequence[str]) -> None:
        self.tool, self.searched = tool, tuple(searched)
        where = ", ".join(self.searched) if self.searched else "(no directories)"
        super().__init__(f"tool {tool!r} not found; searched: {where}")


class ToolError(_Remade):
    """A tool ran and failed or refused; ``str()`` adds the command line, exit code and tails."""

    def __init__(
        self,
        message: str,
        *,
        argv: Sequence[str] = (),
        returncode: int | None = None,
        stdout: str | bytes | None = "",
        stderr: str | bytes | None = "",
    ) -> None:
        self.message, self.argv, self.returncode = message, tuple(str(a) for a in argv), returncode
        self.stdout, self.stderr = _as_text(stdout), _as_text(stderr)
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


class DatamoverError(ToolError):
    """A ``dt*`` tool, or the Slurm job it submitted, failed."""


class SaveError(DatamoverError):
    """``Datamover.save`` wrote the data but could not copy it; the data is kept at
    ``data_path`` (in the cache workspace ``workspace_name``, not released, or the directory)."""

    def __init__(self, message: str, *, data_path: str, workspace_name: str | None = None, **evidence: Any) -> None:
        super().__init__(message, **evidence)
        self.data_path, self.workspace_name = data_path, workspace_name


class NothingSavedError(TaurusDatamoverError, FileNotFoundError):
    """``Datamover.save``'s ``save_fn`` wrote nothing at its path: nothing to copy."""


class DatamoverArgumentError(TaurusDatamoverError, ValueError, TypeError):
    """A ``Datamover`` call's argument refused before any tool runs (an empty path, ``rm``
    of ``/``, an rsync option that is not one word, ``cancel()`` of no job)."""


class JobOptionsError(DatamoverArgumentError):
    """A Slurm option the call does not take (``blocking=`` for a listing), or ``time=`` twice."""


class WorkspaceError(ToolError):
    """A ``ws_*`` tool refused (``message``: its own words), or a name breaks its rules."""


class WorkspaceNotFound(WorkspaceError):
    """The named workspace does not exist (in the given file system)."""


class WorkspaceArgumentError(WorkspaceError, ValueError):
    """An argument refused before any ``ws_*`` tool runs: text the tools would print back in
    a form no listing could read right, a duration not in whole days."""


class CacheWorkspaceClosed(TaurusDatamoverError, RuntimeError):
    """A ``with`` block entered again on a ``CacheWorkspace`` already released or cleaned up."""


class WorkspaceWarning(UserWarning):
    """A capped duration, or a cache workspace that is reused and therefore kept."""


class CommandTimeout(TaurusDatamoverError, TimeoutError):
    """A tool did not finish within the allowed time; it has been stopped."""

    def __init__(
        self, argv: Sequence[str], timeout: float, *, stdout: str | bytes | None = "", stderr: str | bytes | None = ""
    ) -> None:
        self.argv, self.timeout = tuple(str(a) for a in argv), timeout
        self.stdout, self.stderr = _as_text(stdout), _as_text(stderr)
        super().__init__(f"{' '.join(self.argv)} did not finish within {timeout:g} s")

    def __reduce__(self) -> tuple[object, ...]:  # not _Remade: OSError's __new__ reads its arguments
        return (partial(CommandTimeout, stdout=self.stdout, stderr=self.stderr), (self.argv, self.timeout))


class ParseError(_Remade, ValueError):
    """Tool output that the parser cannot read without guessing: ``lineno`` is 1-based (0
    when the error concerns the text as a whole), ``line`` the raw line as it was given."""

    def __init__(self, message: str, *, lineno: int = 0, line: str = "") -> None:
        self.message, self.lineno, self.line = message, lineno, line
        super().__init__(message)

    def __str__(self) -> str:
        return f"line {self.lineno}: {self.message}: {self.line!r}" if self.lineno else self.message


class SyncError(_Remade):
    """A sync was refused, or its destination does not match: ``run_id`` (for ``resume``;
    None when refused before one existed), ``failed_parts``, and the relative paths found to
    ``differ``, ``missing`` or ``extra`` (only at the destination)."""

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
        self.message, self.run_id, self.failed_parts = message, run_id, tuple(failed_parts)
        self.differ, self.missing, self.extra = tuple(differ), tuple(missing), tuple(extra)
        super().__init__(message)


class SyncFileListError(SyncError, ValueError):
    """A path no ``--from0`` file list can carry (empty, or holding a NUL), refused before any job runs."""


class UnboundModelError(TaurusDatamoverError, RuntimeError):
    """A method that needs a tool, called on a model no tool produced (a parser's)."""

    def __init__(self, model: object) -> None:
        self.model_type = type(model).__name__
        super().__init__(
            f"{self.model_type} is not bound to a Datamover/Workspace; call .bind(owner) or get it from the object API"
        )

    def __reduce__(self) -> tuple[object, ...]:  # by the type's name: the model need not pickle
        return (_unbound_again, (type(self), self.model_type))


def _unbound_again(cls: type[UnboundModelError], model_type: str) -> UnboundModelError:
    """The error again, for a stand-in model of the type named ``model_type`` (unpickling)."""
    return cls(type(model_type, (), {})())


class UsageError(TaurusDatamoverError):
    """Command-line arguments that parse but do not make sense together (exit code 2)."""


class DurationError(TaurusDatamoverError, ValueError):
    """Text that is not one of the accepted duration forms (``7d``, ``PT12H``, ...)."""


class LockTimeout(TaurusDatamoverError, TimeoutError):
    """Another ``ws auto-extend`` held its lock longer than the caller would wait."""

    def __init__(self, path: object, waited: float, holder: str | None) -> None:
        self.path, self.waited, self.holder = path, waited, holder
        who = f"pid {holder}" if holder else "a process that has not written its pid yet"
        super().__init__(
            f"another ws auto-extend is running: {path} is locked by {who}; waited "
            f"{waited:g} s (wait longer with --lock-timeout, or end that run)"
        )

    def __reduce__(self) -> tuple[object, ...]:  # not _Remade: OSError's __new__ reads its arguments
        return (type(self), (self.path, self.waited, self.holder))


class ToolArgumentError(TaurusDatamoverError, ValueError):
    """A NUL in an argument, or a setting out of range (``verbosity``), refused before a run."""


class ToolArgumentTypeError(ToolArgumentError, TypeError):
    """A value of a type that cannot be one tool argument (a bool, an arbitrary object)."""


class TimeZoneError(TaurusDatamoverError, ValueError):
    """A ``TZ`` value that is neither a readable zone file nor a POSIX TZ string."""

"""The command layer's second half: tools as methods, each call a new :class:`Job`.

:class:`ToolSet` is the common base of :class:`~taurus_datamover.Datamover` and
:class:`~taurus_datamover.Workspace`. Every tool found (see :mod:`taurus_datamover.tools`)
is reachable as an attribute (``dm.dtls``), listed by ``dir()`` and :attr:`ToolSet.commands`.
Attribute access returns a fresh :class:`ToolCall` bound to that tool name: no "current
command" is ever stored on the instance, so threads sharing one object cannot run each
other's command (the original package stored it, and they could).

Arguments go to the tool as one argv entry each; nothing passes through a shell.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from typing import ClassVar

from taurus_datamover.errors import ToolError, ToolNotFoundError
from taurus_datamover.jobs import Job
from taurus_datamover.tools import Toolbox, ToolFamily, find_tools
from taurus_datamover.watcher import JobWatcher

__all__ = ["PathArg", "ToolCall", "ToolSet", "arg_words", "as_arg", "end_of_options"]

#: What may be passed as one argument: text, bytes (raw file names) or a path object.
PathArg = str | bytes | os.PathLike[str]


def as_arg(value: PathArg | int | float) -> str | bytes:
    """One argv entry. Numbers become text; bytes stay bytes (for names that are not UTF-8).

    A NUL byte cannot be passed to a program at all: a :class:`ValueError` says so before
    anything runs.
    """
    if isinstance(value, bool):
        raise TypeError("a bool is not a tool argument")
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, os.PathLike):
        value = os.fspath(value)
    if isinstance(value, str):
        if "\x00" in value:
            raise ValueError(f"argument contains a NUL character: {value!r}")
        return value
    if isinstance(value, bytes):
        if b"\x00" in value:
            raise ValueError(f"argument contains a NUL byte: {value!r}")
        return value
    raise TypeError(f"not a tool argument: {value!r}")


def arg_words(argv: Sequence[str | bytes]) -> list[str]:
    """``argv`` as the text that argv building reads (never what is run): bytes decoded as
    the OS decodes file names (``os.fsdecode``), so ``b"--"`` is the end-of-options marker
    just as ``"--"`` is, and ``b"--blocking"`` is that option. The one place where ``str``
    and ``bytes`` entries are made comparable."""
    return [os.fsdecode(word) for word in argv]


def end_of_options(argv: Sequence[str | bytes], start: int = 1) -> int | None:
    """The index of the first ``--`` (``str`` or ``bytes``) at or after ``start``, else None."""
    words = arg_words(argv)
    try:
        return words.index("--", start)
    except ValueError:
        return None


class ToolCall:
    """``toolset.<tool>``: calling it runs the tool with the given arguments."""

    __slots__ = ("_toolset", "name")

    def __init__(self, toolset: ToolSet, name: str) -> None:
        self._toolset = toolset
        self.name = name

    def __call__(self, *args: PathArg | int | float, timeout: float | None = None) -> Job:
        return self._toolset.run(self.name, *args, timeout=timeout)

    @property
    def path(self) -> str:
        """Where the tool was found."""
        return self._toolset.tool_path(self.name)

    def __repr__(self) -> str:
        return f"<tool {self.name} at {self.path}>"


class ToolSet:
    """Tools of one family as methods; subclasses set :attr:`family` and may add arguments."""

    family: ClassVar[ToolFamily]
    #: Error raised by ``Job.result()`` of this family's jobs.
    error_class: ClassVar[type[ToolError]] = ToolError

    def __init__(
        self,
        path_to_exe: str | os.PathLike[str] | Sequence[str | os.PathLike[str]] | None = None,
        verbosity: int = 0,
        *,
        env: Mapping[str, str] | None = None,
    ) -> None:
        if verbosity not in (0, 1, 2):
            raise ValueError("verbosity must be 0 (capture), 1 (also print commands) or 2 (also print output)")
        self.verbosity = verbosity
        self.env: dict[str, str] | None = None if env is None else dict(env)
        self.path_to_exe = path_to_exe
        self._toolbox: Toolbox = find_tools(self.family, path_to_exe, environ=self.env)

    # ------------------------------------------------------------------ discovery
    @property
    def commands(self) -> tuple[str, ...]:
        """Names of the tools that were found, sorted."""
        return self._toolbox.names

    @property
    def searched(self) -> tuple[str, ...]:
        """The directories that were searched, in order."""
        return self._toolbox.searched

    def tool_path(self, name: str) -> str:
        """Absolute path of tool ``name`` (:class:`ToolNotFoundError` if missing)."""
        return self._toolbox.path(name)

    def has_tool(self, name: str) -> bool:
        """True if tool ``name`` was found."""
        return name in self._toolbox

    def __getattr__(self, name: str) -> ToolCall:
        # Only called for attributes that do not exist otherwise.
        if name.startswith("_"):
            raise AttributeError(name)
        toolbox: Toolbox | None = self.__dict__.get("_toolbox")
        if toolbox is not None and self.family.pattern.fullmatch(name):
            if name in toolbox:
                return ToolCall(self, name)
            raise ToolNotFoundError(name, toolbox.searched)
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def __dir__(self) -> list[str]:
        return sorted(set(super().__dir__()) | set(self.commands))

    # ------------------------------------------------------------------ running
    def build_argv(self, tool: str, args: Sequence[PathArg | int | float]) -> list[str | bytes]:
        """The argv for ``tool`` with ``args``; subclasses add their tools' own options."""
        return [self.tool_path(tool), *(as_arg(a) for a in args)]

    def spawn(
        self,
        argv: Sequence[str | bytes],
        *,
        timeout: float | None = None,
        env_overrides: Mapping[str, str] | None = None,
        expect_batch: bool = False,
    ) -> Job:
        """Start ``argv`` as a :class:`Job` with this toolset's environment and error class.

        ``env_overrides`` are merged into the environment (``self.env``, else this
        process's) for this job only, without changing ``self.env``, which other threads
        may be using; the file API uses it for ``LC_ALL=C`` listings. ``expect_batch``
        says the call submits a batch job (see :class:`~taurus_datamover.jobs.Job`).
        """
        env = self.env
        if env_overrides:
            env = {**(self.env if self.env is not None else os.environ), **env_overrides}
        return Job(
            argv,
            env=env,
            verbosity=self.verbosity,
            timeout=timeout,
            canceller=self._canceller(),
            watcher=self._watcher(),
            error_class=self.error_class,
            expect_batch=expect_batch,
        )

    def _canceller(self) -> Callable[[int], None] | None:
        """How to cancel a Slurm job started by these tools (None: they start none)."""
        return None

    def _watcher(self) -> JobWatcher | None:
        """Who follows batch jobs submitted by these tools (None: they submit none)."""
        return None

    def run(self, tool: str, *args: PathArg | int | float, timeout: float | None = None) -> Job:
        """Run ``tool`` with ``args`` (one argv entry each) and return its :class:`Job`.

        ``timeout`` (seconds) stops the job, and its Slurm job, when it runs longer; its
        ``result()`` then raises :class:`~taurus_datamover.CommandTimeout`.
        """
        return self.spawn(self.build_argv(tool, args), timeout=timeout)

    def __repr__(self) -> str:
        where = self._toolbox.directory() or "nowhere"
        return f"<{type(self).__name__} {len(self.commands)} tools in {where}>"

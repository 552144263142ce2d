"""The base of ``Datamover`` and ``Workspace``: every tool found is an attribute (``dm.dtls``),
each call a new :class:`~.job.Job`; no "current command" is stored (the original package's
was), so threads sharing one object cannot run each other's command."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from functools import cached_property
from typing import ClassVar

from taurus_datamover.command.argv import PathArg, as_arg
from taurus_datamover.command.job import Job
from taurus_datamover.command.tools import FoundTools, ToolDirs, ToolFamily, find_tools
from taurus_datamover.command.watcher import JobWatcher
from taurus_datamover.errors import ToolArgumentError, ToolError, ToolNotFoundError


class ToolMethod:
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
    """Tools of one family as methods; subclasses set :attr:`family` and may add arguments.
    ``path_to_exe``: the directory (or ``os.pathsep``-separated directories) of the tools;
    None: the family's variable, the site's location, then ``PATH``. ``verbosity``: 0 captures
    the output, 1 also prints each command line, 2 also echoes the output. ``env``: the tools'
    environment (default: this process's, at call time)."""

    family: ClassVar[ToolFamily]
    #: Error raised by ``Job.result()`` of this family's jobs.
    error_class: ClassVar[type[ToolError]] = ToolError

    def __init__(
        self, path_to_exe: ToolDirs = None, verbosity: int = 0, *, env: Mapping[str, str] | None = None
    ) -> None:
        if verbosity not in (0, 1, 2):
            raise ToolArgumentError("verbosity must be 0 (capture), 1 (also print commands) or 2 (also print output)")
        self.verbosity = verbosity
        self.env: dict[str, str] | None = None if env is None else dict(env)
        self.path_to_exe = path_to_exe
        self._found: FoundTools = find_tools(self.family, path_to_exe, environ=self.env)

    @property
    def commands(self) -> tuple[str, ...]:
        """Names of the tools that were found, sorted."""
        return self._found.names

    @property
    def searched(self) -> tuple[str, ...]:
        """The directories that were searched, in order."""
        return self._found.searched

    def tool_path(self, name: str) -> str:
        """Absolute path of tool ``name`` (:class:`ToolNotFoundError` if missing)."""
        return self._found.path(name)

    def has_tool(self, name: str) -> bool:
        """True if tool ``name`` was found."""
        return name in self._found

    def __getattr__(self, name: str) -> ToolMethod:
        # Only called for attributes that do not exist otherwise.
        if name.startswith("_"):
            raise AttributeError(name)
        found: FoundTools | None = self.__dict__.get("_found")
        if found is not None and self.family.pattern.fullmatch(name):
            if name in found:
                return ToolMethod(self, name)
            raise ToolNotFoundError(name, found.searched)
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def __dir__(self) -> list[str]:
        return sorted(set(super().__dir__()) | set(self.commands))

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
        """Start ``argv`` as a :class:`Job` with this toolset's environment and error class;
        ``env_overrides`` (``LC_ALL=C`` for listings) are for this job only."""
        return Job(
            argv,
            env={**self._environ(), **env_overrides} if env_overrides else self.env,
            verbosity=self.verbosity,
            timeout=timeout,
            canceller=self.canceller,
            watcher=self.watcher,
            error_class=self.error_class,
            expect_batch=expect_batch,
        )

    def _environ(self) -> Mapping[str, str]:
        return self.env if self.env is not None else os.environ

    @cached_property
    def canceller(self) -> Callable[[int], None] | None:
        """``cancel(job_id)`` for the Slurm jobs these tools start (None: none); subclasses
        resolve it, and :attr:`watcher`, on first use."""
        return None

    @cached_property
    def watcher(self) -> JobWatcher | None:
        """The shared watcher of the batch jobs these tools submit (None: none, or no queue)."""
        return None

    def run(self, tool: str, *args: PathArg | int | float, timeout: float | None = None) -> Job:
        """Run ``tool`` with ``args`` (one argv entry each); ``timeout`` (s) stops the job and
        its Slurm job when it runs longer (``result()`` then raises ``CommandTimeout``)."""
        return self.spawn(self.build_argv(tool, args), timeout=timeout)

    def __repr__(self) -> str:
        where = self._found.directory() or "nowhere"
        return f"<{type(self).__name__} {len(self.commands)} tools in {where}>"

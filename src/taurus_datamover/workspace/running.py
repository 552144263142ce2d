"""How the object API runs a ``ws_*`` tool: its arguments checked, a timeout, a refusal
turned into the tool's own :class:`WorkspaceError`, and the context its listings are read
in (the tools' user, zone and clock, and which generation of hpc-workspace they are).
"""

from __future__ import annotations

import builtins
import os
import re
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, tzinfo
from pathlib import Path

from taurus_datamover.command.argv import PathArg
from taurus_datamover.command.job import Job, JobOutput
from taurus_datamover.command.tools import WORKSPACE_FAMILY
from taurus_datamover.command.toolset import ToolSet
from taurus_datamover.errors import WorkspaceArgumentError, WorkspaceError, WorkspaceNotFound
from taurus_datamover.parsers.workspaces import is_not_found_message, listing_generation, workspace_error_message
from taurus_datamover.parsers.workspaces.common import split_diagnostic, strip_ansi
from taurus_datamover.workspace.arguments import check_stored_text
from taurus_datamover.workspace.context import DEFAULT_TIMEOUT, tools_time, tools_user, tools_zone

_VERSION = re.compile(r"\bversion ([0-9]{1,3})\.[0-9]")


class WorkspaceRunner(ToolSet):
    """The plumbing of :class:`~taurus_datamover.Workspace` (see there for the arguments)."""

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
            self._note_generation(job, exc.stdout, exc.stderr)
            raise self._refusal(job, exc.stdout, exc.stderr, fallback=exc.message) from None
        self._note_generation(job, output.stdout, output.stderr)
        said = workspace_error_message(output.stderr) if error_lines else None
        if said is not None:
            raise self._refusal(job, output.stdout, output.stderr, fallback=said)
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
            output = job.result()
            text = output.stdout + "\n" + output.stderr
        except WorkspaceError as exc:  # v1's C++ tools exit 1 after --version
            text = exc.stdout + "\n" + exc.stderr
        match = _VERSION.search(text)
        if match is None:
            raise WorkspaceError("ws_list --version names no version", argv=job.argv, stdout=text)
        self._generation = 1 if int(match.group(1)) < 2 else 2
        return self._generation

    def _note_generation(self, job: Job, stdout: str, stderr: str) -> None:
        """Remember the generation once an output shows it (first one wins)."""
        if self._generation is None:
            found = listing_generation(stdout) if job.argv and Path(job.argv[0]).name == "ws_list" else None
            self._generation = found or _diagnostic_generation(stderr)


def _diagnostic_generation(stderr: str) -> int | None:
    """1 for v1's capitalised ``Error:``/``Info:``, 2 for v2's ``error:``/``info:``."""
    for line in stderr.split("\n"):
        text = strip_ansi(line).strip()
        if split_diagnostic(text) is not None and text[:1].isalpha():
            return 1 if text[:1].isupper() else 2
    return None

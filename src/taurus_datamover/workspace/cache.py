"""``CacheWorkspace``: a workspace for temporary files, released when done."""

from __future__ import annotations

import contextlib
import os
import warnings
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from taurus_datamover.errors import CacheWorkspaceClosed, WorkspaceNotFound, WorkspaceWarning
from taurus_datamover.models.workspaces import AllocationAction, AllocationResult, WorkspaceInfo
from taurus_datamover.workspace.api import Workspace
from taurus_datamover.workspace.arguments import check_workspace_name

if TYPE_CHECKING:
    from typing_extensions import Self


class CacheWorkspace:
    """A workspace allocated at construction (as in the original package) and released by
    :meth:`cleanup` or on every way out of a ``with`` block, never from a finalizer (a tool
    run at garbage collection or exit is not reliable). Only a workspace this object
    *created* is released: one ``ws_allocate`` reused, or did not say it created, holds
    someone's files; it is used but kept (``owned`` False, and a ``WorkspaceWarning``).
    Without ``filesystem``, or at a path not named ``<user>-<name>``, it is listed once
    (where to release it from; the path confirmed). ``workspace``: the configured
    :class:`~taurus_datamover.Workspace` to use instead of one on ``path_to_exe``.
    """

    def __init__(
        self,
        path_to_exe: str | os.PathLike[str] | Sequence[str | os.PathLike[str]] | None = None,
        id: str = "cache",  # the original package's parameter name
        expire_in_days: int = 1,
        *,
        filesystem: str | None = None,
        comment: str | None = "temporary_files",
        workspace: Workspace | None = None,
    ) -> None:
        self.ws: Workspace = workspace if workspace is not None else Workspace(path_to_exe)
        self.expire_in_days = expire_in_days
        self._name = check_workspace_name(id)
        self._released = self._closed = False
        self._allocation = self.ws.allocation(id, expire_in_days, filesystem=filesystem, comment=comment)
        self._info: WorkspaceInfo | None = None
        self._filesystem = filesystem
        # a path named ``<user>-<name>`` (the user unknown: ending in ``-<name>``) needs no listing
        directory, user = Path(self._allocation.path).name, self.ws.current_user()
        named = directory == f"{user}-{self._name}" if user else directory.endswith(f"-{self._name}")
        if filesystem is None or not named:
            self._filesystem = self.info.filesystem  # the listing says (and confirms the path)
        if not self.owned:
            said = "reused" if self.reused else "did not say that it created"
            message = f"cache workspace {id!r} already existed (ws_allocate {said} it at {self.path})"
            warnings.warn(WorkspaceWarning(f"{message}; it is used but will not be released"), stacklevel=2)

    @property
    def name(self) -> str:
        """The workspace's name (what the tools take)."""
        return self._name

    @property
    def allocation(self) -> AllocationResult:
        """What ``ws_allocate`` said (path, created or reused, a capped duration)."""
        return self._allocation

    @property
    def info(self) -> WorkspaceInfo:
        """The workspace as ``ws_list`` shows it (listed on first use, then kept)."""
        if self._info is None:
            self._info = self.ws.listed_at(self._allocation, self._name, self._filesystem)
        return self._info

    @property
    def path(self) -> Path:
        """The workspace directory."""
        return Path(self._info.path if self._info is not None else self._allocation.path)

    @property
    def cache_dir(self) -> str:
        """The workspace directory as text (the original package's)."""
        return str(self.path)

    @property
    def filesystem(self) -> str | None:
        """The file system the workspace is in (None: the listing did not name it)."""
        return self._filesystem

    @property
    def reused(self) -> bool:
        """True when a workspace of this name existed and was reused."""
        return self._allocation.action is AllocationAction.REUSED

    @property
    def owned(self) -> bool:
        """True when ``ws_allocate`` said it created the workspace, so :meth:`cleanup` releases it."""
        return self._allocation.action is AllocationAction.CREATED

    @property
    def released(self) -> bool:
        """True once :meth:`cleanup` has released the workspace (never for one not owned)."""
        return self._released

    def cleanup(self) -> None:
        """Release the workspace if this object created it (:attr:`owned`), once; one already
        gone counts as released, other failures propagate (the call can be repeated)."""
        if self._released or self._closed:
            return
        if not self.owned:
            self._closed = True
            return
        with contextlib.suppress(WorkspaceNotFound):  # gone already: released by someone else
            self.ws.release(self._name, filesystem=self._filesystem)
        self._released = True

    def __enter__(self) -> Self:
        if self._released or self._closed:
            done = "released" if self._released else "cleaned up (kept)"
            raise CacheWorkspaceClosed(f"cache workspace {self._name!r} was already {done}")
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        try:
            self.cleanup()
        except Exception as error:
            if exc_type is None:
                raise
            # The block failed (KeyboardInterrupt too): its own exception propagates, not ours.
            warnings.warn(f"could not release cache workspace {self._name!r}: {error}", RuntimeWarning, stacklevel=2)

    def __repr__(self) -> str:
        state = "released" if self._released else "kept" if self._closed else "allocated"
        return f"<CacheWorkspace {self._name!r} {state}{'' if self.owned else ', reused'} at {self.path}>"

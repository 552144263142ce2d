"""``CacheWorkspace``: a workspace for temporary files that is released when done.

As in the original package, the workspace is allocated **at construction** (an existing
workspace of that name is reused, as ``ws_allocate`` does) and released by
:meth:`CacheWorkspace.cleanup`. Used as a context manager it is released whenever the
block ends: normally, by an exception, or by ``KeyboardInterrupt``::

    with CacheWorkspace(id="cache", expire_in_days=1) as cache:
        scratch = cache.path / "part.tmp"
        ...
    # released here (restorable with ws_restore for the file system's keep time)

Allocating at construction (not in ``__enter__``) keeps the original behaviour
(``CacheWorkspace().cache_dir`` is usable at once) and means ``name``/``path``/``info``
are always valid while the object is not cleaned up. Without ``with``, call
:meth:`~CacheWorkspace.cleanup` yourself; nothing is released from a finalizer, because
running a tool during garbage collection or interpreter exit is not reliable.

Only a workspace this object *created* is released. When ``ws_allocate`` says it reused
an existing workspace of that name (``Info: reusing workspace.``), or does not say that it
created one, the workspace holds someone's files: it is used as the cache but kept on
:meth:`~CacheWorkspace.cleanup`, and a :class:`~taurus_datamover.workspace.WorkspaceWarning`
says so at construction (``owned`` is False). Use a name of its own for each cache (``id=``).
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from taurus_datamover.errors import WorkspaceNotFound
from taurus_datamover.models.workspaces import AllocationAction

if TYPE_CHECKING:  # the runtime import is in __init__: workspace.py re-exports this class
    from typing_extensions import Self

    from taurus_datamover.workspace import AllocatedWorkspace, Workspace

__all__ = ["CacheWorkspace"]


class CacheWorkspace:
    """A workspace allocated now and released by :meth:`cleanup` or at the end of a
    ``with`` block.

    Args:
        path_to_exe: where the ``ws_*`` tools are (see :class:`~taurus_datamover.Workspace`);
            ignored when ``workspace`` is given.
        id: the workspace name (checked against hpc-workspace's rules before any tool runs).
        expire_in_days: the duration asked for; the tool may cut it to its maximum.
        filesystem: where to allocate (default: the tools' default file system).
        comment: stored with the workspace (the original used ``temporary_files``).
        workspace: a configured :class:`~taurus_datamover.Workspace` to use.

    Raises:
        WorkspaceError: a bad name, or ``ws_allocate`` refused.
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
        from taurus_datamover.workspace import Workspace, check_workspace_name

        check_workspace_name(id)
        self.ws: Workspace = workspace if workspace is not None else Workspace(path_to_exe)
        self.expire_in_days = expire_in_days
        self._name = id
        self._released = False
        self._closed = False
        self._info: AllocatedWorkspace = self.ws.allocate(id, expire_in_days, filesystem=filesystem, comment=comment)
        # Released on exit only when the tool said it created the workspace just now.
        self._owned = self._info.action is AllocationAction.CREATED
        if not self._owned:
            from taurus_datamover.workspace import WorkspaceWarning

            said = "reused" if self._info.reused else "did not say that it created"
            warnings.warn(
                WorkspaceWarning(
                    f"cache workspace {id!r} already existed (ws_allocate {said} it at "
                    f"{self._info.path}); it is used but will not be released"
                ),
                stacklevel=2,
            )

    # ------------------------------------------------------------------ state
    @property
    def name(self) -> str:
        """The workspace's name (what the tools take)."""
        return self._name

    @property
    def info(self) -> AllocatedWorkspace:
        """The workspace as listed right after allocation (with ``reused`` etc.)."""
        return self._info

    @property
    def path(self) -> Path:
        """The workspace directory."""
        return Path(self._info.path)

    @property
    def cache_dir(self) -> str:
        """The workspace directory as text (the original package's attribute)."""
        return str(self._info.path)

    @property
    def filesystem(self) -> str | None:
        """The file system the workspace is in."""
        return self._info.filesystem

    @property
    def reused(self) -> bool:
        """True when a workspace of this name existed and was reused."""
        return self._info.reused

    @property
    def owned(self) -> bool:
        """True when this object created the workspace (``ws_allocate`` said
        ``creating workspace``), so that :meth:`cleanup` releases it; False for a reused
        workspace, which is kept."""
        return self._owned

    @property
    def released(self) -> bool:
        """True once :meth:`cleanup` has released the workspace (never for one not
        :attr:`owned`)."""
        return self._released

    # ------------------------------------------------------------------ cleanup
    def cleanup(self) -> None:
        """Release the workspace (``ws_release``) if this object created it (:attr:`owned`);
        a reused one is kept. Calling it again does nothing.

        A workspace that is already gone (released by someone else) counts as released.
        Other failures (tool refusal, timeout) propagate and leave the object unreleased,
        so the call can be repeated.
        """
        if self._released or self._closed:
            return
        if not self._owned:
            self._closed = True
            return
        try:
            self.ws.release(self._name, filesystem=self._info.filesystem)
        except WorkspaceNotFound:
            pass
        self._released = True

    def __enter__(self) -> Self:
        if self._released or self._closed:
            done = "released" if self._released else "cleaned up (kept)"
            raise RuntimeError(f"cache workspace {self._name!r} was already {done}")
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is None:
            self.cleanup()
            return
        # The block failed (including KeyboardInterrupt): release, but let the block's own
        # exception propagate rather than replace it with a release error.
        try:
            self.cleanup()
        except Exception as error:
            warnings.warn(
                f"could not release cache workspace {self._name!r}: {error}",
                RuntimeWarning,
                stacklevel=2,
            )

    def __repr__(self) -> str:
        state = "released" if self._released else "kept" if self._closed else "allocated"
        if not self._owned:
            state += ", reused"
        return f"<CacheWorkspace {self._name!r} {state} at {self._info.path}>"

"""What ``Workspace.allocate`` takes (:class:`AllocationOptions`) and returns
(:class:`AllocatedWorkspace`: the workspace as listed right after ``ws_allocate``/``ws_extend``,
with what the tool reported)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypedDict

from taurus_datamover.models.workspaces import AllocationAction, AllocationResult, WorkspaceInfo


class AllocationOptions(TypedDict, total=False):
    """The options of :meth:`Workspace.allocate <taurus_datamover.Workspace.allocate>`.

    * ``filesystem``: where to allocate (``-F``; default: the tools' default one).
    * ``reminder``: days before expiry to send a reminder (``-r``); ``mail`` needs it
      (the tool refuses ``mail`` alone).
    * ``mail``, ``comment``: stored with the workspace (``--mailaddress``, ``--comment``).
    * ``group``: ``True`` gives ``-g`` (a group workspace of your primary group; v2:
      group-readable); a group name gives ``-G<name>`` (v1: that group; v2:
      group-writable by it).
    """

    filesystem: str | None
    reminder: int | None
    mail: str | None
    comment: str | None
    group: bool | str | None


@dataclass(frozen=True)
class AllocatedWorkspace:
    """What :meth:`Workspace.allocate` and :meth:`Workspace.extend` return: ``info``, the
    workspace as listed after the call (bound), and ``allocation``, what the tool printed.
    Two parts rather than a ``WorkspaceInfo`` with a field more, so that ``result.info ==
    ws.get(name)`` compares like with like; ``info``'s attributes read through."""

    info: WorkspaceInfo
    allocation: AllocationResult

    @property
    def path(self) -> Path:
        """The workspace directory."""
        return Path(self.info.path)

    @property
    def reused(self) -> bool:
        """True when ``ws_allocate`` said it reused an existing workspace."""
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

    def __getattr__(self, name: str) -> Any:
        """The attributes of :attr:`info` (only called for names not defined here)."""
        if name.startswith("_"):  # copy/pickle probe private names before ``info`` is set
            raise AttributeError(name)
        return getattr(self.info, name)

    def __dir__(self) -> list[str]:
        return sorted({*super().__dir__(), *(name for name in dir(self.info) if not name.startswith("_"))})

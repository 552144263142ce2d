"""``AllocatedWorkspace``: a workspace as listed right after ``ws_allocate``/``ws_extend``,
with what the tool reported."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from taurus_datamover.models.workspaces import AllocationAction, AllocationResult, WorkspaceInfo


@dataclass(frozen=True)
class AllocatedWorkspace:
    """What :meth:`Workspace.allocate` and :meth:`Workspace.extend` return: ``info``, the
    workspace as ``ws_list`` showed it after the call (bound, so its ``extend``/``release``
    call back into the ``Workspace``), and ``allocation``, what the tool printed.

    It holds the two rather than being a ``WorkspaceInfo`` with a field more, so that
    ``result.info == ws.get(name)`` compares like with like. Every field, property and
    method of ``info`` reads through (``result.remaining``, ``result.extend(30)``);
    ``path`` is a :class:`~pathlib.Path`.
    """

    info: WorkspaceInfo
    allocation: AllocationResult

    @property
    def path(self) -> Path:
        """The workspace directory."""
        return Path(self.info.path)

    @property
    def reused(self) -> bool:
        """True when ``ws_allocate`` said it reused an existing workspace; False when it
        created one, for extensions, and when it printed no action line at all."""
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

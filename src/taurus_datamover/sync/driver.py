"""What the sync engine needs of the ``Datamover`` that drives it, as a protocol.

The engine sits below the class (``Datamover.sync()`` starts it), so it names the methods it
calls here instead of importing the class, even for the type checker.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from taurus_datamover.command.argv import PathArg
    from taurus_datamover.command.watcher import JobWatcher
    from taurus_datamover.datamover.listing import WalkTriple
    from taurus_datamover.datamover.options import JobOptions, ListingOptions
    from taurus_datamover.errors import ToolError
    from taurus_datamover.models.jobs import JobInfo

__all__ = ["SyncDatamover"]


class SyncDatamover(Protocol):
    """The members of :class:`~taurus_datamover.Datamover` the sync engine uses."""

    env: dict[str, str] | None
    verbosity: int

    @property
    def error_class(self) -> type[ToolError]: ...

    @property
    def canceller(self) -> Callable[[int], None] | None: ...

    @property
    def watcher(self) -> JobWatcher | None: ...

    def build_argv(
        self, tool: str, args: Sequence[PathArg | int | float], **options: Unpack[JobOptions]
    ) -> list[str | bytes]: ...

    @property
    def submits_batch_job(self) -> Callable[[str, Sequence[str | bytes]], bool]: ...

    def walk(self, top: PathArg, *, all: bool = False, **options: Unpack[ListingOptions]) -> Iterator[WalkTriple]: ...

    def jobs(self, *, include_finished: bool = True, timeout: float | None = 120) -> list[JobInfo]: ...

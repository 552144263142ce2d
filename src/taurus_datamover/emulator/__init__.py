"""The emulated site: look-alike dt* and ws_* tools for offline use and tests."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from taurus_datamover.emulator.site import EmulatedSite, SlurmUnavailableError, ZihViewUnavailableError

__all__ = ["EmulatedSite", "SlurmUnavailableError", "ZihViewUnavailableError"]


def __getattr__(name: str) -> Any:
    """Import EmulatedSite on first use: every emulated tool imports this package."""
    if name in __all__:
        from taurus_datamover.emulator import site

        return getattr(site, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

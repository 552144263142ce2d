"""The emulated site: look-alike dt* and ws_* tools for offline use and tests."""

from __future__ import annotations

from typing import TYPE_CHECKING

from taurus_datamover.emulator.errors import SlurmUnavailableError, ZihViewUnavailableError
from taurus_datamover.facts import LazyNames

if TYPE_CHECKING:
    from taurus_datamover.emulator.site import EmulatedSite

# EmulatedSite is imported on first use: every emulated tool imports this package.
_lazy = LazyNames(globals(), {"taurus_datamover.emulator.site": "EmulatedSite"})
__getattr__ = _lazy.load

__all__ = ["EmulatedSite", "SlurmUnavailableError", "ZihViewUnavailableError"]

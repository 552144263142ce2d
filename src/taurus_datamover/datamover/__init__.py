"""``Datamover``: the ZIH datamover tools as methods (``dm.dtls('-lh', '/grp/g')``, the
original API), and a file API on top of them (``dm.ls``, ``dm.cp(..., dst=d)``, ``dm.save``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from taurus_datamover.facts import LazyNames

if TYPE_CHECKING:
    from taurus_datamover.datamover.files import Datamover
    from taurus_datamover.datamover.toolset import JobOptions, ListingOptions

# Loaded on first use: the sync engine shares the pure ``argv`` and ``listing`` modules, and
# importing one of them must not load the class that starts the engine.
_lazy = LazyNames(
    globals(),
    {
        "taurus_datamover.datamover.files": "Datamover",
        "taurus_datamover.datamover.toolset": "JobOptions ListingOptions",
    },
)
__getattr__ = _lazy.load

__all__ = ["Datamover", "JobOptions", "ListingOptions"]

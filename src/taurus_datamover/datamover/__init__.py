"""``Datamover``: the ZIH datamover tools as methods (``dm.dtls('-lh', '/grp/g')``, the
original API), and a file API on top of them (``dm.ls``, ``dm.cp(..., dst=d)``, ``dm.save``).

Modules: :mod:`.toolset` (the tools as methods, the queue), :mod:`.files` (the file API),
:mod:`.options` (a call's Slurm options), :mod:`.argv` (the argv rules), :mod:`.listing`
(reading ``dtls`` output), :mod:`.staging` (``save`` through a cache workspace).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from taurus_datamover.facts import LazyNames

if TYPE_CHECKING:
    from taurus_datamover.datamover.files import Datamover
    from taurus_datamover.datamover.options import JobOptions, ListingOptions
    from taurus_datamover.datamover.toolset import DatamoverTools

# Loaded on first use: the sync engine shares the pure ``argv`` and ``listing`` modules, and
# importing one of them must not load the class that starts the engine.
_lazy = LazyNames(
    globals(),
    {
        "taurus_datamover.datamover.files": "Datamover",
        "taurus_datamover.datamover.toolset": "DatamoverTools",
        "taurus_datamover.datamover.options": "JobOptions ListingOptions",
    },
)
__getattr__ = _lazy.load

__all__ = ["Datamover", "DatamoverTools", "JobOptions", "ListingOptions"]

"""``Datamover``: the ZIH datamover tools as methods, and a file API on top of them.

The original API keeps working::

    dm = Datamover()                      # finds dtls, dtcp, ... (see taurus_datamover.command.tools)
    proc = dm.dtls('-lh', '/grp/mygroup') # a Job, i.e. a Popen
    waitfor(proc)                         # exit code
    out, err = proc.communicate()         # bytes, as from Popen

The file API runs the same tools with argv the library builds itself::

    dm.ls("/grp/g")                  # [FileEntry, ...], bound: entry.copy_to(...), ...
    dm.stat(p); dm.exists(p)         # one ``ls -ld``
    for top, dirs, files in dm.walk("/grp/g"): ...   # one ``ls -R``
    dm.cp(a, b, dst=d, recursive=True, time_limit="1:00:00").result()  # cp mv rm rsync tar wget: Jobs
    dm.save(lambda p: df.to_csv(p), "/projects/p_x/out.csv")   # staged in a cache workspace

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

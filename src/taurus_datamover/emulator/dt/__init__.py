"""The emulated ZIH datamover tools (``dt*``), run through Slurm or a local batch queue.

The launcher runs a transfer tool through :mod:`.transfer`, dtqueue/dtq, dtcancel and
dtinfo through :mod:`.manage`. The sub-modules: :mod:`.options` (datamover options, time
limits), :mod:`.mode` (Slurm or local), :mod:`.jobs` and :mod:`.runner` (the local queue),
:mod:`.squeue` (listings).
"""

from __future__ import annotations

from taurus_datamover.facts import MANAGE_TOOLS, TRANSFER_TOOLS

#: Every emulated ``dt*`` tool.
DT_TOOLS = TRANSFER_TOOLS + MANAGE_TOOLS

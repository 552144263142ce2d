"""The emulated ZIH datamover tools (``dt*``), run through Slurm or a local batch queue.

:mod:`.transfer` runs the transfer tools, :mod:`.manage` dtqueue/dtq, dtcancel and dtinfo;
:mod:`.mode` decides between Slurm and the local queue (:mod:`.jobs`, :mod:`.runner`).
"""

from __future__ import annotations

from taurus_datamover.facts import MANAGE_TOOLS, TRANSFER_TOOLS

#: Every emulated ``dt*`` tool.
DT_TOOLS = TRANSFER_TOOLS + MANAGE_TOOLS

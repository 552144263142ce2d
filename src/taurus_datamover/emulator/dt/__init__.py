"""The emulated ZIH datamover tools (``dt*``), run through Slurm or a local batch queue.

:func:`main` is what the launcher calls for every ``dt*`` tool. The sub-modules:
:mod:`.options` (datamover options, time limits), :mod:`.mode` (Slurm or local),
:mod:`.transfer` (the transfer tools), :mod:`.jobs` and :mod:`.runner` (the local queue),
:mod:`.squeue` (listings) and :mod:`.manage` (dtqueue/dtq, dtcancel, dtinfo).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

from taurus_datamover.facts import MANAGE_TOOLS, TRANSFER_TOOLS

__all__ = ["DT_TOOLS", "main"]

#: Every emulated ``dt*`` tool.
DT_TOOLS = TRANSFER_TOOLS + MANAGE_TOOLS


def main(tool: str, root: str | os.PathLike[str], argv: Sequence[str]) -> int:
    """Run emulated tool *tool* of the site at *root* with arguments *argv*."""
    if tool in TRANSFER_TOOLS:
        from taurus_datamover.emulator.dt.transfer import run_transfer

        return run_transfer(tool, root, argv)
    from taurus_datamover.emulator.dt import manage

    tools = {"dtqueue": manage.dtqueue, "dtq": manage.dtqueue, "dtcancel": manage.dtcancel, "dtinfo": manage.dtinfo}
    if tool not in tools:
        print(f"unknown datamover tool: {tool}", file=sys.stderr)
        return 2
    return tools[tool](tool, root, argv)

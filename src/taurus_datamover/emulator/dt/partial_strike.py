"""How an emulated fault strikes inside a ``dt*`` job: its message, then its action.

Shared by the fault runner of ``cp``/``mv`` (:mod:`.partial`) and of ``rsync``
(:mod:`.partial_rsync`), so that neither imports the other back.
"""

from __future__ import annotations

import os
import signal
import sys
import time

from taurus_datamover.emulator.faults import Fault

__all__ = ["say", "strike"]


def say(line: str) -> None:
    """Write one whole line to stderr in one ``write`` (srun does not split it then)."""
    sys.stderr.flush()
    os.write(2, os.fsencode(line + "\n"))


def strike(fault: Fault, tool: str, message: str) -> int:
    """Print *message* and act: kill this process, or hang then fail, or fail (exit code 1)."""
    say(message)
    if fault.action == "kill":
        sys.stdout.flush()
        os.kill(os.getpid(), signal.SIGKILL)
    if fault.action == "hang":
        time.sleep(fault.hang_seconds)
        say(f"{tool}: emulated fault 'hang' gave up after {fault.hang_seconds:g} s")
    return 1

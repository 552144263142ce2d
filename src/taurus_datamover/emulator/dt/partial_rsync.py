"""A ``dtrsync`` job with a fault that strikes half way (``after_files``), for resume tests.

The job copies the first ``after_files`` entries of its ``--files-from`` list with the real
rsync (same options, a shortened list beside the original), then the fault strikes
(``kill``: the job dies by SIGKILL, as on a node failure; ``fail``: exit 1; ``hang``). A
call without ``--files-from`` is struck before anything is copied.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Sequence

from taurus_datamover.emulator.faults import Fault, record_fault, strike

__all__ = ["run_rsync_with_fault"]


def _files_from(args: Sequence[str]) -> tuple[int, str] | None:
    """Index and value of ``--files-from=FILE`` among the options (before ``--``)."""
    for index, word in enumerate(args):
        if word == "--":
            return None
        if word.startswith("--files-from="):
            return index, word.partition("=")[2]
    return None


def run_rsync_with_fault(root: str, fault: Fault, tool: str, command: str, args: Sequence[str]) -> int:
    """Run ``rsync ARGS`` on the first ``fault.after_files`` listed entries, then strike."""
    label = f"{command}: emulated fault '{fault.action}' ({tool}, after_files={fault.after_files})"
    found = _files_from(args)
    if found is None:
        record_fault(root, fault, stopped_after=0, sources=None)
        return strike(fault, f"{label}: stopped before running {command} (no --files-from)", tool)
    index, path = found
    separator = b"\0" if "--from0" in args[: args.index("--") if "--" in args else len(args)] else b"\n"
    with open(path, "rb") as handle:
        entries = [entry for entry in handle.read().split(separator) if entry]
    keep = entries[: fault.after_files or 0]
    short = f"{path}.fault-{os.getpid()}"
    with open(short, "wb") as handle:
        handle.write(b"".join(entry + separator for entry in keep))
    try:
        shortened = [*args[:index], f"--files-from={short}", *args[index + 1 :]]
        code = subprocess.call([command, *shortened]) if keep else 0
    finally:
        os.unlink(short)
    if code != 0:
        return code  # a real failure of the real tool: report it as such
    record_fault(root, fault, stopped_after=len(keep), sources=len(entries))
    return strike(fault, f"{label}: stopped after {len(keep)} of {len(entries)} listed entries", tool)

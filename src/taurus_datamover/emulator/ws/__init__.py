"""The emulated hpc-workspace tools (``ws_allocate``, ``ws_list``, ...) of an emulated site,
each ``ws_<name>(site, argv)`` of its module, in the site's format (v1 = hpc-workspace 1.6.0
as ZIH documents it, or v2). A fault of the site (:mod:`..faults`) strikes before the tool
reads anything or after its work; a database change is one atomic file replacement, so no
fault half-changes a workspace.
"""

from __future__ import annotations

import importlib
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

from taurus_datamover.emulator.faults import Fault, FaultSpecError, record_fault, select_fault, strike

#: Tool -> (module, function), imported only when that tool runs (``ws_extend``: ``ws_allocate -x``).
_TOOLS: dict[str, tuple[str, str]] = {
    f"ws_{name}": (name, f"ws_{name}")
    for name in "allocate list release restore find register send_ical stat expirer validate_config".split()
}
_TOOLS["ws_extend"] = ("allocate", "ws_extend")

WS_TOOLS: tuple[str, ...] = tuple(_TOOLS)


def main(tool: str, root: str | os.PathLike[str], argv: list[str]) -> int:
    """Run emulated *tool* with *argv* against the site at *root*; return its exit code."""
    name = os.path.basename(tool)
    if name not in _TOOLS:
        print(f"{name}: not an emulated workspace tool", file=sys.stderr)
        return 2
    try:
        fault = select_fault(root, name)
    except FaultSpecError as exc:
        print(f"{name}: bad emulated fault: {exc}", file=sys.stderr)
        return 2
    if fault is not None and fault.when == "before":
        return _strike(root, fault, "before")
    time.tzset()  # honour a TZ set after start-up (ctime uses the local zone)
    from taurus_datamover.emulator.ws.context import Site, ToolExit, open_site

    module, function = _TOOLS[name]
    handler: Callable[[Site, list[str]], int] = getattr(importlib.import_module(f"{__name__}.{module}"), function)
    try:
        site = open_site(Path(root))
    except (OSError, ValueError) as exc:
        print(f"Error: Could not read config file! ({exc})", file=sys.stderr)
        return 255
    try:
        code = handler(site, [*argv])  # (`list` is our submodule here)
    except ToolExit as end:
        code = end.code
    finally:
        sys.stdout.flush()
    if fault is not None:
        return _strike(root, fault, f"after (its own exit code {code})")
    return code


def _strike(root: str | os.PathLike[str], fault: Fault, when: str) -> int:
    record_fault(root, fault, when=fault.when)
    sys.stdout.flush()
    return strike(fault, f"Error: emulated fault '{fault.action}' of {fault.tool}, {when}", "Error")

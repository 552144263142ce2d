"""How long does one emulated ``ws_*`` call take, and what did pydantic cost it?

Every emulated tool call is a new Python process. Since the site config is json and
dataclasses (``emulator/config.py``), the tools no longer import pydantic. This runs, on one v2 site, in the same run and interleaved:

* ``python -c pass`` -- the interpreter's own start-up (the floor);
* ``ws_list`` as the site's tools run it (``launcher.run``);
* the same ``ws_list`` with pydantic imported first -- what every call paid when the
  config was a pydantic model.

and prints the medians, the ratio of the last two and the share of the floor.

    python bench/ws_tool_startup.py [rounds]
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from taurus_datamover.emulator.config import (
    ensure_site_dirs,
    save_site_config,
    v2_capture_site_config,
)

_TOOL = "import sys\nfrom taurus_datamover.emulator.launcher import run\nsys.exit(run('ws_list', {root!r}, []))\n"
_WITH_PYDANTIC = "import pydantic\n" + _TOOL


def _seconds(code: str) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)
    return time.perf_counter() - started


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 15
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        cfg = v2_capture_site_config(root)
        save_site_config(root, cfg)
        ensure_site_dirs(cfg)
        runs: dict[str, list[float]] = {"floor": [], "ws_list": [], "with pydantic": []}
        codes = {
            "floor": "pass",
            "ws_list": _TOOL.format(root=str(root)),
            "with pydantic": _WITH_PYDANTIC.format(root=str(root)),
        }
        for code in codes.values():  # warm the .pyc caches
            _seconds(code)
        for _ in range(rounds):
            for name, code in codes.items():
                runs[name].append(_seconds(code))
    med = {name: statistics.median(values) * 1000 for name, values in runs.items()}
    for name, value in med.items():
        print(f"{name:>14}: {value:7.1f} ms median of {rounds}")
    print(
        f"ws_list without pydantic: {med['with pydantic'] / med['ws_list']:.2f}x faster; "
        f"{med['ws_list'] - med['floor']:.1f} ms above the interpreter's start-up"
    )


if __name__ == "__main__":
    main()

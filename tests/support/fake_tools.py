"""Helpers that write fake executables for the core tests (see ``tests/support/fake_dt.py``).

A module of its own, not ``conftest``: a ``conftest.py`` in a sub-folder would shadow it.
"""

from __future__ import annotations

import stat
import sys
from pathlib import Path

FAKES = Path(__file__).parent
DT_TOOLS = ("dtls", "dtcp", "dtmv", "dtrm", "dtrsync", "dttar", "dtwget", "dtqueue", "dtq", "dtcancel")


def write_executable(path: Path, text: str) -> Path:
    path.write_text(text)
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return path


def install_fake_dt(bin_dir: Path, tools: tuple[str, ...] = DT_TOOLS) -> Path:
    bin_dir.mkdir(parents=True, exist_ok=True)
    for tool in tools:
        write_executable(
            bin_dir / tool,
            f"#!{sys.executable}\nimport sys\nsys.path.insert(0, {str(FAKES)!r})\n"
            f"from fake_dt import main\nsys.exit(main({tool!r}))\n",
        )
    return bin_dir

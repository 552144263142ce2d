"""Where the emulated ``dt*`` tools run their jobs: a real Slurm or the local queue.

The choice is made once per site (by :class:`~taurus_datamover.emulator.site.EmulatedSite`)
and stored in ``<root>/dt.json`` so that every later tool call, from any shell, behaves the
same way. A missing file means local mode.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

__all__ = [
    "PARTITION",
    "detect_slurm",
    "load_slurm_mode",
    "mode_file",
    "save_slurm_mode",
]

#: The Slurm partition of the data-transfer nodes.
PARTITION = "datamover"


def mode_file(root: str | os.PathLike[str]) -> Path:
    """Path of the file that stores the dt tools' settings of a site."""
    return Path(root) / "dt.json"


def load_slurm_mode(root: str | os.PathLike[str]) -> bool:
    """True when the site's dt tools go through Slurm (``srun``/``sbatch``)."""
    try:
        data = json.loads(mode_file(root).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return False
    return isinstance(data, dict) and data.get("slurm") is True


def save_slurm_mode(root: str | os.PathLike[str], slurm: bool) -> None:
    """Store the Slurm choice (atomically, so concurrent readers never see half a file)."""
    path = mode_file(root)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps({"slurm": slurm, "partition": PARTITION}) + "\n", "utf-8")
    os.replace(tmp, path)


def detect_slurm(timeout: float = 5.0) -> bool:
    """True when ``sinfo`` exists and a ``datamover`` partition answers within *timeout*."""
    sinfo = shutil.which("sinfo")
    if sinfo is None:
        return False
    try:
        done = subprocess.run(
            [sinfo, "-h", "-p", PARTITION, "-o", "%P"],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    names = {line.strip().rstrip("*") for line in done.stdout.splitlines()}
    return done.returncode == 0 and PARTITION in names

"""Where the emulated ``dt*`` tools run their jobs: a real Slurm or the local queue.

``<root>/dt.json`` stores ``"slurm"``: ``"auto"`` (the default, also for a missing, unreadable
or older file: each call asks whether a Slurm with a ``datamover`` partition answers *now*,
so a site follows Slurm coming and going), ``true`` (always Slurm; one that is down gives
Slurm's own error, as on ZIH) or ``false`` (always local). The probe follows ``SLURM_CONF``.
Every call reads the setting, so what only the probe and the writer need is imported where used.
"""

from __future__ import annotations

import json
import os
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from pathlib import Path

#: The Slurm partition of the data-transfer nodes.
PARTITION = "datamover"
_MODE_FILE = "dt.json"
_FORMAT = 2  # the version of dt.json whose "slurm" may be "auto"
#: Seconds a tool call waits for the probe before running locally.
PROBE_TIMEOUT = 3.0

#: ``"auto"`` (probe at each call), True (always Slurm), False (always local).
SlurmSetting = Literal["auto"] | bool


def mode_file(root: str | os.PathLike[str]) -> Path:
    """Path of the file that stores the dt tools' settings of a site."""
    from pathlib import Path

    return Path(root) / _MODE_FILE


def load_slurm_setting(root: str | os.PathLike[str]) -> SlurmSetting:
    """The stored setting of the site at *root* (``"auto"`` when none is stored)."""
    try:
        with open(os.path.join(root, _MODE_FILE), encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, ValueError):
        return "auto"
    if not isinstance(data, dict) or data.get("format") != _FORMAT:
        return "auto"
    value = data.get("slurm")
    return value if value in (True, False) else "auto"


def load_slurm_mode(root: str | os.PathLike[str]) -> bool:
    """True when this call of a dt tool of the site goes through Slurm (``srun``/``sbatch``):
    always for ``true``, never for ``false``, and for ``"auto"`` when Slurm answers now."""
    setting = load_slurm_setting(root)
    return detect_slurm(PROBE_TIMEOUT) if setting == "auto" else bool(setting)


def save_slurm_mode(root: str | os.PathLike[str], slurm: SlurmSetting) -> None:
    """Store the setting (atomically, so concurrent readers never see half a file)."""
    if slurm not in ("auto", True, False):
        raise ValueError(f"slurm must be 'auto', True or False, not {slurm!r}")
    from taurus_datamover.emulator.files import write_atomic

    record = {"slurm": slurm, "partition": PARTITION, "format": _FORMAT}
    write_atomic(mode_file(root), json.dumps(record) + "\n")


def detect_slurm(timeout: float = 5.0) -> bool:
    """True when ``sinfo`` exists and a ``datamover`` partition answers within *timeout*."""
    import shutil
    import subprocess

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

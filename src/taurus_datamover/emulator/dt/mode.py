"""The stored settings of a site's ``dt*`` tools, read at every call: where jobs run, and
the bandwidth (what only the probe and the writers need is imported where used).

``<root>/dt.json`` stores ``"slurm"`` (:data:`SlurmSetting`; ``"auto"`` also for a missing,
unreadable or older file, so a site follows Slurm coming and going; a Slurm that is down
gives its own error, as on ZIH). ``<root>/dt-bandwidth.json``: a per-job limit of ``dtrsync``
(rsync's ``--bwlimit``), since a real transfer is limited by the node's link, not by this
machine's cores.
"""

from __future__ import annotations

import json
import math
import os
import re
from typing import TYPE_CHECKING, Any, Literal

from taurus_datamover.emulator.errors import EmulatorArgumentError

if TYPE_CHECKING:
    from pathlib import Path

    from taurus_datamover.emulator.dt.options import DtOptions

#: The Slurm partition of the data-transfer nodes.
PARTITION = "datamover"
_MODE_FILE = "dt.json"
_FORMAT = 2  # the version of dt.json whose "slurm" may be "auto"
#: Seconds a tool call waits for the probe before running locally.
PROBE_TIMEOUT = 3.0
BANDWIDTH_FILE = "dt-bandwidth.json"

#: ``"auto"`` (ask at each call whether Slurm answers *now*, per ``SLURM_CONF``), True (always Slurm), False (never).
SlurmSetting = Literal["auto"] | bool

#: Prefix (lower case) -> factor: decimal ``k m g t``, binary ``ki mi gi ti``.
_UNITS = {"": 1} | {p + unit: base ** (n + 1) for unit, base in (("", 1000), ("i", 1024)) for n, p in enumerate("kmgt")}
_RATE = re.compile(r"\s*([0-9]+(?:\.[0-9]+)?)\s*([kKmMgGtT]i?)?(?:B(?:/s)?)?\s*")


def current_user() -> str:
    """The login name of this process (as squeue shows it; the uid where there is none)."""
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return str(os.getuid())


def _stored(root: str | os.PathLike[str], name: str) -> dict[str, Any]:
    """The JSON object in *root*/*name*; empty when it is missing or unreadable."""
    try:
        with open(os.path.join(root, name), encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _store(root: str | os.PathLike[str], name: str, record: dict[str, Any]) -> None:
    """Write *record* atomically, so concurrent readers never see half a file."""
    from pathlib import Path

    from taurus_datamover.emulator.files import write_atomic

    write_atomic(Path(root, name), json.dumps(record) + "\n")


def mode_file(root: str | os.PathLike[str]) -> Path:
    """Path of the file that stores where the dt tools of a site run their jobs."""
    from pathlib import Path

    return Path(root) / _MODE_FILE


def load_slurm_setting(root: str | os.PathLike[str]) -> SlurmSetting:
    """The stored setting of the site at *root* (``"auto"`` when none is stored)."""
    data = _stored(root, _MODE_FILE)
    value = data.get("slurm") if data.get("format") == _FORMAT else None
    return value if value in (True, False) else "auto"


def load_slurm_mode(root: str | os.PathLike[str]) -> bool:
    """True when this call of a dt tool goes through Slurm (for ``"auto"``: when it answers now)."""
    setting = load_slurm_setting(root)
    return detect_slurm(PROBE_TIMEOUT) if setting == "auto" else bool(setting)


def save_slurm_mode(root: str | os.PathLike[str], slurm: SlurmSetting) -> None:
    _store(root, _MODE_FILE, {"slurm": slurm, "partition": PARTITION, "format": _FORMAT})


def detect_slurm(timeout: float = 5.0) -> bool:
    """True when ``sinfo`` exists and a ``datamover`` partition answers within *timeout*."""
    import shutil
    import subprocess

    sinfo = shutil.which("sinfo")
    if sinfo is None:
        return False
    try:
        argv = [sinfo, "-h", "-p", PARTITION, "-o", "%P"]
        done = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=timeout)
    except (OSError, subprocess.TimeoutExpired):
        return False
    names = {line.strip().rstrip("*") for line in done.stdout.splitlines()}
    return done.returncode == 0 and PARTITION in names


def parse_bandwidth(value: str | int | float) -> int:
    """Bytes per second of ``"50MB/s"``, ``"50M"``, ``"1.5GiB/s"`` or a number of bytes
    per second (decimal units; ``Ki``/``Mi``/``Gi`` binary). ``EmulatorArgumentError`` (a
    ``ValueError``) for anything else, zero or a negative rate."""
    if isinstance(value, bool):
        raise EmulatorArgumentError(f"not a bandwidth: {value!r}")
    if isinstance(value, (int, float)):
        rate = float(value)
    else:
        found = _RATE.fullmatch(value) if isinstance(value, str) else None
        if found is None:
            raise EmulatorArgumentError(f"not a bandwidth (like '50MB/s'): {value!r}")
        rate = float(found.group(1)) * _UNITS[(found.group(2) or "").lower()]
    if not math.isfinite(rate) or rate < 1:
        raise EmulatorArgumentError(f"a bandwidth must be at least 1 byte per second, not {value!r}")
    return int(rate)


def load_bandwidth(root: str | os.PathLike[str]) -> int | None:
    """The site's limit in bytes per second, None for none."""
    rate = _stored(root, BANDWIDTH_FILE).get("bytes_per_second")
    return rate if isinstance(rate, int) and not isinstance(rate, bool) and rate > 0 else None


def configure_bandwidth(root: str | os.PathLike[str], value: str | int | float | None) -> int | None:
    """Store the limit (None keeps the stored one, ``"unlimited"`` removes it); the one in force."""
    if value is None:
        return load_bandwidth(root)
    if value == "unlimited":
        from pathlib import Path

        Path(root, BANDWIDTH_FILE).unlink(missing_ok=True)
        return None
    rate = parse_bandwidth(value)
    _store(root, BANDWIDTH_FILE, {"bytes_per_second": rate})
    return rate


def with_bandwidth(root: str | os.PathLike[str], tool: str, opts: DtOptions) -> DtOptions:
    """``opts`` with ``--bwlimit=KIB`` first for a ``dtrsync`` call on a limited site."""
    if tool != "dtrsync":
        return opts
    rate = load_bandwidth(root)
    if rate is None:
        return opts
    kib = max(1, round(rate / 1024))
    return opts._replace(args=(f"--bwlimit={kib}", *opts.args))

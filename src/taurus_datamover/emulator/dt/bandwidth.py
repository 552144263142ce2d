"""A per-job bandwidth limit of the emulated site's ``dtrsync``.

A real transfer is limited by the data-transfer node's link, not by this machine's cores;
with the same kind of limit, parallel parts show the speedup a real site gives. The limit
is stored in ``<root>/dt-bandwidth.json`` and applied as rsync's ``--bwlimit`` (KiB/s),
first among the arguments.
"""

from __future__ import annotations

import json
import math
import os
import re

from taurus_datamover.emulator.dt.options import DtOptions

BANDWIDTH_FILE = "dt-bandwidth.json"

#: Prefix (lower case) -> factor: decimal ``k m g t``, binary ``ki mi gi ti``.
_UNITS = (
    {"": 1}
    | {p: 1000 ** (i + 1) for i, p in enumerate("kmgt")}
    | {p + "i": 1024 ** (i + 1) for i, p in enumerate("kmgt")}
)
_RATE = re.compile(r"\s*([0-9]+(?:\.[0-9]+)?)\s*([kKmMgGtT]i?)?(?:B(?:/s)?)?\s*")


def parse_bandwidth(value: str | int | float) -> int:
    """Bytes per second of ``"50MB/s"``, ``"50M"``, ``"1.5GiB/s"`` or a number of bytes
    per second (decimal units; ``Ki``/``Mi``/``Gi`` binary). ``ValueError`` for anything
    else, zero or a negative rate."""
    if isinstance(value, bool):
        raise ValueError(f"not a bandwidth: {value!r}")
    if isinstance(value, (int, float)):
        rate = float(value)
    else:
        found = _RATE.fullmatch(value) if isinstance(value, str) else None
        if found is None:
            raise ValueError(f"not a bandwidth (like '50MB/s'): {value!r}")
        rate = float(found.group(1)) * _UNITS[(found.group(2) or "").lower()]
    if not math.isfinite(rate) or rate < 1:
        raise ValueError(f"a bandwidth must be at least 1 byte per second, not {value!r}")
    return int(rate)


def load_bandwidth(root: str | os.PathLike[str]) -> int | None:
    """The site's limit in bytes per second, None for none."""
    try:
        with open(os.path.join(root, BANDWIDTH_FILE), encoding="utf-8") as handle:
            data = json.load(handle)
    except (FileNotFoundError, ValueError):
        return None
    rate = data.get("bytes_per_second") if isinstance(data, dict) else None
    return rate if isinstance(rate, int) and not isinstance(rate, bool) and rate > 0 else None


def configure_bandwidth(root: str | os.PathLike[str], value: str | int | float | None) -> int | None:
    """Store the limit ``value`` (None keeps the stored one; ``"unlimited"`` removes it)
    atomically; return the limit in force."""
    from pathlib import Path

    from taurus_datamover.emulator.files import write_atomic

    path = Path(root, BANDWIDTH_FILE)
    if value is None:
        return load_bandwidth(root)
    if value == "unlimited":
        path.unlink(missing_ok=True)
        return None
    rate = parse_bandwidth(value)
    write_atomic(path, json.dumps({"bytes_per_second": rate}) + "\n")
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

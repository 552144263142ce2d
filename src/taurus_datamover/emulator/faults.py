"""Fault hooks of the emulated site: make a ``dt*`` or ``ws_*`` tool fail, hang or die on purpose.

Faults (:class:`Fault` as JSON, a list or one object) come from ``$TAURUS_EMULATOR_FAULT``
(one process tree, Slurm jobs included) and ``<root>/faults.json`` (``EmulatedSite.set_faults``,
which resets the call counters). ``dt*`` faults act inside the job (:mod:`.dt.partial`, which
counts ``after_files``), so the library sees a real failure; each strike appends a JSON line
to ``<root>/faults.log`` (tests count faults and find a hanging tool's pid there).
"""

from __future__ import annotations

import json
import os
import signal
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from taurus_datamover.emulator.errors import FaultSpecError as FaultSpecError  # its old home
from taurus_datamover.emulator.files import locked, write_atomic
from taurus_datamover.facts import EMULATOR_FAULT_ENV, EMULATOR_FAULT_FILE

FAULT_ENV, FAULT_FILE = EMULATOR_FAULT_ENV, EMULATOR_FAULT_FILE
#: Inside the site root, beside ``FAULT_FILE``: the call counters, one JSON line per fault that struck.
FAULT_STATE, FAULT_LOG = "faults.state", "faults.log"
_LOCK = ".faults.lock"
ACTIONS = frozenset({"fail", "kill", "hang", "enospc"})
_FILE_TOOLS = frozenset({"dtcp", "dtmv"})
_LIST_TOOLS = frozenset({"dtrsync"})  # after_files counts the entries of --files-from


@dataclass(frozen=True)
class Fault:
    """One fault entry."""

    tool: str  # the emulated tool it applies to: "dtcp", "ws_extend", ...
    action: str  # fail (exit 1, message on stderr), kill (SIGKILL itself), hang, enospc
    after_calls: int = 0  # the first N calls run normally (counted across processes)
    times: int | None = None  # how many calls the fault hits in all (None: every later one)
    after_files: int | None = None  # dtcp/dtmv/dtrsync: strike after N sources or list entries
    keep_bytes: int | None = None  # enospc: bytes of the truncated destination (None: half the source)
    when: str = "before"  # ws_*: before the tool reads anything, or after its work and output
    hang_seconds: float = 3600.0  # how long "hang" sleeps before it fails

    def to_json(self) -> str:
        """The fault as canonical JSON (the key of its call counter)."""
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> Fault:
        """Check and build a fault from a JSON object."""
        if not isinstance(data, Mapping):
            raise FaultSpecError(f"a fault must be a JSON object, not {data!r}")
        unknown = set(data) - set(cls.__dataclass_fields__)
        if unknown:
            raise FaultSpecError(f"unknown fault keys: {sorted(unknown)}")
        tool, action, when = data.get("tool"), data.get("action"), data.get("when", "before")
        if not isinstance(tool, str) or not tool:
            raise FaultSpecError(f"fault without a tool: {dict(data)!r}")
        if action not in ACTIONS:
            raise FaultSpecError(f"fault action must be one of {sorted(ACTIONS)}, not {action!r}")
        if action == "enospc" and (tool not in _FILE_TOOLS or data.get("after_files") is None):
            raise FaultSpecError("action 'enospc' needs tool dtcp or dtmv and after_files")
        if data.get("after_files") is not None and tool not in _FILE_TOOLS | _LIST_TOOLS:
            raise FaultSpecError("after_files applies to dtcp, dtmv and dtrsync only")
        if when not in ("before", "after"):
            raise FaultSpecError(f"when must be 'before' or 'after', not {when!r}")
        for name in ("after_calls", "times", "after_files", "keep_bytes"):
            value = data.get(name)
            if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
                raise FaultSpecError(f"{name} must be a whole number >= 0, not {value!r}")
        hang = data.get("hang_seconds", 3600.0)
        if isinstance(hang, bool) or not isinstance(hang, (int, float)) or hang < 0:
            raise FaultSpecError(f"hang_seconds must be a number >= 0, not {hang!r}")
        return cls(**{**data, "after_calls": int(data.get("after_calls") or 0), "hang_seconds": float(hang)})


def _parse(text: str, where: str) -> list[Fault]:
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise FaultSpecError(f"{where}: not JSON: {exc}") from None
    items = data if isinstance(data, list) else [data]
    return [Fault.from_mapping(item) for item in items]


def load_faults(root: str | os.PathLike[str], environ: Mapping[str, str] | None = None) -> list[Fault]:
    """The faults of the site at *root*: ``$TAURUS_EMULATOR_FAULT`` first, then ``faults.json``."""
    text = (os.environ if environ is None else environ).get(FAULT_ENV, "").strip()
    faults = _parse(text, FAULT_ENV) if text else []
    path = Path(root) / FAULT_FILE
    try:
        file_text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return faults
    return faults + _parse(file_text, str(path)) if file_text.strip() else faults


def select_fault(root: str | os.PathLike[str], tool: str) -> Fault | None:
    """Count this call of *tool* for every fault of that tool; the first that strikes now
    (cheap without faults: one environment look-up, one failed ``open``)."""
    faults = [f for f in load_faults(root) if f.tool == tool]
    if not faults:
        return None
    base = Path(root)
    chosen: Fault | None = None
    with locked(base / _LOCK):
        state_path = base / FAULT_STATE
        try:
            counts = json.loads(state_path.read_text(encoding="utf-8"))
        except (FileNotFoundError, ValueError):
            counts = {}
        counts = counts if isinstance(counts, dict) else {}
        for fault in faults:
            calls = counts[fault.to_json()] = int(counts.get(fault.to_json(), 0)) + 1
            hit = calls - fault.after_calls
            if chosen is None and hit >= 1 and (fault.times is None or hit <= fault.times):
                chosen = fault
        write_atomic(state_path, json.dumps(counts, indent=1) + "\n")
    return chosen


def record_fault(root: str | os.PathLike[str], fault: Fault, **detail: Any) -> None:
    """Append a line about a fault that strikes now to ``<root>/faults.log``."""
    entry = {"tool": fault.tool, "action": fault.action, "pid": os.getpid(), "time": time.time(), **detail}
    with locked(Path(root, _LOCK)), open(Path(root, FAULT_LOG), "a", encoding="utf-8") as log:
        log.write(json.dumps(entry, sort_keys=True) + "\n")


def read_fault_log(root: str | os.PathLike[str]) -> list[dict[str, Any]]:
    """Every fault that struck at the site at *root*, oldest first."""
    try:
        text = (Path(root) / FAULT_LOG).read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def write_faults(root: str | os.PathLike[str], faults: Sequence[Mapping[str, Any] | Fault] | None) -> None:
    """Set the site's faults (checked first) and reset the call counters; None removes them."""
    base = Path(root)
    checked = None if faults is None else [f if isinstance(f, Fault) else Fault.from_mapping(f) for f in faults]
    with locked(base / _LOCK):
        (base / FAULT_STATE).unlink(missing_ok=True)
        if checked is None:
            (base / FAULT_FILE).unlink(missing_ok=True)
        else:
            write_atomic(base / FAULT_FILE, json.dumps([asdict(f) for f in checked], indent=1, sort_keys=True) + "\n")


def say(line: str) -> None:
    """Write one whole line to stderr in one ``write`` (srun does not split it then)."""
    sys.stderr.flush()
    os.write(2, os.fsencode(line + "\n"))


def strike(fault: Fault, message: str, who: str) -> int:
    """Say *message* and kill this process, or hang then fail (*who* says so), or fail: 1."""
    say(message)
    sys.stdout.flush()
    if fault.action == "kill":
        os.kill(os.getpid(), signal.SIGKILL)
    if fault.action == "hang":
        time.sleep(fault.hang_seconds)
        say(f"{who}: emulated fault 'hang' gave up after {fault.hang_seconds:g} s")
    return 1

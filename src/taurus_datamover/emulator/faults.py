"""Fault hooks of the emulated site: make a ``dt*`` or ``ws_*`` tool fail, hang or die on purpose.

Faults are JSON objects, read on every tool call from two places (both may be used):

* ``<root>/faults.json`` -- a list of faults (or one object), per site; written by
  :meth:`~taurus_datamover.emulator.site.EmulatedSite.set_faults` (which also resets the
  call counters) and removed by ``set_faults(None)``;
* the environment variable ``TAURUS_EMULATOR_FAULT`` -- the same JSON, for one process
  tree (it reaches Slurm jobs too, which inherit the environment).

Keys of a fault:

``tool`` (required)
    The emulated tool it applies to: ``"dtcp"``, ``"dtmv"``, ``"ws_extend"``, ...
``action`` (required)
    ``"fail"`` (exit 1 with a message on stderr), ``"kill"`` (the tool kills itself with
    SIGKILL), ``"hang"`` (sleep ``hang_seconds``, then fail), and for ``dtcp``/``dtmv``
    with ``after_files`` also ``"enospc"`` (see below).
``after_calls`` (default 0)
    The first N calls of the tool run normally; the fault hits call N+1 and, unless
    ``times`` limits it, every later call. Calls are counted per fault, across processes,
    in ``<root>/faults.state`` (under a lock).
``times`` (default: no limit)
    How many calls the fault hits in all.
``after_files`` (``dtcp``/``dtmv``/``dtrsync`` only)
    ``dtrsync`` with ``--files-from``: the real rsync copies the first N entries of the
    list, then the fault strikes (``"kill"``: a part killed half way, as by a node
    failure; see :mod:`taurus_datamover.emulator.dt.partial_rsync`).
    ``dtcp``/``dtmv``: the transfer runs file by file: the real ``cp``/``mv`` is run once per source operand,
    in order, and the fault strikes after N sources were done (0: before the first). So a
    ``dtmv`` stopped half way never loses a source: every moved source is at the
    destination, every other one still at its place. With ``"enospc"``, source N+1 gets a
    truncated destination (``keep_bytes``, default half of it) and the tool fails as
    ``cp: error writing 'DEST': No space left on device`` does (a directory source:
    ``cannot create directory``); the source stays intact, also for ``dtmv``, whose
    truncated copy stays at the destination.
``when`` (``ws_*`` only; ``"before"`` by default)
    ``"before"``: the fault strikes before the tool reads or changes anything;
    ``"after"``: the tool does its work (and prints its output) first.
``hang_seconds`` (default 3600)
    How long ``"hang"`` sleeps before it fails.

The ``dt*`` faults act inside the job (through :mod:`taurus_datamover.emulator.dt.partial`,
under ``srun``/``sbatch`` or in the local queue), so the library sees them as it would see
a real failure of the transfer. Every fault that strikes appends one JSON line to
``<root>/faults.log`` (tool, action, pid, where it stopped), which tests read to count
faults and to find a hanging tool's pid. The messages start with ``TOOL: emulated fault``.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from taurus_datamover.emulator.files import locked, write_atomic

__all__ = [
    "ACTIONS", "FAULT_ENV", "FAULT_FILE", "FAULT_LOG", "FAULT_STATE", "Fault", "FaultSpecError",
    "clear_fault_state", "load_faults", "read_fault_log", "record_fault", "select_fault", "write_faults"
]  # fmt: skip

#: Environment variable holding faults as JSON (a list or one object).
FAULT_ENV = "TAURUS_EMULATOR_FAULT"
#: The site's fault file (inside the site root).
FAULT_FILE = "faults.json"
#: Call counters of the faults (inside the site root).
FAULT_STATE = "faults.state"
#: One JSON line per fault that struck (inside the site root).
FAULT_LOG = "faults.log"
_LOCK = ".faults.lock"

#: Every action a fault may take.
ACTIONS = frozenset({"fail", "kill", "hang", "enospc"})
_FILE_TOOLS = frozenset({"dtcp", "dtmv"})
#: Tools whose ``after_files`` counts the entries of a ``--files-from`` list.
_LIST_TOOLS = frozenset({"dtrsync"})


class FaultSpecError(ValueError):
    """A fault entry that cannot be used (unknown action, wrong types)."""


@dataclass(frozen=True)
class Fault:
    """One fault entry (see the module docstring for the meaning of each field)."""

    tool: str
    action: str
    after_calls: int = 0
    times: int | None = None
    after_files: int | None = None
    keep_bytes: int | None = None
    when: str = "before"
    hang_seconds: float = 3600.0

    @property
    def key(self) -> str:
        """The fault's identity for its call counter (its canonical JSON)."""
        return json.dumps(asdict(self), sort_keys=True)

    def to_json(self) -> str:
        """The fault as one JSON object (what :meth:`from_mapping` reads back)."""
        return self.key

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> Fault:
        """Check and build a fault from a JSON object."""
        if not isinstance(data, Mapping):
            raise FaultSpecError(f"a fault must be a JSON object, not {data!r}")
        known = {"tool", "action", "after_calls", "times", "after_files", "keep_bytes", "when", "hang_seconds"}
        unknown = set(data) - known
        if unknown:
            raise FaultSpecError(f"unknown fault keys: {sorted(unknown)}")
        tool, action = data.get("tool"), data.get("action")
        if not isinstance(tool, str) or not tool:
            raise FaultSpecError(f"fault without a tool: {dict(data)!r}")
        if action not in ACTIONS:
            raise FaultSpecError(f"fault action must be one of {sorted(ACTIONS)}, not {action!r}")
        if action == "enospc" and (tool not in _FILE_TOOLS or data.get("after_files") is None):
            raise FaultSpecError("action 'enospc' needs tool dtcp or dtmv and after_files")
        if data.get("after_files") is not None and tool not in _FILE_TOOLS | _LIST_TOOLS:
            raise FaultSpecError("after_files applies to dtcp, dtmv and dtrsync only")
        when = data.get("when", "before")
        if when not in ("before", "after"):
            raise FaultSpecError(f"when must be 'before' or 'after', not {when!r}")
        for name in ("after_calls", "times", "after_files", "keep_bytes"):
            value = data.get(name)
            if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
                raise FaultSpecError(f"{name} must be a whole number >= 0, not {value!r}")
        hang = data.get("hang_seconds", 3600.0)
        if isinstance(hang, bool) or not isinstance(hang, (int, float)) or hang < 0:
            raise FaultSpecError(f"hang_seconds must be a number >= 0, not {hang!r}")
        return cls(
            tool=tool,
            action=str(action),
            after_calls=int(data.get("after_calls") or 0),
            times=data.get("times"),
            after_files=data.get("after_files"),
            keep_bytes=data.get("keep_bytes"),
            when=str(when),
            hang_seconds=float(hang),
        )


def _parse(text: str, where: str) -> list[Fault]:
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise FaultSpecError(f"{where}: not JSON: {exc}") from None
    items = data if isinstance(data, list) else [data]
    return [Fault.from_mapping(item) for item in items]


def load_faults(root: str | os.PathLike[str], environ: Mapping[str, str] | None = None) -> list[Fault]:
    """The faults of the site at *root*: ``$TAURUS_EMULATOR_FAULT`` first, then ``faults.json``."""
    env = os.environ if environ is None else environ
    faults: list[Fault] = []
    text = env.get(FAULT_ENV, "").strip()
    if text:
        faults.extend(_parse(text, FAULT_ENV))
    try:
        file_text = (Path(root) / FAULT_FILE).read_text(encoding="utf-8")
    except FileNotFoundError:
        return faults
    if file_text.strip():
        faults.extend(_parse(file_text, str(Path(root) / FAULT_FILE)))
    return faults


def select_fault(root: str | os.PathLike[str], tool: str) -> Fault | None:
    """Count this call of *tool* for every fault of that tool; the first that strikes now.

    Cheap when there are no faults (one environment look-up, one failed ``open``).
    """
    faults = [f for f in load_faults(root) if f.tool == tool]
    if not faults:
        return None
    base = Path(root)
    chosen: Fault | None = None
    with locked(base / _LOCK):
        state_path = base / FAULT_STATE
        try:
            counts = json.loads(state_path.read_text(encoding="utf-8"))
            if not isinstance(counts, dict):
                counts = {}
        except (FileNotFoundError, ValueError):
            counts = {}
        for fault in faults:
            calls = int(counts.get(fault.key, 0)) + 1
            counts[fault.key] = calls
            hit = calls - fault.after_calls
            if chosen is None and hit >= 1 and (fault.times is None or hit <= fault.times):
                chosen = fault
        write_atomic(state_path, json.dumps(counts, indent=1) + "\n")
    return chosen


def record_fault(root: str | os.PathLike[str], fault: Fault, **detail: Any) -> None:
    """Append a line about a fault that strikes now to ``<root>/faults.log``."""
    line = json.dumps(
        {"tool": fault.tool, "action": fault.action, "pid": os.getpid(), "time": time.time(), **detail}, sort_keys=True
    )
    base = Path(root)
    with locked(base / _LOCK), open(base / FAULT_LOG, "a", encoding="utf-8") as log:
        log.write(line + "\n")


def read_fault_log(root: str | os.PathLike[str]) -> list[dict[str, Any]]:
    """Every fault that struck at the site at *root*, oldest first."""
    try:
        text = (Path(root) / FAULT_LOG).read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def clear_fault_state(root: str | os.PathLike[str]) -> None:
    """Reset the call counters (the log stays)."""
    base = Path(root)
    with locked(base / _LOCK):
        (base / FAULT_STATE).unlink(missing_ok=True)


def write_faults(root: str | os.PathLike[str], faults: Sequence[Mapping[str, Any] | Fault] | None) -> None:
    """Set the site's faults (checked first) and reset the call counters; None removes them."""
    base = Path(root)
    if faults is None:
        (base / FAULT_FILE).unlink(missing_ok=True)
        clear_fault_state(base)
        return
    checked = [f if isinstance(f, Fault) else Fault.from_mapping(f) for f in faults]
    text = json.dumps([json.loads(f.to_json()) for f in checked], indent=1) + "\n"
    with locked(base / _LOCK):
        (base / FAULT_STATE).unlink(missing_ok=True)
        write_atomic(base / FAULT_FILE, text)

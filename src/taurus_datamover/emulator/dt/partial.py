"""The command of a ``dt*`` job that has a fault (:mod:`taurus_datamover.emulator.faults`).

``python -m taurus_datamover.emulator.dt.partial ROOT FAULT_JSON TOOL COMMAND ARGS...`` runs
in place of ``COMMAND ARGS...``. Without ``after_files`` the fault strikes before anything is
done. With it, ``cp``/``mv`` run once per source (``COMMAND OPTIONS -- SRC DST``: a source is
done completely or not touched, ``enospc`` aside) and ``rsync`` on the first entries of its
``--files-from`` list; then the fault strikes, naming where it stopped: ``mv: emulated fault
'fail' (dtmv, after_files=1): stopped after 1 of 3 sources; done: 'a'; not done: 'b', 'c'``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass

from taurus_datamover.emulator.faults import Fault, record_fault, say, strike


@dataclass(frozen=True)
class Operands:
    """A ``cp``/``mv`` command line taken apart."""

    options: tuple[str, ...]
    sources: tuple[str, ...]
    destination: str | None  # None when -t/--target-directory names it
    target_dir: str | None
    no_target_directory: bool


def split_operands(args: Sequence[str]) -> Operands:
    """``cp``/``mv`` arguments as options, sources, destination (GNU: ``--``, ``-t DIR``, ``-T``)."""
    options: list[str] = []
    operands: list[str] = []
    target_dir: str | None = None
    no_target = False
    i = 0
    while i < len(args):
        word = args[i]
        if word == "--":
            operands.extend(args[i + 1 :])
            break
        if word.startswith("--target-directory="):
            target_dir = word.partition("=")[2]
        elif word in ("-t", "--target-directory"):
            if i + 1 < len(args):
                target_dir = args[i + 1]
                i += 1
        elif word.startswith("-t") and not word.startswith("--"):
            target_dir = word[2:]
        elif word.startswith("-") and word != "-":
            if word in ("-T", "--no-target-directory") or (not word.startswith("--") and "T" in word[1:]):
                no_target = True
            options.append(word)
        else:
            operands.append(word)
        i += 1
    if target_dir is None and len(operands) >= 2:  # the last operand is the destination
        return Operands(tuple(options), tuple(operands[:-1]), operands[-1], None, no_target)
    return Operands(tuple(options), tuple(operands), None, target_dir, no_target)


def _quoted(names: Sequence[str]) -> str:
    return ", ".join(repr(n) for n in names) if names else "none"


def _enospc(command: str, ops: Operands, source: str, keep_bytes: int | None) -> str:
    """Write a truncated copy of *source* where cp/mv would (a directory: nothing); cp's error line."""
    base = os.path.basename(source.rstrip("/")) or source
    if ops.target_dir is not None:
        target = os.path.join(ops.target_dir, base)
    elif ops.no_target_directory or (len(ops.sources) == 1 and not os.path.isdir(str(ops.destination))):
        target = str(ops.destination)
    else:
        target = os.path.join(str(ops.destination), base)
    if os.path.isdir(source) and not os.path.islink(source):
        return f"{command}: cannot create directory '{target}': No space left on device"
    size = os.path.getsize(source)
    keep = size // 2 if keep_bytes is None else min(keep_bytes, size)
    with open(source, "rb") as src, open(target, "wb") as dst:
        dst.write(src.read(keep))
    return f"{command}: error writing '{target}': No space left on device"


def _rsync_with_fault(root: str, fault: Fault, tool: str, command: str, args: Sequence[str]) -> int:
    """Run ``rsync ARGS`` on the first ``fault.after_files`` listed entries, then strike."""
    label = f"{command}: emulated fault '{fault.action}' ({tool}, after_files={fault.after_files})"
    options = args[: args.index("--") if "--" in args else len(args)]
    index = next((i for i, word in enumerate(options) if word.startswith("--files-from=")), None)
    if index is None:
        record_fault(root, fault, stopped_after=0, sources=None)
        return strike(fault, f"{label}: stopped before running {command} (no --files-from)", tool)
    path = options[index].partition("=")[2]
    separator = b"\0" if "--from0" in options else b"\n"
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


def run_with_fault(root: str, fault: Fault, tool: str, command: str, args: Sequence[str]) -> int:
    """Run ``COMMAND ARGS`` of dt tool *tool* with *fault*; return the exit code."""
    label = f"{command}: emulated fault '{fault.action}' ({tool}"
    if fault.after_files is None:
        record_fault(root, fault, stopped_after=0, sources=None)
        return strike(fault, f"{label}): stopped before running {command}", tool)
    if tool == "dtrsync":
        return _rsync_with_fault(root, fault, tool, command, args)
    ops = split_operands(args)
    if not ops.sources or (ops.destination is None and ops.target_dir is None):
        return subprocess.call([command, *args])  # a usage error: the real tool's own words
    done: list[str] = []
    before, after = (["-t", ops.target_dir], []) if ops.target_dir is not None else ([], [str(ops.destination)])
    for source in ops.sources[: fault.after_files]:
        code = subprocess.call([command, *ops.options, *before, "--", source, *after])
        if code != 0:
            return code  # a real failure of the real tool: report it as such
        done.append(source)
    rest = list(ops.sources[len(done) :])
    where = (
        f"{label}, after_files={fault.after_files}): stopped after {len(done)} of "
        f"{len(ops.sources)} sources; done: {_quoted(done)}; not done: {_quoted(rest)}"
    )
    record_fault(root, fault, stopped_after=len(done), sources=len(ops.sources), not_done=rest)
    if fault.action == "enospc" and rest:
        say(_enospc(command, ops, rest[0], fault.keep_bytes))
    return strike(fault, where, tool)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: ``python -m taurus_datamover.emulator.dt.partial ROOT FAULT TOOL COMMAND ARGS...``."""
    import json

    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) < 4:
        print(
            "usage: python -m taurus_datamover.emulator.dt.partial ROOT FAULT_JSON TOOL COMMAND [ARGS...]",
            file=sys.stderr,
        )
        return 2
    root, spec, tool, command, *rest = args
    try:
        fault = Fault.from_mapping(json.loads(spec))
    except ValueError as exc:  # not JSON, or a FaultSpecError
        print(f"{tool}: bad emulated fault: {exc}", file=sys.stderr)
        return 2
    return run_with_fault(root, fault, tool, command, rest)


if __name__ == "__main__":
    raise SystemExit(main())

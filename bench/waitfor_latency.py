"""How soon does ``waitfor`` return after the tool ends?

Runs a fake ``dtls`` that sleeps ``SLEEP`` seconds and then exits, through
``Datamover().dtls`` + ``waitfor``, and compares with the original package's loop
(``while proc.poll() is None: time.sleep(0.5)``) on the same tool in the same run.
Prints the median and max latency (wall time minus the tool's own run time) and the ratio.

    python bench/waitfor_latency.py [rounds]
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from taurus_datamover import Datamover, waitfor

SLEEP = 0.2


def original_waitfor(proc: subprocess.Popen[bytes]) -> int:
    """The original package's polling loop (fixed 0.5 s sleep), the baseline."""
    while proc.poll() is None:
        time.sleep(0.5)
    return proc.returncode


def tool_runtime(bin_dir: Path) -> float:
    """The tool's own run time, as a plain subprocess measures it."""
    started = time.perf_counter()
    subprocess.run([str(bin_dir / "dtls")], check=True, capture_output=True)
    return time.perf_counter() - started


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    with tempfile.TemporaryDirectory() as tmp:
        bin_dir = Path(tmp)
        tool = bin_dir / "dtls"
        tool.write_text(f"#!/bin/sh\nexec sleep {SLEEP}\n")
        tool.chmod(0o755)
        dm = Datamover(path_to_exe=str(bin_dir))
        base_runtime = statistics.median(tool_runtime(bin_dir) for _ in range(5))
        ours: list[float] = []
        theirs: list[float] = []
        for _ in range(rounds):
            started = time.perf_counter()
            assert waitfor(dm.dtls()) == 0
            ours.append(time.perf_counter() - started - base_runtime)
            proc = subprocess.Popen([str(tool), "--blocking"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            started = time.perf_counter()
            assert original_waitfor(proc) == 0
            theirs.append(time.perf_counter() - started - base_runtime)
            proc.communicate()
    med_ours, med_theirs = statistics.median(ours), statistics.median(theirs)
    print(f"tool run time (plain subprocess, median of 5): {base_runtime * 1000:.1f} ms")
    print(f"waitfor latency after the tool ends, {rounds} rounds (cpus={os.cpu_count()}):")
    print(f"  taurus_datamover.waitfor : median {med_ours * 1000:7.1f} ms, max {max(ours) * 1000:7.1f} ms")
    print(f"  original 0.5 s poll loop : median {med_theirs * 1000:7.1f} ms, max {max(theirs) * 1000:7.1f} ms")
    print(f"  ratio original/ours (median latency): {med_theirs / max(med_ours, 1e-4):.0f}x")


if __name__ == "__main__":
    main()

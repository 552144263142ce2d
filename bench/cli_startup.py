"""CPU cost of starting ``taurus-datamover``, against baselines measured in the same run.

* ``--help`` against ``python -c pass`` (the same interpreter): the target is at most 8x;
* ``ws list`` on an emulated site against one direct call of that site's ``ws_list`` (what
  the command has to run anyway): the target is at most 1.5x. Two more rows say where the
  rest goes: importing the library's ``Workspace`` alone, and the library's own
  ``Workspace(...).list(all_filesystems=True)`` (what ``ws list`` does, without the command);
  and a floor: the interpreter importing the standard library ``ws list`` cannot do without.

CPU time (user + system) of each child process, from ``os.wait4``, median of ``--runs``
runs (default 15), so that other load on the machine counts less than in wall time; for
``ws list`` also the median of each round's ratio to that round's ``ws_list`` (the two ran
seconds apart, so a slow stretch of the machine falls on both). The
package's bytecode is compiled first (as an installed package has it), so that no run pays
for compiling sources, even where ``PYTHONDONTWRITEBYTECODE`` keeps the children from
writing ``__pycache__``. ``--baseline-src DIR`` also runs ``ws list`` from another checkout's
``src`` (``PYTHONPATH``), taking turns with this one: a change measured in the same run.
Usage: ``python bench/cli_startup.py [--runs N] [--baseline-src DIR]``.
"""

from __future__ import annotations

import argparse
import compileall
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path


def cpu_seconds(argv: Sequence[str], env: Mapping[str, str]) -> float:
    """User + system CPU seconds of one run of *argv* (its output discarded)."""
    proc = subprocess.Popen(list(argv), env=dict(env), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{argv} failed with exit code {proc.returncode}")
    # wait4 counts the whole tree of children the process waited for (ws list's ws_list too)
    return usage.ru_utime + usage.ru_stime


def cpu_ms(
    commands: Mapping[str, Sequence[str]], env: Mapping[str, str], runs: int, envs: Mapping[str, Mapping[str, str]]
) -> dict[str, list[float]]:
    """CPU milliseconds of each run of each command (in ``envs[name]``, else ``env``); the runs
    take turns (one of each, *runs* times), so that a change of the machine's load falls on
    all of them alike."""
    for name, argv in commands.items():
        cpu_seconds(argv, envs.get(name, env))  # warm the page cache
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, argv in commands.items():
            times[name].append(cpu_seconds(argv, envs.get(name, env)))
    return {name: [1000 * value for value in values] for name, values in times.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--baseline-src", metavar="DIR", help="also run ws list from this src folder")
    options = parser.parse_args()
    runs, baseline = options.runs, options.baseline_src

    import taurus_datamover

    compileall.compile_dir(os.path.dirname(taurus_datamover.__file__), quiet=1)
    if baseline:
        compileall.compile_dir(baseline, quiet=1)
    command = shutil.which("taurus-datamover", path=os.path.dirname(sys.executable)) or shutil.which("taurus-datamover")
    cli = [command] if command else [sys.executable, "-m", "taurus_datamover"]
    from taurus_datamover.emulator.site import EmulatedSite

    with tempfile.TemporaryDirectory() as tmp:
        site = EmulatedSite(Path(tmp) / "site", slurm=False)
        env = site.env()
        for name, days, fs in (("run1", 30, "horse"), ("run2", 10, "walrus"), ("run3", 60, "horse")):
            subprocess.run(
                [str(site.bin / "ws_allocate"), "-F", fs, name, str(days)], env=env, capture_output=True, check=True
            )
        library = "from taurus_datamover.workspace import Workspace"
        # what ws list cannot do without: re (the reader; the console script imports it
        # anyway), datetime, select and signal (running ws_list and reading its two pipes)
        floor = "import datetime, re, select, signal"
        ws_words = [*cli, "--site-root", str(site.root), "ws", "list"]
        times = cpu_ms(
            {
                "bare": [sys.executable, "-c", "pass"],
                "help": [*cli, "--help"],
                "ws_list": [str(site.bin / "ws_list")],
                "ws": ws_words,
                **({"baseline": ws_words} if baseline else {}),
                "floor": [sys.executable, "-c", floor],
                "imported": [sys.executable, "-c", library],
                "lib_list": [
                    sys.executable,
                    "-c",
                    f"{library}; Workspace({str(site.bin)!r}).list(all_filesystems=True)",
                ],
            },
            env,
            runs,
            {"baseline": {**env, "PYTHONPATH": os.path.abspath(baseline)}} if baseline else {},
        )
    # the paired ratio: ws list over the ws_list of the same round, whose load they shared
    paired = statistics.median(w / d for w, d in zip(times["ws"], times["ws_list"]))
    bare, help_ms, ws_list, ws, floor_ms, imported, lib_list = (
        statistics.median(times[k]) for k in ("bare", "help", "ws_list", "ws", "floor", "imported", "lib_list")
    )

    print(f"CPU time, median of {runs} runs (ms):")
    print(f"  python -c pass                {bare:7.1f}")
    print(f"  taurus-datamover --help       {help_ms:7.1f}   {help_ms / bare:4.1f}x bare Python (target <= 8x)")
    print(f"  ws_list (one direct call)     {ws_list:7.1f}")
    print(f"  taurus-datamover ws list      {ws:7.1f}   {ws / ws_list:4.2f}x one ws_list (target <= 1.5x)")
    print(f"    the same, paired by round            {paired:4.2f}x (median of each round's ratio)")
    own = ws - ws_list
    print(f"  ws list less one ws_list      {own:7.1f}   {own / ws_list:4.2f}x one ws_list (1.5x leaves 0.5x)")
    print(f"  python + the stdlib it needs  {floor_ms:7.1f}   {floor_ms / ws_list:4.2f}x one ws_list")
    print(f"  import Workspace (library)    {imported:7.1f}   {imported / ws_list:4.2f}x one ws_list")
    print(f"  Workspace.list (library)      {lib_list:7.1f}   ws list = {ws / lib_list:4.2f}x this")
    if baseline:
        before = statistics.median(times["baseline"])
        paired_before = statistics.median(b / d for b, d in zip(times["baseline"], times["ws_list"]))
        saved = statistics.median(b - w for b, w in zip(times["baseline"], times["ws"]))
        print(f"  ws list from --baseline-src   {before:7.1f}   {before / ws_list:4.2f}x one ws_list")
        print(f"    the same, paired by round            {paired_before:4.2f}x; this one {saved:.1f} ms less (paired)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

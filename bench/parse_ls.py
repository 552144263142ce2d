"""How fast does ``parse_ls`` read large real listings, against jc and a bare regex pass?

Creates N entries (default 200,000; sparse files, so no disk is filled) in a temporary
directory, lists it with the real GNU ls in five forms (``LC_ALL=C``):

* ``ls -l`` (the default style), ``ls -l --full-time``, ``ls -l --time-style=long-iso``,
  ``ls -lh``, and ``ls -l -b --time-style=+%s.%N`` (the library's own form, what
  ``Datamover.ls`` runs),

and times, in the same run and on the same text, the median of ``--repeat`` runs (CPU time
of this process, which a shared machine disturbs less than wall time) of:

* ``parse_ls``: entries/s, building the ``FileEntry`` models;
* ``jc``: ``jc.parse("ls", text)`` (plain dicts; jc is not a dependency of the library:
  ``pip install jc`` to get this column, else it says "absent");
* ``regex``: one whole-text ``re.findall`` of the columns into tuples, the floor of any
  regex reader;

with the ratios ``parse_ls / jc`` and ``parse_ls / regex``, the issue's regex figure and the
target scaled by this run's regex pass against it (the machines differ); and the floor of
any reader of these models: pydantic building the same entries from ready dicts of their
stored fields (``build``), and the regex pass and that build in sequence (``ceiling``),
against jc. Then:

* retained memory per entry of the models (``tracemalloc``, the library's own form);
* ``dm.ls`` of ``--ls-files`` entries (default 100,000) on the emulated site, against
  running the same ``dtls`` command and ``parse_ls`` alone (the copy the old code made of
  every entry is what this ratio shows).

    python bench/parse_ls.py [--files N] [--repeat K] [--ls-files M] [--tree DIR]

``--tree DIR``: list a tree ``make_tree`` made before (kept) instead of making one.
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import re
import shutil
import statistics
import subprocess
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter

from taurus_datamover import Datamover
from taurus_datamover.models.files import FileEntry
from taurus_datamover.parsers.ls import UNAMBIGUOUS_LS_OPTIONS, parse_ls

NOW = time.time()
#: the five forms of issue 11: (label, flags, target entries/s, times jc, the issue's regex pass/s)
FORMS: list[tuple[str, list[str], int, float | None, int]] = [
    ("ls -l (C)", [], 250_000, 1.2, 975_000),
    ("--full-time", ["--full-time"], 200_000, None, 835_000),
    ("long-iso", ["--time-style=long-iso"], 200_000, None, 1_190_000),
    ("-lh", ["-h"], 200_000, 1.0, 1_190_000),
    ("-l -b --time-style=+%s.%N", list(UNAMBIGUOUS_LS_OPTIONS[1:]), 250_000, None, 1_330_000),
]
#: retained bytes per entry, and dm.ls against dtls + parse_ls alone
MEMORY_TARGET = 1000
_ENTRIES: TypeAdapter[list[FileEntry]] = TypeAdapter(list[FileEntry])
DM_LS_TARGET = 1.3
_REGEX = re.compile(
    r"^([-dlpsbc][-rwxsStT]{9})([+.]?) +([0-9]+) (\S+) +(\S+) +(\S+) "
    r"(\S+(?: +\S+)?(?: +\S+)?|\S+ \S+ \S+) (.*)$",
    re.MULTILINE,
)


def make_tree(root: Path, count: int) -> None:
    """``count`` entries with realistic types, sizes and times (seeded, reproducible)."""
    rng = random.Random(1)
    for i in range(count):
        if i % 50 == 0:
            path = root / f"dir_{i:06d}"
            path.mkdir()
        elif i % 50 == 7:
            os.symlink(f"target_{i}.txt", root / f"link_{i:06d}")
            continue
        else:
            name = f"file {i:06d}.dat" if i % 997 == 3 else f"file_{i:06d}.dat"
            if i % 1009 == 5:
                name = f"données_{i:06d}.csv"
            path = root / name
            with open(path, "wb") as fh:  # sparse: the size without the disk
                fh.truncate(rng.choice([0, 0, 1, 17, 512, 4096, 65536, 1 << 20, 1 << 30]) if i % 3 == 0 else 0)
        stamp = NOW - rng.randint(0, 3 * 365 * 86400)
        os.utime(path, (stamp, stamp + rng.random()))


def listing(root: Path, flags: list[str]) -> str:
    """``ls -l FLAGS root`` as text, in the C locale."""
    env = dict(os.environ, LC_ALL="C")
    out = subprocess.run(["ls", "-l", *flags, "--", str(root)], env=env, check=True, capture_output=True)
    return out.stdout.decode("utf-8", "surrogateescape")


def median_seconds(func: Callable[[], object], repeat: int) -> float:
    """The median CPU time of ``repeat`` runs, in seconds (the GC as the callee leaves it)."""
    times = []
    for _ in range(repeat):
        gc.collect()
        started = time.process_time()
        result = func()
        times.append(time.process_time() - started)
        del result
    return statistics.median(times)


def _jc() -> Callable[[str], Any] | None:
    try:
        import jc  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        return None

    def run(text: str) -> Any:
        return jc.parse("ls", text, quiet=True)

    return run


def ready_records(entries: list[FileEntry]) -> list[dict[str, Any]]:
    """The stored fields of each entry that are not at their default, as pydantic reads them."""
    defaults = {name: field.default for name, field in FileEntry.model_fields.items()}
    return [{name: value for name in defaults if (value := getattr(e, name)) != defaults[name]} for e in entries]


def bench_forms(root: Path, repeat: int) -> None:
    jc_parse = _jc()
    print(
        f"{'form':<28} {'entries':>8} {'parse_ls/s':>11} {'jc/s':>9} {'regex/s':>10} {'vs jc':>6} {'vs regex':>8}"
        f" {'build/s':>9} {'ceiling/s':>9} {'ceil/jc':>8}"
        f" {'issue regex/s':>13} {'scaled target':>13}  target (the issue's)"
    )
    for label, flags, target, jc_target, issue_regex in FORMS:
        text = listing(root, flags)
        options = ["-l", *flags]
        entries = len(parse_ls(text, options=options))
        ours = entries / median_seconds(partial(parse_ls, text, options=options), repeat)
        floor = entries / median_seconds(partial(_REGEX.findall, text), repeat)
        records = ready_records(parse_ls(text, options=options))
        build = entries / median_seconds(partial(_ENTRIES.validate_python, records), repeat)
        ceiling = 1 / (1 / floor + 1 / build)  # no reader of these models can be faster
        if jc_parse is not None and "%s" not in label:
            theirs: float | None = entries / median_seconds(partial(jc_parse, text), repeat)
        else:
            theirs = None
        jc_col = f"{theirs:>9,.0f}" if theirs else f"{'-':>9}"
        ratio = f"{ours / theirs:>5.2f}x" if theirs else f"{'-':>6}"
        best = f"{ceiling / theirs:>7.2f}x" if theirs else f"{'-':>8}"
        goal = f">= {target // 1000}k/s" + (f", >= {jc_target}x jc" if jc_target else "")
        scaled = target * floor / issue_regex  # the machines differ: the target at this run's regex speed
        print(
            f"{label:<28} {entries:>8,} {ours:>11,.0f} {jc_col} {floor:>10,.0f} {ratio} {ours / floor:>7.2f}x"
            f" {build:>9,.0f} {ceiling:>9,.0f} {best}"
            f" {issue_regex:>13,} {scaled:>13,.0f}  {goal}"
        )
    print("scaled target: the target x this run's regex/s / the issue's regex/s (its machine and this one differ)")
    print(
        "build/s: pydantic building the same FileEntry models from ready dicts of their stored fields "
        "(no text read);\nceiling/s: the regex pass and that build in sequence, the most any reader of "
        "these models reaches; ceil/jc: that ceiling against jc"
    )
    if jc_parse is None:
        print("jc: absent (pip install jc to compare; it is not a dependency)")
    else:
        print("jc: not run on +%s.%N (it does not read that time style)")


def bench_memory(root: Path) -> None:
    text = listing(root, list(UNAMBIGUOUS_LS_OPTIONS[1:]))
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    entries = parse_ls(text, options=UNAMBIGUOUS_LS_OPTIONS)
    gc.collect()
    retained = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    print(
        f"retained memory: {retained / len(entries):,.0f} bytes per entry "
        f"({len(entries):,} entries, the library's own form; target <= {MEMORY_TARGET:,})"
    )


def bench_dm_ls(count: int, repeat: int) -> None:
    from taurus_datamover.datamover.argv import ls_args, ls_flags
    from taurus_datamover.emulator.site import EmulatedSite

    base = Path(tempfile.mkdtemp(prefix="bench-dm-ls-"))
    try:
        with EmulatedSite(base / "site", slurm=False) as site:
            tree = site.grp / "bench"
            tree.mkdir(parents=True)
            make_tree(tree, count)
            dm = Datamover(site.bin)
            flags = ls_flags()
            argv = [str(site.bin / "dtls"), *[str(a) for a in ls_args([str(tree)], flags)]]
            env = site.env(dict(os.environ, LC_ALL="C"))

            def alone() -> object:
                out = subprocess.run(argv, env=env, capture_output=True, check=True).stdout
                return parse_ls(out.decode("utf-8", "surrogateescape"), options=flags)

            def wall(func: Callable[[], object]) -> float:
                times = []
                for _ in range(repeat):
                    gc.collect()
                    started = time.perf_counter()
                    func()
                    times.append(time.perf_counter() - started)
                return statistics.median(times)

            base_s = wall(alone)
            ours_s = wall(lambda: dm.ls(str(tree)))
            n = len(dm.ls(str(tree)))
        print(
            f"dm.ls of {n:,} entries: {ours_s * 1000:,.0f} ms; dtls + parse_ls alone: "
            f"{base_s * 1000:,.0f} ms; ratio {ours_s / base_s:.2f}x (wall time, median; target <= {DM_LS_TARGET}x)"
        )
    finally:
        shutil.rmtree(base, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--files", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--ls-files", type=int, default=100_000)
    parser.add_argument("--tree", type=Path, default=None)
    args = parser.parse_args()
    root = args.tree or Path(tempfile.mkdtemp(prefix="bench-parse-ls-"))
    try:
        if args.tree is None:
            make_tree(root, args.files)
        bench_forms(root, args.repeat)
        bench_memory(root)
    finally:
        if args.tree is None:
            shutil.rmtree(root)
    if args.ls_files:
        bench_dm_ls(args.ls_files, args.repeat)


if __name__ == "__main__":
    main()

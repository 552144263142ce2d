"""How fast does ``parse_ls`` read a large listing?

Creates N files (default 100,000) in a temporary directory, lists it with the real GNU ls
twice, in the default style (``LC_ALL=C ls -l``) and in the library's unambiguous form
(``LC_ALL=C ls -l -b --time-style=+%s.%N``, what ``Datamover.ls`` runs), and times, in the
same run and on the same text:

* ``splitlines``: ``text.splitlines()``, the floor no parser can beat;
* ``careful``: the careful reader for every line and ``TypeAdapter(list[FileEntry])``
  validation, i.e. the parser as it was before the fast path (``ls._parse(fast=False)``);
* ``parse_ls``: the parser as shipped (fast path, bulk construction).

Each figure is the best of ``--repeat`` runs (the machine may be shared); the ratios say
how far ``parse_ls`` is from the floor and how much faster it is than the careful reader.
The files are a realistic mix: mostly regular files, every 50th a directory, every 50th a
symlink, sizes from 0 to ~1 MB, times spread over three years (recent and old forms), a
few names with spaces and non-ASCII letters.

    python bench/parse_ls.py [--files N] [--repeat K]
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from taurus_datamover.parsers.ls import UNAMBIGUOUS_LS_OPTIONS, _parse, parse_ls

NOW = time.time()


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
            path.write_bytes(b"x" * rng.choice([0, 0, 1, 17, 512, 4096, 65536, 1 << 20])
                             if i % 3 == 0 else b"")
        stamp = NOW - rng.randint(0, 3 * 365 * 86400)
        os.utime(path, (stamp, stamp + rng.random()))


def listing(root: Path, *flags: str) -> str:
    """``ls -l FLAGS root`` as text, in the C locale."""
    env = dict(os.environ, LC_ALL="C")
    out = subprocess.run(["ls", "-l", *flags, "--", str(root)], env=env, check=True,
                         capture_output=True)
    return out.stdout.decode("utf-8", "surrogateescape")


def best(func: Callable[[], object], repeat: int) -> float:
    """The shortest of ``repeat`` runs, in seconds (cyclic GC as the callee leaves it)."""
    times = []
    for _ in range(repeat):
        gc.collect()
        started = time.perf_counter()
        func()
        times.append(time.perf_counter() - started)
    return min(times)


def report(label: str, text: str, options: tuple[str, ...] | None, repeat: int) -> None:
    entries = len(parse_ls(text, options=options))
    assert parse_ls(text, options=options) == _parse(text, None, None, options, fast=False)
    floor = best(text.splitlines, repeat)
    careful = best(lambda: _parse(text, None, None, options, fast=False), repeat)
    fast = best(lambda: parse_ls(text, options=options), repeat)
    print(f"{label}: {entries:,} entries")
    for name, secs in (("splitlines", floor), ("careful", careful), ("parse_ls", fast)):
        print(f"  {name:<10} {entries / secs:>13,.0f} entries/s  {secs * 1000:8.1f} ms")
    print(f"  parse_ls / careful = {careful / fast:.2f}x faster;"
          f" parse_ls / splitlines = 1/{fast / floor:.0f} of the floor")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="bench-parse-ls-"))
    try:
        make_tree(root, args.files)
        default = listing(root)
        unambiguous = listing(root, *UNAMBIGUOUS_LS_OPTIONS[1:])
    finally:
        shutil.rmtree(root)
    report("default style (ls -l)", default, None, args.repeat)
    report("unambiguous form (ls -l -b --time-style=+%s.%N)", unambiguous,
           UNAMBIGUOUS_LS_OPTIONS, args.repeat)


if __name__ == "__main__":
    main()

"""How much faster is a sync with 4 parallel parts than with 1, and what does planning cost?

Makes a tree of ~2,000 files and ~400 MB (4 files of 80 MB, 1,996 files of ~40 KB in 20
directories) on an emulated site whose ``dtrsync`` is limited to ``--bandwidth`` per job
(default 50 MB/s, as a data-transfer node's link would be), through the real Slurm when
one answers (else the local queue), and times in the same run:

* the machine's own copy rate: one part with no bandwidth limit (4 parts at the limit need
  4 times the limit from this machine; when it cannot give that, the speedup shrinks, and
  the figure says so);
* ``jobs=1`` and ``jobs=4``: the wall time of ``dm.sync(src, dst, jobs=N, verify=None)``
  until ``result()`` returns, each into a fresh destination, alternating, best of
  ``--repeat``; the ratio is the speedup (target: at least 3x). Where it went: the run's
  own phases (listing, planning, directories, submit, parts) and, from the call, when the
  first part started running and the last one wrote its last byte (the parts' output
  files: birth time and mtime) and when the run noticed that end, the time outside that
  copying span (what the library, the tools and Slurm add: the part of the wall time the
  code can cut), and the CPU time of this process (the library's own threads; the tools
  run under Slurm);
* verification: one ``size-mtime`` check of the copy (a ``dtls -R`` of the destination);
* planning per 10,000 files: a tree of 10,000 empty files, the time of its listing alone
  (``dtls -R`` parsed, ``Datamover.walk``) and of a ``dry_run`` sync (listing, split, lists
  and manifest written); the difference is the planning overhead on top of the listing
  (target: under 1 s).

The figures are the best of ``--repeat`` runs of each (default 3): on a shared machine a
run takes the load of whatever else runs, and a batch job waits 0-1 s for slurmctld's
scheduling pass, so one run says more about the machine than about the code; the same
best-of-N for both sides keeps the ratio fair.

    python bench/sync_parallel.py [--bandwidth 50MB/s] [--repeat 3] [--verbose] [--no-slurm]
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

from taurus_datamover import Datamover, Job
from taurus_datamover.emulator.dt.mode import detect_slurm
from taurus_datamover.emulator.site import EmulatedSite


def make_tree(
    top: Path, *, large: int = 4, large_size: int = 80_000_000, small: int = 1996, small_size: int = 40_000
) -> tuple[int, int]:
    """The bench tree (seeded sizes); returns (files, bytes)."""
    rng = random.Random(1)
    total = 0
    for i in range(large):
        (top / "large").mkdir(parents=True, exist_ok=True)
        with open(top / "large" / f"big-{i}.bin", "wb") as handle:
            for _ in range(large_size // 4_000_000):
                handle.write(os.urandom(4_000_000))
        total += large_size // 4_000_000 * 4_000_000
    blob = os.urandom(2 * small_size)
    for i in range(small):
        directory = top / f"dir-{i % 20:02d}"
        directory.mkdir(exist_ok=True)
        size = rng.randint(small_size // 2, small_size * 3 // 2)
        (directory / f"file {i:05d}.dat").write_bytes(blob[:size])
        total += size
    return large + small, total


class Timed(NamedTuple):
    """One sync's wall time and where it went (seconds)."""

    wall: float
    phases: dict[str, float]  # the run's own timings (listing, planning, directories, submit, parts)
    first_running: float | None  # from the call: the first part's output created (its job started)
    last_done: float | None  # from the call: the last write of any part's output (rsync's end)
    noticed: float  # from the call: the run saw the last part end
    cpu: float  # CPU seconds of this process (the library's threads: watcher, nudge, pipes)
    parts: list[PartTimes]  # each part's, with --verbose


class PartTimes(NamedTuple):
    """One part: its size and, from the call (s), when its job ran, last wrote and ended here."""

    files: int
    bytes: int
    ran: float | None  # its output file's birth
    wrote: float | None  # its output file's mtime
    ended: float | None  # its Job ended in this process


def _output_times(paths: list[str]) -> tuple[list[float], list[float]]:
    """Birth times (GNU ``stat``, where the file system keeps them) and mtimes of ``paths``."""
    births: list[float] = []
    found = subprocess.run(["stat", "-c", "%.9W", *paths], capture_output=True, text=True, check=False)
    for word in found.stdout.split():
        try:
            if float(word) > 0:
                births.append(float(word))
        except ValueError:
            pass
    return births, [os.stat(path).st_mtime for path in paths]


def timed_sync(site: EmulatedSite, src: Path, dst: Path, jobs: int) -> Timed:
    """Time one sync into a fresh ``dst`` (``verify=None``: both runs alike)."""
    if dst.exists():
        shutil.rmtree(dst)
    dm = Datamover(site.bin)
    wall_start = time.time()
    cpu_start = time.process_time()
    start = time.perf_counter()
    run = dm.sync(src, dst, jobs=jobs, verify=None)
    ended: dict[int, float] = {}

    def noting(index: int) -> Callable[[Job], None]:
        def note(_job: Job) -> None:
            ended.setdefault(index, time.time())

        return note

    for part in run.parts:
        if part.job is not None:
            part.job.add_done_callback(noting(part.index))
    run.result(timeout=3600)
    wall = time.perf_counter() - start
    cpu = time.process_time() - cpu_start
    phases = dict(run.timings)
    outputs = [path for part in run.parts if part.job is not None and (path := part.job.batch_output_path)]
    births, mtimes = _output_times(outputs) if outputs else ([], [])
    before_parts = sum(phases.get(name, 0.0) for name in ("listing", "planning", "directories"))
    return Timed(
        wall,
        phases,
        min(births) - wall_start if len(births) == len(outputs) and births else None,
        max(mtimes) - wall_start if mtimes else None,
        before_parts + phases.get("parts", 0.0),
        cpu,
        [_part_times(part.files, part.bytes, part.job, ended.get(part.index), wall_start) for part in run.parts],
    )


def _part_times(files: int, size: int, job: Job | None, ended: float | None, wall_start: float) -> PartTimes:
    path = job.batch_output_path if job is not None else None
    births, mtimes = _output_times([path]) if path else ([], [])

    def since(t: float | None) -> float | None:
        return None if t is None else t - wall_start

    return PartTimes(
        files, size, since(births[0] if births else None), since(mtimes[0] if mtimes else None), since(ended)
    )


def describe(jobs: int, size: int, timed: Timed, *, verbose: bool = False) -> str:
    """A few lines per run: the total, each phase, and when the parts ran (each part with ``verbose``)."""
    steps = ", ".join(f"{name} {seconds:.2f}" for name, seconds in timed.phases.items())
    first = "n/a" if timed.first_running is None else f"{timed.first_running:.2f}"
    last = "n/a" if timed.last_done is None else f"{timed.last_done:.2f}"
    outside = (  # the wall time less the copying span: what the library, the tools and Slurm add
        f"{timed.wall - (timed.last_done - timed.first_running):.2f}"
        if timed.first_running is not None and timed.last_done is not None
        else "n/a"
    )
    return (
        f"jobs={jobs}: {timed.wall:.2f} s ({size / timed.wall / 1e6:.0f} MB/s)\n"
        f"    phases (s): {steps}\n"
        f"    from the call (s): first part running {first}, last part done {last}, "
        f"noticed done {timed.noticed:.2f}, result {timed.wall:.2f}; outside the copying {outside}\n"
        f"    CPU of this process (the library): {timed.cpu:.2f} s"
    ) + ("".join(_describe_part(i, row) for i, row in enumerate(timed.parts)) if verbose else "")


def _describe_part(index: int, part: PartTimes) -> str:
    def fmt(t: float | None) -> str:
        return "n/a" if t is None else f"{t:.2f}"

    ran, wrote = part.ran, part.wrote
    rate = (
        f"{part.bytes / (wrote - ran) / 1e6:.1f} MB/s"
        if ran is not None and wrote is not None and wrote > ran
        else "n/a"
    )
    return (
        f"\n    part {index}: {part.files} files, {part.bytes / 1e6:.1f} MB; ran {fmt(ran)}, "
        f"last write {fmt(wrote)} ({rate}), ended here {fmt(part.ended)}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bandwidth", default="50MB/s", help="per-job limit of the emulated dtrsync")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each configuration (best is shown)")
    parser.add_argument("--verbose", action="store_true", help="print each part's timeline too")
    parser.add_argument("--no-slurm", action="store_true", help="use the local queue even where Slurm answers")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-sync-") as tmp:
        root = Path(tmp)
        os.environ["XDG_CACHE_HOME"] = str(root / "cache")  # the runs' manifests
        # Slurm or not is decided once here: with None every tool call would ask sinfo first
        slurm = False if args.no_slurm else detect_slurm()
        site = EmulatedSite(root / "site", slurm=slurm, bandwidth=args.bandwidth)
        with site:
            src = site.grp / "tree"
            files, size = make_tree(src)
            print(
                f"tree: {files} files, {size / 1e6:.0f} MB; {'Slurm' if site.slurm else 'local queue'}; "
                f"{args.bandwidth} per job; best of {args.repeat}"
            )
            EmulatedSite(site.root, bandwidth="unlimited")
            machine = size / timed_sync(site, src, site.projects / "copy-free", 1).phases["parts"]
            EmulatedSite(site.root, bandwidth=args.bandwidth)
            need = 4 * (site.bandwidth or 0)
            print(
                f"this machine, one part without limit: {machine / 1e6:.0f} MB/s "
                f"(4 parts at the limit need {need / 1e6:.0f} MB/s"
                f"{'' if machine >= need else ': more than it gives, the speedup is capped by the machine'})"
            )
            best: dict[int, Timed] = {}
            for _ in range(args.repeat):  # alternating, so both see the same load
                for jobs in (4, 1):
                    timed = timed_sync(site, src, site.projects / f"copy-{jobs}", jobs)
                    if jobs not in best or timed.wall < best[jobs].wall:
                        best[jobs] = timed
            for jobs in (1, 4):
                print(describe(jobs, size, best[jobs], verbose=args.verbose))
            print(
                f"speedup jobs=4 vs jobs=1: {best[1].wall / best[4].wall:.2f}x end to end (target >= 3x), "
                f"{best[1].phases['parts'] / best[4].phases['parts']:.2f}x for the parts alone "
                "(the listing and the planning cost the same either way)"
            )

            dm = Datamover(site.bin)
            check = dm.sync(src, site.projects / "copy-4", jobs=4, verify=None, dry_run=True)
            start = time.perf_counter()
            found = check.verify("size-mtime")
            print(f"verification (size-mtime) of the copy: {time.perf_counter() - start:.2f} s, ok={found.ok}")

            many = site.grp / "many"
            many.mkdir()
            for i in range(10_000):
                directory = many / f"d{i // 500:02d}"
                directory.mkdir(exist_ok=True)
                (directory / f"f{i:05d}").touch()
            listing = planning = float("inf")
            for _ in range(max(3, args.repeat)):
                start = time.perf_counter()
                walked = sum(len(f) for _, _, f in dm.walk(many, all=True))
                listing = min(listing, time.perf_counter() - start)
                start = time.perf_counter()
                planned = dm.sync(many, site.projects / "many-copy", jobs=4, dry_run=True)
                planning = min(planning, time.perf_counter() - start)
            assert walked == 10_000 and planned.manifest.files == 10_000
            print(
                f"10,000 files: listing {listing:.2f} s, dry-run sync (listing + split + record) {planning:.2f} s, "
                f"planning overhead {planning - listing:.2f} s per 10,000 files (target < 1 s)"
            )


if __name__ == "__main__":
    main()

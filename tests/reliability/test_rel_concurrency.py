"""Concurrency and load: many jobs at once, shared status polling, nothing lost.

* 32 jobs at once from threads and from asyncio tasks sharing one ``Datamover``: every
  result belongs to its own command (unique names and payloads);
* 32 batch jobs held running: the shared watcher asks the queue once per round for all of
  them (counted by a logging ``dtqueue`` wrapper), not once per job;
* 1,000 short jobs through the local site (slow) and the real Slurm (slow+slurm), and a
  fast 100-job variant: every output accounted for;
* a 100,000-entry ``dtls -l`` through ``waitfor`` and ``communicate``, parsed: none lost.
"""

from __future__ import annotations

import asyncio
import os
import stat
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from tests.support.reliability import needs_slurm, wait_no_slurm_jobs

from taurus_datamover.command.process import waitfor
from taurus_datamover.command.watcher import POLL_START, watcher_for
from taurus_datamover.datamover import Datamover
from taurus_datamover.emulator.site import EmulatedSite
from taurus_datamover.models.jobs import JobState
from taurus_datamover.parsers.ls import UNAMBIGUOUS_LS_ENV, UNAMBIGUOUS_LS_OPTIONS, parse_ls


def _files(directory: Path, count: int, prefix: str = "f") -> list[str]:
    """``count`` empty files with unique names, made with os.open (fast)."""
    names = [f"{prefix}{i:06d}" for i in range(count)]
    fd_dir = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        for name in names:
            os.close(os.open(name, os.O_CREAT | os.O_WRONLY, 0o644, dir_fd=fd_dir))
    finally:
        os.close(fd_dir)
    return names


def _run_listings(dm: Datamover, directory: Path, names: list[str], workers: int) -> tuple[int, list[str], float]:
    """``dtls -1 -- dir/name`` for every name on ``workers`` threads; (ok, problems, seconds)."""

    def one(name: str) -> str:
        path = directory / name
        try:
            out = dm.dtls("-1", "--", path).result(timeout=300).stdout
        except Exception as exc:  # every failure is counted, none is lost
            return f"{name}: {type(exc).__name__}: {exc}"
        return "" if out == f"{path}\n" else f"{name}: got {out!r}"

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        results = list(pool.map(one, names))
    problems = [r for r in results if r]
    return len(results) - len(problems), problems, time.monotonic() - started


def test_32_jobs_from_threads_each_result_its_own(local_site: EmulatedSite, work: Path, figures: Any) -> None:
    """32 threads share one Datamover; each copies its own payload and lists its own name."""
    dm = Datamover(local_site.bin)
    barrier = threading.Barrier(32)

    def one(i: int) -> tuple[int, str, bytes]:
        src, dst = work / f"src-{i}", work / f"dst-{i}"
        src.write_bytes(f"payload {i} ".encode() * (i + 1))
        barrier.wait()
        listed = dm.dtls("-1", "--", src).result(timeout=120).stdout
        dm.dtcp("--", src, dst).result(timeout=120)
        return i, listed, dst.read_bytes()

    with ThreadPoolExecutor(max_workers=32) as pool:
        outcomes = list(pool.map(one, range(32)))
    wrong = [
        i
        for i, listed, copied in outcomes
        if listed != f"{work / f'src-{i}'}\n" or copied != f"payload {i} ".encode() * (i + 1)
    ]
    assert wrong == []
    figures(threads=32, jobs=64, mismatched=len(wrong))


def test_32_jobs_from_asyncio_tasks_each_result_its_own(local_site: EmulatedSite, work: Path, figures: Any) -> None:
    """32 asyncio tasks await their jobs concurrently on one loop."""
    dm = Datamover(local_site.bin)
    for i in range(32):
        (work / f"a-{i}").write_text(str(i))

    async def one(i: int) -> tuple[int, str]:
        out = await dm.dtls("-1", "--", work / f"a-{i}")
        return i, out.stdout

    async def main() -> list[tuple[int, str]]:
        return await asyncio.gather(*(one(i) for i in range(32)))

    started = time.monotonic()
    outcomes = asyncio.run(main())
    took = time.monotonic() - started
    wrong = [i for i, out in outcomes if out != f"{work / f'a-{i}'}\n"]
    assert wrong == []
    figures(tasks=32, mismatched=len(wrong), seconds=round(took, 2))


def test_shared_status_polling_for_32_batch_jobs(
    local_site: EmulatedSite, tmp_path: Path, work: Path, figures: Any
) -> None:
    """32 held batch jobs: one queue query per round for all (a logging dtqueue counts them)."""
    wrap = tmp_path / "wrap"
    wrap.mkdir()
    log = tmp_path / "dtqueue.log"
    script = wrap / "dtqueue"
    script.write_text(f'#!/bin/sh\necho "$*" >> "{log}"\nexec "{local_site.bin / "dtqueue"}" "$@"\n')
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    dm = Datamover(path_to_exe=f"{wrap}{os.pathsep}{local_site.bin}", blocking=False, env=local_site.env())
    assert dm.tool_path("dtqueue") == str(script)
    watcher = watcher_for(dm.queue_argv() or [], dm.env, ask_scontrol=False)
    fifos = [work / f"in-{i}.fifo" for i in range(32)]
    for fifo in fifos:
        os.mkfifo(fifo)
    started = time.monotonic()
    jobs = [dm.dtcp("--", fifo, work / f"out-{i}") for i, fifo in enumerate(fifos)]
    deadline = time.monotonic() + 60
    while not all(j.is_batch and j.state is JobState.RUNNING for j in jobs) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert all(j.state is JobState.RUNNING for j in jobs)
    time.sleep(3.0)  # held: the watcher keeps polling, with backoff
    for i, fifo in enumerate(fifos):
        with open(fifo, "wb") as feed:
            feed.write(f"unique payload {i}".encode())
    for job in jobs:
        job.result(timeout=120)
    took = time.monotonic() - started
    logged = log.read_text().splitlines()
    wrong = [i for i in range(32) if (work / f"out-{i}").read_text() != f"unique payload {i}"]
    assert wrong == []
    assert len(logged) == watcher.queries  # every round is one process ...
    assert all(line == "-t all" for line in logged)  # ... asking about all jobs at once
    # per-job polling would be >= one query per job and round; shared polling is bounded by
    # the rounds that fit in the run (backoff from POLL_START, plus one poke per new job)
    rounds_bound = int(took / POLL_START) + len(jobs)
    assert watcher.queries <= rounds_bound
    assert watcher.queries < len(jobs) * 2
    figures(
        jobs=len(jobs),
        queue_queries=watcher.queries,
        seconds=round(took, 1),
        per_job_polling_would_be=f">={len(jobs) * watcher.queries}",
        mismatched=len(wrong),
    )


def test_100_short_jobs_local(local_site: EmulatedSite, work: Path, figures: Any) -> None:
    """100 short blocking jobs on 8 threads: every output accounted for."""
    names = _files(work, 100)
    ok, problems, took = _run_listings(Datamover(local_site.bin), work, names, 8)
    assert problems == [] and ok == 100
    figures(jobs=100, accounted=ok, lost=len(problems), seconds=round(took, 1))


@pytest.mark.slow
def test_1000_short_jobs_local(local_site: EmulatedSite, work: Path, figures: Any) -> None:
    """1,000 short blocking jobs through the emulated site (local), bounded in time, none lost."""
    names = _files(work, 1000)
    ok, problems, took = _run_listings(Datamover(local_site.bin), work, names, 8)
    assert problems == [] and ok == 1000
    assert took < 900
    figures(jobs=1000, accounted=ok, lost=len(problems), seconds=round(took, 1))


@needs_slurm
@pytest.mark.slurm
@pytest.mark.slow
def test_1000_short_jobs_real_slurm(slurm_site: EmulatedSite, work: Path, figures: Any) -> None:
    """1,000 short srun jobs through the real Slurm on 8 threads: none lost, none left."""
    names = _files(work, 1000)
    ok, problems, took = _run_listings(Datamover(slurm_site.bin), work, names, 8)
    left, _ = wait_no_slurm_jobs(work)
    assert problems == [] and ok == 1000
    assert left == []
    assert took < 900
    figures(jobs=1000, accounted=ok, lost=len(problems), orphan_jobs=len(left), seconds=round(took, 1))


@pytest.mark.slow  # a big run: 30 s each on 2 cores
@pytest.mark.parametrize("style", ["unambiguous", "literal"])
def test_100k_entry_listing_through_waitfor_and_communicate(
    local_site: EmulatedSite, work: Path, style: str, figures: Any
) -> None:
    """``dtls -l`` of 100,000 files: waitfor returns 0, communicate has it all, parse_ls finds all."""
    big = work / "big"
    big.mkdir()
    names = set(_files(big, 100_000, prefix="entry-"))
    options = list(UNAMBIGUOUS_LS_OPTIONS) if style == "unambiguous" else ["-l"]
    env = local_site.env()
    env.update(UNAMBIGUOUS_LS_ENV)
    dm = Datamover(local_site.bin, env=env)
    started = time.monotonic()
    job = dm.dtls(*options, "--", big)
    assert waitfor(job, timeout_in_s=300) == 0
    out, err = job.communicate()
    assert job.communicate() == (out, err)  # may be asked again: the same bytes
    entries = parse_ls(out, options=options)
    took = time.monotonic() - started
    found = {e.name for e in entries}
    assert len(entries) == 100_000
    assert found == names
    figures(
        style=style,
        entries=len(entries),
        lost=len(names - found),
        extra=len(found - names),
        bytes=len(out),
        seconds=round(took, 1),
    )

"""Datamover.sync on the emulated site (local queue): copies, verification, bad input,
dry run, kill half way and resume, cancel, await."""

from __future__ import annotations

import _thread
import asyncio
import os
import signal
import threading
import time
from pathlib import Path

import pytest
from tests.support.sync_tree import ODD_NAMES, odd_tree, same_tree

from taurus_datamover import Datamover, Job
from taurus_datamover.emulator.dt.jobs import JobStore
from taurus_datamover.emulator.site import EmulatedSite
from taurus_datamover.errors import SyncError
from taurus_datamover.sync import PartState, SyncRun, SyncState, list_runs
from taurus_datamover.sync.submit import wait_for_ids


def _part_names(run_dir: Path, index: int) -> list[bytes]:
    return [n for n in (run_dir / f"part-{index:03d}.files").read_bytes().split(b"\0") if n]


def test_every_odd_name_in_every_part_is_copied_exactly(site: EmulatedSite) -> None:
    src, dst = site.grp / "data", site.projects / "copy"
    odd_tree(src)
    run = Datamover(site.bin).sync(src, dst, jobs=4)
    result = run.result(timeout=120)
    run_dir = Path(run.manifest_path).parent
    for index in range(4):  # the premise: each part holds each odd name
        basenames = {os.path.basename(n) for n in _part_names(run_dir, index)}
        assert set(ODD_NAMES) <= basenames
    assert result.state is SyncState.COMPLETED and result.parts == 4 and result.parts_run == [0, 1, 2, 3]
    assert result.verification is not None and result.verification.ok and not result.verification.extra
    same_tree(src, dst)
    assert (dst / "empty dir" / "deeper").is_dir()
    assert [p.state for p in run.parts] == [PartState.COMPLETED] * 4
    assert all(p.job is not None and p.job.job_id is not None for p in run.parts)
    assert run.progress.bytes_done == run.progress.bytes_total == result.bytes and run.progress.fraction == 1.0
    assert not any(name.startswith("slurm-") for name in os.listdir(Path.cwd()))


def test_directories_arrive_with_their_modes_without_a_job_of_their_own(site: EmulatedSite) -> None:
    src, dst = site.grp / "data", site.projects / "copy"
    odd_tree(src)
    (src / "empty dir" / "deeper").chmod(0o705)
    (src / "g00").chmod(0o750)
    run = Datamover(site.bin).sync(src, dst, jobs=4)
    run.result(timeout=120)
    run_dir = Path(run.manifest_path).parent
    listed = [name for index in range(4) for name in _part_names(run_dir, index)]
    assert listed.count(b"empty dir/deeper") == 1 and b"g00" not in listed  # only empty ones are listed
    for name in ("g00", "empty dir", "empty dir/deeper"):
        assert os.stat(dst / name).st_mode == os.stat(src / name).st_mode, name
    # directory times are not asserted: parts write into the same directories at once, so a
    # directory's time is its last writer's (the README says so; verification skips them)


def test_manifest_records_parts_and_jobs(site: EmulatedSite, cache_home: Path) -> None:
    src = site.grp / "data"
    odd_tree(src, groups=2)
    run = Datamover(site.bin).sync(src, site.projects / "copy", jobs=2, verify=None)
    run.result(timeout=120)
    assert Path(run.manifest_path).is_relative_to(cache_home)
    (manifest,) = list_runs()
    assert manifest.run_id == run.run_id and manifest.state is SyncState.COMPLETED
    assert [p.attempts for p in manifest.parts] == [1, 1]
    assert all(len(p.job_ids) == 1 for p in manifest.parts)
    assert manifest.files == 9 and manifest.directories == 10


def test_a_file_changed_at_the_destination_is_named(site: EmulatedSite) -> None:
    src, dst = site.grp / "data", site.projects / "copy"
    odd_tree(src, groups=1)
    run = Datamover(site.bin).sync(src, dst, jobs=2)
    run.result(timeout=120)
    with open(os.fsencode(dst) + b"/g10/new\nline", "ab") as handle:
        handle.write(b"more")
    (dst / "only here").write_bytes(b"x")
    found = run.verify()
    assert found.differ == ["g10/new\nline"] and found.missing == [] and found.extra == ["only here"]
    assert not found.ok
    # same size and same time, other bytes: only the checksum sees it
    target = os.fsencode(dst) + b"/g20/bad\xff"
    before = os.stat(target)
    with open(target, "r+b") as handle:
        handle.write(b"X")
    os.utime(target, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert run.verify("size-mtime").differ == ["g10/new\nline"]
    assert run.verify("checksum").differ == ["g10/new\nline", "g20/bad\udcff"]


def test_result_raises_when_the_destination_does_not_match(site: EmulatedSite) -> None:
    src, dst = site.grp / "data", site.projects / "copy"
    src.mkdir()
    (src / "a").write_bytes(b"source!")
    dst.mkdir()
    (dst / "a").write_bytes(b"other!!")  # same size, same time: rsync's quick check skips it
    stat = os.stat(src / "a")
    os.utime(dst / "a", ns=(stat.st_atime_ns, stat.st_mtime_ns))
    run = Datamover(site.bin).sync(src, dst, jobs=1, verify="checksum")
    with pytest.raises(SyncError) as caught:
        run.result(timeout=120)
    assert caught.value.differ == ("a",) and caught.value.run_id == run.run_id
    assert run.state is SyncState.FAILED
    resumed = Datamover(site.bin).resume(run.run_id)  # rerun with --checksum: repaired
    assert resumed.result(timeout=120).verification is not None
    assert (dst / "a").read_bytes() == b"source!"


@pytest.mark.parametrize(
    ("make", "kwargs", "message"),
    [
        (lambda s: (s.grp / "missing", s.projects / "c"), {}, "does not exist"),
        (lambda s: (s.grp / "data", s.grp / "data" / "copy"), {}, "inside the source"),
        (lambda s: (s.grp / "data", s.projects / "c"), {"jobs": 0}, "at least 1"),
        (lambda s: (s.grp / "data", s.projects / "c"), {"verify": "md5"}, "verify must be"),
        (lambda s: (s.grp / "data" / "f", s.projects / "c"), {}, "not a directory"),
    ],
)
def test_bad_requests_are_refused_before_any_job(site: EmulatedSite, cache_home: Path, make, kwargs, message) -> None:  # type: ignore[no-untyped-def]
    (site.grp / "data").mkdir()
    (site.grp / "data" / "f").write_bytes(b"1")
    src, dst = make(site)
    with pytest.raises(SyncError, match=message):
        Datamover(site.bin).sync(src, dst, **kwargs)
    assert JobStore(site.root).all() == []
    assert not (cache_home / "taurus-datamover" / "sync").exists()
    assert not (site.projects / "c").exists()


def test_dry_run_submits_nothing_and_can_be_started_later(site: EmulatedSite) -> None:
    src, dst = site.grp / "data", site.projects / "copy"
    odd_tree(src, groups=1)
    dm = Datamover(site.bin)
    plan = dm.sync(src, dst, jobs=3, dry_run=True)
    assert plan.state is SyncState.PLANNED and plan.done()
    assert [p.state for p in plan.parts] == [PartState.PLANNED] * 3 and all(p.job is None for p in plan.parts)
    assert not dst.exists()
    assert sum(p.files for p in plan.parts) == 5
    run = dm.resume(plan.run_id)
    assert run.result(timeout=120).parts_run == [0, 1, 2]
    same_tree(src, dst)


def test_a_settled_run_settles_again_and_tells_each_callback_once(site: EmulatedSite) -> None:
    src = site.grp / "data"
    odd_tree(src, groups=1)
    plan = Datamover(site.bin).sync(src, site.projects / "copy", jobs=2, dry_run=True)
    told: list[str] = []
    plan.add_done_callback(lambda: told.append("settled"))
    assert told == ["settled"]  # at once: the dry run has settled
    plan.settle(SyncState.COMPLETED)  # a second settle records its state and raises nothing
    assert plan.state is SyncState.COMPLETED and told == ["settled"]


def test_a_part_killed_half_way_then_resume_reruns_only_that_part(site: EmulatedSite) -> None:
    src, dst = site.grp / "data", site.projects / "copy"
    for d in range(3):
        (src / f"d{d}").mkdir(parents=True)
        for i in range(6):
            (src / f"d{d}" / f"f{i}").write_bytes(b"%d" % i * 1000)
    # call 1 makes the destination; the first part to start after it is killed after 2 files
    site.set_faults([{"tool": "dtrsync", "action": "kill", "after_calls": 1, "times": 1, "after_files": 2}])
    dm = Datamover(site.bin)
    run = dm.sync(src, dst, jobs=3)
    with pytest.raises(SyncError, match="did not complete") as caught:
        run.result(timeout=120)
    (killed,) = caught.value.failed_parts
    assert run.state is SyncState.FAILED and run.parts[killed].state is PartState.FAILED
    assert [log["stopped_after"] for log in site.fault_log()] == [2]
    copied = sum(len(files) for _, _, files in os.walk(dst))
    assert 12 + 2 == copied  # two parts whole, the killed one half way
    resumed = dm.resume(run.run_id)
    result = resumed.result(timeout=120)
    assert result.parts_run == [killed]
    assert result.verification is not None and result.verification.ok
    assert [p.attempts for p in resumed.manifest.parts] == [2 if i == killed else 1 for i in range(3)]
    assert [p.attempts for p in resumed.parts] == [2 if i == killed else 1 for i in range(3)]
    assert len(resumed.manifest.parts[killed].job_ids) == 2
    same_tree(src, dst)
    assert dm.resume(run.run_id).result(timeout=60).parts_run == []  # nothing left to do


def _slow_run(site: EmulatedSite, parts: int) -> tuple[EmulatedSite, SyncRun]:
    """A run of ``parts`` parts of one 2 MB file each, at 100 KB/s: long enough to stop."""
    slow = EmulatedSite(site.root, bandwidth="100KB/s")
    src = slow.grp / "data"
    src.mkdir()
    for i in range(parts):
        (src / f"f{i}").write_bytes(os.urandom(2_000_000))
    return slow, Datamover(slow.bin).sync(src, slow.projects / "copy", jobs=parts)


def test_cancel_stops_every_part(site: EmulatedSite) -> None:
    slow, run = _slow_run(site, 4)
    seen = [run.progress]
    while seen[-1].bytes_done == 0 and seen[-1].elapsed < 60:  # rsync's progress2, read from the job's output
        time.sleep(0.2)
        seen.append(run.progress)
    assert 0 < seen[-1].bytes_done < seen[-1].bytes_total == 8_000_000
    assert seen[-1].fraction == seen[-1].bytes_done / 8_000_000
    assert seen[-1].parts_running + seen[-1].parts_pending == 4 and seen[-1].rate > 0
    with pytest.raises(SyncError, match="still"):  # a second process must not run the same parts
        Datamover(slow.bin).resume(run.run_id)
    assert run.cancel() is True
    with pytest.raises(SyncError, match="cancelled"):
        run.result(timeout=60)
    assert run.state is SyncState.CANCELLED
    assert {p.state for p in run.parts} == {PartState.CANCELLED}
    assert [r for r in JobStore(slow.root).all() if r.active] == []
    EmulatedSite(site.root, bandwidth="unlimited")


def test_ctrl_c_while_the_parts_are_submitted_cancels_them(site: EmulatedSite, monkeypatch: pytest.MonkeyPatch) -> None:
    """A Ctrl-C after the parts were submitted but before sync() has returned the run (so no
    caller could cancel it) cancels every part: no job is left running."""
    interrupted: list[bool] = []

    def then_ctrl_c(jobs: list[Job], timeout: float) -> None:
        wait_for_ids(jobs, timeout)  # the first wait is for the ids of the submitted parts
        if not interrupted:
            interrupted.append(True)
            raise KeyboardInterrupt

    monkeypatch.setattr("taurus_datamover.sync.run.wait_for_ids", then_ctrl_c)
    with pytest.raises(KeyboardInterrupt):
        _slow_run(site, 4)
    slow = EmulatedSite(site.root, bandwidth="unlimited")
    records = JobStore(slow.root).all()
    assert len(records) >= 4 and [r for r in records if r.active] == []


def test_await_a_run(site: EmulatedSite) -> None:
    src = site.grp / "data"
    odd_tree(src, groups=1)
    run = Datamover(site.bin).sync(src, site.projects / "copy", jobs=2)

    async def main() -> int:
        result = await run
        return result.files

    assert asyncio.run(main()) == 5


def test_a_destination_whose_parent_is_missing_fails_before_any_part(site: EmulatedSite) -> None:
    src = site.grp / "data"
    odd_tree(src, groups=1)
    dst = site.projects / "no" / "such" / "parent"
    dm = Datamover(site.bin)
    with pytest.raises(SyncError, match=r"creating .* failed") as caught:
        dm.sync(src, dst, jobs=2)
    run_id = caught.value.run_id
    assert run_id is not None and JobStore(site.root).all() == []  # no part was submitted
    (manifest,) = list_runs()
    assert manifest.state is SyncState.FAILED and all(p.attempts == 0 for p in manifest.parts)
    dst.parent.mkdir(parents=True)
    assert dm.resume(run_id).result(timeout=120).parts_run == [0, 1]
    same_tree(src, dst)


def test_ctrl_c_in_result_cancels_every_part(site: EmulatedSite) -> None:
    slow, run = _slow_run(site, 3)
    # a shell's `cmd &` starts pytest with SIGINT ignored, and interrupt_main then does nothing
    handler = signal.signal(signal.SIGINT, signal.default_int_handler)
    timer = threading.Timer(0.5, _thread.interrupt_main)
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            run.result(timeout=60)
    finally:
        timer.cancel()
        if handler is not None:
            signal.signal(signal.SIGINT, handler)
    assert run.state is SyncState.CANCELLED
    assert [r for r in JobStore(slow.root).all() if r.active] == []
    EmulatedSite(site.root, bandwidth="unlimited")

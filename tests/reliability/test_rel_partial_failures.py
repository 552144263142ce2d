"""Transfers and workspace runs that fail half way (issue 7): nothing may be lost.

The faults come from the emulator's fault hook (:mod:`taurus_datamover.emulator.faults`,
set per site with ``site.set_faults``): an emulated ``dtmv``/``dtcp`` that runs the real
``mv``/``cp`` for the first N sources and then fails, dies by SIGKILL, or runs out of space
(a truncated destination, ``cp: error writing '...': No space left on device``); a
``ws_extend`` that hangs. After every fault each test accounts for every source byte: it
must be at its source or in a complete, identical destination. The figures printed are
faults injected, files and bytes checked, and bytes lost (always 0).
"""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from tests.support.reliability import needs_slurm, wait_no_slurm_jobs

from taurus_datamover import Datamover, Workspace
from taurus_datamover.emulator.config import load_site_config
from taurus_datamover.emulator.site import EmulatedSite
from taurus_datamover.emulator.ws.db import Database
from taurus_datamover.errors import CommandTimeout, DatamoverError, SaveError
from taurus_datamover.models.jobs import JobState

#: Three sources of different kinds: a small file, a 1 MiB file, a directory tree.
SOURCE_NAMES = ("a-small.txt", "b big.bin", "c-dir")


# ----------------------------------------------------------------------- accounting
def _tree(path: Path) -> dict[str, str]:
    """Relative path -> sha256 of every file under ``path`` (a file: the one entry "")."""
    if path.is_file():
        return {"": hashlib.sha256(path.read_bytes()).hexdigest()}
    found: dict[str, str] = {}
    for top, _dirs, files in os.walk(path):
        for name in files:
            full = Path(top, name)
            found[str(full.relative_to(path))] = hashlib.sha256(full.read_bytes()).hexdigest()
    return found


def _size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(Path(top, n).stat().st_size for top, _d, files in os.walk(path) for n in files)


def make_sources(directory: Path) -> dict[str, tuple[dict[str, str], int]]:
    """Create the three sources in ``directory``; name -> (content hashes, bytes)."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / SOURCE_NAMES[0]).write_bytes(b"small\n")
    (directory / SOURCE_NAMES[1]).write_bytes(os.urandom(1 << 20))
    tree = directory / SOURCE_NAMES[2]
    (tree / "sub").mkdir(parents=True)
    (tree / "one").write_bytes(os.urandom(5000))
    (tree / "sub" / "two").write_bytes(os.urandom(70000))
    (tree / "sub" / "empty").write_bytes(b"")
    return {name: (_tree(directory / name), _size(directory / name)) for name in SOURCE_NAMES}


@dataclass
class Accounting:
    """Where every source ended up after a fault."""

    files_checked: int = 0
    bytes_checked: int = 0
    bytes_lost: int = 0
    at_source: tuple[str, ...] = ()
    at_destination: tuple[str, ...] = ()
    lost: tuple[str, ...] = ()


def account(originals: dict[str, tuple[dict[str, str], int]], src: Path, dst: Path) -> Accounting:
    """Check every original source: intact at ``src`` or complete and identical in ``dst``."""
    result = Accounting()
    at_source: list[str] = []
    at_destination: list[str] = []
    lost: list[str] = []
    for name, (hashes, size) in originals.items():
        result.files_checked += len(hashes)
        result.bytes_checked += size
        here, there = src / name, dst / name
        if here.exists() and _tree(here) == hashes:
            at_source.append(name)
        elif there.exists() and _tree(there) == hashes:
            at_destination.append(name)
        else:
            lost.append(name)
            result.bytes_lost += size
    result.at_source, result.at_destination, result.lost = tuple(at_source), tuple(at_destination), tuple(lost)
    return result


@pytest.fixture
def places(local_site: EmulatedSite) -> tuple[Path, Path]:
    """A source directory on the fileserver (grp) and an empty destination (projects)."""
    src, dst = local_site.grp / "g_src", local_site.projects / "p_dst"
    dst.mkdir(parents=True)
    return src, dst


def _sources(src: Path) -> list[Path]:
    return [src / name for name in SOURCE_NAMES]


# ------------------------------------------------------------------------- dtmv
@pytest.mark.parametrize("after_files", [0, 1, 2, 3])
@pytest.mark.parametrize("action", ["fail", "kill"])
def test_dtmv_half_way_never_loses_a_source(
    local_site: EmulatedSite, places: tuple[Path, Path], action: str, after_files: int, figures: Any
) -> None:
    """``dtmv a b c DST`` stops after N sources: those N are at DST, the rest untouched at
    the source, none in both or neither; the DatamoverError says where it stopped."""
    src, dst = places
    originals = make_sources(src)
    local_site.set_faults([{"tool": "dtmv", "action": action, "after_files": after_files}])
    job = Datamover(local_site.bin).mv(*_sources(src), dst=dst)
    with pytest.raises(DatamoverError) as caught:
        job.result(timeout=60)
    error = caught.value
    assert job.state is JobState.FAILED
    if action == "kill":
        assert job.exit_signal == signal.SIGKILL and "killed by signal 9" in error.message
    else:
        assert error.returncode == 1 and "exit code 1" in error.message
    said = f"mv: emulated fault '{action}' (dtmv, after_files={after_files}): stopped after {after_files} of 3 sources"
    assert said in error.stderr and said in str(error)  # in the error's stderr tail
    booked = account(originals, src, dst)
    assert booked.lost == () and booked.bytes_lost == 0
    assert booked.at_destination == SOURCE_NAMES[:after_files]
    assert booked.at_source == SOURCE_NAMES[after_files:]
    for name in SOURCE_NAMES:  # moved means moved: never in both places
        assert (src / name).exists() != (dst / name).exists()
    log = local_site.fault_log()
    assert [(e["tool"], e["action"], e["stopped_after"]) for e in log] == [("dtmv", action, after_files)]
    figures(
        faults_injected=len(log),
        files_checked=booked.files_checked,
        bytes_checked=booked.bytes_checked,
        bytes_lost=booked.bytes_lost,
    )


@pytest.mark.parametrize("action", ["fail", "kill"])
def test_dtmv_half_way_as_batch_job(
    local_site: EmulatedSite, places: tuple[Path, Path], work: Path, action: str, figures: Any
) -> None:
    """The same fault in a batch job of the local queue: the job FAILED, nothing lost, and
    the job's output file (``slurm-N.out``) holds the tool's message."""
    src, dst = places
    originals = make_sources(src)
    local_site.set_faults([{"tool": "dtmv", "action": action, "after_files": 2}])
    job = Datamover(local_site.bin, blocking=False).mv(*_sources(src), dst=dst)
    with pytest.raises(DatamoverError) as caught:
        job.result(timeout=120)
    assert job.is_batch and job.state is JobState.FAILED
    assert f"Slurm job {job.job_id}" in caught.value.message
    output = (work / f"slurm-{job.job_id}.out").read_text()
    assert "stopped after 2 of 3 sources" in output
    booked = account(originals, src, dst)
    assert booked.bytes_lost == 0 and booked.at_destination == SOURCE_NAMES[:2]
    figures(
        faults_injected=len(local_site.fault_log()),
        files_checked=booked.files_checked,
        bytes_checked=booked.bytes_checked,
        bytes_lost=booked.bytes_lost,
    )


def _other_device_dir(reference: Path) -> Path | None:
    """A writable directory on another file system than ``reference`` (for a real
    copy-and-unlink ``mv``), or None."""
    for candidate in (Path("/dev/shm"), Path("/run/user") / str(os.getuid())):
        try:
            if (
                candidate.is_dir()
                and os.access(candidate, os.W_OK)
                and candidate.stat().st_dev != reference.stat().st_dev
            ):
                return candidate
        except OSError:
            continue
    return None


def test_dtmv_half_way_across_file_systems(local_site: EmulatedSite, places: tuple[Path, Path], figures: Any) -> None:
    """``mv`` to another file system copies and unlinks; stopped after 2 sources (then
    SIGKILL), the moved two are complete there and gone here, the third is untouched."""
    src, _dst = places
    other = _other_device_dir(src.parent)
    if other is None:
        pytest.skip("no writable directory on another file system (/dev/shm)")
    dst = Path(os.path.realpath(other)) / f"taurus-rel-{os.getpid()}-{time.monotonic_ns()}"
    dst.mkdir()
    try:
        originals = make_sources(src)
        local_site.set_faults([{"tool": "dtmv", "action": "kill", "after_files": 2}])
        with pytest.raises(DatamoverError, match="killed by signal 9"):
            Datamover(local_site.bin).mv(*_sources(src), dst=dst).result(timeout=60)
        booked = account(originals, src, dst)
        assert booked.bytes_lost == 0 and booked.at_destination == SOURCE_NAMES[:2]
        assert not (dst / SOURCE_NAMES[2]).exists()
        figures(
            faults_injected=len(local_site.fault_log()),
            files_checked=booked.files_checked,
            bytes_checked=booked.bytes_checked,
            bytes_lost=booked.bytes_lost,
        )
    finally:
        subprocess.run(["rm", "-rf", "--", str(dst)], check=False)


def test_dtcp_hang_then_timeout_touches_nothing(
    local_site: EmulatedSite, places: tuple[Path, Path], figures: Any
) -> None:
    """A ``dtcp`` that hangs before copying (fault without after_files), stopped by
    ``timeout=``: CommandTimeout, the sources intact, nothing at the destination."""
    src, dst = places
    originals = make_sources(src)
    local_site.set_faults([{"tool": "dtcp", "action": "hang", "hang_seconds": 60}])
    job = Datamover(local_site.bin).cp(*_sources(src), dst=dst, recursive=True, timeout=2.0)
    with pytest.raises(CommandTimeout):
        job.result(timeout=60)
    assert job.state is JobState.TIMEOUT
    booked = account(originals, src, dst)
    assert booked.bytes_lost == 0 and booked.at_source == SOURCE_NAMES and list(dst.iterdir()) == []
    figures(
        faults_injected=len(local_site.fault_log()), files_checked=booked.files_checked, bytes_lost=booked.bytes_lost
    )


# ------------------------------------------------------------------------ ENOSPC
@pytest.mark.parametrize("tool", ["dtcp", "dtmv"])
@pytest.mark.parametrize("after_files", [0, 1])
def test_no_space_left_truncated_destination_source_intact(
    local_site: EmulatedSite, places: tuple[Path, Path], tool: str, after_files: int, figures: Any
) -> None:
    """Out of space on source N+1: its destination is truncated, the tool says
    ``error writing '...': No space left on device``, and the source is intact."""
    src, dst = places
    originals = make_sources(src)
    sources = [src / SOURCE_NAMES[1], src / SOURCE_NAMES[0]]  # the big file first
    local_site.set_faults([{"tool": tool, "action": "enospc", "after_files": after_files}])
    dm = Datamover(local_site.bin)
    job = dm.cp(*sources, dst=dst) if tool == "dtcp" else dm.mv(*sources, dst=dst)
    with pytest.raises(DatamoverError) as caught:
        job.result(timeout=60)
    failing = sources[after_files]
    command = "cp" if tool == "dtcp" else "mv"
    line = f"{command}: error writing '{dst / failing.name}': No space left on device"
    assert line in caught.value.stderr and caught.value.returncode == 1
    assert failing.exists() and _tree(failing) == originals[failing.name][0]  # intact
    truncated = dst / failing.name
    assert truncated.stat().st_size == failing.stat().st_size // 2
    booked = account(originals, src, dst)
    assert booked.bytes_lost == 0
    for done in sources[:after_files]:  # copied (or moved) completely before the fault
        assert _tree(dst / done.name) == originals[done.name][0]
    figures(
        faults_injected=len(local_site.fault_log()),
        files_checked=booked.files_checked,
        bytes_checked=booked.bytes_checked,
        truncated_bytes=truncated.stat().st_size,
        bytes_lost=booked.bytes_lost,
    )


# -------------------------------------------------------------------------- save
def _writer(kind: str, payload: bytes) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        if kind == "file":
            path.write_bytes(payload)
        else:
            (path / "inner").mkdir(parents=True)
            (path / "inner" / "part.bin").write_bytes(payload)
            (path / "top.txt").write_bytes(payload[:100])

    return write


@pytest.mark.parametrize(("kind", "action"), [("file", "enospc"), ("file", "kill"), ("dir", "enospc"), ("dir", "fail")])
def test_save_keeps_its_cached_data(local_site: EmulatedSite, kind: str, action: str, figures: Any) -> None:
    """``dm.save`` whose copy fails: SaveError with ``data_path`` holding the complete data,
    the cache workspace not released, the tool's message in the error."""
    payload = os.urandom(300_000)
    target = local_site.projects / "p_out" / "result.bin"
    target.parent.mkdir(parents=True)
    local_site.set_faults([{"tool": "dtcp", "action": action, "after_files": 0}])
    dm = Datamover(local_site.bin)
    with pytest.raises(SaveError) as caught:
        dm.save(_writer(kind, payload), target)
    error = caught.value
    kept = Path(error.data_path)
    if kind == "file":
        assert kept.read_bytes() == payload
    else:
        assert (kept / "inner" / "part.bin").read_bytes() == payload
        assert (kept / "top.txt").read_bytes() == payload[:100]
    if action == "enospc":
        assert "No space left on device" in error.stderr
    assert "emulated fault" in error.stderr and error.data_path in error.message
    listed = [w.name for w in Workspace(local_site.bin, now=local_site.now).list()]
    assert error.workspace_name is not None and error.workspace_name in listed  # not released
    figures(
        faults_injected=len(local_site.fault_log()),
        data_kept_bytes=len(payload),
        bytes_lost=0,
        cache_workspace_released=False,
    )


def test_batch_failure_error_says_what_happened(local_site: EmulatedSite, places: tuple[Path, Path]) -> None:
    """What the failed batch job printed should reach the DatamoverError."""
    src, dst = places
    make_sources(src)
    local_site.set_faults([{"tool": "dtmv", "action": "fail", "after_files": 1}])
    job = Datamover(local_site.bin, blocking=False).mv(*_sources(src), dst=dst)
    with pytest.raises(DatamoverError) as caught:
        job.result(timeout=120)
    assert "stopped after 1 of 3 sources" in str(caught.value)


# ------------------------------------------------------------------------- Slurm
@needs_slurm
@pytest.mark.slurm
def test_partial_failures_on_real_slurm(slurm_site: EmulatedSite, work: Path, figures: Any) -> None:
    """Through the real Slurm: dtmv failing (srun) and SIGKILLed (sbatch) half way, dtcp out
    of space, and ``save``: nothing lost, the errors say what happened, no job left."""
    site = slurm_site
    src, dst = site.grp / "g_src", site.projects / "p_dst"
    dst.mkdir(parents=True)
    originals = make_sources(src)
    checked = 0

    site.set_faults([{"tool": "dtmv", "action": "fail", "after_files": 1}])
    with pytest.raises(DatamoverError) as caught:
        Datamover(site.bin).mv(*_sources(src), dst=dst).result(timeout=120)
    assert "stopped after 1 of 3 sources" in caught.value.stderr
    booked = account(originals, src, dst)
    assert booked.bytes_lost == 0 and booked.at_destination == SOURCE_NAMES[:1]
    checked += booked.files_checked

    site.set_faults([{"tool": "dtmv", "action": "kill", "after_files": 1}])
    job = Datamover(site.bin, blocking=False).mv(*_sources(src)[1:], dst=dst)
    with pytest.raises(DatamoverError):
        job.result(timeout=180)
    assert job.is_batch and job.state is JobState.FAILED
    assert "stopped after 1 of 2 sources" in (work / f"slurm-{job.job_id}.out").read_text()
    booked = account(originals, src, dst)
    assert booked.bytes_lost == 0 and booked.at_destination == SOURCE_NAMES[:2]
    checked += booked.files_checked

    site.set_faults([{"tool": "dtcp", "action": "enospc", "after_files": 0}])
    copy_dst = site.projects / "p_copy"
    copy_dst.mkdir()
    with pytest.raises(DatamoverError) as caught:
        Datamover(site.bin).cp(dst / SOURCE_NAMES[1], dst=copy_dst).result(timeout=120)
    assert f"error writing '{copy_dst / SOURCE_NAMES[1]}': No space left on device" in caught.value.stderr
    booked = account(originals, src, dst)
    assert booked.bytes_lost == 0
    checked += booked.files_checked

    payload = os.urandom(200_000)
    with pytest.raises(SaveError) as saved:
        Datamover(site.bin).save(lambda p: p.write_bytes(payload), site.projects / "p_copy" / "saved.bin")
    assert Path(saved.value.data_path).read_bytes() == payload
    assert "No space left on device" in saved.value.stderr

    left, _ = wait_no_slurm_jobs(work)
    assert left == []
    figures(faults_injected=len(site.fault_log()), files_checked=checked, bytes_lost=0, orphan_jobs=len(left))


# ------------------------------------------------------------- ws auto-extend
_DUE = {"a": 20, "b": 21, "c": 22, "d": 23}  # days allocated; after 18 days 2..5 d are left
_LATER = {"e": 60}


def _entries(site: EmulatedSite) -> dict[str, dict[str, Any]]:
    """Every active workspace's raw DB entry (the emulator's own files), by name."""
    cfg = load_site_config(site.root)
    found: dict[str, dict[str, Any]] = {}
    for fs in cfg.filesystems.values():
        db = Database(fs.database, fs.deleted)
        for ws_id in db.ids():
            found[ws_id.split("-", 1)[1]] = asdict(db.read(ws_id))
    return found


def _extended_or_untouched(
    before: dict[str, dict[str, Any]], after: dict[str, dict[str, Any]], now: float, days: int
) -> tuple[list[str], list[str]]:
    """Split the workspaces into (extended, untouched); fail on any other change."""
    extended: list[str] = []
    untouched: list[str] = []
    assert set(after) == set(before)
    for name, old in before.items():
        new = after[name]
        if new == old:
            untouched.append(name)
            continue
        rest_old = {k: v for k, v in old.items() if k not in ("expiration", "extensions")}
        rest_new = {k: v for k, v in new.items() if k not in ("expiration", "extensions")}
        assert rest_new == rest_old, f"{name}: half-changed {old} -> {new}"
        assert new["extensions"] == old["extensions"] - 1, f"{name}: {old} -> {new}"
        assert new["expiration"] == int(now) + days * 86400, f"{name}: {old} -> {new}"
        extended.append(name)
    return sorted(extended), sorted(untouched)


def _auto_extend(site: EmulatedSite, work: Path) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if k != "TAURUS_EMULATOR_FAULT"}
    exe = os.path.join(os.path.dirname(sys.executable), "taurus-datamover")
    argv = [exe] if os.path.exists(exe) else [sys.executable, "-m", "taurus_datamover"]
    return subprocess.Popen(
        [*argv, "--site-root", str(site.root), "ws", "auto-extend", "--within", "7d", "--days", "30"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=work,
        env=env,
    )


@pytest.fixture
def due_site(tmp_path: Path, work: Path) -> Iterator[EmulatedSite]:
    """Five workspaces, four of them expiring within 2-5 days; hung tools killed afterwards."""
    with EmulatedSite(tmp_path / "ws-site", slurm=False) as site:
        ws = Workspace(site.bin, now=site.now)
        for name, days in {**_DUE, **_LATER}.items():
            ws.allocate(name, days)
        site.advance(timedelta(days=18))
        yield site
        for entry in site.fault_log():  # our own hung tools (see the xfail test below)
            try:
                os.kill(int(entry["pid"]), signal.SIGKILL)
            except ProcessLookupError:
                pass


def _interrupt_at_hang(site: EmulatedSite, work: Path) -> tuple[subprocess.CompletedProcess[str], int]:
    """Run auto-extend until the 2nd ws_extend hangs, SIGINT it; (result, hung pid)."""
    proc = _auto_extend(site, work)
    deadline = time.monotonic() + 120
    while not site.fault_log():
        assert proc.poll() is None, f"auto-extend ended before the fault: {proc.communicate()}"
        assert time.monotonic() < deadline, "the fault never struck"
        time.sleep(0.05)
    time.sleep(0.3)  # the tool is in its sleep now
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err), int(site.fault_log()[0]["pid"])


@pytest.mark.parametrize("when", ["before", "after"])
def test_ws_auto_extend_interrupted_half_way(due_site: EmulatedSite, work: Path, when: str, figures: Any) -> None:
    """SIGINT while the 2nd ws_extend hangs (before it changed anything / after it
    extended): exit 130, every workspace extended or untouched; a rerun without the fault
    extends the rest (exit 0); a third run changes nothing."""
    site = due_site
    before = _entries(site)
    site.set_faults([{"tool": "ws_extend", "action": "hang", "after_calls": 1, "when": when, "hang_seconds": 120}])
    first, _hung = _interrupt_at_hang(site, work)
    assert first.returncode == 130, first.stderr
    assert "interrupted" in first.stderr
    now = site.now().timestamp()
    extended, untouched = _extended_or_untouched(before, _entries(site), now, 30)
    expect = ["a"] if when == "before" else ["a", "b"]
    assert extended == expect
    assert untouched == sorted(set(before) - set(expect))

    site.set_faults(None)
    after_first = _entries(site)
    second = _auto_extend(site, work)
    out, err = second.communicate(timeout=180)
    assert second.returncode == 0, err
    extended2, untouched2 = _extended_or_untouched(after_first, _entries(site), now, 30)
    assert extended2 == sorted(set(_DUE) - set(expect))  # the rest of the due ones, once
    assert sorted(set(extended) | set(extended2)) == sorted(_DUE) and "e" in untouched2
    assert sorted(line.split()[1] for line in out.splitlines()) == extended2

    settled = _entries(site)
    third = _auto_extend(site, work)
    out3, err3 = third.communicate(timeout=180)
    assert third.returncode == 0, err3
    assert _entries(site) == settled and out3 == "" and "none expires within" in err3
    figures(
        faults_injected=len(site.fault_log()),
        workspaces=len(before),
        extended_before_interrupt=len(extended),
        half_changed=0,
        extended_by_rerun=len(extended2),
        changed_by_third_run=0,
    )


def test_interrupted_auto_extend_leaves_no_tool_running(due_site: EmulatedSite, work: Path) -> None:
    """After exit 130 the hung ws_extend should be gone within a few seconds."""
    due_site.set_faults([{"tool": "ws_extend", "action": "hang", "after_calls": 1, "hang_seconds": 120}])
    done, hung = _interrupt_at_hang(due_site, work)
    assert done.returncode == 130
    deadline = time.monotonic() + 10
    while os.path.exists(f"/proc/{hung}") and time.monotonic() < deadline:
        stat = Path(f"/proc/{hung}/stat").read_text().rpartition(")")[2].split()
        if stat[0] == "Z":
            break
        time.sleep(0.1)
    else:
        assert not os.path.exists(f"/proc/{hung}"), f"ws_extend (pid {hung}) still runs after exit 130"

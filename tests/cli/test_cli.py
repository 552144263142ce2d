"""The installed ``taurus-datamover`` command, run as a subprocess against emulated sites.

Every test passes ``--site-root`` (or a private ``XDG_CACHE_HOME`` for ``--emulate``), so
nothing touches the user's own default site. ``--json`` output is checked against the
models' JSON schema (``jsonschema``, when installed) and by re-validating it with pydantic.
"""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from tests.support.cli import SLURM_TOOLS, clean_env, cli, command, validated, wait_for_state

from taurus_datamover.cli.auto_extend import AutoExtendReport
from taurus_datamover.cli.transfers import JobReport
from taurus_datamover.emulator.dt.mode import detect_slurm
from taurus_datamover.emulator.site import EmulatedSite
from taurus_datamover.models import (
    FileEntry,
    FilesystemInfo,
    JobState,
    ReleasedWorkspace,
    WorkspaceInfo,
)


@pytest.fixture
def site(tmp_path: Path) -> Iterator[EmulatedSite]:
    with EmulatedSite(tmp_path / "site", slurm=False) as emulated:
        yield emulated


# -- help, version, usage ------------------------------------------------------------


def test_help_documents_exit_codes(tmp_path: Path) -> None:
    done = cli(tmp_path, "--help")
    assert done.returncode == 0
    for text in ("exit codes", "130", "auto-extend", "P3D", "usage error"):
        assert text in done.stdout


def test_version_and_module_entry(tmp_path: Path) -> None:
    from taurus_datamover import __version__

    done = cli(tmp_path, "--version")
    assert done.returncode == 0 and __version__ in done.stdout
    module = subprocess.run(
        [sys.executable, "-m", "taurus_datamover", "--version"], capture_output=True, text=True, timeout=60, check=False
    )
    assert module.returncode == 0 and __version__ in module.stdout


@pytest.mark.parametrize("bad", ["3x", "P1Y", "0d", "-3d", "0", "7.5"])
def test_bad_duration_is_a_usage_error_naming_the_forms(tmp_path: Path, site: EmulatedSite, bad: str) -> None:
    done = cli(tmp_path, "ws", "list", f"--expiring={bad}", site=site)
    assert done.returncode == 2
    assert "P3D" in done.stderr and "12h" in done.stderr
    assert done.stdout == ""


def test_global_options_after_the_subcommand(tmp_path: Path, site: EmulatedSite) -> None:
    done = subprocess.run(
        [*command(), "ws", "filesystems", "--json", "--site-root", str(site.root)],
        env=clean_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    names = [fs.name for fs in validated(done.stdout, FilesystemInfo, many=True)]
    assert names == ["horse", "walrus"]


# -- ls and transfers ----------------------------------------------------------------


def _tree(site: EmulatedSite) -> Path:
    src = site.grp / "g" / "raw"
    src.mkdir(parents=True)
    for name, body in {"a.csv": "1,2\n", "b.csv": "3,4,5\n", "-dash": "x", "with space": "yy", ".hidden": ""}.items():
        (src / name).write_text(body)
    return src


def test_ls_table_and_json(tmp_path: Path, site: EmulatedSite) -> None:
    src = _tree(site)
    table = cli(tmp_path, "ls", str(src), site=site)
    assert table.returncode == 0, table.stderr
    assert table.stdout.splitlines()[0].split() == ["MODE", "OWNER", "GROUP", "SIZE", "MODIFIED", "NAME"]
    assert "with space" in table.stdout and ".hidden" not in table.stdout

    done = cli(tmp_path, "ls", "-a", "--json", str(src), site=site)
    assert done.returncode == 0, done.stderr
    entries = validated(done.stdout, FileEntry, many=True)
    by_name = {e.name: e for e in entries}
    assert {"a.csv", "b.csv", "-dash", "with space", ".hidden"} <= set(by_name)
    assert by_name["b.csv"].size == 6 and by_name["-dash"].size == 1


def test_cp_waits_prints_status_lines_and_copies(tmp_path: Path, site: EmulatedSite) -> None:
    src = _tree(site)
    dst = site.projects / "copy"
    done = cli(tmp_path, "cp", "-r", str(src), str(dst), site=site)
    assert done.returncode == 0, done.stderr
    assert (dst / "b.csv").read_text() == "3,4,5\n"
    # stderr is a pipe: plain status lines, no carriage returns, the final state last
    assert "\r" not in done.stderr
    assert done.stderr.strip().splitlines()[-1].split()[:3] == ["dtcp", "local", "COMPLETED"]
    assert done.stdout == ""


def test_cp_json_is_only_json(tmp_path: Path, site: EmulatedSite) -> None:
    src = _tree(site)
    done = cli(tmp_path, "cp", "--json", str(src / "a.csv"), str(site.projects), site=site)
    assert done.returncode == 0, done.stderr
    report = validated(done.stdout, JobReport)
    assert report.state is JobState.COMPLETED and report.returncode == 0 and report.tool == "dtcp"
    assert done.stderr == ""
    assert (site.projects / "a.csv").read_text() == "1,2\n"


def test_mv_rm_and_tar(tmp_path: Path, site: EmulatedSite) -> None:
    src = _tree(site)
    assert cli(tmp_path, "-q", "mv", str(src / "a.csv"), str(site.projects / "moved.csv"), site=site).returncode == 0
    assert (site.projects / "moved.csv").exists() and not (src / "a.csv").exists()
    archive = site.projects / "raw.tgz"
    done = cli(tmp_path, "-q", "tar", "--", "-czf", str(archive), "-C", str(src.parent), "raw", site=site)
    assert done.returncode == 0, done.stderr
    assert archive.stat().st_size > 0
    assert cli(tmp_path, "-q", "rm", "-r", str(src), site=site).returncode == 0
    assert not src.exists()


def test_a_failing_copy_is_one_line_on_stderr_and_exit_1(tmp_path: Path, site: EmulatedSite) -> None:
    done = cli(tmp_path, "-q", "cp", str(site.grp / "missing"), str(site.projects), site=site)
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("taurus-datamover: error: ")
    assert "No such file" in lines[0] and "Traceback" not in done.stderr
    verbose = cli(tmp_path, "-v", "cp", str(site.grp / "missing"), str(site.projects), site=site)
    assert verbose.returncode == 1 and "Traceback" in verbose.stderr


def test_no_wait_jobs_and_cancel(tmp_path: Path, site: EmulatedSite) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)  # cp blocks reading it: the job stays RUNNING until cancelled
    done = cli(tmp_path, "cp", "--no-wait", str(fifo), str(site.projects / "out"), site=site)
    assert done.returncode == 0, done.stderr
    job_id = int(done.stdout.strip())
    running = wait_for_state(tmp_path, site, job_id, {JobState.RUNNING})
    assert running.partition == "datamover"
    table = cli(tmp_path, "jobs", site=site)
    assert table.returncode == 0 and str(job_id) in table.stdout and "RUNNING" in table.stdout

    cancelled = cli(tmp_path, "cancel", str(job_id), site=site)
    assert cancelled.returncode == 0, cancelled.stderr
    wait_for_state(tmp_path, site, job_id, {JobState.CANCELLED})
    assert cli(tmp_path, "cancel", "notanumber", site=site).returncode == 2


def test_no_wait_json_prints_the_submitted_job(tmp_path: Path, site: EmulatedSite) -> None:
    src = _tree(site)
    done = cli(tmp_path, "cp", "--no-wait", "--json", str(src / "a.csv"), str(site.projects), site=site)
    assert done.returncode == 0, done.stderr
    report = validated(done.stdout, JobReport)
    assert report.job_id is not None
    wait_for_state(tmp_path, site, report.job_id, {JobState.COMPLETED})
    assert (site.projects / "a.csv").exists()


_SLURM = detect_slurm()


@pytest.mark.slurm
@pytest.mark.skipif(not _SLURM, reason="no Slurm with a 'datamover' partition (ci/start-slurm.sh)")
def test_copy_through_real_slurm(tmp_path: Path) -> None:
    with EmulatedSite(tmp_path / "site", slurm=True) as site:
        src = _tree(site)
        done = cli(tmp_path, "cp", "--json", "-r", str(src), str(site.projects / "copy"), site=site)
        assert done.returncode == 0, done.stderr
        report = validated(done.stdout, JobReport)
        assert report.state is JobState.COMPLETED
        assert (site.projects / "copy" / "b.csv").read_text() == "3,4,5\n"

        submitted = cli(tmp_path, "cp", "--no-wait", str(src / "a.csv"), str(site.projects / "batch.csv"), site=site)
        assert submitted.returncode == 0, submitted.stderr
        job_id = int(submitted.stdout.strip())
        try:
            wait_for_state(tmp_path, site, job_id, {JobState.COMPLETED})
        finally:
            subprocess.run(["scancel", str(job_id)], check=False)
        deadline = time.monotonic() + 30
        while not (site.projects / "batch.csv").exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert (site.projects / "batch.csv").read_text() == "1,2\n"


# -- workspaces ----------------------------------------------------------------------


def _ws(tmp_path: Path, site: EmulatedSite, *args: str) -> subprocess.CompletedProcess[str]:
    done = cli(tmp_path, "ws", *args, site=site)
    return done


def _by_name(tmp_path: Path, site: EmulatedSite) -> dict[str, WorkspaceInfo]:
    done = _ws(tmp_path, site, "list", "--json")
    assert done.returncode == 0, done.stderr
    return {i.name: i for i in validated(done.stdout, WorkspaceInfo, many=True)}


def test_ws_allocate_list_extend_release_restore(tmp_path: Path, site: EmulatedSite) -> None:
    done = _ws(tmp_path, site, "allocate", "data", "10", "--comment", "run 1")
    assert done.returncode == 0, done.stderr
    path = done.stdout.strip()
    assert Path(path).is_dir() and path.endswith("-data")
    info = _by_name(tmp_path, site)["data"]
    assert info.filesystem == "horse" and info.comment == "run 1" and info.extensions_left == 10
    assert info.remaining is not None and timedelta(days=9) < info.remaining <= timedelta(days=10)

    extended = _ws(tmp_path, site, "extend", "data", "20", "--json")
    assert extended.returncode == 0, extended.stderr
    new = validated(extended.stdout, WorkspaceInfo)
    assert new.extensions_left == 9 and new.remaining is not None and new.remaining > timedelta(days=19)

    assert _ws(tmp_path, site, "release", "data").returncode == 0
    assert "data" not in _by_name(tmp_path, site)
    listed = _ws(tmp_path, site, "restore", "-l", "--json")
    released = validated(listed.stdout, ReleasedWorkspace, many=True)
    assert [r.name for r in released] == ["data"]

    assert _ws(tmp_path, site, "allocate", "target", "5").returncode == 0
    restored = _ws(tmp_path, site, "restore", released[0].id, "target")
    assert restored.returncode == 0, restored.stderr
    assert Path(restored.stdout.strip()).name == released[0].id

    missing = _ws(tmp_path, site, "extend", "nosuch", "5")
    assert missing.returncode == 1
    assert len(missing.stderr.strip().splitlines()) == 1
    assert _ws(tmp_path, site, "restore").returncode == 2


def _near_expiry_site(tmp_path: Path, site: EmulatedSite) -> None:
    """soon (horse, 10 d), stuck (walrus, 5 d, no extensions left), later (horse, 60 d);
    then the clock moves 4 days on: soon has ~6 d, stuck ~1 d, later ~56 d."""
    assert _ws(tmp_path, site, "allocate", "soon", "10").returncode == 0
    assert _ws(tmp_path, site, "allocate", "stuck", "5", "-F", "walrus").returncode == 0
    for _ in range(2):  # walrus allows two extensions
        assert _ws(tmp_path, site, "extend", "stuck", "5", "-F", "walrus").returncode == 0
    refused = _ws(tmp_path, site, "extend", "stuck", "5", "-F", "walrus")
    assert refused.returncode == 1 and "no more extensions" in refused.stderr
    assert _ws(tmp_path, site, "allocate", "later", "60").returncode == 0
    site.advance(timedelta(days=4))


def test_ws_auto_extend_extends_what_is_due_and_is_idempotent(tmp_path: Path, site: EmulatedSite) -> None:
    _near_expiry_site(tmp_path, site)
    before = _by_name(tmp_path, site)
    assert before["stuck"].extensions_left == 0

    expiring = _ws(tmp_path, site, "list", "--expiring", "P7D", "--json")
    assert [i.name for i in validated(expiring.stdout, WorkspaceInfo, many=True)] == ["stuck", "soon"]

    dry = _ws(tmp_path, site, "auto-extend", "--within", "7d", "--dry-run", "--json")
    assert dry.returncode == 3
    report = validated(dry.stdout, AutoExtendReport)
    assert [i.name for i in report.extended] == ["soon"] and report.dry_run
    assert _by_name(tmp_path, site) == before  # a dry run changes nothing

    first = _ws(tmp_path, site, "auto-extend", "--within", "7d", "--days", "30", "--json")
    assert first.returncode == 3, first.stderr
    report = validated(first.stdout, AutoExtendReport)
    assert report.checked == 3 and not report.dry_run
    assert [i.name for i in report.extended] == ["soon"]
    assert [(n.workspace.name, n.reason) for n in report.not_extended] == [("stuck", "no extensions left")]
    after = _by_name(tmp_path, site)
    assert after["soon"].extensions_left == before["soon"].extensions_left - 1
    assert after["soon"].remaining is not None and after["soon"].remaining > timedelta(days=29)
    assert after["later"] == before["later"].model_copy(update={"remaining": after["later"].remaining})

    # cron runs it again: nothing is extended, the stuck workspace is still reported (exit 3)
    second = _ws(tmp_path, site, "auto-extend", "--within", "7d", "--days", "30")
    assert second.returncode == 3
    assert second.stdout.splitlines() == [second.stdout.splitlines()[0]]
    assert second.stdout.startswith("NOT extended stuck (walrus")
    again = _by_name(tmp_path, site)
    assert again["soon"].extensions_left == after["soon"].extensions_left
    assert again["soon"].expires == after["soon"].expires

    # once the stuck one is released, the run is clean: exit 0
    assert _ws(tmp_path, site, "release", "stuck", "-F", "walrus").returncode == 0
    clean = _ws(tmp_path, site, "auto-extend", "--within", "7d", "--days", "30", "--json")
    assert clean.returncode == 0
    report = validated(clean.stdout, AutoExtendReport)
    assert report.extended == [] and report.not_extended == []

    report_text = _ws(tmp_path, site, "report", "--within", "60d")
    assert report_text.returncode == 0
    names = [line.split()[0] for line in report_text.stdout.splitlines()[1:]]
    assert names == ["soon", "later"] and "EXPIRES SOON" in report_text.stdout


def test_ws_auto_extend_refuses_days_not_longer_than_within(tmp_path: Path, site: EmulatedSite) -> None:
    done = _ws(tmp_path, site, "auto-extend", "--within", "2w", "--days", "14")
    assert done.returncode == 2 and "--days" in done.stderr


# -- emulate and demo ----------------------------------------------------------------


def test_emulate_prints_shell_lines_that_work(tmp_path: Path) -> None:
    root = tmp_path / "mysite"
    done = cli(tmp_path, "emulate", "--root", str(root), "--no-slurm")
    assert done.returncode == 0, done.stderr
    assert all(line.startswith("export ") for line in done.stdout.splitlines())
    script = done.stdout + "command -v dtls; ws_list -l\n"
    shell = subprocess.run(
        ["sh", "-c", script], env=clean_env(tmp_path), capture_output=True, text=True, timeout=60, check=False
    )
    assert shell.returncode == 0, shell.stderr
    assert shell.stdout.splitlines()[0] == str(root / "bin" / "dtls")
    assert "horse" in shell.stdout
    # a second call reuses the site
    assert cli(tmp_path, "emulate", "--root", str(root)).stdout == done.stdout


def _demo_checks(done: subprocess.CompletedProcess[str]) -> None:
    assert done.returncode == 0, done.stdout + done.stderr
    out = done.stdout
    for step in ("ws allocate taurus-demo 7", "cp -r ", "ls ", "ws list", "ws release taurus-demo"):
        assert step in out
    for name in ("measurements-001.csv", "README.txt"):
        assert name in out
    assert "taurus-demo expires in 6d" in out and "released taurus-demo" in out


def test_demo_on_a_local_site(tmp_path: Path, site: EmulatedSite) -> None:
    done = cli(tmp_path, "demo", site=site)
    _demo_checks(done)
    assert "local jobs" in done.stdout
    assert _by_name(tmp_path, site) == {}  # released again
    _demo_checks(cli(tmp_path, "demo", site=site))  # and it can run again


def test_demo_on_a_fresh_machine_without_slurm(tmp_path: Path) -> None:
    """--emulate creates the default site in the cache directory; no Slurm tool on PATH."""
    bare = tmp_path / "bare-bin"
    bare.mkdir()
    for directory in ("/usr/local/bin", "/usr/bin", "/bin"):
        if not os.path.isdir(directory):
            continue
        for name in os.listdir(directory):
            if name in SLURM_TOOLS or (bare / name).exists():
                continue
            (bare / name).symlink_to(os.path.join(directory, name))
    python_dir = os.path.dirname(command()[0])
    env = clean_env(tmp_path, PATH=os.pathsep.join([python_dir, os.path.dirname(sys.executable), str(bare)]))
    done = cli(tmp_path, "--emulate", "demo", env=env)
    _demo_checks(done)
    assert "local jobs" in done.stdout
    assert (tmp_path / "cache" / "taurus-datamover" / "site" / "site.json").exists()


@pytest.mark.slurm
@pytest.mark.skipif(not _SLURM, reason="no Slurm with a 'datamover' partition (ci/start-slurm.sh)")
def test_demo_through_slurm(tmp_path: Path) -> None:
    done = cli(tmp_path, "--emulate", "demo")  # detects the Slurm
    _demo_checks(done)
    assert "Slurm (partition datamover)" in done.stdout


def test_ctrl_c_cancels_the_waited_transfer_and_exits_130(tmp_path: Path, site: EmulatedSite) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    proc = subprocess.Popen(
        [*command(), "--site-root", str(site.root), "cp", str(fifo), str(site.projects / "out")],
        env=clean_env(tmp_path),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=tmp_path,
    )
    try:
        # the status line says RUNNING once the command waits (stderr is a pipe: plain lines)
        assert proc.stderr is not None
        first = proc.stderr.readline()
        assert "RUNNING" in first
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, err
    assert "interrupted" in err and "CANCELLED" in err
    # the copy is gone: nobody reads the FIFO any more (a non-blocking open for writing
    # fails with ENXIO when there is no reader)
    deadline = time.monotonic() + 10
    while True:
        try:
            fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
        except OSError as exc:
            assert exc.errno == errno.ENXIO
            break
        os.close(fd)
        assert time.monotonic() < deadline, "cp still reads the FIFO after Ctrl-C"
        time.sleep(0.2)


def test_an_empty_listing_says_so_on_stderr_unless_quiet(tmp_path: Path, site: EmulatedSite) -> None:
    for words, what in ((("ws", "list"), "workspaces"), (("ws", "restore", "--list"), "released workspaces")):
        said = cli(tmp_path, *words, site=site)
        assert (said.returncode, said.stdout, said.stderr) == (0, "", f"no {what}\n")
        quiet = cli(tmp_path, "-q", *words, site=site)
        assert (quiet.returncode, quiet.stdout, quiet.stderr) == (0, "", "")

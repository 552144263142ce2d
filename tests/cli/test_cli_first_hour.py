"""The first hour of a new user (issue 13): each rough edge of the command line, and
file names that cannot drive the terminal or collapse in ``--json`` (issue 10, item 16)."""

from __future__ import annotations

import json
import os
import subprocess
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from tests.support import REPO
from tests.support.cli import clean_env, cli, command, validated, wait_for_state

from taurus_datamover import Workspace
from taurus_datamover.cli.output import json_text, shown
from taurus_datamover.emulator.site import EmulatedSite
from taurus_datamover.models import FileEntry, JobInfo, JobState


@pytest.fixture
def site(tmp_path: Path) -> EmulatedSite:
    return EmulatedSite(tmp_path / "site", slurm=False)


def _bare_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """No taurus-datamover, dt* or ws_* on PATH."""
    return clean_env(tmp_path, PATH="/usr/bin:/bin", **extra)


# -- emulate: hints that work, one option for the site ------------------------------
def test_emulate_hint_keeps_the_site_and_works_where_the_command_is_not_on_path(tmp_path: Path) -> None:
    root = tmp_path / "my site"
    done = subprocess.run(
        [*command(), "emulate", "--site-root", str(root), "--no-slurm"],
        env=_bare_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    hint = next(line for line in done.stderr.splitlines() if "use it in this shell with: " in line)
    line = hint.split("use it in this shell with: ", 1)[1]
    assert "--site-root" in line and str(root) in line and "&& eval" in line
    shell = subprocess.run(
        ["sh", "-c", line + " && command -v dtls"],
        env=_bare_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert shell.returncode == 0, shell.stderr
    assert shell.stdout.strip() == str(root / "bin" / "dtls")
    # the documented form fails visibly when the command is missing (plain eval "$(...)" would not)
    missing = subprocess.run(
        ["sh", "-c", 'out="$(no-such-taurus-datamover emulate)" && eval "$out"'],
        env=_bare_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert missing.returncode != 0 and "not found" in missing.stderr


def test_emulate_has_one_site_option(tmp_path: Path) -> None:
    shown_help = cli(tmp_path, "emulate", "--help").stdout
    assert "--site-root" in shown_help and "--root" not in shown_help.replace("--site-root", "")
    assert "--exec" in shown_help and "--shell" in shown_help
    old = cli(tmp_path, "emulate", "--root", str(tmp_path / "s"), "--no-slurm")  # still works
    assert old.returncode == 0 and (tmp_path / "s" / "site.json").exists()


def test_demo_hint_keeps_the_site(tmp_path: Path, site: EmulatedSite) -> None:
    done = cli(tmp_path, "demo", site=site)
    assert done.returncode == 0, done.stderr
    tail = done.stdout.split("\nDone.", 1)[1]
    assert "PATH: " in tail and f"--site-root {site.root} emulate)" in tail
    assert "emulate --shell" in tail
    assert "1 extensions" not in done.stdout


def test_demo_keeps_a_workspace_of_its_name_that_was_there_before(tmp_path: Path, site: EmulatedSite) -> None:
    Workspace(site.bin, now=site.now).allocate("taurus-demo", 20, comment="mine")
    done = cli(tmp_path, "demo", site=site)
    assert done.returncode == 0, done.stderr
    assert "kept taurus-demo" in done.stdout and "released taurus-demo" not in done.stdout
    assert [
        i.comment for i in Workspace(site.bin, now=site.now).list(all_filesystems=True) if i.name == "taurus-demo"
    ] == ["mine"]


@pytest.mark.skipif(EmulatedSite.zih_view_unavailable() is not None, reason="no mount namespace here")
def test_emulate_exec_runs_with_the_zih_paths(tmp_path: Path, site: EmulatedSite) -> None:
    (site.grp / "mygroup").mkdir()
    (site.grp / "mygroup" / "in.csv").write_text("1\n")
    done = cli(tmp_path, "emulate", "--exec", *command(), "ls", "/grp/mygroup", site=site)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1].endswith("in.csv")
    assert cli(tmp_path, "emulate", "--exec", "sh", "-c", "exit 5", site=site).returncode == 5


def test_emulate_exec_without_namespaces_says_so(tmp_path: Path, site: EmulatedSite) -> None:
    from taurus_datamover.cli.site import _run_in_view  # the CLI's own fallback message
    from taurus_datamover.emulator import zih_view

    zih_view.view_unavailable.cache_clear()
    env = _bare_env(tmp_path)
    done = subprocess.run(  # a PATH without unshare: no namespace can be made
        [*command(), "--site-root", str(site.root), "emulate", "--exec", "/bin/true"],
        env={**env, "PATH": str(tmp_path / "empty")},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert callable(_run_in_view)
    assert done.returncode == 0, done.stderr
    assert "no private mount namespace here" in done.stderr and "unshare" in done.stderr
    assert str(site.grp) in done.stderr  # says which paths to use instead


# -- ws: messages -------------------------------------------------------------------
def test_ws_release_of_a_missing_workspace_has_one_error_prefix(tmp_path: Path, site: EmulatedSite) -> None:
    done = cli(tmp_path, "ws", "release", "nope", site=site)
    assert done.returncode == 1
    assert done.stderr.strip().splitlines()[-1] == "taurus-datamover: error: workspace does not exist!"


def test_ws_restore_without_target_shows_its_own_usage(tmp_path: Path, site: EmulatedSite) -> None:
    done = cli(tmp_path, "ws", "restore", "someid", site=site)
    assert done.returncode == 2
    assert done.stderr.startswith("usage: taurus-datamover ws restore ")
    assert "TARGET" in done.stderr


def test_one_extension_is_singular(tmp_path: Path, site: EmulatedSite) -> None:
    assert cli(tmp_path, "ws", "allocate", "-F", "walrus", "w", "5", site=site).returncode == 0
    done = cli(tmp_path, "ws", "extend", "-F", "walrus", "w", "10", site=site)
    assert done.returncode == 0, done.stderr
    assert "1 extension left" in done.stderr and "1 extensions" not in done.stderr


def test_expiring_takes_a_bare_number_of_days(tmp_path: Path, site: EmulatedSite) -> None:
    cli(tmp_path, "ws", "allocate", "soon", "3", site=site)
    cli(tmp_path, "ws", "allocate", "later", "30", site=site)
    days = cli(tmp_path, "ws", "list", "--expiring", "7", "--json", site=site)
    same = cli(tmp_path, "ws", "list", "--expiring", "7d", "--json", site=site)
    assert days.returncode == 0, days.stderr
    assert [w["name"] for w in json.loads(days.stdout)] == ["soon"]
    assert [w["name"] for w in json.loads(same.stdout)] == ["soon"]


@pytest.mark.parametrize("words", [["--expiring", "-1d"], ["--expiring=-1d"], ["--expiring", "-1"]])
def test_a_negative_expiring_says_what_is_wrong(tmp_path: Path, site: EmulatedSite, words: list[str]) -> None:
    done = cli(tmp_path, "ws", "list", *words, site=site)
    assert done.returncode == 2
    assert "a duration must be positive" in done.stderr and "expected one argument" not in done.stderr


def test_within_of_report_too(tmp_path: Path, site: EmulatedSite) -> None:
    assert cli(tmp_path, "ws", "report", "--within", "3", site=site).returncode == 0
    assert "must be positive" in cli(tmp_path, "ws", "report", "--within", "-2h", site=site).stderr


# -- usage and help -----------------------------------------------------------------
def test_subcommand_usage_leaves_out_the_global_options(tmp_path: Path) -> None:
    done = cli(tmp_path, "ws", "list", "--help")
    usage, _, rest = done.stdout.partition("\n\n")
    assert usage.startswith("usage: taurus-datamover ws list")
    for option in ("--emulate", "--site-root", "--datamover-path", "--ws-path", "--verbose", "--quiet"):
        assert option not in usage
        assert option in rest  # still documented under "global options"
    assert "global options" in rest


@pytest.mark.parametrize("sub", ["extend", "release", "restore"])
def test_filesystem_option_has_help(tmp_path: Path, sub: str) -> None:
    text = cli(tmp_path, "ws", sub, "--help").stdout
    options = " ".join(text.split("--filesystem FILESYSTEM", 1)[1].split()[:8])
    assert "file system" in options, text


# -- jobs -----------------------------------------------------------------------------
def test_cancel_says_whether_the_job_existed_and_its_state(tmp_path: Path, site: EmulatedSite) -> None:
    missing = cli(tmp_path, "cancel", "99999", site=site)
    assert missing.returncode == 1
    assert "job 99999: no such job" in missing.stderr and "nothing cancelled" in missing.stderr
    (site.grp / "a").write_text("x")
    started = cli(tmp_path, "cp", "--no-wait", str(site.grp / "a"), str(site.grp / "b"), site=site)
    job_id = int(started.stdout)
    wait_for_state(tmp_path, site, job_id, {JobState.COMPLETED})
    ended = cli(tmp_path, "cancel", str(job_id), site=site)
    assert ended.returncode == 0, ended.stderr
    assert f"job {job_id} had already ended (COMPLETED); nothing to cancel" in ended.stderr
    jobs = {j.job_id: j for j in validated(cli(tmp_path, "jobs", "--json", site=site).stdout, JobInfo, many=True)}
    assert jobs[job_id].state is JobState.COMPLETED


def test_status_line_says_local_and_counts_bytes(tmp_path: Path, site: EmulatedSite) -> None:
    (site.grp / "data").mkdir()
    (site.grp / "data" / "f1").write_bytes(b"x" * 3000)
    (site.grp / "data" / "f2").write_bytes(b"y" * 1000)
    done = cli(tmp_path, "cp", "-r", str(site.grp / "data"), str(site.projects), site=site)
    assert done.returncode == 0, done.stderr
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("dtcp  local  COMPLETED")
    assert last.endswith("3.9 KiB of 3.9 KiB  100%")
    assert "job -" not in done.stderr


def test_meter_counts_only_what_has_a_size(tmp_path: Path) -> None:
    from taurus_datamover.cli.status import copy_meter, tree_size

    os.mkfifo(tmp_path / "fifo")
    assert tree_size(str(tmp_path / "fifo")) is None
    assert copy_meter([str(tmp_path / "fifo")], str(tmp_path / "out")) is None  # no "0 B of 0 B 100%"
    (tmp_path / "f").write_bytes(b"abc")
    meter = copy_meter([str(tmp_path / "f")], str(tmp_path / "g"))
    assert meter is not None and meter.total == 3 and meter.text(final=True).endswith("0%")
    (tmp_path / "g").write_bytes(b"abc")
    assert meter.text(final=True) == "  3 B of 3 B  100%"


# -- missing tools --------------------------------------------------------------------
def test_missing_tool_says_what_to_do(tmp_path: Path) -> None:
    done = subprocess.run(
        [*command(), "ls", "/tmp"], env=_bare_env(tmp_path), capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 1
    assert "not found; searched" in done.stderr
    assert "--emulate" in done.stderr and "TAURUS_DATAMOVER_PATH" in done.stderr


def test_missing_rsync_says_so(tmp_path: Path, site: EmulatedSite) -> None:
    (site.grp / "a").write_text("x")
    env = clean_env(tmp_path, PATH=f"{site.bin}{os.pathsep}{tmp_path / 'nothing'}")
    done = subprocess.run(
        [*command(), "--site-root", str(site.root), "rsync", str(site.grp / "a"), str(site.grp / "b")],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1
    assert "rsync" in done.stderr and "install rsync" in done.stderr


# -- names that are not text (issue 10, item 16) -----------------------------------------
_NAMES = [
    b"esc\x1b[2Jx",
    b"a\xffb",
    b"a\xfeb",
    b"tab\tx",
    b"nl\nx",
    b"back\\slash",
    "ümlaut".encode(),
    b"rtl\xe2\x80\xaeexe",
]


def test_shown_escapes_as_ls_b_does(tmp_path: Path) -> None:
    names = tmp_path / "names"
    names.mkdir()
    for name in _NAMES:
        (names / os.fsdecode(name)).touch()
    ls_b = subprocess.run(
        ["ls", "-b", str(names)],
        env={"LC_ALL": "C.UTF-8", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    ours = {os.fsdecode(name): shown(os.fsdecode(name)) for name in _NAMES}
    bidi = "rtl\u202eexe"
    assert sorted(ls_b) == sorted(shown_name if raw != bidi else raw for raw, shown_name in ours.items())
    # stricter than ls: a right-to-left override could make a name look like another
    assert ours[bidi] == "rtl\\342\\200\\256exe"
    assert shown("plain name.csv") == "plain name.csv"


def test_ls_table_never_prints_control_bytes_and_json_keeps_names_distinct(tmp_path: Path, site: EmulatedSite) -> None:
    names = site.grp / "names"
    names.mkdir()
    for name in _NAMES:
        (names / os.fsdecode(name)).touch()
    os.symlink(b"target\x1b[31mred", os.path.join(os.fsencode(names), b"link"))
    table = subprocess.run(
        [*command(), "--site-root", str(site.root), "ls", str(names)],
        env=clean_env(tmp_path),
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert table.returncode == 0, table.stderr
    body = table.stdout.split(b"\n", 1)[1]
    assert not any((byte < 0x20 and byte != 0x0A) or byte == 0x7F for byte in body)
    assert b"esc\\033[2Jx" in body and b"a\\377b" in body and b"link -> target\\033[31mred" in body
    as_json = subprocess.run(
        [*command(), "--site-root", str(site.root), "ls", str(names), "--json"],
        env=clean_env(tmp_path),
        capture_output=True,
        timeout=60,
        check=False,
    )
    text = as_json.stdout.decode("utf-8")  # valid UTF-8 whatever the names
    entries = [FileEntry.model_validate(item) for item in json.loads(text)]
    got = sorted(os.fsencode(entry.name) for entry in entries if entry.name != "link")
    assert got == sorted(_NAMES)  # exact bytes back, a\xff and a\xfe distinct


def test_json_text_escapes_only_lone_surrogates() -> None:
    text = json_text({"name": "a\udcffb", "plain": "ümlaut"})
    assert "\\udcff" in text and "ümlaut" in text
    assert json.loads(text)["name"].encode("utf-8", "surrogateescape") == b"a\xffb"


# -- ws report: bars ----------------------------------------------------------------
def _info(name: str, days: float, ext: int, **extra: object) -> object:
    from taurus_datamover.models import WorkspaceInfo

    now = datetime(2030, 1, 1, tzinfo=timezone.utc)
    return WorkspaceInfo(
        id=name,
        name=name,
        path=f"/data/horse/ws/me-{name}",
        filesystem="horse",
        expires=now + timedelta(days=days),
        remaining=timedelta(days=days),
        extensions_left=ext,
        **extra,
    )


def test_bars_scale_reach_and_reminder() -> None:
    from taurus_datamover.cli.bars import WIDTH, bar, reach, scale_of

    longest, half = _info("long", 30, 0), _info("half", 15, 1, reminder=datetime(2030, 1, 11, tzinfo=timezone.utc))
    scale = scale_of([longest, half])
    assert scale == timedelta(days=30)
    assert bar(longest, scale, extended_to=reach(longest, {"horse": 10}), due=False, colour=False) == "#" * WIDTH
    drawn = bar(half, scale, extended_to=reach(half, {"horse": 10}), due=False, colour=False)
    # 15 of 30 days left; one extension of 10 days could take it to 25; reminder at day 10
    assert drawn == "#" * 10 + "|" + "#" * 4 + "-" * 10
    assert reach(half, {}) is None
    coloured = bar(half, scale, extended_to=None, due=True, colour=True)
    assert "\x1b[31m#" in coloured and "\x1b[" not in drawn


def test_report_draws_bars_but_json_has_none(tmp_path: Path) -> None:
    site = EmulatedSite(tmp_path / "site", slurm=False, ws_format="v2")
    cli(tmp_path, "ws", "allocate", "short", "5", site=site)
    cli(tmp_path, "ws", "allocate", "long", "50", site=site)
    done = cli(tmp_path, "ws", "report", site=site)
    assert done.returncode == 0, done.stderr
    rows = {line.split()[0]: line for line in done.stdout.splitlines()[1:]}
    assert "#" * 30 in rows["long"] and "-" in rows["short"] and "up to" in rows["short"]
    assert "\x1b[" not in done.stdout  # not a terminal: no colours
    as_json = cli(tmp_path, "ws", "report", "--json", site=site)
    assert "#" not in as_json.stdout and "\x1b" not in as_json.stdout
    assert sorted(w["name"] for w in json.loads(as_json.stdout)) == ["long", "short"]


def test_tests_run_batch_jobs_outside_the_repository() -> None:
    """sbatch writes slurm-N.out into the current directory: never the repository's."""
    repo = REPO
    assert repo not in [Path.cwd().resolve(), *Path.cwd().resolve().parents]


def test_ws_list_of_all_file_systems_is_one_ws_list_call(tmp_path: Path, site: EmulatedSite) -> None:
    from taurus_datamover.workspace import Workspace

    log = tmp_path / "calls"
    wrap = tmp_path / "wrap"
    wrap.mkdir()
    script = wrap / "ws_list"
    script.write_text(f'#!/bin/sh\necho "ws_list $*" >> {log}\nexec {site.bin / "ws_list"} "$@"\n')
    script.chmod(0o755)
    for tool in ("ws_allocate",):
        (wrap / tool).symlink_to(site.bin / tool)
    ws = Workspace(str(wrap), env=site.env(), now=site.now)
    ws.allocate("a", 5)
    ws.allocate("b", 5, filesystem="walrus")
    log.unlink(missing_ok=True)
    listed = ws.list(all_filesystems=True)
    assert sorted((i.name, i.filesystem) for i in listed) == [("a", "horse"), ("b", "walrus")]
    assert log.read_text().splitlines() == ["ws_list "]


# -- one path type: the CLI prints a workspace the same whether its path is str or Path ---
@pytest.mark.filterwarnings("ignore:Pydantic serializer warnings")  # a Path in today's str field
@pytest.mark.parametrize("as_path", [str, Path])
def test_ws_output_is_the_same_for_either_path_type(
    tmp_path: Path, site: EmulatedSite, capsys: pytest.CaptureFixture[str], as_path: type
) -> None:
    import argparse

    from taurus_datamover.cli.context import Context
    from taurus_datamover.cli.ws import run_ws_allocate, run_ws_list

    real = Workspace(site.bin, now=site.now)
    real.allocate("p", 5)
    listed = [i.model_copy(update={"path": as_path(i.path)}) for i in real.list(all_filesystems=True)]

    class Tools:
        """The site's workspaces, their paths given as ``as_path``."""

        def list(self, *args: object, **kwargs: object) -> list[object]:
            return list(listed)

        def allocate(self, *args: object, **kwargs: object) -> object:
            return argparse.Namespace(info=listed[0], reused=True)  # the allocation result keeps its workspace

    outputs = []
    for json_flag in (False, True):
        args = argparse.Namespace(filesystem=None, expiring=None, json=json_flag, verbose=0, quiet=0)
        args.name, args.days, args.reminder, args.mail, args.comment = "p", 5, None, None, None
        ctx = Context(args=args)
        ctx._ws = Tools()  # type: ignore[assignment]
        assert run_ws_list(ctx) == 0
        assert run_ws_allocate(ctx) == 0
        outputs.append(capsys.readouterr().out)
    text, as_json = outputs
    path = str(real.list(all_filesystems=True)[0].path)
    assert f"  {path}\n" in text and text.endswith(f"\n{path}\n")
    listing, allocated = as_json.split("\n]\n")
    assert json.loads(listing + "]")[0]["path"] == path and json.loads(allocated)["path"] == path

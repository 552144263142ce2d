"""``ws list`` reads one ``ws_list`` into plain records (``cli.ws_listing``): what it prints
is what the library's models give, to the byte."""

from __future__ import annotations

import json
import os
import signal
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter
from tests.support import FIXTURES
from tests.support.cli import clean_env, cli
from tests.support.fake_tools import write_executable

from taurus_datamover import Workspace
from taurus_datamover.cli import ws_listing
from taurus_datamover.cli.ws_listing import iso_datetime, iso_duration, record_json
from taurus_datamover.emulator.site import EmulatedSite
from taurus_datamover.errors import CommandTimeout, ParseError
from taurus_datamover.models.workspaces import workspace_infos
from taurus_datamover.parsers.workspaces.ws_list_reader import listing_generation, read_ws_list

NOW = datetime(2026, 11, 25, 12, tzinfo=timezone.utc)
offsets = st.integers(-86399, 86399).map(lambda s: timezone(timedelta(seconds=s)))


@settings(max_examples=300)
@given(st.datetimes(timezones=st.one_of(st.just(timezone.utc), offsets)))
def test_times_are_written_as_pydantic_writes_them(moment: datetime) -> None:
    assert iso_datetime(moment) == TypeAdapter(datetime).dump_python(moment, mode="json")


@settings(max_examples=300)
@given(st.timedeltas())
def test_durations_are_written_as_pydantic_writes_them(delta: timedelta) -> None:
    assert iso_duration(delta) == TypeAdapter(timedelta).dump_python(delta, mode="json")


def test_records_dump_as_the_models_do() -> None:
    listings = [p for p in FIXTURES.glob("hpc-workspace-v*-real/*.stdout") if listing_generation(p.read_text())]
    assert listings
    read = 0
    for path in listings:
        try:
            records = read_ws_list(path.read_text(), tz=timezone(timedelta(hours=1)), now=NOW)
        except ParseError:
            continue  # a capture of the tools' layout that the reader refuses on purpose
        read += len(records)
        models = workspace_infos(records)
        mine = json.dumps([record_json(r) for r in records])
        assert mine == json.dumps([m.model_dump(mode="json") for m in models]), path.name
    assert read >= 20


def test_entries_without_their_file_system_are_listed_by_the_object_api(tmp_path: Path) -> None:
    """A plain listing that names no file system (here v1's real terse capture) is left to
    the object API, which lists each file system of ``ws_list -l`` in turn."""
    captures = FIXTURES / "hpc-workspace-v1-real"
    tools = tmp_path / "tools"
    tools.mkdir()
    log = tmp_path / "calls"
    script = tools / "ws_list"
    script.write_text(
        f"#!{sys.executable}\n"
        "import sys\n"
        f"open({str(log)!r}, 'a').write(' '.join(sys.argv[1:]) + '\\n')\n"
        "args = sys.argv[1:]\n"
        f"name = 'list-l' if args == ['-l'] else 'list-empty' if args == ['-F', 'ssd'] else 'list-t'\n"
        f"sys.stdout.write(open({str(captures)!r} + '/' + name + '.stdout').read())\n"
    )
    script.chmod(0o755)
    env = clean_env(tmp_path, TZ="UTC", TAURUS_EMULATOR_USER="marie")
    done = cli(tmp_path, "--ws-path", str(tools), "ws", "list", "--json", env=env)
    assert done.returncode == 0, done.stderr
    listed = json.loads(done.stdout)
    assert listed and {entry["filesystem"] for entry in listed} == {"scratch"}
    assert log.read_text().splitlines() == ["", "", "-l", "-F scratch", "-F ssd"]


def test_a_hanging_ws_list_is_stopped_with_its_children(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Past the timeout the tool's whole process group goes (a child it left, too), and the
    command says so with a CommandTimeout instead of waiting on."""
    pidfile = tmp_path / "child.pid"
    tool = write_executable(tmp_path / "ws_list", f"#!/bin/sh\nsleep 60 &\necho $! > {pidfile}\nwait\n")
    monkeypatch.setattr(ws_listing, "DEFAULT_TIMEOUT", 0.5)
    with pytest.raises(CommandTimeout):
        ws_listing._run([str(tool)], None)
    child = int(pidfile.read_text())
    deadline = time.monotonic() + 5  # killed at once; its reaper may take a moment
    while _alive(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(child)


def test_ws_list_runs_with_the_signals_python_ignores_restored(tmp_path: Path) -> None:
    """As subprocess restores them: a tool writing into a closed pipe dies of SIGPIPE."""
    tool = write_executable(tmp_path / "ws_list", "#!/bin/sh\ngrep '^SigIgn:' /proc/$$/status\n")
    code, out, _ = ws_listing._run([str(tool)], None)
    ignored = int(out.split()[1], 16)
    assert code == 0
    assert not ignored & (1 << (signal.SIGPIPE - 1) | 1 << (signal.SIGXFSZ - 1)), out


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.mark.parametrize("words", [("ws", "list"), ("ws", "list", "--json")], ids=" ".join)
def test_a_site_root_holding_the_path_separator_is_refused_before_anything_runs(
    tmp_path: Path, words: tuple[str, ...]
) -> None:
    root = tmp_path / f"a{os.pathsep}b"
    done = cli(tmp_path, "--site-root", str(root), *words)
    assert done.returncode == 2
    assert f"contains {os.pathsep!r}, the separator of PATH" in done.stderr
    assert done.stdout == "" and not root.exists()


def test_a_relative_site_root_is_the_same_site(tmp_path: Path) -> None:
    """``--site-root`` is kept as text on the light path; a relative one names the same site."""
    site = EmulatedSite(tmp_path / "site", slurm=False)
    Workspace(site.bin, now=site.now).allocate("run1", 5)
    by_relative = cli(tmp_path, "--site-root", "./site/", "ws", "list", "--json")
    by_absolute = cli(tmp_path, "--site-root", str(site.root), "ws", "list", "--json")
    assert by_relative.returncode == by_absolute.returncode == 0, by_relative.stderr
    listed = [
        [{k: v for k, v in entry.items() if k != "remaining"} for entry in json.loads(done.stdout)]
        for done in (by_relative, by_absolute)
    ]
    assert listed[0] == listed[1] and listed[0][0]["path"].startswith(str(site.root) + "/")

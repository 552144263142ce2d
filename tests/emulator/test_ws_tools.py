"""Behaviour of the emulated ws_* tools beyond the real captures: time, limits, v2 texts."""

from __future__ import annotations

import ast
import os
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from tests.support import REPO
from tests.support.ws_site import CAPTURE_NOW, Runner, env, make_site

from taurus_datamover.emulator import clock
from taurus_datamover.emulator.config import (
    default_site_config,
    load_site_config,
    resolve_user,
    save_site_config,
)
from taurus_datamover.emulator.ws import WS_TOOLS, formats_v1, formats_v2, main

pytestmark = pytest.mark.usefixtures("env")
__all__ = ["env"]


@pytest.fixture
def v1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Runner:
    make_site(tmp_path / "site")
    return Runner(tmp_path / "site", capsys)


@pytest.fixture
def v2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Runner:
    make_site(tmp_path / "site-v2", "v2")
    return Runner(tmp_path / "site-v2", capsys)


def _remaining(run: Runner, name: str) -> str:
    for line in run("ws_list", "-t", name).out.splitlines():
        if "remaining time" in line:
            return line.split(" : ", 1)[1]
    raise AssertionError(f"{name} not listed")


def test_tool_names() -> None:
    assert set(WS_TOOLS) == {
        "ws_allocate", "ws_list", "ws_extend", "ws_release",
        "ws_restore", "ws_find", "ws_register", "ws_send_ical", "ws_stat", "ws_expirer", "ws_validate_config",
    }  # fmt: skip


def test_clock_moves_remaining_time_and_expiry(v1: Runner) -> None:
    assert v1("ws_allocate", "data", "3").rc == 0
    assert _remaining(v1, "data") == "2 days 23 hours"
    clock.advance_clock(v1.root, timedelta(days=1, hours=5))
    assert _remaining(v1, "data") == "1 days 18 hours"
    assert v1("ws_allocate", "data").err.endswith("remaining time in days: 1\n")
    clock.advance_clock(v1.root, timedelta(days=2))
    assert _remaining(v1, "data") == "expired"
    # an expired entry is still there (no expirer runs) and can be extended back
    result = v1("ws_extend", "data", "4")
    assert result.rc == 0 and result.err.endswith("remaining extensions  : 9\nremaining time in days: 4\n")
    assert _remaining(v1, "data") == "3 days 23 hours"


def test_env_clock_wins_and_iso_syntax(v1: Runner, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TAURUS_EMULATOR_NOW", "2030-01-01T00:00:00+01:00")
    assert clock.now(v1.root) == datetime(2029, 12, 31, 23, tzinfo=timezone.utc).timestamp()
    monkeypatch.delenv("TAURUS_EMULATOR_NOW")
    assert clock.now(v1.root) == CAPTURE_NOW
    clock.set_clock(v1.root, None)
    assert abs(clock.now(v1.root) - datetime.now().timestamp()) < 60


def test_extensions_are_counted_until_none_left(v1: Runner) -> None:
    assert v1("ws_allocate", "-F", "ssd", "fast", "10").rc == 0
    first = v1("ws_extend", "-F", "ssd", "fast", "5")
    assert first.err == "Info: extending workspace.\nremaining extensions  : 1\nremaining time in days: 5\n"
    assert v1("ws_allocate", "-x", "-F", "ssd", "fast", "40").err.splitlines()[-2:] == [
        "remaining extensions  : 0",
        "remaining time in days: 30",
    ]
    last = v1("ws_extend", "-F", "ssd", "fast", "3")
    assert (last.rc, last.err) == (
        255,
        "Info: extending workspace.\nError: no more extensions.\n",
    )
    assert "available extensions : 0" in v1("ws_list", "-F", "ssd").out


@pytest.mark.parametrize("name", ["a", "A1", "my-data.set_2", "x_", "9lives"])
def test_good_names(v1: Runner, name: str) -> None:
    assert v1("ws_allocate", name, "1").out.endswith(f"/marie-{name}\n")


@pytest.mark.parametrize("name", ["_x", "-x", ".x", "a/b", "a b", "a;b", "~a", "a$", "a*", "ä"])
def test_bad_names(v1: Runner, v2: Runner, name: str) -> None:
    for run, text in (
        (v1, "Error: Illegal workspace name"),
        (v2, "error: Illegal workspace name, use ASCII"),
    ):
        result = run("ws_allocate", "--", name, "1") if name.startswith("-") else run("ws_allocate", name, "1")
        assert (result.rc, result.out) == (1, "")
        assert result.err.startswith(text)


def test_release_restore_round_trip_keeps_data(v1: Runner) -> None:
    old = Path(v1("ws_allocate", "old", "10").out.strip())
    (old / "sub").mkdir()
    (old / "sub/file.txt").write_text("payload")
    assert v1("ws_release", "old") == type(v1("ws_list", "nothing"))("", "", 0)
    assert not old.exists() and v1("ws_find", "old").rc == 255
    listing = v1("ws_restore", "-l").out
    assert listing.splitlines()[:2] == ["scratch:", "marie-old-1795555454"]
    target = Path(v1("ws_allocate", "new", "10").out.strip())
    missing = v1("ws_restore", "marie-old-1795555454", "nosuch")
    assert (missing.rc, missing.err) == (1, "Error: target workspace does not exist!\n")
    done = v1("ws_restore", "marie-old-1795555454", "new")
    assert (done.rc, done.err) == (
        0,
        "Info: restore successful, database entry removed.\n",
    )
    assert (target / "marie-old-1795555454/sub/file.txt").read_text() == "payload"
    assert v1("ws_restore", "-l").out == "scratch:\nssd:\n"
    again = v1("ws_restore", "marie-old-1795555454", "new")
    assert again.err == "Error: workspace does not exist.\n"


def test_release_same_name_twice_in_one_second(v1: Runner) -> None:
    for _ in range(2):
        v1("ws_allocate", "w", "1")
        assert v1("ws_release", "w").rc == 0
    ids = [line for line in v1("ws_restore", "-l", "-b").out.splitlines() if line.startswith("marie-")]
    assert sorted(ids) == ["marie-w-1795555454", "marie-w-1795555455"]


def test_delete_data_leaves_nothing(v1: Runner) -> None:
    path = Path(v1("ws_allocate", "gone", "1").out.strip())
    (path / "f").write_text("x")
    result = v1("ws_release", "--delete-data", "gone")
    assert result.rc == 0 and result.err == "Info: deleting files in workspace as --delete-data was given\n"
    assert not path.exists() and v1("ws_restore", "-l").out == "scratch:\nssd:\n"
    assert not any((v1.root / "scratch/ws/0/.removed").iterdir())


def test_v1_list_options(v1: Runner) -> None:
    v1("ws_allocate", "-c", "hello", "-r", "2", "-m", "m@x.org", "b", "9")
    v1("ws_allocate", "a", "20")
    v1("ws_allocate", "-F", "ssd", "c", "3")
    by_remaining = [line for line in v1("ws_list", "-R").out.splitlines() if line.startswith("id:")]
    assert by_remaining == ["id: b", "id: a", "id: c"] or by_remaining == [
        "id: c",
        "id: b",
        "id: a",
    ]
    assert [line for line in v1("ws_list", "-N", "-r").out.splitlines() if line.startswith("id:")] == [
        "id: c", "id: b", "id: a",
    ]  # fmt: skip
    verbose = v1("ws_list", "-v", "b").out
    assert "     comment              : hello\n" in verbose
    assert "     mailaddress          : m@x.org\n" in verbose
    assert "     reminder             : Tue Dec  1 21:24:14 2026\n" in verbose
    assert v1("ws_list", "-F", "nosuch") == type(v1("ws_list"))("", "Error: no such filesystem.\n", 255)
    bad = v1("ws_list", "-z")
    assert bad.rc == 2 and bad.err.endswith("ws_list: error: no such option: -z\n")
    assert v1("ws_list", "-s", "-F", "ssd").out == "c\n"


def test_v1_restore_help_and_usage(v1: Runner) -> None:
    result = v1("ws_restore", "--help")
    assert result.rc == 1 and result.out.startswith("Usage:ws_restore: [options] workspace_name target_name | -l\n\n")
    assert "  -F [ --filesystem ] arg filesystem\n" in result.out
    assert v1("ws_restore", "x").out.startswith("Error: no target given.\n")
    assert v1("ws_allocate", "--version") == type(result)("workspace version 1.6.0\n", "", 1)


def test_group_and_comment_flags(v1: Runner) -> None:
    path = Path(v1("ws_allocate", "-G", "proj", "shared", "3").out.strip())
    assert "     group                : proj\n" in v1("ws_list", "shared").out
    assert oct(path.stat().st_mode & 0o777) == oct(0o750)
    os.environ["TAURUS_EMULATOR_USER"] = "olaf"
    try:
        v1("ws_allocate", "-G", "marie", "theirs", "3")
        v1("ws_allocate", "private", "3")
    finally:
        del os.environ["TAURUS_EMULATOR_USER"]
    ids = [line for line in v1("ws_list", "-g").out.splitlines() if line.startswith("id:")]
    assert sorted(ids) == ["id: shared", "id: theirs"]


def test_find_register_and_ical(v1: Runner) -> None:
    first = v1("ws_allocate", "one", "3").out.strip()
    links = v1.root.parent / "links"
    assert v1("ws_register", str(links)).rc == 0
    assert os.readlink(links / "scratch/marie-one") == first
    v1("ws_release", "one")
    assert v1("ws_register", str(links)).out == f"removing link  {links}/scratch/marie-one\n"
    v1("ws_allocate", "two", "3")
    sent = v1("ws_send_ical", "two", "marie@example.org")
    assert (sent.rc, sent.err) == (
        0,
        "Info: Success: Calendar invitation sent to marie@example.org\n",
    )
    ics = (v1.root / "mail/marie-two-1795555454.ics").read_text()
    assert "DTSTART:20261127T212414Z" in ics and "mailto:marie@example.org" in ics
    assert v1("ws_send_ical", "two", "nomail").rc == 1


# -- v2 --------------------------------------------------------------------------------
def test_v2_allocate_texts(v2: Runner) -> None:
    new = v2("ws_allocate", "my-ws", "7")
    assert new.err == "info: creating workspace.\nremaining extensions  : 10\nremaining time in days: 7\n"
    assert new.out == f"{v2.root}/scratch/ws/0/marie-my-ws\n"
    assert v2("ws_allocate", "my-ws", "7").err.startswith("info: reusing workspace\n")
    long = v2("ws_allocate", "-F", "ssd", "fast", "99")
    assert long.err.startswith(  # the real order: creating first, then the cap
        "info: creating workspace.\n"
        "error: Duration longer than allowed for this workspace\nerror:   setting to allowed maximum of 30\n"
    )
    assert v2("ws_allocate", "-F", "nosuch", "x", "1").rc == 254
    # v2 finds the file system itself; a later expiration costs an extension, metadata does not
    ext = v2("ws_allocate", "-x", "-c", "note", "fast", "0")
    assert ext.err == (
        "info: extending workspace\ninfo: changed comment.\nremaining extensions  : 2\nremaining time in days: 30\n"
    )
    assert v2("ws_extend", "fast", "30").rc == 0  # same second, same expiration: free
    clock.advance_clock(v2.root, 3600)
    for left in ("1", "0"):
        assert v2("ws_extend", "fast", "30").err.splitlines()[1] == f"remaining extensions  : {left}"
        clock.advance_clock(v2.root, 3600)
    assert v2("ws_extend", "fast", "30").err.endswith("error: no more extensions!\n")


def test_v2_list_and_release_and_restore(v2: Runner) -> None:
    v2("ws_allocate", "-c", "c1", "alpha", "3")
    block = v2("ws_list", "alpha").out
    assert block == (
        "Id: alpha\n"
        f"    workspace directory  : {v2.root}/scratch/ws/0/marie-alpha\n"
        "    remaining time       : 3 days, 0 hours\n"  # v2 is C++: whole seconds
        "    comment              : c1\n"
        "    creation time        : Tue Nov 24 21:24:14 2026\n"
        "    expiration time      : Fri Nov 27 21:24:14 2026\n"
        "    filesystem name      : scratch\n"
        "    available extensions : 10\n"
    )
    assert v2("ws_list", "-l").out == "available filesystems (sorted according to priority):\nscratch\nssd\n"
    assert v2("ws_list", "-s").out == "alpha\n"
    assert v2("ws_list", "-F", "bad") == type(v2("ws_list"))("", "error: invalid filesystem given.\n", 0)
    table = v2("ws_list", "-T").out.splitlines()
    assert table[0].split() == ["ID", "PATH", "EXPIRATION", "EXTENSIONS", "REMAINING"]
    assert table[2].startswith("alpha") and " ".join(table[2:]).split()[-1] == "3"
    assert len(table) == 4  # the long path wrapped onto its own line
    released = v2("ws_release", "alpha")
    assert released.err == (
        "info: workspace alpha released.\ninfo: workspace is still recoverable as --delete-data was not given.\n"
    )
    assert v2("ws_release", "alpha").err == "error: Non-existent workspace given.\n"
    assert v2("ws_restore", "-l").out == (
        "marie-alpha-1795555454\n"
        "\tunavailable since : Tue Nov 24 21:24:14 2026\n"
        "\trestorable until  : Thu Dec 24 21:24:14 2026 (30 days, 0 hours)\n"
        "\tin filesystem     : scratch\n"
    )
    expired = v2("ws_list", "-e").out
    assert "    remaining time       : released\n    until deletion       : 30 days, 0 hours\n" in expired
    v2("ws_allocate", "beta", "3")
    done = v2("ws_restore", "marie-alpha-1795555454", "beta")
    assert (done.rc, done.err) == (
        0,
        "info: restore successful, database entry removed.\n",
    )
    assert v2("ws_find", "b*").out == f"{v2.root}/scratch/ws/0/marie-beta\n"
    assert v2("ws_find", "nope").rc == 255


def test_v2_help_goes_to_stderr(v2: Runner) -> None:
    result = v2("ws_allocate", "-h")
    assert (result.rc, result.out) == (0, "")
    assert result.err.startswith("Usage: ws_allocate [options] workspace_name duration\n\nOptions:\n")


# -- config ----------------------------------------------------------------------------
def test_default_site_config_round_trip(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cfg = default_site_config(tmp_path, user="olaf", ws_format="v2")
    assert cfg.default_filesystem == "horse" and cfg.max_extensions_of("walrus") == 2
    assert cfg.filesystems["horse"].spaces == [str(tmp_path / "horse/ws")]
    save_site_config(tmp_path, cfg)
    assert load_site_config(tmp_path) == cfg
    assert resolve_user(cfg) == "olaf"
    monkeypatch.setenv("TAURUS_EMULATOR_USER", "ute")
    assert resolve_user(cfg) == "ute"
    assert main("ws_nosuch", tmp_path, []) == 2


def test_v2_allocate_rules_beyond_the_captures(v2: Runner) -> None:
    created = v2("ws_allocate", "-r", "3", "-u", "other", "rem", "7")
    assert created.err == (
        "info: Ignoring username option.\n"
        "info: could not read email from users config ~/.ws_user.conf.\n"
        "info: reminder email will be sent to local user account\n"
        "info: creating workspace.\n"
        "remaining extensions  : 10\nremaining time in days: 7\n"
    )
    assert "    mailaddress          : marie\n" in v2("ws_list", "-v", "rem").out
    # -x with metadata only and no duration: no new expiration, no extension used
    changed = v2("ws_allocate", "-x", "-m", "m@x.org", "rem")
    assert changed.err == (
        "info: setting duration to 0\ninfo: extending workspace\n"
        "info: changed mail address to m@x.org\n"
        "remaining extensions  : 10\nremaining time in days: 7\n"
    )


def test_v2_only_tools(v1: Runner, v2: Runner) -> None:
    assert v1("ws_stat").rc == 2 and v1("ws_expirer").rc == 2
    v2("ws_allocate", "counted", "3")
    (v2.root / "scratch/ws/0/marie-counted/f").write_text("x" * 1500)
    stat = v2("ws_stat", "counted")
    assert "    files               : 1\n" in stat.out
    assert "    bytes               : 1500 (1.5 KB)\n" in stat.out
    checked = v2("ws_validate_config")
    assert checked.rc == 0 and checked.err.endswith("info: config is valid!\n")
    assert "warning: No smtphost found" in checked.err


def test_v2_expirer_expires_and_deletes_only_with_c(v2: Runner) -> None:
    v2("ws_allocate", "short", "1")
    v2("ws_allocate", "gone", "5")
    assert v2("ws_release", "gone").rc == 0
    clock.advance_clock(v2.root, timedelta(days=2))
    dry = v2("ws_expirer")
    assert "info:   would expire marie-short (expired " in dry.out
    assert v2("ws_list", "-s").out == "short\n"
    clean = v2("ws_expirer", "-c", "-F", "scratch")
    assert "info:   expiring marie-short (expired " in clean.out
    assert v2("ws_list", "-s").out == ""
    assert sorted(v2("ws_restore", "-l", "-b").out.split()) == [
        "marie-gone-1795555454",
        "marie-short-1795728254",
    ]
    clock.advance_clock(v2.root, timedelta(days=31))  # past keeptime 30 of scratch
    assert "info:     would delete directory: " in v2("ws_expirer").out
    assert len(v2("ws_restore", "-l", "-b").out.split()) == 2
    v2("ws_expirer", "-c")
    assert v2("ws_restore", "-l", "-b").out == ""
    assert not list((v2.root / "scratch/ws/0/.removed").iterdir())


def _said_keys() -> set[str]:
    """The situations the emulated ws tools name literally (``say``, ``end``, ``chosen_filesystems``)."""
    keys: set[str] = set()
    for path in (REPO / "src" / "taurus_datamover" / "emulator" / "ws").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            # the argument that names the situation: say(key), end(key), chosen_filesystems(opts, refusal)
            at = {"say": 0, "end": 0, "chosen_filesystems": 1}.get(node.func.attr)
            named = [k.value for k in node.keywords if k.arg == "refusal"]
            if at is not None and len(node.args) > at:
                named.append(node.args[at])
            keys |= {n.value for n in named if isinstance(n, ast.Constant) and isinstance(n.value, str)}
    return keys


def test_every_situation_the_tools_name_is_in_a_format() -> None:
    # a format without text for a situation is silent (exit 0), so a misspelt key would
    # silently succeed: every key the tools name must be one format's situation
    said = _said_keys()
    assert len(said) >= 30  # the scan found the tools' calls
    known = set(formats_v1.MESSAGES) | set(formats_v2.MESSAGES)
    assert said - known == set()

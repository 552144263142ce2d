"""Decisions read a listing no comment can forge: ``get`` and ``ws auto-extend`` check the
full ``ws_list`` against the terse one (``-t`` prints no comments).

The forged comments are stored the way any user can store them, by running the site's
``ws_allocate`` directly (the library itself refuses control characters in a comment).
"""

from __future__ import annotations

import getpass
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

import pytest
from tests.support import FIXTURES

from taurus_datamover.emulator import clock
from taurus_datamover.emulator.site import EmulatedSite
from taurus_datamover.errors import ParseError
from taurus_datamover.models.workspaces import WorkspaceInfo
from taurus_datamover.parsers.workspaces import confirm_with_terse, parse_ws_list
from taurus_datamover.workspace import Workspace

START = datetime(2026, 11, 24, 21, 24, 14, tzinfo=timezone.utc)
LAYOUT = {"v1": (" " * 5, "expiration date", "id"), "v2": (" " * 4, "expiration time", "Id")}


@pytest.fixture(autouse=True)
def _plain_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(clock.NOW_ENV, raising=False)


@pytest.fixture(params=["v1", "v2"])
def fmt(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def site(fmt: str, tmp_path: Path) -> Iterator[EmulatedSite]:
    with EmulatedSite(tmp_path / "site", slurm=False, ws_format=fmt, now=START) as s:
        yield s


def _ws(site: EmulatedSite) -> Workspace:
    return Workspace(site.bin, now=lambda: datetime.fromtimestamp(clock.now(site.root), timezone.utc))


def _raw_allocate(site: EmulatedSite, name: str, days: int, comment: str | None = None) -> None:
    argv = [str(site.bin / "ws_allocate"), name, str(days)]
    if comment is not None:
        argv[1:1] = ["-c", comment]
    done = subprocess.run(argv, env={**os.environ, **site.env()}, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr


def _line(fmt: str, key: str, value: str) -> str:
    indent = LAYOUT[fmt][0]
    return f"{indent}{key:<21}: {value}"


def _tail(fmt: str, expires: str) -> list[str]:
    """The lines a full block prints after its comment, as a comment would forge them."""
    _, expires_key, _ = LAYOUT[fmt]
    return [
        _line(fmt, "creation time", "Tue Nov 24 22:24:14 2026"),
        _line(fmt, expires_key, expires),
        _line(fmt, "filesystem name", "horse"),
        _line(fmt, "available extensions", "10"),
    ]


def test_a_comment_holding_a_whole_entry_cannot_make_get_return_it(site: EmulatedSite, fmt: str) -> None:
    _, _, header = LAYOUT[fmt]
    ghost_dir = str(site.root / "horse" / "ws" / f"{getpass.getuser()}-ghost")
    remaining = "4 days 23 hours" if fmt == "v1" else "4 days, 23 hours"
    forged = "\n".join(
        [
            "x",
            *_tail(fmt, "Sun Nov 29 22:24:14 2026"),
            f"{header}: ghost",
            _line(fmt, "workspace directory", ghost_dir),
            _line(fmt, "remaining time", remaining),
        ]
    )
    _raw_allocate(site, "own", 5, forged)
    ws = _ws(site)
    assert "ghost" in [info.name for info in ws.list()]  # the layout alone cannot tell
    with pytest.raises(ParseError, match="ghost"):
        ws.get("ghost")
    with pytest.raises(ParseError, match="ghost"):
        ws.get("own")


def test_a_comment_forging_a_later_expiry_is_refused(site: EmulatedSite, fmt: str) -> None:
    """The forged lines are followed by the block's real ones, which the layout refuses."""
    _raw_allocate(site, "own", 2, "\n".join(["x", *_tail(fmt, "Tue Nov 24 22:24:14 2099")]))
    ws = _ws(site)
    with pytest.raises(ParseError, match="order"):
        ws.list()
    with pytest.raises(ParseError, match="order"):
        ws.get("own")


def test_an_honest_multi_line_comment_is_confirmed(site: EmulatedSite, fmt: str) -> None:
    _raw_allocate(site, "notes", 3, "run 7\nsee README")
    _raw_allocate(site, "plain", 4)
    ws = _ws(site)
    info = ws.get("notes")
    assert info.comment == "run 7\nsee README"
    assert sorted(i.name for i in ws.list(confirm=True)) == ["notes", "plain"]


def test_auto_extend_fails_loudly_on_a_forged_listing(site: EmulatedSite, fmt: str) -> None:
    """A forged 2099 expiry would make the due workspace look safe (never extended, then
    expired with the user's data): the run fails with the reason instead, for cron's mail."""
    _raw_allocate(site, "due", 2, "\n".join(["x", *_tail(fmt, "Tue Nov 24 22:24:14 2099")]))
    env = {**os.environ, **site.env(), "XDG_CACHE_HOME": str(site.root / "cache")}
    done = subprocess.run(
        [sys.executable, "-m", "taurus_datamover", "ws", "auto-extend", "--within", "7d", "--days", "30"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1, (done.stdout, done.stderr)
    assert "order" in done.stderr and "extended" not in done.stdout


# -- the terse check itself, on the real hpc-workspace 1.6.0 captures of one moment ---------
FIXTURES = FIXTURES / "hpc-workspace-v1-real"
CAPTURED = datetime(2026, 11, 24, 21, 24, 14, tzinfo=timezone.utc)


def _parse(text: str) -> list[WorkspaceInfo]:
    return parse_ws_list(text, tz=timezone.utc, now=CAPTURED, user="marie")


def test_the_real_full_and_terse_listings_agree() -> None:
    full = _parse((FIXTURES / "list-all.stdout").read_text())
    terse = _parse((FIXTURES / "list-t.stdout").read_text())
    assert len(full) == len(terse) >= 5
    assert confirm_with_terse(full, terse) == full


@pytest.mark.parametrize(
    ("old", "new", "why"),
    [
        ("     available extensions : 10\nid: first", "     available extensions : 3\nid: first", "extensions"),
        (
            "expiration date      : Sun Nov 29 21:24:14 2026",
            "expiration date      : Wed Dec  2 21:24:14 2026",
            "expiry",
        ),
    ],
)
def test_lines_after_a_comment_must_agree_with_the_terse_listing(old: str, new: str, why: str) -> None:
    text = (FIXTURES / "list-all.stdout").read_text()
    assert old in text
    forged = _parse(text.replace(old, new, 1))
    terse = _parse((FIXTURES / "list-t.stdout").read_text())
    with pytest.raises(ParseError, match=why):
        confirm_with_terse(forged, terse)

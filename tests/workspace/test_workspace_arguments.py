"""Arguments the ws tools store and print back are checked before any tool runs: a
control character, a line separator or non-UTF-8 bytes in a comment, a mail address or
any argument of the original API's ``ws_*`` methods is a ``WorkspaceArgumentError`` and
leaves the emulated site untouched (no workspace, no tool run)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from taurus_datamover.emulator import clock
from taurus_datamover.emulator.site import EmulatedSite
from taurus_datamover.errors import WorkspaceArgumentError, WorkspaceError
from taurus_datamover.workspace import CacheWorkspace, Workspace
from taurus_datamover.workspace.arguments import check_stored_text, first_forbidden

FORBIDDEN = [chr(c) for c in [*range(0x20), 0x7F, *range(0x80, 0xA0), 0x2028, 0x2029]]


@pytest.fixture(autouse=True)
def _plain_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(clock.NOW_ENV, raising=False)


@pytest.fixture(scope="module", params=["v1", "v2"])
def site(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmulatedSite]:
    root = tmp_path_factory.mktemp(f"args-{request.param}") / "site"
    with EmulatedSite(root, slurm=False, ws_format=request.param) as emulated:
        yield emulated


def nothing_allocated(site: EmulatedSite) -> bool:
    """No workspace in the site's listing and no directory in any of its file systems."""
    listed = Workspace(site.bin, now=site.now).list(all_filesystems=True)
    dirs = [p for fs in ("horse", "walrus") for p in (site.root / fs / "ws").glob("[!.]*")]
    return listed == [] and dirs == []


@pytest.mark.parametrize(
    "comment",
    [
        "run 7\nsee README",
        "x\nid: evil\n     workspace directory  : /etc",
        "tab\there",
        "bell\a",
        "esc \x1b[2J",
        "nul\x00",
        "del\x7f",
        "c1 \x85 next line",
        "line\u2028separator",
        "cr\r",
    ],
)
def test_a_comment_with_a_control_character_is_refused_before_ws_allocate(site: EmulatedSite, comment: str) -> None:
    ws = Workspace(site.bin, now=site.now)
    with pytest.raises(WorkspaceArgumentError, match="comment holds") as info:
        ws.allocate("x", 3, comment=comment)
    assert isinstance(info.value, ValueError) and isinstance(info.value, WorkspaceError)
    assert info.value.argv == ()  # nothing ran
    assert "nothing was run" in str(info.value)
    assert nothing_allocated(site)


def test_a_mail_address_with_a_newline_is_refused(site: EmulatedSite) -> None:
    with pytest.raises(WorkspaceArgumentError, match="mail holds the control character U\\+000A"):
        Workspace(site.bin, now=site.now).allocate("x", 3, reminder=1, mail="me@example.org\nid: evil")
    assert nothing_allocated(site)


def test_cache_workspace_comment_is_checked(site: EmulatedSite) -> None:
    with pytest.raises(WorkspaceArgumentError):
        CacheWorkspace(workspace=Workspace(site.bin, now=site.now), comment="tmp\nfiles")
    assert nothing_allocated(site)


def test_the_original_api_methods_check_every_argument(site: EmulatedSite) -> None:
    ws = Workspace(site.bin)
    with pytest.raises(WorkspaceArgumentError, match="argument 4 of ws_allocate"):
        ws.ws_allocate("x", "3", "-c", "a\nb")
    with pytest.raises(WorkspaceArgumentError, match="not UTF-8"):
        ws.ws_allocate("x", "3", b"--comment=caf\xe9")
    assert nothing_allocated(site)
    job = ws.ws_allocate("x", "3", "-c", "plain words, ünïcode and 'quotes'")
    job.result()  # raises when the tool fails
    assert Workspace(site.bin, now=site.now).get("x").comment == "plain words, ünïcode and 'quotes'"
    Workspace(site.bin, now=site.now).release("x", delete_data=True)


def test_the_command_line_refuses_before_any_tool_runs(site: EmulatedSite, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TAURUS_")}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "taurus_datamover",
            "--site-root",
            str(site.root),
            "ws",
            "allocate",
            "x",
            "3",
            "--comment",
            "run 7\nsee README",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2  # a usage error: refused before anything ran
    assert "comment holds the control character U+000A" in done.stderr
    assert nothing_allocated(site)


@settings(max_examples=60)
@given(st.text(max_size=20), st.sampled_from(FORBIDDEN), st.text(max_size=20))
def test_any_forbidden_character_is_refused_where_it_stands(before: str, bad: str, after: str) -> None:
    text = before + bad + after
    index = first_forbidden(text)
    assert index is not None and index <= len(before)
    with pytest.raises(WorkspaceArgumentError, match=f"at position {index} "):
        check_stored_text(text, "comment")


@settings(max_examples=60)
@given(st.text(st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp"))))
def test_printable_text_passes_unchanged(text: str) -> None:
    assert check_stored_text(text, "comment") == text
    assert check_stored_text(text.encode("utf-8"), "comment") == text

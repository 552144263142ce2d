"""The start every emulated ws tool shares: a bad option, ``--help`` and ``--version``
answered as each real tool answers them (stream, exit code), in both generations."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.support.ws_site import Runner, env, make_site

pytestmark = pytest.mark.usefixtures("env")
__all__ = ["env"]

V1_TOOLS = ("ws_allocate", "ws_release", "ws_restore", "ws_list", "ws_find", "ws_register", "ws_send_ical")
V2_TOOLS = (*V1_TOOLS, "ws_stat", "ws_expirer")


@pytest.fixture(params=["v1", "v2"])
def run(request: pytest.FixtureRequest, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Runner:
    make_site(tmp_path / "site", request.param)
    return Runner(tmp_path / "site", capsys)


def _v2(run: Runner) -> bool:
    return (run.root / "site.json").read_text().count('"v2"') > 0


#: v1 exit codes of a bad option: optparse tools 2, the C++ tools (help printed) 1.
V1_BAD_OPTION = {"ws_list": 2, "ws_find": 2, "ws_register": 2}


@pytest.mark.parametrize("tool", V2_TOOLS)
def test_a_bad_option_is_refused_as_the_real_tool_does(run: Runner, tool: str) -> None:
    got = run(tool, "--no-such-option")
    if not _v2(run) and tool not in V1_TOOLS:  # a v2-only tool on a v1 site: there is none
        assert got.rc != 0 and "not a tool of the emulated hpc-workspace v1" in got.err
        return
    if _v2(run):
        assert (got.rc, got.out) == (1, "")
        assert got.err.startswith("Usage: ")
    elif tool in ("ws_list", "ws_find"):
        assert got.rc == 2
        assert got.err.endswith(f"{tool}: error: no such option: --no-such-option\n")
    else:
        assert got.rc == V1_BAD_OPTION.get(tool, 1)
        assert got.out.startswith("Usage:")


@pytest.mark.parametrize("tool", V2_TOOLS)
def test_help_and_version(run: Runner, tool: str) -> None:
    if not _v2(run) and tool not in V1_TOOLS:
        got = run(tool, "--help")
        assert (got.rc, got.err) == (2, f"{tool}: not a tool of the emulated hpc-workspace v1\n")
        return
    helped = run(tool, "--help")
    assert "Usage" in helped.out + helped.err
    version = run(tool, "--version")
    assert "version" in version.out.lower()
    assert version.rc == (1 if not _v2(run) and tool in ("ws_allocate", "ws_release", "ws_restore") else 0)


def test_expirer_refuses_a_positional_before_help(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    make_site(tmp_path / "site", "v2")
    run = Runner(tmp_path / "site", capsys)
    for argv in (("stray",), ("--help", "stray")):
        got = run("ws_expirer", *argv)
        assert (got.rc, got.out) == (1, "")
        assert got.err.startswith("Usage: ws_expirer [options]\n")
    assert run("ws_expirer", "--help").rc == 0

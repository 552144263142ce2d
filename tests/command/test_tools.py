"""Finding the tools: search order, dynamic methods, missing tools."""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.support.fake_tools import write_executable

from taurus_datamover.command.argv import as_arg
from taurus_datamover.command.tools import (
    DATAMOVER_FAMILY,
    WORKSPACE_FAMILY,
    ToolFamily,
    find_tool,
    find_tools,
    search_directories,
)
from taurus_datamover.command.toolset import ToolMethod
from taurus_datamover.command.watcher import JobWatcher
from taurus_datamover.datamover import Datamover
from taurus_datamover.errors import (
    TaurusDatamoverError,
    ToolArgumentError,
    ToolArgumentTypeError,
    ToolNotFoundError,
)
from taurus_datamover.workspace import Workspace


def _tool(directory: Path, name: str, text: str = "#!/bin/sh\necho {name}\n") -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    return write_executable(directory / name, text.format(name=str(directory / name)))


def test_search_order_env_then_site_then_path(tmp_path: Path) -> None:
    env_dir, path_dir = tmp_path / "env", tmp_path / "path"
    environ = {"TAURUS_DATAMOVER_PATH": str(env_dir), "PATH": str(path_dir)}
    dirs = search_directories(DATAMOVER_FAMILY, None, environ)
    assert dirs == (str(env_dir), "/sw/taurus/tools/slurmtools/default/bin", str(path_dir))
    ws_dirs = search_directories(WORKSPACE_FAMILY, None, {"TAURUS_WS_PATH": str(env_dir), "PATH": str(path_dir)})
    assert ws_dirs == (str(env_dir), "/usr/bin", str(path_dir))


def test_first_hit_wins_and_explicit_path_is_exclusive(tmp_path: Path) -> None:
    first = _tool(tmp_path / "a", "dtls")
    _tool(tmp_path / "b", "dtls")
    only_b = _tool(tmp_path / "b", "dtcp")
    environ = {"TAURUS_DATAMOVER_PATH": os.pathsep.join([str(tmp_path / "a"), str(tmp_path / "b")]), "PATH": ""}
    box = find_tools(DATAMOVER_FAMILY, None, environ)
    assert box.path("dtls") == str(first)
    assert box.path("dtcp") == str(only_b)
    explicit = find_tools(DATAMOVER_FAMILY, tmp_path / "b", environ)
    assert explicit.searched == (str(tmp_path / "b"),)
    assert explicit.path("dtls") == str(tmp_path / "b" / "dtls")


_LAYOUT = st.lists(  # per directory: which names it holds, and whether each is executable
    st.dictionaries(st.sampled_from(["dtls", "dtcp", "dtrace", "ws_list", "ws_find", "ws-x"]), st.booleans()),
    min_size=1,
    max_size=4,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    layout=_LAYOUT,
    family=st.sampled_from([DATAMOVER_FAMILY, WORKSPACE_FAMILY]),
    name=st.sampled_from(["dtls", "dtrace", "ws_list", "ws-x"]),
)
def test_find_tool_answers_as_find_tools_does(
    tmp_path_factory: pytest.TempPathFactory, layout: list[dict[str, bool]], family: ToolFamily, name: str
) -> None:
    root = tmp_path_factory.mktemp("dirs")
    for index, names in enumerate(layout):
        (root / str(index)).mkdir()
        for tool, executable in names.items():
            (root / str(index) / tool).write_text("#!/bin/sh\n")
            (root / str(index) / tool).chmod(0o755 if executable else 0o644)
    environ = {family.env_var: os.pathsep.join(str(root / str(i)) for i in range(len(layout))), "PATH": ""}
    found = find_tools(family, None, environ)
    try:
        expected: str | None = found.path(name)
    except ToolNotFoundError as missing:
        with pytest.raises(ToolNotFoundError) as caught:
            find_tool(family, name, None, environ)
        assert str(caught.value) == str(missing)
    else:
        assert find_tool(family, name, None, environ) == expected


def test_non_executables_and_other_names_are_ignored(tmp_path: Path) -> None:
    (tmp_path / "dtls").write_text("not executable")
    _tool(tmp_path, "dtcp")
    _tool(tmp_path, "dt-helper")
    _tool(tmp_path, "ws_list")
    box = find_tools(DATAMOVER_FAMILY, tmp_path)
    assert box.names == ("dtcp",)


def test_only_the_datamovers_own_names_are_tools(tmp_path: Path) -> None:
    """Issue 10.15: ``dt[a-z]+`` on PATH is not a datamover tool (``dtc`` is the device-tree
    compiler, ``dtrace`` a tracer); only the eleven names of the datamover are taken."""
    own = ("dtls", "dtcp", "dtmv", "dtrm", "dtrsync", "dttar", "dtwget", "dtinfo", "dtqueue", "dtq", "dtcancel")
    for name in (*own, "dtc", "dtrace", "dtoverlay", "dtslow"):
        _tool(tmp_path / "bin", name)
    box = find_tools(DATAMOVER_FAMILY, None, {"PATH": str(tmp_path / "bin")})
    assert set(box.names) == set(own)
    dm = Datamover(path_to_exe=tmp_path / "bin")
    assert set(dm.commands) == set(own)
    assert set(own) <= set(dir(dm)) and "dtc" not in dir(dm)
    with pytest.raises(ToolNotFoundError):
        dm.dtrace  # noqa: B018 - a tool-like name that is not the datamover's: not found
    assert isinstance(dm.dtq, ToolMethod)


def test_tools_become_methods_listed_by_dir(tmp_path: Path) -> None:
    _tool(tmp_path, "dtls")
    _tool(tmp_path, "dtcp")
    dm = Datamover(path_to_exe=str(tmp_path))
    assert dm.commands == ("dtcp", "dtls")
    assert {"dtcp", "dtls"} <= set(dir(dm))
    assert isinstance(dm.dtls, ToolMethod)
    assert dm.is_cluster()


def test_unknown_tool_raises_tool_not_found_naming_places(tmp_path: Path) -> None:
    dm = Datamover(path_to_exe=str(tmp_path))
    with pytest.raises(ToolNotFoundError) as info:
        dm.dtcp("a", "b")
    assert info.value.tool == "dtcp"
    assert str(tmp_path) in str(info.value)
    assert isinstance(info.value, AttributeError)
    assert not hasattr(dm, "dtrsync")
    assert not dm.is_cluster()
    with pytest.raises(AttributeError):
        dm.no_such_thing  # noqa: B018
    ws = Workspace(path_to_exe=str(tmp_path))
    with pytest.raises(ToolNotFoundError, match="ws_allocate"):
        ws.ws_allocate("x", "1")


def test_threads_sharing_one_object_run_their_own_tools(tmp_path: Path) -> None:
    """The original stored the current command on the instance; 32 threads must not mix."""
    tools = ("dtls", "dtcp", "dtmv", "dtrm", "dtrsync", "dttar", "dtwget", "dtinfo", "dtqueue", "dtq", "dtcancel")
    for tool in tools:
        _tool(tmp_path, tool, '#!/bin/sh\necho {name} "$@"\n')
    calls = [(tools[i % len(tools)], f"arg-{i}") for i in range(33)]  # three threads per tool
    dm = Datamover(path_to_exe=str(tmp_path), blocking=False)
    results: dict[str, tuple[str, bytes]] = {}
    barrier = threading.Barrier(len(calls))

    def call(tool: str, arg: str) -> None:
        method = getattr(dm, tool)
        barrier.wait()
        out, _ = method(arg).communicate()
        results[arg] = (tool, out)

    threads = [threading.Thread(target=call, args=c) for c in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 33
    for arg, (tool, out) in results.items():
        assert out == f"{tmp_path / tool} {arg}\n".encode()


@pytest.mark.parametrize("root_name", ["a:b", "site:", ":x"])
def test_emulated_site_refuses_a_root_that_splits_in_path(tmp_path: Path, root_name: str) -> None:
    """Issue 10.15: ``<root>/bin`` goes into PATH and TAURUS_DATAMOVER_PATH; with a ``:`` in
    it those lists name other directories, where this machine's own tools would be found."""
    from taurus_datamover.emulator.site import EmulatedSite
    from taurus_datamover.errors import TaurusDatamoverError

    root = tmp_path / root_name
    with pytest.raises(TaurusDatamoverError, match="contains ':'") as caught:
        EmulatedSite(root, slurm=False)
    assert isinstance(caught.value, ValueError)
    assert str(root) in str(caught.value)
    assert not root.exists()  # refused before anything was created


def test_canceller_and_watcher_are_resolved_once_per_tool_set(fake_dt: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each call used to search for dtcancel/scancel and dtqueue/squeue again."""
    calls: list[str] = []
    original = Datamover._found_or_slurm

    def counted(self: Datamover, tool: str, slurm_tool: str) -> Any:
        calls.append(tool)
        return original(self, tool, slurm_tool)

    monkeypatch.setattr(Datamover, "_found_or_slurm", counted)
    dm = Datamover(path_to_exe=str(fake_dt))
    for _ in range(3):
        assert dm.dtls("/").wait(30) == 0
    assert sorted(calls) == ["dtcancel", "dtqueue"]
    assert dm.watcher is dm.watcher and dm.watcher is not None
    assert dm.canceller is dm.canceller and dm.canceller is not None


@pytest.mark.parametrize(
    ("make", "kind"),
    [
        (lambda: as_arg("a\x00b"), ValueError),
        (lambda: as_arg(b"a\x00b"), ValueError),
        (lambda: as_arg(True), TypeError),
        (lambda: as_arg(object()), TypeError),  # type: ignore[arg-type]
        (lambda: Datamover(path_to_exe="/nonexistent", verbosity=3), ValueError),
        (lambda: JobWatcher(["squeue"], patience=-1.0), ValueError),
    ],
)
def test_refused_arguments_are_the_packages_errors(make: Any, kind: type[Exception]) -> None:
    """Bare ValueError/TypeError before; now the package's own, still the builtin kind."""
    with pytest.raises(ToolArgumentError) as caught:
        make()
    assert isinstance(caught.value, kind) and isinstance(caught.value, TaurusDatamoverError)
    assert isinstance(caught.value, ToolArgumentTypeError) is (kind is TypeError)

"""The command pays only for what a subcommand needs (issue 13), and the ``cli`` package
has no import circle (issue 14)."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from tests.support import REPO
from tests.support.cli import clean_env

from taurus_datamover import Workspace
from taurus_datamover.emulator.site import EmulatedSite

CLI = REPO / "src" / "taurus_datamover" / "cli"

#: Runs the command in-process, then prints what it loaded (one JSON list on the last line).
_PROBE = """
import sys
from taurus_datamover.cli import main
code = main(sys.argv[1:])
modules = sorted(sys.modules)
import json
print(json.dumps([code, modules]))
"""


def _loaded(tmp_path: Path, *args: str, python: str = sys.executable) -> tuple[int, set[str]]:
    done = subprocess.run(
        [python, "-c", _PROBE, *args],
        env=clean_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    code, modules = json.loads(done.stdout.splitlines()[-1])
    return code, set(modules)


def _other_name_of_this_python() -> str:
    """This interpreter by another name beside it (a venv has ``python`` and ``python3``)."""
    folder = os.path.dirname(sys.executable)
    names = ("python", "python3", f"python3.{sys.version_info.minor}")
    others = [os.path.join(folder, name) for name in names if os.path.join(folder, name) != sys.executable]
    return next(other for other in others if os.path.exists(other) and os.path.samefile(other, sys.executable))


@pytest.mark.parametrize("by_another_name", [False, True], ids=["same name", "python3 beside python"])
def test_ws_list_uses_the_tools_of_an_existing_site_as_they_are(tmp_path: Path, by_another_name: bool) -> None:
    site = EmulatedSite(tmp_path / "site", slurm=False)
    Workspace(site.bin, now=site.now).allocate("run1", 5)
    written = {tool.name: tool.stat().st_mtime_ns for tool in site.bin.iterdir()}
    python = _other_name_of_this_python() if by_another_name else sys.executable
    code, modules = _loaded(tmp_path, "--site-root", str(site.root), "ws", "list", python=python)
    assert code == 0
    # the site was not reopened: its tools were not written again, nor its config read
    assert {tool.name: tool.stat().st_mtime_ns for tool in site.bin.iterdir()} == written
    assert "taurus_datamover.emulator.config" not in modules
    assert "taurus_datamover.emulator.site" not in modules
    # nor did it load what other subcommands need
    for other in ("transfers", "auto_extend", "sync", "site", "bars", "meter", "completion", "queries"):
        assert f"taurus_datamover.cli.{other}" not in modules


def test_ws_list_of_a_new_site_creates_it(tmp_path: Path) -> None:
    root = tmp_path / "new site"
    code, _ = _loaded(tmp_path, "--site-root", str(root), "ws", "list")
    assert code == 0
    assert (root / "bin" / "ws_list").exists()


def test_help_loads_neither_pydantic_nor_the_library(tmp_path: Path) -> None:
    code, modules = _loaded(tmp_path, "--help")
    assert code == 0
    assert "pydantic" not in modules
    library = {m for m in modules if m.startswith("taurus_datamover.") and not m.startswith("taurus_datamover.cli")}
    assert library <= {"taurus_datamover.errors", "taurus_datamover.facts"}  # both import nothing heavy


def _cli_imports(path: Path) -> set[str]:
    """The ``cli`` modules ``path`` imports anywhere (in functions and TYPE_CHECKING blocks too)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("taurus_datamover.cli."):
            found.add(node.module.rsplit(".", 1)[1])
    return found


def test_the_cli_package_has_no_import_circle() -> None:
    graph = {path.stem: _cli_imports(path) for path in CLI.glob("*.py") if path.stem != "__init__"}
    done: set[str] = set()

    def visit(module: str, trail: tuple[str, ...]) -> None:
        assert module not in trail, "import circle: " + " -> ".join((*trail, module))
        if module in done:
            return
        for imported in graph.get(module, ()):
            visit(imported, (*trail, module))
        done.add(module)

    for module in graph:
        visit(module, ())


def test_no_cli_module_is_over_400_lines() -> None:
    long = {p.name: n for p in CLI.glob("*.py") if (n := len(p.read_text(encoding="utf-8").splitlines())) > 400}
    assert long == {}


def test_ws_list_loads_neither_pydantic_nor_the_job_layer(tmp_path: Path) -> None:
    site = EmulatedSite(tmp_path / "site", slurm=False)
    Workspace(site.bin, now=site.now).allocate("run1", 5)
    for words in ((), ("--json",), ("--expiring", "7d"), ("-F", "horse", "--json")):
        code, modules = _loaded(tmp_path, "--site-root", str(site.root), "ws", "list", *words)
        assert code == 0, words
        assert "pydantic" not in modules, words
        heavy = {"taurus_datamover.models", "taurus_datamover.command.job", "taurus_datamover.workspace.api"}
        assert heavy.isdisjoint(modules), (words, heavy & modules)


#: What ``ws list`` has no use for: modules a lighter way replaced on its path (the records
#: are plain classes, the site clock is read without the emulator, tracebacks only with -v,
#: its words are read without argparse, ws_list runs without subprocess, the login name is
#: read without getpass, arguments in ASCII are checked without unicodedata, an unset TZ
#: is read by the C library).
_NOT_ON_THE_WS_LIST_PATH = {"dataclasses", "inspect", "tempfile", "traceback", "taurus_datamover.emulator"} | {
    "argparse",
    "gettext",
    "shutil",
    "subprocess",
    "threading",
    "getpass",
    "unicodedata",
    "zoneinfo",
    "taurus_datamover.cli.parser",
    "taurus_datamover.cli.subcommands",
    # the records hold their paths as text; typing is imported for the type checker only
    "typing",
    "contextlib",
    "warnings",
    "pathlib",
    "urllib.parse",
}


@pytest.mark.parametrize("words", [(), ("--json",), ("-v", "--expiring", "7d", "-F", "horse")], ids=" ".join)
def test_ws_list_loads_no_module_it_has_no_use_for(tmp_path: Path, words: tuple[str, ...]) -> None:
    site = EmulatedSite(tmp_path / "site", slurm=False)
    Workspace(site.bin, now=site.now).allocate("run1", 5)
    code, modules = _loaded(tmp_path, "--site-root", str(site.root), "ws", "list", *words)
    assert code == 0
    assert _NOT_ON_THE_WS_LIST_PATH.isdisjoint(modules), _NOT_ON_THE_WS_LIST_PATH & modules
    assert "json" not in modules or "--json" in words  # the table needs no JSON
    # and of the other subcommands' sub-parsers, none was built
    assert "taurus_datamover.cli.completion" not in modules


#: Runs ``ws list`` in-process with ``re.compile`` and ``collections.namedtuple`` watched,
#: then prints the expressions compiled and the named tuples made (one JSON list).
_WATCH = """
import collections, json, re, sys
compiled, made = [], []
re_compile, namedtuple = re.compile, collections.namedtuple
re.compile = lambda pattern, flags=0: compiled.append(str(pattern)) or re_compile(pattern, flags)
collections.namedtuple = lambda name, *a, **k: made.append(name) or namedtuple(name, *a, **k)
from taurus_datamover.cli import main
code = main(sys.argv[1:])
print(json.dumps([code, compiled, made]))
"""


def test_ws_list_compiles_only_the_expressions_a_listing_uses(tmp_path: Path) -> None:
    site = EmulatedSite(tmp_path / "site", slurm=False)
    Workspace(site.bin, now=site.now).allocate("run1", 5)
    done = subprocess.run(
        [sys.executable, "-c", _WATCH, "--site-root", str(site.root), "ws", "list"],
        env=clean_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    code, compiled, made = json.loads(done.stdout.splitlines()[-1])
    assert code == 0
    # the block header, and the two tool families' names; the expressions of error
    # messages, diagnostics and numbers are compiled when a run needs them
    assert len(compiled) <= 3, compiled
    assert made == []  # the records are built without namedtuple's exec

"""The import contract of the package (docs/architecture.md), read from the source with ``ast``.

Every module belongs to a room (a sub-package, or one of the few top-level modules), and a
room imports only the rooms below it; the emulator is a wing that imports ``facts`` alone;
``facts`` imports nothing; no two modules import each other, directly or round a circle.
Imports under ``if TYPE_CHECKING:`` are for the type checker only and are left out.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.support import REPO

PACKAGE = "taurus_datamover"
SOURCE = REPO / "src" / PACKAGE

_BASE = {"facts", "errors"}
#: The rooms each room may import (besides itself and the standard library).
ALLOWED: dict[str, set[str]] = {
    "facts": set(),
    "errors": {"facts"},
    "models": _BASE,
    "parsers": _BASE | {"models"},
    "command": _BASE | {"models", "parsers"},
    "workspace": _BASE | {"models", "parsers", "command"},
    "sync": _BASE | {"models", "parsers", "command", "workspace"},
    "datamover": _BASE | {"models", "parsers", "command", "workspace", "sync"},
    "cli": _BASE | {"models", "parsers", "command", "workspace", "sync", "datamover", "emulator"},
    "emulator": {"facts"},
    # glue: the package's front door, `python -m`, and the pytest plugin
    "__init__": {"*"},
    "__main__": {"*"},
    "pytest_plugin": {"*"},
}
#: Single modules a room may import from a room it may not import as a whole.
ALLOWED_MODULES: dict[str, set[str]] = {
    # the pure argv rules and listing checks of the datamover, which the sync engine shares
    # (the Datamover class it drives is a type only; `Datamover.sync()` starts the engine)
    # (and the package itself, which Python runs first: it loads its names lazily)
    "sync": {f"{PACKAGE}.datamover", f"{PACKAGE}.datamover.argv", f"{PACKAGE}.datamover.listing"},
    # `__version__` from the front door, whose names are all loaded lazily (PEP 562)
    "cli": {PACKAGE},
}
MAX_LINES = 400


def _modules() -> Iterator[tuple[str, Path]]:
    for path in sorted(SOURCE.rglob("*.py")):
        parts = path.relative_to(SOURCE.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        yield ".".join(parts), path


MODULES = dict(_modules())


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(module: str, path: Path) -> set[str]:
    """The modules of the package that ``module`` imports at run time (any depth)."""
    is_package = path.name == "__init__.py"
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".")
                base = base if is_package else base[:-1]
                base = base[: len(base) - (node.level - 1)]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            for alias in node.names:  # `from pkg import module` imports the module only
                found.add(f"{target}.{alias.name}" if f"{target}.{alias.name}" in MODULES else target)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text(), str(path)))
    return {name for name in found if name == PACKAGE or name.startswith(PACKAGE + ".")}


def _known(name: str) -> str | None:
    """The module of the package that the imported name ``name`` is (or lies in)."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def _room(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _with_packages(module: str, target: str) -> set[str]:
    """``target`` and the packages Python runs first to import it (``a.b`` for ``a.b.c``),
    except those ``module`` lies in itself (already being imported when it runs)."""
    parts = target.split(".")
    found = {target}
    for depth in range(1, len(parts)):
        package = ".".join(parts[:depth])
        if package in MODULES and not (module == package or module.startswith(package + ".")):
            found.add(package)
    return found


GRAPH = {
    module: {
        edge
        for name in _imports(module, path)
        if (known := _known(name)) and known != module
        for edge in _with_packages(module, known)
    }
    for module, path in MODULES.items()
}


def test_every_module_belongs_to_a_room() -> None:
    assert {_room(m) for m in MODULES} <= set(ALLOWED), "a module outside the rooms of docs/architecture.md"


@pytest.mark.parametrize("module", sorted(MODULES))
def test_a_room_imports_only_the_rooms_below_it(module: str) -> None:
    room = _room(module)
    allowed = ALLOWED.get(room, set())
    if "*" in allowed:
        return
    wrong = sorted(
        t
        for t in GRAPH[module]
        if _room(t) != room and _room(t) not in allowed and t not in ALLOWED_MODULES.get(room, set())
    )
    assert not wrong, f"{module} ({room}) may import only {sorted(allowed)}, imports {wrong}"


def test_facts_imports_nothing() -> None:
    tree = ast.parse((SOURCE / "facts.py").read_text())
    imports = [n for n in ast.walk(tree) if isinstance(n, ast.Import | ast.ImportFrom)]
    assert imports == []


def test_no_import_circle() -> None:
    """Depth-first search for a back edge; the message names one circle."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(module: str) -> list[str] | None:
        state[module] = 1
        stack.append(module)
        for target in sorted(GRAPH[module]):
            if state.get(target) == 1:
                return [*stack[stack.index(target) :], target]
            if target not in state and (circle := visit(target)):
                return circle
        stack.pop()
        state[module] = 2
        return None

    for module in sorted(GRAPH):
        if module not in state:
            circle = visit(module)
            assert circle is None, " -> ".join(circle)


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_module_is_over_the_line_limit(module: str) -> None:
    lines = MODULES[module].read_text().count("\n")
    assert lines <= MAX_LINES, f"{module}: {lines} lines (at most {MAX_LINES}: split it by job)"


def test_the_contract_sees_the_imports() -> None:
    """The reader finds real edges (a contract over an empty graph could never fail)."""
    assert f"{PACKAGE}.errors" in GRAPH[f"{PACKAGE}.models"] or any(
        _room(t) == "errors" for m in MODULES if _room(m) == "models" for t in GRAPH[m]
    )
    assert any(_room(t) == "facts" for m in MODULES if _room(m) == "emulator" for t in GRAPH[m])


_CITED = re.compile(r"(?<![\w/.-])((?:docs|tests|bench|ci|fixtures|src)/[\w./-]*\w)")


def test_docstrings_cite_only_files_of_the_repository() -> None:
    """A comment or docstring that names a file of the checkout names one that exists."""
    missing = sorted(
        f"{path.relative_to(REPO)}: {cited}"
        for path in MODULES.values()
        for cited in _CITED.findall(path.read_text())
        if not (REPO / cited).exists() and not any(REPO.glob(cited))
    )
    assert not missing, missing

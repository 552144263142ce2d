"""The emulator is a wing: its modules import ``taurus_datamover.facts`` and the standard
library only, so the site can never lean on the library it emulates tools for."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

from tests.support import REPO

EMULATOR = REPO / "src" / "taurus_datamover" / "emulator"


def _imports(path: Path) -> list[str]:
    """Every module *path* imports (relative imports resolved)."""
    package = list(path.relative_to(REPO / "src").with_suffix("").parts)
    found: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level] if node.level else []
            found.append(".".join([*base, *([node.module] if node.module else [])]))
    return found


def _allowed(module: str) -> bool:
    top = module.split(".")[0]
    if top != "taurus_datamover":
        return top in sys.stdlib_module_names
    return module == "taurus_datamover.facts" or module.startswith("taurus_datamover.emulator")


def test_emulator_imports_only_facts_and_the_standard_library() -> None:
    files = sorted(EMULATOR.rglob("*.py"))
    assert files, f"no emulator modules under {EMULATOR}"
    wrong = {
        f"{path.relative_to(EMULATOR)}: {module}" for path in files for module in _imports(path) if not _allowed(module)
    }
    assert wrong == set()

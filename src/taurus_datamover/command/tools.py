"""Finding the ``dt*`` (the datamover's own names only, never another ``dt...`` on ``PATH``)
and ``ws_*`` executables. The first hit of a name wins, searching: an explicit
``path_to_exe`` (then nothing else, as in the original package); the family's environment
variable (``facts.DATAMOVER_PATH_ENV``/``WS_PATH_ENV``); the ZIH locations; ``PATH``. A
:class:`FoundTools` remembers where it looked, so a missing tool is reported precisely.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from types import MappingProxyType

from taurus_datamover import facts
from taurus_datamover.errors import ToolNotFoundError

__all__ = [
    "DATAMOVER_FAMILY",
    "DATAMOVER_TOOL_NAMES",
    "WORKSPACE_FAMILY",
    "FoundTools",
    "ToolDirs",
    "ToolFamily",
    "find_tool",
    "find_tools",
    "search_directories",
]


class ToolFamily:
    """Tools that share a name pattern and places to look; ``names``: the only names taken
    (None: all that match), as ``PATH`` holds other programs that fit (``dtc``, ``dtrace``).
    A plain class: a record type would cost the command line more to make than it reads."""

    __slots__ = ("env_var", "label", "names", "pattern", "site_dirs")

    def __init__(
        self,
        label: str,
        pattern: re.Pattern[str],
        env_var: str,
        site_dirs: tuple[str, ...],
        names: frozenset[str] | None = None,
    ) -> None:
        self.label, self.pattern, self.env_var, self.site_dirs, self.names = label, pattern, env_var, site_dirs, names

    def __repr__(self) -> str:
        return f"ToolFamily({self.label!r})"

    def accepts(self, name: str) -> bool:
        """True when an executable called ``name`` is one of this family's tools."""
        if self.names is not None:
            return name in self.names
        return self.pattern.fullmatch(name) is not None


#: The datamover's own tools, and nothing else that happens to start with ``dt``.
DATAMOVER_TOOL_NAMES = frozenset(facts.TRANSFER_TOOLS + facts.MANAGE_TOOLS)

#: The pattern says which attribute names are tool names (a missing one: ToolNotFoundError).
DATAMOVER_FAMILY = ToolFamily(
    label="datamover",
    pattern=re.compile(r"dt[a-z]+"),
    env_var=facts.DATAMOVER_PATH_ENV,
    site_dirs=facts.DATAMOVER_SITE_DIRS,
    names=DATAMOVER_TOOL_NAMES,
)

WORKSPACE_FAMILY = ToolFamily(
    label="workspace",
    pattern=re.compile(r"ws_[a-z_]+"),
    env_var=facts.WS_PATH_ENV,
    site_dirs=facts.WS_SITE_DIRS,
)


#: Where to look instead of the default order: one directory, several separated by
#: ``os.pathsep``, or a sequence of directories (``None``: the default order).
ToolDirs = str | os.PathLike[str] | Sequence[str | os.PathLike[str]] | None


def _split_path_list(value: str) -> list[str]:
    return [part for part in value.split(os.pathsep) if part]


def search_directories(
    family: ToolFamily,
    path_to_exe: ToolDirs = None,
    environ: Mapping[str, str] | None = None,
) -> tuple[str, ...]:
    """Return the directories to search for ``family``, in order, without duplicates."""
    env = os.environ if environ is None else environ
    if path_to_exe is not None:
        if isinstance(path_to_exe, (str, os.PathLike)):
            candidates = _split_path_list(os.fspath(path_to_exe))
        else:
            candidates = [os.fspath(p) for p in path_to_exe]
    else:
        candidates = [
            *_split_path_list(env.get(family.env_var, "")),
            *family.site_dirs,
            *_split_path_list(env.get("PATH", os.defpath)),
        ]
    return tuple(dict.fromkeys(os.path.abspath(os.path.expanduser(d)) for d in candidates))


class FoundTools:
    """The tools of one family that were found (``paths``: name -> path; ``in`` asks about
    a name), and the directories searched."""

    __slots__ = ("family", "paths", "searched")

    def __init__(
        self, family: ToolFamily, searched: tuple[str, ...], paths: Mapping[str, str] = MappingProxyType({})
    ) -> None:
        self.family = family
        self.searched = searched
        self.paths = paths

    def __repr__(self) -> str:
        return f"FoundTools(family={self.family!r}, searched={self.searched!r}, paths={self.paths!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, FoundTools):
            return NotImplemented
        return (self.family, self.searched, self.paths) == (other.family, other.searched, other.paths)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(sorted(self.paths))

    def __contains__(self, name: object) -> bool:
        return name in self.paths

    def path(self, name: str) -> str:
        """Absolute path of tool ``name``; :class:`ToolNotFoundError` if it was not found."""
        try:
            return self.paths[name]
        except KeyError:
            raise ToolNotFoundError(name, self.searched) from None

    def directory(self) -> str | None:
        """The directory holding most of the found tools (``None`` when nothing was found)."""
        if not self.paths:
            return None
        dirs = [os.path.dirname(p) for p in self.paths.values()]
        return max(set(dirs), key=dirs.count)


def find_tools(
    family: ToolFamily,
    path_to_exe: ToolDirs = None,
    environ: Mapping[str, str] | None = None,
) -> FoundTools:
    """Search for every executable of ``family`` (see the module docstring for the order)."""
    searched = search_directories(family, path_to_exe, environ)
    found: dict[str, str] = {}
    for directory in searched:
        try:
            names = sorted(os.listdir(directory))
        except OSError:
            continue
        for name in filter(family.accepts, names):
            full = os.path.join(directory, name)
            if name not in found and os.path.isfile(full) and os.access(full, os.X_OK):
                found[name] = full
    return FoundTools(family=family, searched=searched, paths=found)


def find_tool(
    family: ToolFamily,
    name: str,
    path_to_exe: ToolDirs = None,
    environ: Mapping[str, str] | None = None,
) -> str:
    """``find_tools(...).path(name)``, looking for that name alone in each directory instead
    of listing every directory on ``PATH`` (what a command that runs one tool once pays)."""
    searched = search_directories(family, path_to_exe, environ)
    if family.accepts(name):
        for directory in searched:
            full = os.path.join(directory, name)
            if os.path.isfile(full) and os.access(full, os.X_OK):
                return full
    raise ToolNotFoundError(name, searched)

"""Where the command's tools come from: the global options turned into a
:class:`~taurus_datamover.Datamover` and a :class:`~taurus_datamover.Workspace`.

``--emulate`` uses the default emulated site in the user's cache directory (created on
first use), ``--site-root DIR`` the one in ``DIR`` (:meth:`Context.ws_settings`); else the
tools are searched as the library does, from ``--datamover-path`` and ``--ws-path`` on.
"""

from __future__ import annotations

import os
import sys
from datetime import datetime, timezone

from taurus_datamover.errors import UsageError

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing
if TYPE_CHECKING:  # imported on first use: a ws command never loads the file API
    from collections.abc import Callable
    from pathlib import Path
    from typing import NoReturn

    from taurus_datamover.cli.words import Arguments
    from taurus_datamover.datamover import Datamover
    from taurus_datamover.emulator.site import EmulatedSite
    from taurus_datamover.workspace import Workspace


def default_site_root(environ: os._Environ[str] | dict[str, str] | None = None) -> Path:
    """``$XDG_CACHE_HOME/taurus-datamover/site`` (or ``~/.cache/...``): the default site."""
    from pathlib import Path

    return Path(_default_root(os.environ if environ is None else environ))


def _default_root(environ: os._Environ[str] | dict[str, str]) -> str:
    cache = environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(cache, "taurus-datamover", "site")


def _site_clock(root: str) -> Callable[[], datetime]:
    """The clock of the site at ``root`` (its tools' time, in UTC), read at each call."""

    def now() -> datetime:
        from taurus_datamover.workspace.context import site_clock

        return site_clock(root, os.environ).astimezone(timezone.utc)

    return now


def _ready_ws_tools(root: str) -> str | None:
    """``root/bin`` when the site exists and its ``ws_list`` was written for this interpreter
    (reopening the site would write the same tools); else None. The interpreter may go by
    another name beside it (a venv's ``python`` and ``python3``), so that ``taurus-datamover``
    and ``python -m taurus_datamover`` do not take turns rewriting the tools."""
    if os.pathsep in root:  # the refusal of such a root when the site is opened
        from pathlib import Path

        from taurus_datamover.emulator.root import check_site_root

        check_site_root(Path(root))
    tools = os.path.join(root, "bin")
    ws_list = os.path.join(tools, "ws_list")
    try:
        with open(ws_list, "rb") as launcher:
            first = os.fsdecode(launcher.readline())
        named = first[2:-1] if first.startswith("#!") and first.endswith("\n") else ""
        this = named == sys.executable or (
            os.path.dirname(named) == os.path.dirname(sys.executable) and os.path.samefile(named, sys.executable)
        )
    except OSError:
        return None
    return tools if this and os.access(ws_list, os.X_OK) else None


class Context:
    """The tools one run of the command uses, made on first use; ``site_root`` is the emulated
    site of ``--emulate``/``--site-root`` (None: the tools are searched)."""

    def __init__(self, args: Arguments, site_root: str | os.PathLike[str] | None = None) -> None:
        self.args = args
        self._root = None if site_root is None else os.path.join(os.getcwd(), site_root)
        self._site: EmulatedSite | None = None
        self._dm: Datamover | None = None
        self._ws: Workspace | None = None

    def __repr__(self) -> str:
        return f"Context(args={self.args!r}, site_root={self.site_root!r})"

    @classmethod
    def from_args(cls, args: Arguments, *, force_emulate: bool = False) -> Context:
        """The context of the global options (``force_emulate``: at least the default site)."""
        root: str | None = getattr(args, "site_root", None)
        if root is None and (getattr(args, "emulate", False) or force_emulate):
            root = _default_root(os.environ)
        return cls(args=args, site_root=root)

    @property
    def site_root(self) -> Path | None:
        """The emulated site's root, absolute (None: the tools are searched)."""
        from pathlib import Path

        return None if self._root is None else Path(self._root)

    @property
    def site(self) -> EmulatedSite | None:
        """The emulated site of this run (created or reopened now), or None."""
        root = self.site_root if self._site is None else None
        if root is not None:
            from taurus_datamover.emulator.site import EmulatedSite

            self._site = EmulatedSite(root)
        return self._site

    def parser_error(self, message: str) -> NoReturn:
        """Stop with a usage error (exit code 2)."""
        raise UsageError(message)

    @property
    def verbosity(self) -> int:
        """-v count minus -q count."""
        return int(getattr(self.args, "verbose", 0)) - int(getattr(self.args, "quiet", 0))

    def _echo(self) -> int:
        return 1 if self.verbosity >= 2 else 0

    @property
    def datamover(self) -> Datamover:
        """The ``Datamover`` of this run (tool echo with ``-vv``)."""
        if self._dm is None:
            from taurus_datamover.datamover import Datamover

            path = getattr(self.args, "datamover_path", None)
            site = self.site
            if path is None and site is not None:
                path = str(site.bin)
            self._dm = Datamover(path, verbosity=self._echo(), env=None if site is None else site.env())
        return self._dm

    @property
    def has_workspace(self) -> bool:
        """True once this run's ``Workspace`` exists (it then answers every ws command)."""
        return self._ws is not None

    def ws_settings(self) -> tuple[str | None, dict[str, str] | None, Callable[[], datetime] | None]:
        """Where this run's ``ws_*`` tools are, their environment and their clock (None:
        searched as the library does / this process's / the tools' own), as
        :attr:`workspace` is made from them; opens no more of a site than they need."""
        path: str | None = getattr(self.args, "ws_path", None)
        if self._root is None:
            # Workspace itself follows the site's clock when TAURUS_EMULATOR_ROOT names
            # the site its tools come from (never for other tools)
            return path, None, None
        ready = None if self._site is not None else _ready_ws_tools(self._root)
        site = None if ready is not None else self.site
        tools = ready if site is None else str(site.bin)
        return path or tools, None if site is None else site.env(), _site_clock(self._root)

    @property
    def workspace(self) -> Workspace:
        """The ``Workspace`` of this run, following the emulated clock where there is one."""
        if self._ws is None:
            from taurus_datamover.workspace import Workspace

            path, env, now = self.ws_settings()
            self._ws = Workspace(path, verbosity=self._echo(), env=env, now=now)
        return self._ws

"""Where the command's tools come from: the global options turned into a
:class:`~taurus_datamover.Datamover` and a :class:`~taurus_datamover.Workspace`.

* ``--emulate`` uses the default emulated site in the user's cache directory
  (``$XDG_CACHE_HOME/taurus-datamover/site``, else ``~/.cache/taurus-datamover/site``),
  created on first use; ``--site-root DIR`` uses (or creates) the site in ``DIR``.
* Otherwise the tools are searched as the library does (``--datamover-path``/
  ``--ws-path``, then ``TAURUS_DATAMOVER_PATH``/``TAURUS_WS_PATH``, the ZIH places,
  ``PATH``). When ``TAURUS_EMULATOR_ROOT`` names a site (the shell lines of
  ``taurus-datamover emulate`` set it) and the ``ws_*`` tools found are that site's,
  remaining times follow that site's clock (see ``Workspace.current_time``).
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

if TYPE_CHECKING:  # imported on first use: a ws command never loads the file API
    from taurus_datamover.datamover import Datamover
    from taurus_datamover.emulator.site import EmulatedSite
    from taurus_datamover.workspace import Workspace

__all__ = ["Context", "UsageError", "default_site_root", "open_site"]

#: Set by an emulated site's environment: the site root (see ``EmulatedSite.env``).
ROOT_ENV = "TAURUS_EMULATOR_ROOT"


class UsageError(Exception):
    """Arguments that parse but do not make sense together (exit code 2)."""


def default_site_root(environ: os._Environ[str] | dict[str, str] | None = None) -> Path:
    """The default emulated site: ``$XDG_CACHE_HOME/taurus-datamover/site`` (or
    ``~/.cache/taurus-datamover/site``)."""
    env = os.environ if environ is None else environ
    cache = env.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(cache) / "taurus-datamover" / "site"


def open_site(root: Path, *, slurm: bool | None = None) -> EmulatedSite:
    """Create or reopen the emulated site at ``root`` (Slurm is detected when ``slurm`` is None)."""
    from taurus_datamover.emulator.site import EmulatedSite

    return EmulatedSite(root, slurm=slurm)


def _site_clock(root: Path) -> Callable[[], datetime]:
    def now() -> datetime:
        from taurus_datamover.emulator import clock

        return datetime.fromtimestamp(clock.now(root), timezone.utc)

    return now


@dataclass
class Context:
    """The tools one run of the command uses, made on first use."""

    args: argparse.Namespace
    site: EmulatedSite | None = None
    _dm: Datamover | None = field(default=None, repr=False)
    _ws: Workspace | None = field(default=None, repr=False)

    @classmethod
    def from_args(cls, args: argparse.Namespace, *, force_emulate: bool = False) -> Context:
        """The context of the parsed global options (``force_emulate``: the default site
        unless ``--site-root`` names one)."""
        site = None
        root: Path | None = getattr(args, "site_root", None)
        if root is None and (getattr(args, "emulate", False) or force_emulate):
            root = default_site_root()
        if root is not None:
            site = open_site(Path(root))
        return cls(args=args, site=site)

    def parser_error(self, message: str) -> NoReturn:
        """Stop with a usage error (exit code 2)."""
        raise UsageError(message)

    @property
    def verbosity(self) -> int:
        """-v count minus -q count."""
        return int(getattr(self.args, "verbose", 0)) - int(getattr(self.args, "quiet", 0))

    def env(self) -> dict[str, str] | None:
        """The tools' environment: the site's, or None (this process's)."""
        return None if self.site is None else self.site.env()

    def _clock(self) -> Callable[[], datetime] | None:
        # Without --site-root/--emulate, Workspace itself follows the site's clock when
        # TAURUS_EMULATOR_ROOT names the site its tools come from (never for other tools).
        if self.site is not None:
            return _site_clock(self.site.root)
        return None

    @property
    def datamover(self) -> Datamover:
        """The ``Datamover`` of this run (tool echo with ``-vv``)."""
        if self._dm is None:
            from taurus_datamover.datamover import Datamover

            path = getattr(self.args, "datamover_path", None)
            if path is None and self.site is not None:
                path = str(self.site.bin)
            self._dm = Datamover(path, verbosity=1 if self.verbosity >= 2 else 0, env=self.env())
        return self._dm

    @property
    def workspace(self) -> Workspace:
        """The ``Workspace`` of this run, following the emulated clock where there is one."""
        if self._ws is None:
            from taurus_datamover.workspace import Workspace

            path = getattr(self.args, "ws_path", None)
            if path is None and self.site is not None:
                path = str(self.site.bin)
            self._ws = Workspace(path, verbosity=1 if self.verbosity >= 2 else 0, env=self.env(), now=self._clock())
        return self._ws

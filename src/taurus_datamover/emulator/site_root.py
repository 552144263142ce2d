"""The one check on an emulated site's root: its ``bin`` must survive a search-path list.

The site puts ``<root>/bin`` into ``PATH``, ``TAURUS_DATAMOVER_PATH`` and ``TAURUS_WS_PATH``,
lists of directories separated by ``os.pathsep``. A root holding that separator (``:`` on
POSIX) is split into other directories there, so the tools found may be the machine's own
(on a cluster, the real ones). Such a root is refused before anything is created.
"""

from __future__ import annotations

import os
from pathlib import Path

from taurus_datamover.errors import TaurusDatamoverError

__all__ = ["SiteRootError", "check_site_root"]


class SiteRootError(TaurusDatamoverError, ValueError):
    """The root of an :class:`~taurus_datamover.emulator.site.EmulatedSite` cannot be used."""


def check_site_root(root: Path) -> None:
    """Raise :class:`SiteRootError` unless ``root/bin`` reads back as itself from a
    ``os.pathsep``-separated list (the way ``PATH`` is split)."""
    bin_dir = os.fspath(root / "bin")
    if os.pathsep.join([bin_dir]).split(os.pathsep) != [bin_dir]:
        raise SiteRootError(
            f"emulated site root {os.fspath(root)!r} contains {os.pathsep!r}, the separator of "
            "PATH and TAURUS_DATAMOVER_PATH: its bin directory would be split into other "
            "directories there, and tools of this machine found instead of the site's; "
            f"choose a root without {os.pathsep!r}"
        )

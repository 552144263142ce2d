"""The one check of a site root that comes before anything of the site is opened or made
(a module of its own, so the command line can run it without loading the site)."""

from __future__ import annotations

import os
from pathlib import Path

from taurus_datamover.emulator.errors import SiteRootError


def check_site_root(root: Path) -> None:
    """Refuse (:class:`SiteRootError`) a root whose ``bin`` does not read back as itself
    from an ``os.pathsep``-separated list: ``PATH`` and ``TAURUS_DATAMOVER_PATH`` would
    then name other directories, and this machine's own tools be found instead."""
    bin_dir = os.fspath(root / "bin")
    if bin_dir.split(os.pathsep) != [bin_dir]:
        raise SiteRootError(
            f"emulated site root {os.fspath(root)!r} contains {os.pathsep!r}, the separator of "
            "PATH and TAURUS_DATAMOVER_PATH: its bin directory would be split into other "
            "directories there, and tools of this machine found instead of the site's; "
            f"choose a root without {os.pathsep!r}"
        )

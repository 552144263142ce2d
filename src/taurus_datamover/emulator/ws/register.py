"""Emulated ``ws_register DIR``: keep ``DIR/<fs>/<user>-<name>`` links to the user's workspaces.

Links every active workspace and removes links to gone ones. v1 says ``keeping link  PATH``
and ``removing link  PATH`` (Python ``print`` of a padded word) and creates silently; v2
also says ``creating link``, with one space.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from taurus_datamover.emulator.ws.context import Site
from taurus_datamover.emulator.ws.options import options

_OPTS = options("help/h version/V filesystem/F= directory/d= config=")


def _say(site: Site, verb: str, path: str) -> None:
    site.out(f"{verb} link {path}\n" if site.v2 else f"{verb} link  {path}\n")


def _register_fs(site: Site, directory: str, fs: str) -> None:
    db = site.db(fs)
    linkdir = Path(directory, fs)
    linkdir.mkdir(parents=True, exist_ok=True)
    keep: set[str] = set()
    for ws_id in sorted(db.ids(site.ws_id("*"))):
        try:
            workspace = db.read(ws_id).workspace
        except (OSError, ValueError):
            continue
        link = f"{directory}/{fs}/{os.path.basename(workspace)}"
        keep.add(link)
        if os.path.lexists(link):
            _say(site, "keeping", link)
        else:
            os.symlink(workspace, link)
            if site.v2:
                _say(site, "creating", link)
    for name in sorted(os.listdir(linkdir)):
        link = f"{directory}/{fs}/{name}"
        if os.path.islink(link) and link not in keep:
            os.unlink(link)
            _say(site, "removing", link)


def ws_register(site: Site, argv: list[str]) -> int:
    opts = site.start("ws_register", argv, _OPTS, ("directory",))
    directory = opts.get("directory")
    if directory is None:
        return site.help("ws_register") if site.v2 else site.say("register_no_dir")
    filesystems = site.chosen_filesystems(opts, "register_bad_fs")
    try:
        Path(directory).mkdir(parents=True, exist_ok=True)
        for fs in filesystems:
            _register_fs(site, directory.rstrip("/") or "/", fs)
    except OSError as exc:
        print(f"{'error' if site.v2 else 'Error'}: {exc}", file=sys.stderr)
        return 255
    return 0

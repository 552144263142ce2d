"""Emulated ``ws_find``: print the path of a workspace (or list the file systems).

v1 (``bin/ws_find``, optparse) prints the path from every file system that has the
workspace and ``-l`` lists file system names; v2 treats the name as a glob and prints the
first match only.
"""

from __future__ import annotations

from taurus_datamover.emulator.ws.context import Site
from taurus_datamover.emulator.ws.options import options

_V1 = options("version help/h filesystem/F= list/l")
_V2 = options("help/h version/V filesystem/F= group/g username/u= name/n= config=")


def ws_find(site: Site, argv: list[str]) -> int:
    opts = site.start("ws_find", argv, _V2 if site.v2 else _V1, ("name",) if site.v2 else (), allow_repeat=not site.v2)
    filesystems = site.chosen_filesystems(opts, "find_bad_fs")
    if not site.v2 and "list" in opts:
        site.out("available filesystems:\n" + "".join(f"{fs}\n" for fs in filesystems))
        return 0
    name = opts.get("name") if site.v2 else (opts.positionals[0] if opts.positionals else None)
    if name is None:
        return site.say("find_no_name")
    found = False
    for fs in filesystems:
        db = site.db(fs)
        for ws_id in db.ids(site.ws_id(name)) if site.v2 else [site.ws_id(name)]:  # v2: a glob
            try:
                path = db.read(ws_id).workspace
            except (OSError, ValueError):
                continue  # a missing or unreadable entry is skipped, as the real tool does
            site.out(path + "\n")
            if site.v2:
                return 0
            found = True
    return 0 if found else site.say("find_missing")

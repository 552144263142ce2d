"""Emulated ``ws_release``: move a workspace to the file system's deleted area.

DB entry and directory become ``<user>-<name>-<unixtime>`` in the deleted areas, for
``ws_restore``; a taken id (two releases in one second, common with a frozen clock) bumps
the stamp where the real tool would sleep. ``--delete-data`` deletes the data at once (no
5 s grace) and the entry. v1 prints nothing on success, v2 two ``info:`` lines.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from taurus_datamover.emulator.ws.context import NAME_RE, Site
from taurus_datamover.emulator.ws.options import options

_OPTS = options("help/h version/V name/n= filesystem/F= delete-data")
_V2_EXTRA = options("username/u= config=")


def ws_release(site: Site, argv: list[str]) -> int:
    opts = site.start("ws_release", argv, _OPTS + _V2_EXTRA if site.v2 else _OPTS, ("name",))
    name = opts.get("name")
    if name is None or opts.positionals:
        return site.usage("ws_release")
    if NAME_RE.fullmatch(name) is None:
        return site.say("illegal_name")
    fs = site.filesystem_for(opts, name, search=True)
    db, ws_id = site.db(fs), site.ws_id(name)
    with db.locked():
        if not db.exists(ws_id):
            return site.say("release_missing")
        delete = "delete-data" in opts
        if delete:
            site.say("delete_data_start")
        entry = site.entry(db, ws_id)
        workspace = Path(entry.workspace)
        trash = workspace.parent / site.cfg.filesystems[fs].deleted
        entry.released = site.now_int
        while db.trash.file(f"{ws_id}-{entry.released}").exists() or (trash / f"{ws_id}-{entry.released}").exists():
            entry.released += 1
        deleted_id = db.move_to_deleted(ws_id, entry, entry.released)
        if workspace.is_dir():
            trash.mkdir(parents=True, exist_ok=True)
            workspace.rename(trash / deleted_id)
        if not delete:
            site.say("released", name=name)
            return site.say("release_recoverable")
        shutil.rmtree(trash / deleted_id, ignore_errors=True)
        db.trash.remove(deleted_id)
        return site.say("delete_data_done", name=name)

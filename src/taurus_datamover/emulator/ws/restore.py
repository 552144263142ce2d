"""Emulated ``ws_restore``: list released workspaces, or move one into another workspace.

``ws_restore -l`` lists ``<user>-*`` ids of every file system's deleted area (v1: a ``fs:``
header for each file system, even empty ones). ``ws_restore [-F fs] ID TARGET`` moves the
released data into ``<target workspace>/<ID>`` and removes the DB entry. The real v1 tool
first asks a "are you human" question; the emulated v1 asks only when stdin is a terminal
(type back the shown word), so scripts and tests run unattended. v2 is
:mod:`.restore_v2` (its human test: :mod:`.human`).
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

from taurus_datamover.emulator.ws.context import NAME_RE, Site
from taurus_datamover.emulator.ws.options import options
from taurus_datamover.emulator.ws.restore_v2 import list_released, move_back, restore_v2

__all__ = ["ws_restore"]

_OPTS = options("help/h version/V list/l brief/b name/n= target/t= filesystem/F= username/u=")
_V2_EXTRA = options("config= delete-data")


def _human() -> bool:
    """The real tool's check, only when a person can answer (stdin is a terminal)."""
    if not sys.stdin.isatty():
        return True
    word = "".join(random.choice("bdfgklmnprstvz") + random.choice("aeiou") for _ in range(5))
    sys.stdout.write(f"to verify that you are human, please type '{word}': ")
    sys.stdout.flush()
    if sys.stdin.readline().strip() != word:
        return False
    sys.stdout.write("you are human\n")
    return True


def _usage_error(site: Site, line: str) -> int:
    """v1 reports a missing target / name on stdout, followed by the usage."""
    from taurus_datamover.emulator.ws import formats_v1

    site.out(f"{line}\n{formats_v1.RESTORE_USAGE}\n{formats_v1.RESTORE_TABLE}\n")
    return 1


def _restore(site: Site, fs: str, name: str, target: str) -> int:
    if not site.cfg.filesystems[fs].restorable:
        return site.say("restore_not_restorable")
    db = site.db(fs)
    target_id = site.ws_id(target)
    if not db.exists(target_id):
        return site.say("restore_target_missing")
    if not db.deleted_file(name).is_file():
        return site.say("restore_missing")
    if not _human():
        return 0
    source = Path(db.read_deleted(name).workspace).parent / site.cfg.filesystems[fs].deleted / name
    return move_back(site, db, source, Path(db.read(target_id).workspace) / name)


def ws_restore(site: Site, argv: list[str]) -> int:
    """Run ``ws_restore ARGV``; return the exit code."""
    opts = site.start("ws_restore", argv, _OPTS + _V2_EXTRA if site.v2 else _OPTS, ("name", "target"))
    if isinstance(opts, int):
        return opts
    if site.v2:
        return restore_v2(site, opts)
    if opts.has("list"):  # v1 lists every file system (``-F`` and a pattern are ignored)
        return list_released(site, site.filesystems, site.user, "*", opts.has("brief"))
    name, target = opts.get("name"), opts.get("target")
    if name is None:
        return _usage_error(site, "Error: neither workspace nor -l specified.")
    if target is None:
        return _usage_error(site, "Error: no target given.")
    if NAME_RE.fullmatch(name) is None or NAME_RE.fullmatch(target) is None:
        print("Error: Illegal workspace name, use characters and numbers, -,. and _ only!", file=sys.stderr)
        return 1
    if not name.startswith(site.user + "-"):
        return site.say("restore_bad_owner", user=site.user, first=name.split("-")[0])
    fs = site.filesystem_for(opts, name, search=False)
    if isinstance(fs, int):
        return fs
    db = site.db(fs)
    with db.locked():
        return _restore(site, fs, name, target)

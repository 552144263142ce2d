"""Emulated v2 ``ws_restore``: the real 2.0.0 order of checks, texts and exit codes.

``-l [PATTERN]`` lists the released ids of every file system (admins: of every user, or of
``-u USER``). ``ID TARGET`` checks the id's owner, then asks the human test (on stdout,
see :mod:`.human`) *before* looking the id up, then moves the data into the target
workspace. Many refusals exit 0 with an ``error:`` line (the real code returns from its
restore function); a missing or ambiguous id exits 1. ``--delete-data ID`` deletes the
released data instead (without the real tool's 5 second pause).
"""

from __future__ import annotations

import fnmatch
import re
import shutil
import sys
from pathlib import Path

from taurus_datamover.emulator.ws import formats_v2
from taurus_datamover.emulator.ws.context import Site
from taurus_datamover.emulator.ws.db import Database, DbError
from taurus_datamover.emulator.ws.formats import RestoreView
from taurus_datamover.emulator.ws.human import human_test
from taurus_datamover.emulator.ws.options import Parsed

__all__ = ["restore_v2"]

_START = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]?")
_BAD = re.compile(r"[^A-Za-z0-9._-]")


def _usage_lines() -> tuple[str, str]:
    """The usage line and the option table of the help."""
    text = formats_v2.HELP["ws_restore"][0]
    usage, _, rest = text.partition("\n")
    table = rest.rsplit("attention:", 1)[0]
    return usage + "\n", table.lstrip("\n").rstrip("\n") + "\n"


def _refuse(words: str, *, table_to_stdout: bool = False) -> int:
    usage, table = _usage_lines()
    print(f"error: {words}", file=sys.stderr)
    sys.stderr.write(usage)
    (sys.stdout if table_to_stdout else sys.stderr).write("\n" + table + "\n")
    return 1


def _listing(site: Site, opts: Parsed, owner: str) -> int:
    filesystems = site.chosen_filesystems(opts, "restore_bad_fs")
    filesystems = [] if isinstance(filesystems, int) else filesystems
    return list_released(site, filesystems, owner, opts.get("name") or "*", opts.has("brief"))


def list_released(site: Site, filesystems: list[str], owner: str, pattern: str, brief: bool) -> int:
    """``ws_restore -l``: the released ids of *owner* (a glob) whose name matches *pattern*."""
    groups: list[tuple[str, list[RestoreView]]] = []
    for fs in filesystems:
        keeptime = site.cfg.filesystems[fs].keeptime
        ids = sorted(
            i for i in site.db(fs).deleted_ids(f"{owner}-*") if fnmatch.fnmatchcase(i.partition("-")[2], pattern)
        )
        groups.append((fs, [RestoreView(i, fs, keeptime, site.now) for i in ids]))
    site.out(site.fmt.restore_listing(groups, brief))
    return 0


def move_back(site: Site, db: Database, source: Path, destination: Path) -> int:
    """Move released data *source* to *destination* (never over an existing one) and drop
    its DB entry; the exit code of the tool's last words."""
    try:
        if destination.exists():
            raise OSError(f"{destination} exists")
        source.rename(destination)
    except OSError:
        return site.say("restore_move_failed")
    db.remove_deleted(source.name)
    return site.say("restore_ok")


def restore_v2(site: Site, opts: Parsed) -> int:
    """Run v2 ``ws_restore`` with the parsed *opts*; return the exit code."""
    name, target = opts.get("name"), opts.get("target")
    listing = opts.has("list")
    if name is None and not listing:
        return _refuse("neither workspace nor -l specified.")
    if name is not None and not listing:
        if target is None and not opts.has("delete-data"):
            return _refuse("no target given.", table_to_stdout=True)
        if _START.fullmatch(name[:2]) is None or _BAD.search(name):
            print("error: Illegal workspace name, use characters and numbers, -,. and _ only!", file=sys.stderr)
            return 1
    user_opt = opts.get("username") or ""
    if listing:
        owner = (user_opt or "*") if site.is_admin else site.user
        return _listing(site, opts, owner)
    assert name is not None
    if user_opt and user_opt != site.user and site.user != "root":
        return site.say("restore_not_root")
    owner = user_opt or site.user
    if site.user != "root" and not name.startswith(site.user + "-"):
        return site.say("restore_bad_owner")
    if not human_test():
        return 0
    return _restore(site, opts, owner, name, target)


def _restore(site: Site, opts: Parsed, owner: str, name: str, target: str | None) -> int:
    filesystems = site.chosen_filesystems(opts, "restore_bad_fs")
    if isinstance(filesystems, int):
        return filesystems
    hits = [fs for fs in filesystems if site.db(fs).deleted_file(name).is_file()]
    if len(hits) > 1:
        code = site.say("restore_not_unique", name=name)
        for fs in hits:
            print(f"error:  {name} is in {fs}", file=sys.stderr)
        return code
    if not hits or not name.startswith(owner + "-"):
        return site.say("restore_missing")
    source_fs = hits[0]
    if not site.cfg.filesystems[source_fs].restorable:
        return site.say("restore_not_restorable")
    db = site.db(source_fs)
    with db.locked():
        entry = db.read_deleted(name)
        trash = Path(entry.workspace).parent / site.cfg.filesystems[source_fs].deleted
        if opts.has("delete-data"):
            site.say("restore_delete_start")
            shutil.rmtree(trash / name, ignore_errors=True)
            db.remove_deleted(name)
            return site.say("restore_delete_done")
        target_path = _target_path(site, filesystems, f"{owner}-{target}")
        if target_path is None:
            return site.say("restore_target_missing")
        return move_back(site, db, trash / name, target_path / name)


def _target_path(site: Site, filesystems: list[str], ws_id: str) -> Path | None:
    """The directory of the user's active workspace *ws_id* (first file system that has it)."""
    for fs in filesystems:
        db = site.db(fs)
        if db.exists(ws_id):
            try:
                return Path(db.read(ws_id).workspace)
            except (OSError, DbError):
                continue
    return None

"""Emulated ``ws_list``: the user's workspaces per file system, in v1 or v2 layout.

v1 (optparse) prints DB files in directory order unless ``-N``/``-C``/``-R`` sort (``-N``
by DB file path, so file systems come in the order of their database directories); ``-s``
prints only names and ignores sorting. v2 adds ``-L``, ``-T``, ``-e``, ``-P`` and ``-p``.
"""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from taurus_datamover.emulator.ws import formats_v2
from taurus_datamover.emulator.ws.context import Site
from taurus_datamover.emulator.ws.db import WsEntry, parse_entry
from taurus_datamover.emulator.ws.formats import EntryView
from taurus_datamover.emulator.ws.options import Opt, options

_V1 = [*options("version help/h filesystem/F="), *(Opt(letter, letter) for letter in "glsNCRrtva")]
_V2 = options(
    "help/h version/V filesystem/F= group/g listfilesystems/l listfilesystemdetails/L short/s username/u= "
    "expired/e name/N creation/C remaining/R reverted/r terse/t table/T config= pattern/p= permissions/P "
    "verbose/v threads/n="
)
#: v2 long names -> the v1 letters (their short options) the listing code below uses.
_V2_FLAGS = {opt.long: opt.short for opt in _V2 if opt.short and opt.short in "gsNCRrtv"}


_EXPLANATION = """
Explanation:
      maxduration: maximum number of days you can specify with ws_allocate as lifetime
       extensions: the numer of times you can extend the workspace
         keeptime: the number of days an expired workspace can be restored (unless data was deleted)
  releasekeeptime: the number of days a released workspace can be restored (unless data was deleted)
      allocatable: flag if new workspaces can be created here
       extendable: flag if workspaces can be extended here
       restorable: flag if new workspaces can be restored here
"""


def _list_filesystems(site: Site, details: bool, verbose: bool = False) -> int:
    out = ["available filesystems (sorted according to priority):\n"]
    if details:
        out.append("\n")
        out.append(
            f"{'name':>10}{'maxduration':>12}{'extensions':>12}{'keeptime':>10}{'releasekeeptime':>17}"
            f"{'allocatable':>12}{'extendable':>12}{'restorable':>12}{'comment':>10}\n"
        )
    for fs in site.filesystems:
        if not details:
            out.append(f"{fs}\n")
            continue
        cfg = site.cfg.filesystems[fs]
        flags = "".join(f"{str(flag).lower():>12}" for flag in (cfg.allocatable, cfg.extendable, cfg.restorable))
        out.append(
            f"{fs:>10}{site.cfg.max_duration_of(fs):>12}{site.cfg.max_extensions_of(fs):>12}"
            f"{cfg.keeptime:>10}{site.cfg.release_keeptime_of(fs):>17}{flags}   {cfg.comment}\n"
        )
    if details and verbose:
        out.append(_EXPLANATION)
    site.out("".join(out))
    return 0


def _view(site: Site, fs: str, ws_id: str, path: Path, entry: WsEntry, expired: bool) -> EntryView:
    """The entry at *path* as listed: its creation time, else (as v1 did) its DB file's ctime."""
    until = None
    if expired and entry.released:
        until = entry.released + site.cfg.release_keeptime_of(fs) * 86400
    elif expired:
        start = entry.expired or int(ws_id.rsplit("-", 1)[-1] or 0)
        until = start + site.cfg.filesystems[fs].keeptime * 86400
    try:
        permissions = stat.filemode(os.stat(entry.workspace).st_mode)[1:]
    except OSError:
        permissions = "---------"
    try:
        creation = float(entry.creation) if entry.creation > 0 else os.path.getctime(path)
    except OSError:
        creation = 0.0
    return EntryView(ws_id, fs, entry, site.now, creation, permissions, until, _shown_id(site, ws_id))


def _scan(
    site: Site, filesystems: list[str], pattern: str, flags: set[str], expired: bool, owner: str
) -> list[EntryView]:
    """The matching DB entries of *owner* (a glob); with ``-s`` and no sorting (v1: always)
    the names are printed right away instead, as both versions do."""
    found: list[EntryView] = []
    short_now = "s" in flags and (not site.v2 or not flags & {"N", "C", "R"})
    owner = "*" if "g" in flags else owner
    for fs in filesystems:
        db = site.db(fs).trash if expired else site.db(fs)
        for ws_id in db.ids(f"{owner}-{pattern}-*" if expired else f"{owner}-{pattern}"):
            path = db.file(ws_id)
            own = (site.v2 and site.is_admin) or ws_id.startswith(site.user + "-")
            if short_now and own:
                site.out(_shown_id(site, ws_id) + "\n")
                continue
            try:
                text = path.read_bytes()
            except OSError:
                continue
            if not text.strip():
                print("ws-db file is empty:", path, file=sys.stderr)
                continue
            try:
                entry = parse_entry(text.decode())
            except ValueError:  # a DbError, or not UTF-8
                site.say("unreadable_entry", path=path)
                continue
            if not own and entry.group != site.group:
                continue
            if short_now:
                site.out(_shown_id(site, ws_id) + "\n")
                continue
            found.append(_view(site, fs, ws_id, path, entry, expired))
    return found


def _shown_id(site: Site, ws_id: str) -> str:
    """v2 admins see the DB id (``usera-bigdata``), everyone else the short one."""
    return ws_id if site.v2 and site.is_admin else site.fmt.short_id(ws_id)


def _sorted(found: list[EntryView], flags: set[str], site: Site) -> list[EntryView]:
    """``-R`` by expiration, ``-C`` by creation, ``-N`` by name (v1: DB file path); ``-r`` reverses."""
    keys: dict[str, Callable[[EntryView], Any]] = {"R": lambda v: v.entry.expiration, "C": lambda v: v.creation}
    keys["N"] = (lambda v: v.ws_id) if site.v2 else (lambda v: str(site.db(v.fs).file(v.ws_id)))
    key = next((keys[letter] for letter in "RCN" if letter in flags), None)
    return found if key is None else sorted(found, key=key, reverse="r" in flags)


def ws_list(site: Site, argv: list[str]) -> int:
    opts = site.start("ws_list", argv, _V2 if site.v2 else _V1, ("pattern",) if site.v2 else (), allow_repeat=True)
    letters = _V2_FLAGS if site.v2 else {letter: letter for letter in "glsNCRrtva"}
    flags = {letters[key] for key in opts if key in letters}
    filesystems = site.chosen_filesystems(opts, "list_bad_fs")
    if site.v2 and ("listfilesystems" in opts or "listfilesystemdetails" in opts):
        return _list_filesystems(site, "listfilesystemdetails" in opts, "verbose" in opts)
    if "l" in flags:
        default = site.cfg.default_filesystem
        site.out("available filesystems:\n")
        site.out("".join(f"{fs}{' (default)' if fs == default else ''}\n" for fs in filesystems))
        return 0
    if site.v2:
        pattern = opts.get("pattern") or "*"
    else:
        pattern = opts.positionals[0] if len(opts.positionals) == 1 else "*"
    expired = site.v2 and "expired" in opts
    owner = (opts.get("username") or "*") if site.v2 and site.is_admin else site.user
    found = _sorted(_scan(site, filesystems, pattern, flags, expired, owner), flags, site)
    if "s" in flags:  # v2 with a sort option: the names in sorted order
        site.out("".join(view.shown_id + "\n" for view in found))
        return 0
    table = site.v2 and "table" in opts
    terse = "t" in flags
    if table and found:
        site.out(formats_v2.table_header(terse))
    for view in found:
        if table:
            site.out(formats_v2.table_row(view, terse))
        else:
            site.out(site.fmt.list_entry(view, terse=terse, verbose="v" in flags, permissions="permissions" in opts))
    return 0

"""Emulated v2 ``ws_stat [-F fs] [-N|-C|-R] [-r] [PATTERN]``: count what each workspace holds.

A block per matching workspace of the user (admins: every user's, or ``-u USER``'s) in the real
tool's layout (symlinks are not followed), and the captured tool's warning that the
``en_US.UTF-8`` locale is missing (hence no thousands separators).
"""

from __future__ import annotations

import os
import stat
import sys
from collections import Counter

from taurus_datamover.emulator.ws.context import Site
from taurus_datamover.emulator.ws.db import WsEntry
from taurus_datamover.emulator.ws.options import options

_OPTS = options(
    "help/h version/V filesystem/F= username/u= groupname/g config= pattern/p= name/N creation/C "
    "remaining/R reverted/r verbose/v threads/t= debug trace"
)
_UNITS = ("B", "KB", "MB", "GB", "TB", "PB", "EP", "ZB", "YB", "RB", "QB")
_LOCALE_WARNING = "warning: Failed to set locale to en_US.UTF-8, falling back to default locale"


def pretty_bytes(size: int) -> str:
    """``0 B``, ``1.5 KB``, ``1.23 MB``: three significant digits, powers of 1000."""
    value = float(size)
    index = 0
    while value >= 1000 and index < len(_UNITS) - 1:
        value /= 1000.0
        index += 1
    return f"{value:.3g} {_UNITS[index]}"


def _count(top: str) -> Counter[str]:
    counts: Counter[str] = Counter()
    pending = [top]
    while pending:
        directory = pending.pop()
        try:
            entries = list(os.scandir(directory))
        except OSError as exc:
            print(f"error: Error reading directory {directory}: {exc}", file=sys.stderr)
            continue
        for entry in entries:
            try:
                info = entry.stat(follow_symlinks=False)
            except OSError:
                continue
            if stat.S_ISLNK(info.st_mode):
                counts["softlinks"] += 1
            elif stat.S_ISDIR(info.st_mode):
                counts["directories"] += 1
                pending.append(entry.path)
            elif stat.S_ISREG(info.st_mode):
                counts["files"] += 1
                counts["bytes"] += info.st_size
                counts["blocks"] += info.st_blocks
    return counts


def _block(ws_id: str, entry: WsEntry) -> str:
    if not os.path.isdir(entry.workspace):
        print(f"error: workspace <{entry.workspace}> does not exist!", file=sys.stderr)
        counts: Counter[str] = Counter()
    else:
        counts = _count(entry.workspace)
    return (
        f"Id: {ws_id}\n"
        f"    workspace directory : {entry.workspace} \n"
        f"    files               : {counts['files']}\n"
        f"    softlinks           : {counts['softlinks']}\n"
        f"    directories         : {counts['directories']}\n"
        f"    bytes               : {counts['bytes']} ({pretty_bytes(counts['bytes'])})\n"
        f"    blocks              : {counts['blocks']}\n"
    )


def ws_stat(site: Site, argv: list[str]) -> int:
    site.require_v2("ws_stat")
    opts = site.start("ws_stat", argv, _OPTS, ("pattern",), allow_repeat=True)
    user_opt = opts.get("username") or ""
    owner = (user_opt or "*") if site.is_admin else site.user
    filesystems = site.chosen_filesystems(opts, "list_bad_fs", fatal=False)  # "invalid filesystem given."
    pattern = opts.get("pattern") or "*"
    found: list[tuple[str, WsEntry]] = []
    for fs in filesystems:
        db = site.db(fs)
        for ws_id in db.ids(f"{owner}-{pattern}"):
            try:
                found.append((ws_id, db.read(ws_id)))
            except (OSError, ValueError) as exc:
                print(f"error: {exc}", file=sys.stderr)
    sorts = {"remaining": lambda i: i[1].expiration, "creation": lambda i: i[1].creation, "name": lambda i: i[0]}
    found.sort(key=next((key for option, key in sorts.items() if option in opts), lambda _: 0))
    if "reverted" in opts:
        found.reverse()
    print(_LOCALE_WARNING, file=sys.stderr)
    site.out("".join(_block(ws_id, entry) for ws_id, entry in found))
    return 0

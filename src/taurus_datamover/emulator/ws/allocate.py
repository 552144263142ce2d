"""Emulated ``ws_allocate`` (create, reuse or extend a workspace) and ``ws_extend``.

stdout carries only the path; ``Info:``/``Error:`` and the ``remaining ...`` lines go to
stderr. A duration beyond the file system's limit is capped (with a two-line error) and
succeeds. v1 uses an extension on every ``-x``; v2 only when the expiration moves later
(so ``-x`` with only ``-c``/``-m``/``-r`` changes metadata for free).
"""

from __future__ import annotations

import os
import random
from dataclasses import dataclass
from pathlib import Path

from taurus_datamover.emulator.ws.context import NAME_RE, Site, ToolExit
from taurus_datamover.emulator.ws.db import Database, WsEntry
from taurus_datamover.emulator.ws.formats import cdiv
from taurus_datamover.emulator.ws.options import Opt, Parsed, options

_COMMON = options(
    "help/h version/V duration/d= name/n= filesystem/F= reminder/r= mailaddress/m= extension/x username/u= comment/c="
)
_V1 = [*_COMMON, *options("group/g groupname/G=")]


@dataclass
class _Request:
    name: str
    duration: int  # days; v2's 0 keeps the expiration
    extend: bool
    fs: str
    reminder: int | None
    mail: str | None
    comment: str | None
    group: str
    group_writable: bool


def _group_of(site: Site, opts: Parsed) -> tuple[str, bool]:
    if not site.v2:
        group = opts.get("groupname")
        return ((site.group if "group" in opts else "") if group is None else group), False
    for key, writable in (("groupwritable", True), ("groupreadable", False)):
        if key in opts:
            return opts[key] or site.group, writable
    return "", False


def _request(site: Site, opts: Parsed) -> _Request:
    """Check the command line as the real tool does (a refusal ends the tool)."""
    name = opts.get("name")
    if name is None or opts.positionals:
        raise ToolExit(site.usage("ws_allocate"))
    try:
        duration, reminder = (None if opts.get(key) is None else int(opts[key]) for key in ("duration", "reminder"))
    except ValueError:
        raise ToolExit(site.help("ws_allocate") or 1) from None
    extend, mail = "extension" in opts, opts.get("mailaddress")
    if site.v2:
        duration, mail = _v2_checks(site, opts, duration, reminder, extend)
    elif mail is not None and reminder is None:
        site.end("mail_without_reminder")
    if NAME_RE.fullmatch(name) is None:
        site.end("illegal_name")
    fs = site.filesystem_for(opts, name, search=extend)
    duration = site.cfg.duration_default if duration is None else duration
    if not site.v2 and duration > site.cfg.max_duration_of(fs):
        duration = site.cfg.max_duration_of(fs)
        site.say("duration_too_long", max=duration)
    return _Request(name, duration, extend, fs, reminder, mail, opts.get("comment"), *_group_of(site, opts))


def _v2_checks(
    site: Site, opts: Parsed, duration: int | None, reminder: int | None, extend: bool
) -> tuple[int, str | None]:
    """v2's reminder, mail and default-duration rules, in its order and words: the duration
    (days; 0 keeps the expiration) and the mail address."""
    mail = opts.get("mailaddress")
    if reminder:
        if mail is None:
            mail = site.user
            site.say("reminder_local_user")
        if reminder >= (-1 if duration is None else duration):
            site.say("reminder_after_expiry")
    elif mail is not None and not extend:
        site.end("mail_without_reminder")
    if duration is not None:
        return duration, mail
    if extend and (mail or opts.get("comment") or reminder):
        site.say("duration_zero")
        return 0, mail
    site.say("duration_from_userconfig")
    return site.cfg.duration_default, mail


def _capped(site: Site, req: _Request, key: str) -> int:
    """v2: a duration beyond the file system's maximum (or negative) becomes the maximum."""
    maximum = site.cfg.max_duration_of(req.fs)
    if req.duration > maximum or req.duration < 0:
        site.say(key, max=maximum)
        return maximum
    return req.duration


def _report(site: Site, entry: WsEntry) -> int:
    site.out(entry.workspace + "\n")
    days = cdiv(entry.expiration - site.now_int, 86400)
    return site.say("remaining", extensions=entry.extensions, days=days)


def _extend(site: Site, req: _Request, db: Database, ws_id: str) -> int:
    """v1 sets every given value and uses an extension; v2 says what changes, sets only
    what is given non-empty and uses an extension only to lengthen."""
    if not site.cfg.filesystems[req.fs].extendable:
        return site.say("not_extendable")
    site.say("extending")
    entry = site.entry(db, ws_id)
    for key, value in (("mailaddress", req.mail), ("reminder", req.reminder), ("comment", req.comment)):
        if value if site.v2 else value is not None:
            setattr(entry, key, value)
            site.say(f"changed_{key.removesuffix('address')}", mail=value)  # (v1 says nothing)
        elif key == "mailaddress" and entry.mailaddress:
            site.say("reused_mail", mail=entry.mailaddress)
    if req.duration != 0 or not site.v2:
        duration = _capped(site, req, "duration_too_long_ext") if site.v2 else req.duration
        expiration = site.now_int + duration * 86400
        if expiration > entry.expiration or not site.v2:
            if entry.extensions <= 0:
                return site.say("no_more_extensions")
            entry.extensions -= 1
        entry.expiration = expiration
    db.write(ws_id, entry)
    return _report(site, entry)


def _create(site: Site, req: _Request, db: Database, ws_id: str) -> int:
    cfg = site.cfg.filesystems[req.fs]
    if not cfg.allocatable:
        return site.say("not_allocatable")
    site.say("creating")  # in the first space, or (v2 ``random``) in one at random
    path = Path(random.choice(cfg.spaces) if cfg.space_selection == "random" else cfg.spaces[0], ws_id)
    try:
        path.mkdir(parents=True, exist_ok=True)
        os.chmod(path, 0o2770 if req.group_writable else 0o750 if req.group else 0o700)
    except OSError:
        return site.say("mkdir_failed", path=path)
    duration = _capped(site, req, "duration_too_long") if site.v2 else req.duration
    entry = WsEntry(str(path), site.now_int, site.now_int + duration * 86400, comment=req.comment or "")
    entry.extensions, entry.reminder = site.cfg.max_extensions_of(req.fs), req.reminder or 0
    entry.mailaddress, entry.group = req.mail or "", req.group
    db.write(ws_id, entry)
    return _report(site, entry)


def ws_allocate(site: Site, argv: list[str]) -> int:
    group = [Opt("groupreadable", "g", implicit=site.group), Opt("groupwritable", "G", implicit=site.group)]
    v2_options = [*_COMMON, *group, *options("config= debug trace")]
    opts = site.start("ws_allocate", argv, v2_options if site.v2 else _V1, ("name", "duration"))
    if site.v2 and "username" in opts and "extension" not in opts and site.user != "root":
        site.say("ignoring_username")
    req = _request(site, opts)
    db, ws_id = site.db(req.fs), site.ws_id(req.name)
    with db.locked():
        if not db.exists(ws_id):
            return site.say("extend_missing") if req.extend else _create(site, req, db, ws_id)
        if req.extend:
            return _extend(site, req, db, ws_id)
        site.say("reusing")
        return _report(site, site.entry(db, ws_id))


def ws_extend(site: Site, argv: list[str]) -> int:
    """``ws_extend [-F fs] NAME DAYS``: the shell wrapper around ``ws_allocate -x``."""
    if len(argv) == 2 or (len(argv) == 4 and argv[0] == "-F"):
        return ws_allocate(site, ["-x", *argv])
    site.out("Usage: ws_extend [-F filesystem] workspace days\n")
    return 0

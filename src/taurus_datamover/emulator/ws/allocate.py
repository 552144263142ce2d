"""Emulated ``ws_allocate`` (create, reuse or extend a workspace) and ``ws_extend``.

Output contract of the real tools: stdout carries only the workspace path; the
``Info:``/``Error:`` lines and the two ``remaining ...`` lines go to stderr. Durations longer
than the file system allows are capped (with a two-line ``Error:``) and still succeed.
v1 consumes an extension on every ``-x``; v2 only when the new expiration is later than the
old one (so ``-x`` with only ``-c``/``-m``/``-r`` changes metadata for free).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from taurus_datamover.emulator.ws.context import NAME_RE, Site
from taurus_datamover.emulator.ws.db import Database, WsEntry
from taurus_datamover.emulator.ws.formats import cdiv
from taurus_datamover.emulator.ws.options import Opt, OptionError, Parsed, parse

__all__ = ["ws_allocate", "ws_extend"]

_COMMON = [
    Opt("help", "h"),
    Opt("version", "V"),
    Opt("duration", "d", takes_value=True),
    Opt("name", "n", takes_value=True),
    Opt("filesystem", "F", takes_value=True),
    Opt("reminder", "r", takes_value=True),
    Opt("mailaddress", "m", takes_value=True),
    Opt("extension", "x"),
    Opt("username", "u", takes_value=True),
    Opt("comment", "c", takes_value=True),
]
_V1 = [*_COMMON, Opt("group", "g"), Opt("groupname", "G", takes_value=True)]


def _v2_options(site: Site) -> list[Opt]:
    return [
        *_COMMON,
        Opt("groupreadable", "g", implicit=site.group),
        Opt("groupwritable", "G", implicit=site.group),
        Opt("config", None, takes_value=True),
        Opt("debug"),
        Opt("trace"),
    ]


@dataclass
class _Request:
    name: str
    duration: int
    extend: bool
    fs: str
    reminder: int | None
    mail: str | None
    comment: str | None
    group: str
    group_writable: bool


def _group_of(site: Site, opts: Parsed) -> tuple[str, bool]:
    if site.v2:
        if opts.has("groupwritable"):
            return opts.values["groupwritable"] or site.group, True
        if opts.has("groupreadable"):
            return opts.values["groupreadable"] or site.group, False
        return "", False
    if opts.has("groupname"):
        return opts.values["groupname"], False
    return (site.group, False) if opts.has("group") else ("", False)


def _request(site: Site, opts: Parsed) -> _Request | int:
    """Check the command line as the real tool does; an int is the exit code of a refusal."""
    name = opts.get("name")
    if name is None or opts.positionals:
        return site.help("ws_allocate") or 1
    duration_text = opts.get("duration")
    try:
        duration = (
            site.cfg.duration_default if duration_text is None else int(duration_text)
        )
        reminder = (
            None if opts.get("reminder") is None else int(opts.values["reminder"])
        )
    except ValueError:
        return site.help("ws_allocate") or 1
    extend = opts.has("extension")
    if (
        opts.has("mailaddress")
        and not opts.has("reminder")
        and not (site.v2 and extend)
    ):
        return site.say("mail_without_reminder")
    if NAME_RE.fullmatch(name) is None:
        return site.say("illegal_name")
    fs = opts.get("filesystem")
    if fs is not None and fs not in site.cfg.filesystems:
        return site.say("bad_filesystem")
    if fs is None:
        fs = site.cfg.default_filesystem
        if site.v2 and extend:
            found = site.filesystems_with(site.ws_id(name))
            if len(found) > 1:
                return site.say("ambiguous", count=len(found))
            fs = found[0] if found else fs
    maximum = site.cfg.max_duration_of(fs)
    if duration > maximum or (site.v2 and duration < 0):
        duration = maximum
        site.say(
            "duration_too_long_ext" if extend else "duration_too_long", max=maximum
        )
    group, writable = _group_of(site, opts)
    return _Request(
        name=name,
        duration=duration,
        extend=extend,
        fs=fs,
        reminder=reminder,
        mail=opts.get("mailaddress"),
        comment=opts.get("comment"),
        group=group,
        group_writable=writable,
    )


def _report(site: Site, entry: WsEntry) -> int:
    site.out(entry.workspace + "\n")
    days = cdiv(entry.expiration - site.now_int, 86400)
    return site.say("remaining", extensions=entry.extensions, days=days)


def _extend(site: Site, req: _Request, db: Database, ws_id: str) -> int:
    if not site.cfg.filesystems[req.fs].extendable:
        return site.say("not_extendable")
    site.say("extending")
    entry = db.read(ws_id)
    new_expiration = site.now_int + req.duration * 86400
    if site.v2:
        if req.duration > 0:
            if new_expiration > entry.expiration:
                if entry.extensions <= 0:
                    return site.say("no_more_extensions")
                entry.extensions -= 1
            entry.expiration = new_expiration
    else:
        if entry.extensions <= 0:
            return site.say("no_more_extensions")
        entry.extensions -= 1
        entry.expiration = new_expiration
    if req.mail is not None:
        entry.mailaddress = req.mail
        site.say("changed_mail", mail=req.mail)
    if req.reminder is not None:
        entry.reminder = req.reminder
        site.say("changed_reminder")
    if req.comment is not None:
        entry.comment = req.comment
        site.say("changed_comment")
    db.write(ws_id, entry)
    return _report(site, entry)


def _create(site: Site, req: _Request, db: Database, ws_id: str) -> int:
    if not site.cfg.filesystems[req.fs].allocatable:
        return site.say("not_allocatable")
    if site.v2 and req.reminder is not None:
        if req.reminder >= req.duration:
            site.say("reminder_after_expiry")
        if req.mail is None:
            site.say("reminder_local_user")
    site.say("creating")
    path = site.space(req.fs) / ws_id
    try:
        path.mkdir(parents=True, exist_ok=True)
        mode = 0o2770 if req.group_writable else 0o750 if req.group else 0o700
        os.chmod(path, mode)
    except OSError:
        return site.say("mkdir_failed", path=path)
    entry = WsEntry(
        workspace=str(path),
        creation=site.now_int,
        expiration=site.now_int + req.duration * 86400,
        extensions=site.cfg.max_extensions_of(req.fs),
        reminder=req.reminder or 0,
        mailaddress=req.mail or "",
        group=req.group,
        comment=req.comment or "",
    )
    db.write(ws_id, entry)
    return _report(site, entry)


def ws_allocate(site: Site, argv: list[str]) -> int:
    """Run ``ws_allocate ARGV``; return the exit code."""
    try:
        opts = parse(argv, _v2_options(site) if site.v2 else _V1, ("name", "duration"))
    except OptionError:
        return site.help("ws_allocate") or 1
    if opts.has("help"):
        return site.help("ws_allocate")
    if opts.has("version"):
        return site.version("ws_allocate")
    req = _request(site, opts)
    if isinstance(req, int):
        return req
    db = site.db(req.fs)
    ws_id = site.ws_id(req.name)
    with db.locked():
        if db.exists(ws_id):
            if req.extend:
                return _extend(site, req, db, ws_id)
            site.say("reusing")
            return _report(site, db.read(ws_id))
        if req.extend:
            return site.say("extend_missing")
        return _create(site, req, db, ws_id)


def ws_extend(site: Site, argv: list[str]) -> int:
    """``ws_extend [-F fs] NAME DAYS``: the shell wrapper around ``ws_allocate -x``."""
    if len(argv) == 2:
        return ws_allocate(site, ["-x", argv[0], argv[1]])
    if len(argv) == 4 and argv[0] == "-F":
        return ws_allocate(site, ["-x", "-F", argv[1], argv[2], argv[3]])
    site.out("Usage: ws_extend [-F filesystem] workspace days\n")
    return 0

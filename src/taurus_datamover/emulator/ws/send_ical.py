"""Emulated ``ws_send_ical NAME MAIL``: a calendar entry for a workspace's expiry.

Nothing is mailed: the iCalendar text goes to ``<root>/mail/<user>-<name>-<now>.ics`` and
the real tool's success message is printed, so tests can read what would have been sent.
"""

from __future__ import annotations

import re
import sys
from datetime import datetime, timezone
from pathlib import Path

from taurus_datamover.emulator.ws.context import Site
from taurus_datamover.emulator.ws.db import WsEntry
from taurus_datamover.emulator.ws.options import options

MAIL_DIR = "mail"
_MAIL_RE = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_OPTS = options("help/h version/V filesystem/F= mail/m= name/n= config=")


def _stamp(seconds: int) -> str:
    return datetime.fromtimestamp(seconds, timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def ical_text(site: Site, name: str, entry: WsEntry, mail: str) -> str:
    """A one-event VCALENDAR: the workspace expires at its expiration time."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//taurus_datamover//emulated hpc-workspace//EN",
        "METHOD:REQUEST",
        "BEGIN:VEVENT",
        f"UID:{site.ws_id(name)}-{entry.creation}@{site.cfg.default_filesystem}",
        f"DTSTAMP:{_stamp(site.now_int)}",
        f"DTSTART:{_stamp(entry.expiration)}",
        f"DTEND:{_stamp(entry.expiration + 3600)}",
        f"SUMMARY:Workspace {name} expires",
        f"DESCRIPTION:Workspace {entry.workspace} will be deleted",
        f"ATTENDEE;RSVP=FALSE:mailto:{mail}",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "\r\n".join(lines) + "\r\n"


def ws_send_ical(site: Site, argv: list[str]) -> int:
    opts = site.start("ws_send_ical", argv, _OPTS, ("name", "mail"))
    name, mail = opts.get("name"), opts.get("mail")
    if name is None:
        return site.usage("ws_send_ical")
    if mail is None:
        return site.say("ical_no_mail")
    if _MAIL_RE.fullmatch(mail) is None:
        return site.say("ical_bad_mail")
    only = opts.get("filesystem")  # an unknown one: every file system
    found = [
        (fs, site.entry(site.db(fs), site.ws_id(name)))
        for fs in site.filesystems_with(site.ws_id(name))
        if fs == only or only not in site.cfg.filesystems
    ]
    if not found:
        return site.say("ical_missing", name=name)
    if len(found) > 1:
        code = site.say("ical_ambiguous")
        for fs, entry in found:
            print(f"Filesystem {fs}, Path {entry.workspace}", file=sys.stderr)
        return code
    fs, entry = found[0]
    target = Path(site.root, MAIL_DIR, f"{site.ws_id(name)}-{site.now_int}.ics")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(ical_text(site, name, entry, mail), encoding="utf-8")
    return site.say("ical_sent", mail=mail)

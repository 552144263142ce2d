"""Render hpc-workspace output from the tools' own format strings (v1 and v2).

Used by the parser tests to build random input for property tests and input the captures do
not have. ``tests/parsers/workspaces/test_parse_workspaces_render.py`` checks the renderers
byte for byte against the real v1 captures, so they print what the tools print.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone, tzinfo

from tests.support import FIXTURES

from taurus_datamover.parsers.workspaces.ctime import format_ctime

REAL = FIXTURES / "hpc-workspace-v1-real"
CAPTURED_AT = datetime(2026, 11, 24, 21, 24, 14, tzinfo=timezone.utc)


def real(name: str) -> str:
    return (REAL / name).read_text()


@dataclass(frozen=True)
class Ws:
    """One workspace as the DB entry has it (times are aware instants)."""

    user: str
    name: str
    space: str
    filesystem: str
    created: datetime
    expires: datetime
    extensions: int
    comment: str = ""
    group: str = ""
    reminder_days: int = 0
    mail: str = ""
    acctcode: str = ""
    expired_at: datetime | None = None
    released_at: datetime | None = None
    permissions: str = ""

    @property
    def path(self) -> str:
        return f"{self.space}/{self.user}-{self.name}"

    @property
    def reminder(self) -> datetime:
        return self.expires - timedelta(days=self.reminder_days)


def _line(indent: int, key: str, value: str) -> str:
    return " " * indent + f"{key:<21}: {value}\n"


def _seconds(later: datetime, earlier: datetime) -> int:
    return int((later - earlier).total_seconds())


def v1_remaining(ws: Ws, now: datetime) -> str:
    """Python ``'%d days %d hours' % (r/86400, (r%86400)/3600)`` or ``expired``."""
    r = _seconds(ws.expires, now)
    if r < 0:
        return "expired"
    return "%d days %d hours" % (r / 86400, (r % 86400) / 3600)  # noqa: UP031 (what the tool does)


def v2_days_hours(r: int) -> str:
    """C++ ``r/86400`` and ``(r%86400)/3600``: both truncate toward zero."""
    sign = -1 if r < 0 else 1
    days, rest = divmod(abs(r), 86400)
    return f"{sign * days} days, {sign * (rest // 3600)} hours"


def render_v1(
    items: list[Ws],
    now: datetime,
    tz: tzinfo,
    *,
    terse: bool = False,
    verbose: bool = False,
    admin: bool = False,
) -> str:
    """``bin/ws_list`` of hpc-workspace 1.6.0 (5-space indent, ``id:``)."""
    if verbose:
        terse = False
    out: list[str] = []
    for ws in items:
        base = f"{ws.user}-{ws.name}"
        out.append(f"id: {base if admin else base[base.find('-') + 1 :]}\n")
        out.append(_line(5, "workspace directory", ws.path))
        out.append(_line(5, "remaining time", v1_remaining(ws, now)))
        if not terse:
            if ws.comment:
                out.append(_line(5, "comment", ws.comment))
            out.append(_line(5, "creation time", format_ctime(ws.created, tz)))
            out.append(_line(5, "expiration date", format_ctime(ws.expires, tz)))
            out.append(_line(5, "filesystem name", ws.filesystem))
            if ws.group:
                out.append(_line(5, "group", ws.group))
        out.append(_line(5, "available extensions", str(ws.extensions)))
        if verbose:
            if ws.group:
                out.append(_line(5, "group", ws.group))
            out.append(_line(5, "acctcode", ws.acctcode))
            out.append(_line(5, "reminder", format_ctime(ws.reminder, tz)))
            if ws.mail:
                out.append(_line(5, "mailaddress", ws.mail))
    return "".join(out)


def render_v2(
    items: list[Ws],
    now: datetime,
    tz: tzinfo,
    *,
    terse: bool = False,
    verbose: bool = False,
    permissions: bool = False,
    expired_listing: bool = False,
    shown: str = "user",
) -> str:
    """v2 ``ws_list`` (4-space indent, ``Id:``); ``shown``: ``user`` (after ``<user>-``),
    ``last`` (v2 HEAD: after the last ``-``) or ``admin`` (full id). Under ``-e`` the DB
    entry is ``<user>-<name>-<timestamp>`` (the release or expiry), shown the same way."""
    out: list[str] = []
    for ws in items:
        base = f"{ws.user}-{ws.name}"
        if expired_listing:
            moved = ws.released_at or ws.expired_at or ws.expires
            base = f"{base}-{int(moved.timestamp())}"
        shown_id = {"user": ws.name, "last": base.rsplit("-", 1)[1], "admin": base}[shown]
        if expired_listing and shown == "user":
            shown_id = base.rsplit("-", 1)[1]  # v2 prints the timestamp (see the captures)
        out.append(f"Id: {shown_id}\n")
        out.append(_line(4, "workspace directory", ws.path))
        if expired_listing:
            out.append(_line(4, "remaining time", "released" if ws.released_at else "expired"))
            out.append(_line(4, "until deletion", "0 days, 0 hours"))
        else:
            out.append(_line(4, "remaining time", v2_days_hours(_seconds(ws.expires, now))))
        if not terse:
            if ws.comment:
                out.append(_line(4, "comment", ws.comment))
            out.append(_line(4, "creation time", format_ctime(ws.created, tz)))
            out.append(_line(4, "expiration time", format_ctime(ws.expires, tz)))
            if ws.expired_at:
                out.append(_line(4, "expired time", format_ctime(ws.expired_at, tz)))
            if ws.released_at:
                out.append(_line(4, "release time", format_ctime(ws.released_at, tz)))
            if ws.group:
                out.append(_line(4, "group", ws.group))
            out.append(_line(4, "filesystem name", ws.filesystem))
        out.append(_line(4, "available extensions", str(ws.extensions)))
        if verbose:
            out.append(_line(4, "reminder", format_ctime(ws.reminder, tz)))
            if ws.mail:
                out.append(_line(4, "mailaddress", ws.mail))
        if permissions:
            out.append(_line(4, "permissions", ws.permissions or "rwx------"))
    return "".join(out)


def render_fs_v1(names: list[str], default: str | None, *, find: bool = False) -> str:
    head = "Available filesystems:\n" if find else "available filesystems:\n"
    return head + "".join(f"{n} (default)\n" if n == default and not find else f"{n}\n" for n in names)


def render_fs_v2(rows: list[tuple[str, int, int, int, int, bool, bool, bool, str]], *, details: bool) -> str:
    out = ["available filesystems (sorted according to priority):\n"]
    if not details:
        return out[0] + "".join(f"{row[0]}\n" for row in rows)
    out.append("\n")
    out.append(
        "{:>10}{:>12}{:>12}{:>10}{:>17}{:>12}{:>12}{:>12}{:>10}\n".format(
            "name",
            "maxduration",
            "extensions",
            "keeptime",
            "releasekeeptime",
            "allocatable",
            "extendable",
            "restorable",
            "comment",
        )
    )
    for name, dur, ext, keep, rkeep, alloc, extend, restore, comment in rows:
        flags = ["true" if f else "false" for f in (alloc, extend, restore)]
        out.append(
            f"{name:>10}{dur:>12}{ext:>12}{keep:>10}{rkeep:>17}{flags[0]:>12}{flags[1]:>12}{flags[2]:>12}   {comment}\n"
        )
    return "".join(out)


def render_restore_v1(by_fs: dict[str, list[str]], tz: tzinfo, *, brief: bool = False) -> str:
    out: list[str] = []
    for fs, ids in by_fs.items():
        out.append(f"{fs}:\n")
        for rid in ids:
            out.append(f"{rid}\n")
            if not brief:
                ts = datetime.fromtimestamp(int(rid.rsplit("-", 1)[1]), timezone.utc)
                out.append(f"\tunavailable since {format_ctime(ts, tz)}\n")
    return "".join(out)


def render_restore_v2(entries: list[tuple[str, str, int]], now: datetime, tz: tzinfo, *, brief: bool = False) -> str:
    """``entries``: (id, filesystem, keeptime days)."""
    out: list[str] = []
    for rid, fs, keeptime in entries:
        out.append(f"{rid}\n")
        if brief:
            continue
        ts = datetime.fromtimestamp(int(rid.rsplit("-", 1)[1]), timezone.utc)
        until = ts + timedelta(days=keeptime)
        out.append(f"\tunavailable since : {format_ctime(ts, tz)}\n")
        out.append(f"\trestorable until  : {format_ctime(until, tz)} ({v2_days_hours(_seconds(until, now))})\n")
        out.append(f"\tin filesystem     : {fs}\n")
    return "".join(out)


def render_allocate(
    version: int, path: str, action: str, extensions: int, days: int, capped: int | None = None
) -> tuple[str, str]:
    """(stdout, stderr) of ws_allocate; ``action`` one of creating/reusing/extending."""
    err: list[str] = []
    if capped is not None:
        if version == 1:
            err.append("Error: Duration longer than allowed for this workspace\n")
            err.append(f"       setting to allowed maximum of {capped}\n")
        else:
            err.append("error: Duration longer than allowed for this workspace\n")
            err.append(f"error:   setting to allowed maximum of {capped}\n")
    if version == 1:
        err.append(f"Info: {action} workspace.\n")
    else:
        err.append(f"info: {action} workspace{'.' if action == 'creating' else ''}\n")
    err.append(f"remaining extensions  : {extensions}\n")
    err.append(f"remaining time in days: {days}\n")
    return f"{path}\n", "".join(err)


# --- the renderers print what the real tools printed ---------------------------------

_SCENARIOS = [  # (name, days, comment, filesystem, space, extensions) from the README order
    ("commented", 5, "raw images : batch 3", "scratch", "/scratch/ws/0", 10),
    ("first", 10, "", "scratch", "/scratch/ws/0", 10),
    ("my-data.set_2", 15, "", "scratch", "/scratch/ws/0", 10),
    ("reminded", 7, "", "scratch", "/scratch/ws/0", 10),
    ("toolong", 100, "", "scratch", "/scratch/ws/0", 10),
    ("fastdata", 20, "", "ssd", "/lustre/ssd/ws", 2),
]


def real_workspaces() -> list[Ws]:
    return [
        Ws("marie", name, space, fs, CAPTURED_AT, CAPTURED_AT + timedelta(days=days), ext, comment)
        for name, days, comment, fs, space, ext in _SCENARIOS
    ]

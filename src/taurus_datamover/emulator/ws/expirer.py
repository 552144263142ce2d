"""Emulated v2 ``ws_expirer [-c] [-F fs,fs] [-s space]``: the site's clean-up run.

Without ``-c`` a dry run that says what it would do. With ``-c``, per file system: stray
directories (named by no DB entry) move to the deleted area as ``<dir>-<now>`` (stray ones
there are removed); expired workspaces get ``expired: <now>`` and move, entry and data, to
the deleted areas as ``<id>-<now>`` (a kept one within ``reminder`` days of expiry gets a
reminder, only said: no mail is sent); deleted entries past ``releasekeeptime`` (released)
or ``keeptime`` (expired) are deleted with their data. The log has 2.0.0's texts and
summary tables; entries come in name order (the real tool: directory order).
"""

from __future__ import annotations

import os
import shutil
from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path

from taurus_datamover.emulator.ws import formats_v2
from taurus_datamover.emulator.ws.context import Site
from taurus_datamover.emulator.ws.db import WsEntry
from taurus_datamover.emulator.ws.formats import ctime
from taurus_datamover.emulator.ws.options import options

_OPTS = options(
    "help/h version/V filesystems/F= space/s= cleaner/c summary-mail/M config= debug trace forcedeletereleased"
)
_DAY = 86400
_STRAY_TOTAL = (
    "{valid_ws} valid, {invalid_ws} invalid, {valid_deleted} valid deleted, {invalid_deleted} invalid deleted"
)
_EXPIRE_TOTAL = (
    "{active_seen} active seen, {active_keep} active keep, {active_expired} active expired, {active_mails} reminders "
    "sent, {inactive_seen} inactive seen, {inactive_keep} inactive keep, {inactive_deleted} inactive deleted"
)
#: The summary tables: title, header, a row's template (``_``: padding).
_TABLES = (
    (
        "Stray Summary",
        f"  {'Filesystem':<15} {'Active [Valid Invalid]':>22} {'':>16} {'Inactive [Valid Invalid]':>24}",
        "  {name:<15} {_:>7} {valid_ws:>5} {invalid_ws:>7} {_:>27} {valid_deleted:>5} {invalid_deleted:>7}",
    ),
    (
        "Expiration Summary",
        f"  {'Filesystem':<15} {'Active [Seen Keep Expired Mails]':>30} {'':>4} {'Inactive [Seen Keep Removed]':>30}",
        "  {name:<15} {_:>7} {active_seen:>4} {active_keep:>4} {active_expired:>7} {active_mails:>5} {_:>17} "
        "{inactive_seen:>4} {inactive_keep:>4} {inactive_deleted:>7}",
    ),
)


def timedelta_text(seconds: int) -> str:
    """The expirer's fixed-width ``' 44 days   '``/``'  5 hours  '``/``'  1 minutes'``."""
    seconds = max(seconds, 0)
    days, hours, minutes = seconds // _DAY, seconds % _DAY // 3600, seconds % 3600 // 60
    if days > 0:
        return f"{days:3} days   "
    if hours > 0:
        return f"{hours:3} hours  "
    return f"{max(minutes, 1):3} minutes"


class _Run:
    """One expirer run: its settings and its log lines."""

    def __init__(self, site: Site, clean: bool, space: str, force_released: bool) -> None:
        self.site = site
        self.clean = clean
        self.space = space
        self.force_released = force_released
        self.now = site.now_int
        self.lines: list[str] = []
        self.morbid: list[tuple[str, str]] = []

    def log(self, level: str, *texts: str) -> None:
        self.lines.extend(f"{level}: {text}\n" for text in texts)

    def info(self, *texts: str) -> None:
        self.log("info", *texts)

    @property
    def would(self) -> str:
        return "" if self.clean else "would "

    def stray(self, fs: str) -> Counter[str]:
        cfg = self.site.cfg.filesystems[fs]
        result: Counter[str] = Counter()
        self.info(f"* STRAY DIRECTORY REMOVAL for filesystem: {fs}", "   workspaces first...")
        spaces = list(cfg.spaces)
        if self.space:
            if self.space not in spaces:
                self.info(f"   given space not in filesystem {fs}, skipping.")
                return result
            self.info(f"   only cleaning in space {self.space}")
            spaces = [self.space]
        found = [(space, name) for space in spaces for name in _subdirs(space)]
        odd = [name for _, name in found if "-" not in name and name != cfg.deleted]
        if odd:
            self.log(
                "warning",
                f" Found {len(odd)} directories not matching pattern '*-*' in filesystem {fs}: ",
                *(f"    {name}" for name in odd),
                " These directories will be ignored and require manual intervention.",
            )
        db = self.site.db(fs)
        known: dict[str, str] = {}  # DB id -> its workspace directory
        for ws_id in sorted(db.ids()):
            try:
                known[ws_id] = db.read(ws_id).workspace
            except (OSError, ValueError) as exc:
                known[ws_id] = ""
                self.log("warning", f"    failed to read DB entry {ws_id}: {exc}")
        for space, name in ((space, name) for space, name in found if "-" in name):
            path = f"{space}/{name}"
            if name in known or path in known.values():
                self.info(f"       found valid workspace: {name}")
                result["valid_ws"] += 1
                continue
            self.log("warning", f"    stray workspace {name}")
            target = f"{space}/{cfg.deleted}/{name}-{self.now}"
            self.info(f"         {self.would}move {path} to {target}")
            if self.clean:
                _move(path, target, self)
            result["invalid_ws"] += 1
        found_text = f"    {result['valid_ws']} valid, {result['invalid_ws']} invalid directories found."
        self.info(found_text, "   ... deleted workspaces second...")
        deleted_ids = set(db.trash.ids())
        for path, name in ((f"{s}/{cfg.deleted}/{n}", n) for s in spaces for n in _subdirs(f"{s}/{cfg.deleted}")):
            if "-" not in name:
                continue
            if name in deleted_ids:
                self.info(f"       found valid workspace: {name}")
                result["valid_deleted"] += 1
                continue
            self.log("warning", f"    stray removed workspace {name}")
            self.info(f"      {self.would}remove {path}")
            if self.clean:
                shutil.rmtree(path, ignore_errors=True)
            result["invalid_deleted"] += 1
        self.info(
            f" =>   {result['valid_deleted']} valid expired, {result['invalid_deleted']} invalid expired directories found."
        )
        return result

    def expire(self, fs: str) -> Counter[str]:
        cfg = self.site.cfg.filesystems[fs]
        release_keeptime = self.site.cfg.release_keeptime_of(fs)
        result: Counter[str] = Counter()
        db = self.site.db(fs)
        self.info(
            f"* CHECKING DB FOR WORKSPACES TO BE EXPIRED for filesystem: {fs}",
            f"  (keeptime: {cfg.keeptime} days, releasekeeptime: {release_keeptime} days)",
        )
        for ws_id, entry in self._entries(fs, result, deleted=False):
            if entry.expiration <= 0:
                self.log("error", f"bad expiration in {ws_id}, skipping")
                self.morbid.append((ws_id, f"bad expiration, filesystem: {fs}"))
                continue
            if self.now > entry.expiration:
                result["active_expired"] += 1
                if not self.clean:
                    self.info(f"  would expire {ws_id} (expired {ctime(entry.expiration)})")
                    continue
                self.info(f"  expiring {ws_id} (expired {ctime(entry.expiration)})")
                entry.expired = self.now
                with db.locked():
                    db.move_to_deleted(ws_id, entry, self.now)
                workspace = Path(entry.workspace)
                target = workspace.parent / cfg.deleted / f"{workspace.name}-{self.now}"
                _move(str(workspace), str(target), self)
                continue
            left = timedelta_text(entry.expiration - self.now)
            self.info(f"   keeping (until {ctime(entry.expiration)}, {left} left): {ws_id}")
            result["active_keep"] += 1
            if self.now > entry.expiration - entry.reminder * _DAY:
                result["active_mails"] += self._remind(ws_id, entry)
        self.info(
            f" =>  {result['active_expired']} workspaces expired, {result['active_keep']} kept.",
            "",
            f"* CHECKING DELETED DB FOR WORKSPACES TO BE DELETED for filesystem: {fs}",
        )
        for deleted_id, entry in self._entries(fs, result, deleted=True):
            if self._delete_or_keep(fs, deleted_id, entry, 0 if self.force_released else release_keeptime):
                result["inactive_deleted"] += 1
            else:
                result["inactive_keep"] += 1
        self.info(f" =>  {result['inactive_deleted']} workspaces deleted, {result['inactive_keep']} workspaces kept")
        return result

    def _entries(self, fs: str, result: Counter[str], *, deleted: bool) -> Iterator[tuple[str, WsEntry]]:
        """The (deleted) entries of *fs* by id, counted as seen; an unreadable one is morbid."""
        db = self.site.db(fs).trash if deleted else self.site.db(fs)
        for ws_id in sorted(db.ids()):
            result["inactive_seen" if deleted else "active_seen"] += 1
            try:
                yield ws_id, db.read(ws_id)
            except (OSError, ValueError) as exc:
                self.log("error", str(exc), f"skipping db entry {ws_id}")
                self.morbid.append((ws_id, f"database exeption, filesystem: {fs}"))

    def _remind(self, ws_id: str, entry: WsEntry) -> int:
        if not self.site.cfg.smtphost or not self.site.cfg.mail_from:
            self.log("warning", "No smtphost or mailfrom available to contact users, please check your system config")
            return 0
        if self.clean:
            self.info(f'    sending reminder mail to ["{entry.mailaddress}"] for entry {ws_id}')
        else:
            self.info(f"    would send reminder mail to {entry.mailaddress} for entry {ws_id}")
        return 1

    def _delete_or_keep(self, fs: str, deleted_id: str, entry: WsEntry, release_keeptime: int) -> bool:
        """Step 3 for one deleted entry; True when it is (or would be) deleted."""
        cfg = self.site.cfg.filesystems[fs]
        expiration = max(entry.expiration, entry.expired)
        tail = deleted_id.rsplit("-", 1)[-1]
        if not tail.isdigit():
            self.log("error", f"skipping DB entry with unparsable name {deleted_id}")
            self.morbid.append((deleted_id, f"unparsable name, filesystem: {fs}"))
            return False
        stamp = int(tail)
        if entry.released > 1_000_000_000:
            stamp = expiration = entry.released
            reason, label, until = "released", "was released: ", stamp + release_keeptime * _DAY
            delete = self.now >= until
        else:
            if entry.released != 0:
                stamp = 3_000_000_000
                self.log("warning", f"   IGNORING released {stamp} for {deleted_id}")
            if entry.expired == 0:
                expiration = max(expiration, stamp)
            reason, label, until = "expired", "was expired:  ", expiration + cfg.keeptime * _DAY
            delete = self.now > until
        if not delete:
            self.info(
                f"   keeping (until {ctime(until)}, {timedelta_text(until - self.now)} left), {label}{deleted_id}"
            )
            return False
        self.info(f"   {self.would}delete DB entry {deleted_id}, was {reason} {ctime(stamp)}")
        data = Path(entry.workspace).parent / cfg.deleted / deleted_id
        if self.clean:
            self.site.db(fs).trash.remove(deleted_id)
        self.info(f"    {self.would}delete directory: {data}")
        if self.clean:
            self.info(f"   deadline: {self.now + self.site.cfg.deldirtimeout}")
            shutil.rmtree(data, ignore_errors=True)
        return True

    def summary(self, *tables: list[tuple[str, Counter[str]]]) -> None:
        """The stray and the expiration table: per file system a row, then the total row."""
        self.info(f"Dryrun: {'false' if self.clean else 'true'}")
        dashes = f"  {'':->84}"
        for (title, header, row), counted in zip(_TABLES, tables, strict=True):
            rows = [row.format_map(defaultdict(int, counts, name=name, _="")) for name, counts in counted]
            self.info("", title, "", header, dashes, *rows[:-1], dashes, rows[-1])
        if self.morbid:
            self.info("", " Morbid DB Files", *(f"   ID: {i}, reason: {reason}" for i, reason in self.morbid), "")


def _subdirs(path: str) -> list[str]:
    try:
        names = sorted(os.listdir(path))
    except OSError:
        return []
    return [n for n in names if os.path.isdir(os.path.join(path, n))]


def _move(source: str, target: str, run: _Run) -> None:
    try:
        if os.path.lexists(source):
            os.makedirs(os.path.dirname(target), exist_ok=True)
            os.rename(source, target)
    except OSError as exc:
        run.log("error", f"   failed to move workspace: {source} ({exc})")


def ws_expirer(site: Site, argv: list[str]) -> int:
    site.require_v2("ws_expirer")
    opts = site.start("ws_expirer", argv, _OPTS, allow_repeat=True, no_positionals=True)
    clean = "cleaner" in opts
    run = _Run(site, clean, opts.get("space") or "", "forcedeletereleased" in opts)
    run.info(f"deldirtimeout = {site.cfg.deldirtimeout} seconds")
    run.log("warning", "config contains no expirerlogpath, no file logging.")
    wanted = opts["filesystems"].split(",") if "filesystems" in opts else sorted(site.cfg.filesystems)
    names = [fs for fs in wanted if fs in site.cfg.filesystems]
    dry = "" if clean else "DRY"
    run.info(f"==== WS_EXPIRER {dry}RUN START {ctime(run.now)} =====")
    version = formats_v2.VERSION_SUMMARY.format(tool="ws_expirer")
    if clean:
        run.log("warning", f"{version} - REALLY CLEANING!")
    else:
        run.info(f"{version} - SIMULATING CLEANING - DRYRUN")
    stray = [(fs, run.stray(fs)) for fs in names]
    stray.append(("total", sum((part for _, part in stray), Counter[str]())))
    run.info(" Stray removal summary: " + _STRAY_TOTAL.format_map(stray[-1][1]), " End of stray removal", "")
    expire = [(fs, run.expire(fs)) for fs in names]
    expire.append(("total", sum((part for _, part in expire), Counter[str]())))
    run.info(" Expiration summary: " + _EXPIRE_TOTAL.format_map(expire[-1][1]), " End of expiration")
    run.summary(stray, expire)
    run.info(f"==== WS_EXPIRER {dry}RUN END {ctime(run.now)} =====")
    site.out("".join(run.lines))
    return 0

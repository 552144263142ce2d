"""``ws auto-extend``: extend every workspace that expires within ``--within`` and still has
extensions, safely under cron (those it cannot extend make exit code 3). So that any number
of runs spends no extension for nothing: one run at a time per user (:func:`held_lock`); an
extension's *reach* is ``--days`` cut to the file system's maximum (:class:`FilesystemLimits`)
and it must add a quarter of that (:data:`MIN_GAIN_FRACTION`), else the workspace is
*skipped* until a later run; a ``--within``/``--days`` pair that would extend on every run
is refused first (exit 2); each workspace is read again just before it is extended.
"""

from __future__ import annotations

import fcntl
import functools
import json
import os
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict

from taurus_datamover.cli.context import Context, default_site_root
from taurus_datamover.cli.durations import format_duration
from taurus_datamover.cli.output import counted, print_json, remaining
from taurus_datamover.cli.words import EXIT_NOT_EXTENDED
from taurus_datamover.cli.ws import is_due, list_workspaces, plain, printed_max_days, soonest_first, warned
from taurus_datamover.errors import LockTimeout, WorkspaceError, WorkspaceNotFound
from taurus_datamover.models.workspaces import WorkspaceInfo

if TYPE_CHECKING:
    from taurus_datamover.workspace import Workspace

#: An extension is spent only when it adds at least this share of what it can give.
MIN_GAIN_FRACTION = 0.25
#: Seconds a run waits for another run's lock (``--lock-timeout``).
DEFAULT_LOCK_TIMEOUT = 600.0
#: The lock file and the learned limits, in the user's cache directory.
LOCK_FILE = "ws-auto-extend.lock"
LIMITS_FILE = "ws-limits.json"
#: How often a waiting run tries the lock again (seconds).
_POLL = 0.05


class NotExtended(BaseModel):
    """A workspace ``ws auto-extend`` could not (or would not) extend, and why."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    workspace: WorkspaceInfo
    reason: str


class AutoExtendReport(BaseModel):
    """What one ``ws auto-extend`` run did (or, with ``--dry-run``, would do)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    within: timedelta
    days: int
    dry_run: bool
    checked: int
    extended: list[WorkspaceInfo]
    not_extended: list[NotExtended]
    #: Due, but an extension would not add a real margin now (or it was extended meanwhile).
    skipped: list[NotExtended] = []


def _as_arg(delta: timedelta) -> str:
    """``delta`` as one could type it after ``--within`` (``22d12h``)."""
    return format_duration(delta).replace(" ", "")


def min_gain(reach: timedelta) -> timedelta:
    """The least an extension that gives ``reach`` must add to be worth spending."""
    return reach * MIN_GAIN_FRACTION


def check_pair(within: timedelta, days: int, filesystem: str | None, max_days: int | None) -> str | None:
    """Why ``--within``/``--days`` cannot work (on ``filesystem``, maximum ``max_days``), or None."""
    if filesystem is not None and max_days is not None and days > max_days:
        return (
            f"--days {days} is more than file system {filesystem} allows ({max_days} days): "
            f"an extension there gives at most {max_days} days; use --days {max_days} or less"
        )
    reach = timedelta(days=days)
    gain = reach - within
    if gain < min_gain(reach):
        added = "nothing" if gain <= timedelta(0) else f"only {format_duration(gain)}"
        return (
            f"--within {_as_arg(within)} is too close to --days {days}: an extension "
            f"to {days} days adds {added} to a workspace that is due, so every run would "
            f"extend it again (an extension must add at least a quarter of what it gives); "
            f"use --within {_as_arg(reach - min_gain(reach))} or less, or a longer --days"
        )
    return None


def _holder(fd: int) -> str | None:
    try:
        text = os.pread(fd, 64, 0).decode("ascii", "replace").strip()
    except OSError:
        return None
    return text if text.isdigit() else None


@contextmanager
def held_lock(path: Path, timeout: float) -> Iterator[None]:
    """Hold an exclusive ``flock`` on ``path``, waiting up to ``timeout`` s, then
    :class:`LockTimeout` naming the holder's pid (written into the file). The lock dies with
    its process, so none goes stale."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    try:
        start = time.monotonic()
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                waited = time.monotonic() - start
                if waited >= timeout:
                    raise LockTimeout(path, round(waited, 1), _holder(fd)) from None
                time.sleep(min(_POLL, max(timeout - waited, 0.0)))
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        try:
            yield
        finally:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


class FilesystemLimits:
    """Maximum durations (days) by file system, as far as the tools tell: v2 prints them
    (``ws_list -L``, which always wins), v1 says one only when it cuts a duration. What a cut
    taught is kept in ``memory`` (JSON, keyed by the tools' directory and the file system), so
    the next cron run need not spend an extension to learn it again."""

    def __init__(self, ws: Workspace, memory: Path) -> None:
        self._memory = memory
        self._prefix = os.path.dirname(ws.tool_path("ws_list")) + "|"
        self._learned = self._load()
        self._printed = printed_max_days(ws)

    def max_days(self, filesystem: str | None) -> int | None:
        """The longest duration ``filesystem`` allows, or None when the tools never said."""
        return (
            None if filesystem is None else self._printed.get(filesystem, self._learned.get(self._prefix + filesystem))
        )

    def learn(self, filesystem: str | None, asked: int, capped: int | None) -> None:
        """Remember what an extension asking ``asked`` days told: cut to ``capped`` days, or not
        cut (an older learned value below ``asked`` is forgotten)."""
        if filesystem is None or filesystem in self._printed:
            return
        key = self._prefix + filesystem
        before = self._learned.get(key)
        if capped is not None and capped > 0:
            self._learned[key] = capped
        elif before is not None and before < asked:
            del self._learned[key]
        if self._learned.get(key) != before:
            self._save()

    def _load(self) -> dict[str, int]:
        try:
            data = json.loads(self._memory.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        items = data.items() if isinstance(data, dict) else ()
        return {k: v for k, v in items if isinstance(k, str) and type(v) is int and v > 0}

    def _save(self) -> None:
        self._memory.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".ws-limits.", dir=self._memory.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(self._learned, handle, indent=1, sort_keys=True)
            os.replace(tmp, self._memory)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise


class _Run:
    """One run's decisions, collected into the report."""

    def __init__(self, ctx: Context, within: timedelta, days: int, limits: FilesystemLimits) -> None:
        self.ctx, self.within, self.days, self.limits = ctx, within, days, limits
        self.extended: list[WorkspaceInfo] = []
        self.failed: list[NotExtended] = []
        self.skipped: list[NotExtended] = []

    def asked(self, filesystem: str | None) -> int:
        """The days to ask for on ``filesystem``: ``--days``, cut to its maximum."""
        maximum = self.limits.max_days(filesystem)
        return self.days if maximum is None else min(self.days, maximum)

    def too_little(self, info: WorkspaceInfo) -> str | None:
        """Why extending ``info`` now would not add a real margin, or None."""
        reach = timedelta(days=self.asked(info.filesystem))
        gain = reach - max(info.remaining or timedelta(0), timedelta(0))
        if gain >= min_gain(reach):
            return None
        where = f" on {info.filesystem}" if info.filesystem else ""
        added = "nothing" if gain <= timedelta(0) else f"only {format_duration(gain)}"
        return (
            f"an extension{where} gives at most {format_duration(reach)} and would add {added}; "
            f"extended once {format_duration(reach - min_gain(reach))} or less remain"
        )

    def consider(self, info: WorkspaceInfo, dry_run: bool) -> None:
        if info.extensions_left == 0:
            self.failed.append(_not_extended(info, "no extensions left"))
        elif (reason := self.too_little(info)) is not None:
            self.skipped.append(_not_extended(info, reason))
        elif dry_run:
            self.extended.append(plain(info))
        else:
            self.extend(info)

    def extend(self, listed: WorkspaceInfo) -> None:
        ws = self.ctx.workspace
        try:
            info = ws.get(listed.name, listed.filesystem)  # read again: another run may have been first
        except WorkspaceNotFound:
            self.skipped.append(_not_extended(listed, "gone before it was extended"))
            return
        reason = None if is_due(info, self.within) else "no longer due: extended meanwhile"
        if (reason := reason or self.too_little(info)) is not None:
            self.skipped.append(_not_extended(info, reason))
            return
        asked = self.asked(info.filesystem)
        try:
            new = warned(self.ctx, functools.partial(ws.extend, info.name, asked, filesystem=info.filesystem))
        except WorkspaceError as exc:
            self.failed.append(_not_extended(info, " ".join(exc.message.split())))
            return
        self.limits.learn(info.filesystem, asked, new.capped_duration)
        self.extended.append(plain(new))


def _not_extended(info: WorkspaceInfo, reason: str) -> NotExtended:
    return NotExtended(workspace=plain(info), reason=reason)


def run_ws_auto_extend(ctx: Context) -> int:
    """Under the user's lock, refuse an impossible pair (``UsageError``), then extend every
    due workspace an extension really helps, and say so."""
    args = ctx.args
    within: timedelta = args.within
    for_pair = check_pair(within, args.days, None, None)
    if for_pair is not None:
        ctx.parser_error(f"ws auto-extend: {for_pair}")
    home = default_site_root().parent  # the package's cache directory
    wait = DEFAULT_LOCK_TIMEOUT if args.lock_timeout is None else args.lock_timeout.total_seconds()
    with held_lock(home / LOCK_FILE, wait):
        limits = FilesystemLimits(ctx.workspace, home / LIMITS_FILE)
        if args.filesystem is not None:
            for_fs = check_pair(within, args.days, args.filesystem, limits.max_days(args.filesystem))
            if for_fs is not None:
                ctx.parser_error(f"ws auto-extend: {for_fs}")
        infos = list_workspaces(ctx, args.filesystem, confirm=True)  # no comment can add a workspace to extend
        run = _Run(ctx, within, args.days, limits)
        for info in soonest_first([i for i in infos if is_due(i, within)]):
            run.consider(info, args.dry_run)
    report = AutoExtendReport(
        within=within,
        days=args.days,
        dry_run=args.dry_run,
        checked=len(infos),
        extended=run.extended,
        not_extended=run.failed,
        skipped=run.skipped,
    )
    if args.json:
        print_json(report)
        return EXIT_NOT_EXTENDED if report.not_extended else 0
    for info in report.extended:
        if args.dry_run:
            print(f"would extend {info.name} ({info.filesystem or '-'})")
        else:
            left = f"now {remaining(info)} left, {counted(info.extensions_left, 'extension')} left"
            print(f"extended {info.name} ({info.filesystem or '-'}), {left}")
    shown = [("NOT extended", item) for item in report.not_extended]
    if ctx.verbosity > 0:  # skipped on purpose: no news for cron's mail
        shown += [("skipped", item) for item in report.skipped]
    for what, item in shown:
        info = item.workspace
        print(f"{what} {info.name} ({info.filesystem or '-'}, {remaining(info)} left): {item.reason}")
    nothing = not report.extended and not report.not_extended
    if ctx.verbosity > 0 or (nothing and ctx.verbosity >= 0):
        print(
            f"checked {report.checked} workspaces: none expires within {format_duration(within)}"
            if nothing and not report.skipped
            else f"checked {report.checked} workspaces, {len(report.skipped)} skipped",
            file=sys.stderr,
        )
    return EXIT_NOT_EXTENDED if report.not_extended else 0

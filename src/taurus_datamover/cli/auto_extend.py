"""``ws auto-extend``: extend every workspace that expires within ``--within`` and still has
extensions, safely under cron; those it cannot extend make exit code 3. So that any number
of runs, at any rate, spends no extension for nothing:

* one run at a time per user (:mod:`~taurus_datamover.cli.run_lock`);
* an extension's *reach* is ``--days`` cut to the file system's maximum (``ws_list -L``
  on v2; on v1 what an earlier cut taught, :mod:`~taurus_datamover.cli.ws_limits`);
* an extension must add at least a quarter of its reach (:data:`MIN_GAIN_FRACTION`), else
  the due workspace is *skipped* (exit 0) until a later run, once the gain is real;
* impossible pairs are refused before anything is extended (exit 2): a ``--within`` so
  close to ``--days`` that every run would be due again, a ``--days`` above the maximum;
* each workspace is read again just before it is extended (skipped if no longer due).
"""

from __future__ import annotations

import functools
import sys
from datetime import timedelta

from pydantic import BaseModel, ConfigDict

from taurus_datamover.cli.context import Context
from taurus_datamover.cli.durations import format_duration
from taurus_datamover.cli.output import counted, print_json, remaining
from taurus_datamover.cli.parser import EXIT_NOT_EXTENDED
from taurus_datamover.cli.run_lock import held_lock, state_dir
from taurus_datamover.cli.ws import is_due, list_workspaces, plain, soonest_first, warned
from taurus_datamover.cli.ws_limits import FilesystemLimits
from taurus_datamover.errors import WorkspaceError, WorkspaceNotFound
from taurus_datamover.models.workspaces import WorkspaceInfo

#: An extension is spent only when it adds at least this share of what it can give.
MIN_GAIN_FRACTION = 0.25
#: Seconds a run waits for another run's lock (``--lock-timeout``).
DEFAULT_LOCK_TIMEOUT = 600.0
#: The lock file and the learned limits, in the user's cache directory.
LOCK_FILE = "ws-auto-extend.lock"
LIMITS_FILE = "ws-limits.json"


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


class _Run:
    """One run's decisions, collected into the report."""

    def __init__(self, ctx: Context, within: timedelta, days: int, limits: FilesystemLimits) -> None:
        self.ctx, self.within, self.days, self.limits = ctx, within, days, limits
        self.extended: list[WorkspaceInfo] = []
        self.failed: list[NotExtended] = []
        self.skipped: list[NotExtended] = []

    def reach(self, filesystem: str | None) -> tuple[int, timedelta]:
        """The days to ask for on ``filesystem`` and what that gives."""
        maximum = self.limits.max_days(filesystem)
        asked = self.days if maximum is None else min(self.days, maximum)
        return asked, timedelta(days=asked)

    def too_little(self, info: WorkspaceInfo) -> str | None:
        """Why extending ``info`` now would not add a real margin, or None."""
        _, reach = self.reach(info.filesystem)
        remaining = info.remaining if info.remaining is not None else timedelta(0)
        gain = reach - max(remaining, timedelta(0))
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
        asked, _ = self.reach(info.filesystem)
        try:
            new = warned(self.ctx, functools.partial(ws.extend, info.name, asked, filesystem=info.filesystem))
        except WorkspaceError as exc:
            self.failed.append(_not_extended(info, " ".join(exc.message.split())))
            return
        self.limits.learn(info.filesystem, asked, new.capped_duration)
        self.extended.append(plain(new))


def _not_extended(info: WorkspaceInfo, reason: str) -> NotExtended:
    return NotExtended(workspace=plain(info), reason=reason)


def run_auto_extend(
    ctx: Context,
    within: timedelta,
    days: int,
    filesystem: str | None,
    dry_run: bool,
    *,
    lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
) -> AutoExtendReport:
    """Under the user's lock, refuse an impossible pair (``UsageError``), then extend every
    due workspace an extension really helps."""
    for_pair = check_pair(within, days, None, None)
    if for_pair is not None:
        ctx.parser_error(f"ws auto-extend: {for_pair}")
    home = state_dir()
    with held_lock(home / LOCK_FILE, lock_timeout):
        limits = FilesystemLimits(ctx.workspace, home / LIMITS_FILE)
        if filesystem is not None:
            for_fs = check_pair(within, days, filesystem, limits.max_days(filesystem))
            if for_fs is not None:
                ctx.parser_error(f"ws auto-extend: {for_fs}")
        infos = list_workspaces(ctx, filesystem, confirm=True)  # no comment can add a workspace to extend
        run = _Run(ctx, within, days, limits)
        for info in soonest_first([i for i in infos if is_due(i, within)]):
            run.consider(info, dry_run)
    return AutoExtendReport(
        within=within,
        days=days,
        dry_run=dry_run,
        checked=len(infos),
        extended=run.extended,
        not_extended=run.failed,
        skipped=run.skipped,
    )


def run_ws_auto_extend(ctx: Context) -> int:
    args = ctx.args
    within: timedelta = args.within
    wait = DEFAULT_LOCK_TIMEOUT if args.lock_timeout is None else args.lock_timeout.total_seconds()
    report = run_auto_extend(ctx, within, args.days, args.filesystem, args.dry_run, lock_timeout=wait)
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

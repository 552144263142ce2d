"""``ws auto-extend``: extend the workspaces that expire soon, safely under cron.

Rules, so that any number of runs, at any rate, spends no extension for nothing:

* **One run at a time per user** (:mod:`~taurus_datamover.cli.run_lock`): a second run
  waits for the first (``--lock-timeout``) and then sees what it did.
* **What an extension can give**, its *reach*, is ``--days`` cut to the file system's
  maximum duration (``ws_list -L`` on v2; on v1 what an earlier cut taught,
  :mod:`~taurus_datamover.cli.ws_limits`).
* **An extension must add a real margin**: at least a quarter of its reach
  (:data:`MIN_GAIN_FRACTION`). A due workspace whose remaining time would grow by less is
  *skipped* (reported, exit 0): it still has at least three quarters of what an extension
  gives, and is extended on a later run, once the gain is real.
* **Impossible pairs are refused** before anything is extended (exit 2): ``--within`` so
  close to ``--days`` (or to the maximum of the ``--filesystem`` given) that every run
  would be due again, and a ``--days`` above the maximum of the ``--filesystem`` given.
* **Each workspace is read again just before it is extended**; one that is no longer due
  (extended meanwhile) or gone is skipped.
"""

from __future__ import annotations

import functools
from datetime import timedelta

from taurus_datamover.cli.context import Context
from taurus_datamover.cli.durations import format_duration
from taurus_datamover.cli.output import AutoExtendReport, NotExtended
from taurus_datamover.cli.run_lock import held_lock, state_dir
from taurus_datamover.cli.ws import _is_due, _list, _plain, _sort_key, _warned
from taurus_datamover.cli.ws_limits import FilesystemLimits
from taurus_datamover.errors import WorkspaceError, WorkspaceNotFound
from taurus_datamover.models.workspaces import WorkspaceInfo

__all__ = [
    "DEFAULT_LOCK_TIMEOUT",
    "LIMITS_FILE",
    "LOCK_FILE",
    "MIN_GAIN_FRACTION",
    "check_pair",
    "min_gain",
    "run_auto_extend",
]

#: An extension is spent only when it adds at least this share of what it can give.
MIN_GAIN_FRACTION = 0.25
#: Seconds a run waits for another run's lock (``--lock-timeout``).
DEFAULT_LOCK_TIMEOUT = 600.0
#: The lock file and the learned limits, in the user's cache directory.
LOCK_FILE = "ws-auto-extend.lock"
LIMITS_FILE = "ws-limits.json"


def _as_arg(delta: timedelta) -> str:
    """``delta`` as one could type it after ``--within`` (``22d12h``)."""
    return format_duration(delta).replace(" ", "")


def min_gain(reach: timedelta) -> timedelta:
    """The least an extension that gives ``reach`` must add to be worth spending."""
    return reach * MIN_GAIN_FRACTION


def check_pair(within: timedelta, days: int, filesystem: str | None, max_days: int | None) -> str | None:
    """Why ``--within``/``--days`` (for ``--filesystem``, whose maximum is ``max_days``)
    cannot work, or None when they can."""
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
        self.ctx = ctx
        self.within = within
        self.days = days
        self.limits = limits
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
            self.failed.append(NotExtended(workspace=_plain(info), reason="no extensions left"))
            return
        reason = self.too_little(info)
        if reason is not None:
            self.skipped.append(NotExtended(workspace=_plain(info), reason=reason))
            return
        if dry_run:
            self.extended.append(_plain(info))
            return
        self.extend(info)

    def extend(self, listed: WorkspaceInfo) -> None:
        ws = self.ctx.workspace
        try:
            info = ws.get(listed.name, listed.filesystem)  # read again: another run may have been first
        except WorkspaceNotFound:
            self.skipped.append(NotExtended(workspace=_plain(listed), reason="gone before it was extended"))
            return
        reason = None if _is_due(info, self.within) else "no longer due: extended meanwhile"
        reason = reason or self.too_little(info)
        if reason is not None:
            self.skipped.append(NotExtended(workspace=_plain(info), reason=reason))
            return
        asked, _ = self.reach(info.filesystem)
        try:
            new = _warned(self.ctx, functools.partial(ws.extend, info.name, asked, filesystem=info.filesystem))
        except WorkspaceError as exc:
            self.failed.append(NotExtended(workspace=_plain(info), reason=" ".join(exc.message.split())))
            return
        self.limits.learn(info.filesystem, asked, new.capped_duration)
        self.extended.append(_plain(new))


def run_auto_extend(
    ctx: Context,
    within: timedelta,
    days: int,
    filesystem: str | None,
    dry_run: bool,
    *,
    lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
) -> AutoExtendReport:
    """Hold the user's lock, refuse an impossible pair (``UsageError``), then extend every
    due workspace that an extension really helps; the report of what happened."""
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
        infos = _list(ctx, filesystem, confirm=True)  # no comment can add a workspace to extend
        run = _Run(ctx, within, days, limits)
        for info in sorted((i for i in infos if _is_due(i, within)), key=_sort_key):
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

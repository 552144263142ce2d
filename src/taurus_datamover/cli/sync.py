"""``taurus-datamover sync``: one big tree as N parallel datamover jobs, verified, resumable,
followed with one status line for the whole run (Ctrl-C cancels every part, exit 130).
"""

from __future__ import annotations

import sys
import time
from typing import IO, TYPE_CHECKING

from taurus_datamover.cli.durations import format_clock, format_size
from taurus_datamover.cli.output import print_json, print_table
from taurus_datamover.cli.status import choose_mode, show_until_done

if TYPE_CHECKING:  # the sync package is loaded when the subcommand runs
    from taurus_datamover.cli.context import Context
    from taurus_datamover.sync import SyncRun

#: Seconds between two redraws of the status line.
REFRESH = 0.25


def _quoted(text: str) -> str:
    """A path for people: control characters and undecodable bytes escaped."""
    return text if text.isprintable() else ascii(text)


def sync_status(run: SyncRun) -> str:
    """``sync RUN  running  parts 2 running 1 pending 1 done  1.2 GiB / 4.0 GiB ... ETA 0:25``."""
    p = run.progress
    parts = f"parts {p.parts_running} running {p.parts_pending} pending {p.parts_done} done"
    if p.parts_failed:
        parts += f" {p.parts_failed} failed"
    eta = f"  ETA {format_clock(p.eta)}" if p.eta is not None and run.state.value == "running" else ""
    return (
        f"sync {run.run_id}  {run.state.value}  {parts}  {format_size(p.bytes_done)} / {format_size(p.bytes_total)}"
        f"  {p.files_done}/{p.files_total} files  {format_size(p.rate)}/s  {format_clock(p.elapsed)}{eta}"
    )


def _print_plan(run: SyncRun, out: IO[str]) -> None:
    m = run.manifest
    out.write(
        f"plan {m.run_id}: {_quoted(m.src)} -> {_quoted(m.dst)}: {len(m.parts)} parts, {m.files} files, "
        f"{format_size(m.bytes)}, {m.directories} directories\n"
    )
    for part in m.parts:
        out.write(f"  part {part.index}: {part.files} files, {format_size(part.bytes)}\n")


def _summary(run: SyncRun) -> str:
    m = run.manifest
    text = (
        f"sync {m.run_id} {m.state.value}: {len(run.parts_run)} of {len(m.parts)} parts run, "
        f"{m.files} files, {format_size(m.bytes)} in {format_clock(run.elapsed)}"
    )
    if m.verification is not None:
        v = m.verification
        text += f"; verified ({v.mode}): {v.checked} entries, {len(v.differ)} differ, {len(v.missing)} missing"
        if v.extra:
            text += f", {len(v.extra)} only at the destination (kept)"
    return text


def _list(ctx: Context) -> int:
    from taurus_datamover.sync import list_runs

    runs = list_runs()
    if ctx.args.json:
        print_json(runs)
        return 0
    rows = [
        [
            m.run_id,
            f"{m.created:%Y-%m-%d %H:%M}",
            m.state.value,
            f"{sum(p.state.value == 'completed' for p in m.parts)}/{len(m.parts)}",
            str(m.files),
            format_size(m.bytes),
            f"{_quoted(m.src)} -> {_quoted(m.dst)}",
        ]
        for m in runs
    ]
    print_table(["RUN_ID", "CREATED", "STATE", "PARTS", "FILES", "SIZE", "SRC -> DST"], rows, right=(3, 4, 5))
    return 0


def run_sync(ctx: Context) -> int:
    """``sync``, ``--dry-run`` (the plan only), ``--resume RUN_ID`` or ``--list``; 0 when the
    run completed (and matched)."""
    args = ctx.args
    if args.list:
        if args.src or args.dst or args.resume:
            ctx.parser_error("sync --list takes no other argument")
        return _list(ctx)
    dm = ctx.datamover
    if args.resume is not None:
        if args.src or args.dst or args.dry_run:
            ctx.parser_error("sync --resume RUN_ID takes no SRC, DST or --dry-run")
        run = dm.resume(args.resume)
    else:
        if not args.src or not args.dst:
            ctx.parser_error("sync needs SRC and DST (or --resume RUN_ID, or --list)")
        verify = None if args.verify == "none" else args.verify
        run = dm.sync(args.src, args.dst, jobs=args.jobs, verify=verify, time_limit=args.time, dry_run=args.dry_run)
    err = sys.stderr
    quiet = ctx.verbosity < 0 or args.json
    if run.state.value == "planned":
        if args.json:
            print_json(run.manifest)
        else:
            _print_plan(run, sys.stdout)
            print(f"manifest: {run.manifest_path}\nstart it with: taurus-datamover sync --resume {run.run_id}")
        return 0
    if not quiet:
        err.write(f"sync {run.run_id}: {len(run.parts_run)} parts submitted; manifest: {run.manifest_path}\n")
        show_until_done(
            run.done,
            lambda: sync_status(run),
            choose_mode(err, json_output=False, quiet=False),
            err,
            changed=lambda: sync_status(run).split("  ")[1:3],  # state or parts changed
            wait=lambda: time.sleep(REFRESH),
            cancel=run.cancel,
            cancelling="  (interrupted, cancelling every part)",
        )
    try:
        run.result()
    finally:
        if args.json:
            print_json(run.manifest)
        elif not quiet:
            err.write(_summary(run) + "\n")
    return 0

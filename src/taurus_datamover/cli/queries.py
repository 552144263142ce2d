"""The datamover subcommands that move nothing: ``ls PATH [-a] [-R] [--json]`` (``dtls``),
``jobs [--json]`` (the user's jobs, from ``dtqueue``) and ``cancel JOBID...``."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from taurus_datamover.cli.context import Context
from taurus_datamover.cli.output import nothing_listed, print_json, print_table, shown
from taurus_datamover.models.files import FileEntry


def _size(entry: FileEntry) -> str:
    if entry.device is not None:
        return f"{entry.device[0]}, {entry.device[1]}"
    if entry.size is not None:
        return str(entry.size)
    return entry.size_text or "?"


def format_entries(entries: Sequence[FileEntry]) -> None:
    """Print ``entries`` as a table (one per directory for recursive listings)."""
    directories = list(dict.fromkeys(entry.directory for entry in entries))
    for index, directory in enumerate(directories):
        if len(directories) > 1 and directory is not None:
            if index:
                sys.stdout.write("\n")
            sys.stdout.write(f"{shown(directory)}:\n")
        rows = [
            (
                e.mode,
                e.owner or "-",
                e.group or "-",
                _size(e),
                e.mtime.strftime("%Y-%m-%d %H:%M") if e.mtime is not None else "?",
                shown(e.name) if e.target is None else f"{shown(e.name)} -> {shown(e.target)}",  # as ls -b
            )
            for e in entries
            if e.directory == directory
        ]
        print_table(("MODE", "OWNER", "GROUP", "SIZE", "MODIFIED", "NAME"), rows, right=(3,), raw=(5,))


def run_ls(ctx: Context) -> int:
    args = ctx.args
    entries = ctx.datamover.ls(args.path, all=args.all, recursive=args.recursive)
    if args.json:
        print_json(entries)
    else:
        format_entries(entries)
    return 0


def run_jobs(ctx: Context) -> int:
    """Print the datamover jobs ``dtqueue -t all`` shows (recently finished ones included)."""
    jobs = ctx.datamover.jobs()
    if ctx.args.json:
        print_json(jobs)
        return 0
    if not jobs:
        return nothing_listed(ctx.verbosity, "datamover jobs")
    rows = [(str(j.job_id), j.state.value, j.raw_state, j.name or "-", j.time or "-", j.reason or "") for j in jobs]
    print_table(("JOBID", "STATE", "ST", "NAME", "TIME", "NODELIST(REASON)"), rows, right=(0,))
    return 0


def run_cancel(ctx: Context) -> int:
    """Cancel the given jobs (``dtcancel``), saying for each whether it existed and what
    state it was in: a job ``dtqueue`` does not list is not cancelled and makes the exit
    code 1; a job that has already ended is left alone (exit 0)."""
    from taurus_datamover.models.jobs import TERMINAL_STATES

    ids: list[int] = list(dict.fromkeys(ctx.args.job_ids))
    known = {job.job_id: job for job in ctx.datamover.jobs()}
    active = [job_id for job_id in ids if job_id in known and known[job_id].state not in TERMINAL_STATES]
    if active:
        ctx.datamover.cancel(*active)
    for job_id in ids:
        info = known.get(job_id)
        if info is None:
            print(
                f"taurus-datamover: job {job_id}: no such job among your datamover jobs "
                "(dtqueue does not list it: a wrong id, another user's, or ended long ago); nothing cancelled",
                file=sys.stderr,
            )
        elif info.state in TERMINAL_STATES:
            if ctx.verbosity >= 0:
                print(f"job {job_id} had already ended ({info.state.value}); nothing to cancel", file=sys.stderr)
        elif ctx.verbosity >= 0:
            print(f"cancelled job {job_id} (it was {info.state.value})", file=sys.stderr)
    return 1 if any(job_id not in known for job_id in ids) else 0

"""``jobs [--json]`` (the user's datamover jobs, from ``dtqueue``) and ``cancel JOBID...``."""

from __future__ import annotations

import sys

from taurus_datamover.cli.context import Context
from taurus_datamover.cli.output import print_json, print_table
from taurus_datamover.models.jobs import JobInfo

__all__ = ["list_jobs", "run_cancel", "run_jobs"]


def list_jobs(ctx: Context) -> list[JobInfo]:
    """The jobs ``dtqueue -t all`` shows (recently finished ones included)."""
    return ctx.datamover.jobs()


def run_jobs(ctx: Context) -> int:
    """Print the datamover jobs."""
    jobs = list_jobs(ctx)
    if ctx.args.json:
        print_json(jobs)
        return 0
    if not jobs:
        if ctx.verbosity >= 0:
            print("no datamover jobs", file=sys.stderr)
        return 0
    rows = [
        (str(j.job_id), j.state.value, j.raw_state, j.name or "-", j.time or "-", j.reason or "")
        for j in jobs
    ]
    print_table(("JOBID", "STATE", "ST", "NAME", "TIME", "NODELIST(REASON)"), rows, right=(0,))
    return 0


def run_cancel(ctx: Context) -> int:
    """Cancel the given jobs (``dtcancel``)."""
    ids: list[int] = ctx.args.job_ids
    ctx.datamover.cancel(*ids)
    if ctx.verbosity >= 0:
        for job_id in ids:
            print(f"cancel requested for job {job_id}", file=sys.stderr)
    return 0

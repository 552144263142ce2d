"""``cp mv rm rsync tar wget``: start a datamover job and follow it with a status line, or
with ``--no-wait`` submit a batch job and print its id; ``--json``: a :class:`JobReport`.
"""

from __future__ import annotations

import os
import sys
from typing import Any

from pydantic import BaseModel, ConfigDict

from taurus_datamover.cli.context import Context
from taurus_datamover.cli.output import print_json, tool_noise
from taurus_datamover.cli.status import choose_mode, copy_meter, follow, job_wait
from taurus_datamover.command.job import Job
from taurus_datamover.models.jobs import JobState
from taurus_datamover.parsers.progress import Progress


class JobReport(BaseModel):
    """A datamover job as ``--json`` prints it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    tool: str
    argv: list[str]
    job_id: int | None
    state: JobState
    returncode: int | None
    elapsed: float
    batch: bool
    stdout: str
    stderr: str
    progress: Progress | None = None


def job_report(job: Job, *, include_output: bool = True) -> JobReport:
    return JobReport(
        tool=os.path.basename(job.argv[0]) if job.argv else "",
        argv=list(job.argv),
        job_id=job.job_id,
        state=job.state,
        returncode=job.returncode if job.done() else None,
        elapsed=round(job.elapsed, 3),
        batch=job.is_batch,
        stdout=job.stdout_text if include_output else "",
        stderr=tool_noise(job.stderr_text) if include_output else "",
        progress=job.progress,
    )


def start_transfer(ctx: Context) -> Job:
    """Start the job the parsed arguments ask for (blocking unless ``--no-wait``)."""
    args, dm = ctx.args, ctx.datamover
    opts: dict[str, Any] = {"blocking": not args.no_wait, "time": args.time, "account": args.account}
    command: str = args.command
    if command == "cp":
        return dm.cp(*args.src, dst=args.dst, recursive=args.recursive, preserve=args.preserve, **opts)
    if command == "mv":
        return dm.mv(*args.src, dst=args.dst, **opts)
    if command == "rm":
        return dm.rm(*args.paths, recursive=args.recursive, **opts)
    if command == "rsync":
        return dm.rsync(args.src, args.dst, *args.options, **opts)
    if command == "wget":
        return dm.wget(args.url, args.dst, **opts)
    if command == "tar":
        tar_args: list[str] = args.tar_args[1:] if args.tar_args[:1] == ["--"] else args.tar_args
        if not tar_args:
            ctx.parser_error("tar: give tar's arguments, e.g. tar -- -czf out.tgz dir")
        return dm.tar_raw(*tar_args, **opts)
    raise AssertionError(f"not a transfer command: {command!r}")  # pragma: no cover - argparse


def run_transfer(ctx: Context) -> int:
    """Run one transfer subcommand; 0 when it completed (or was submitted with ``--no-wait``)."""
    args = ctx.args
    metered = args.command in ("cp", "mv") and not (args.no_wait or args.json or ctx.verbosity < 0)
    meter = copy_meter(list(args.src), args.dst) if metered else None  # measured before the start
    job = start_transfer(ctx)
    if args.no_wait:
        while job.job_id is None and not job.done():  # until the batch job has its id
            job_wait(job, 0.05)
        if job.job_id is None:
            job.result()  # ended without a batch job: raise its failure, or fall through
        if args.json:
            print_json(job_report(job, include_output=job.job_id is None))
        else:
            sys.stdout.write(job.stdout_text if job.job_id is None else f"{job.job_id}\n")
        return 0
    follow(job, choose_mode(sys.stderr, json_output=args.json, quiet=ctx.verbosity < 0), site=ctx.site, meter=meter)
    if args.json:
        print_json(job_report(job))
        job.result()  # a failure still exits 1, with its one line on stderr
        return 0
    output = job.result()
    sys.stdout.write(output.stdout)
    noise_free = tool_noise(output.stderr)
    if noise_free and ctx.verbosity >= 0:
        sys.stderr.write(noise_free)
    return 0

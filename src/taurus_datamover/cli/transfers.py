"""``cp mv rm rsync tar wget``: start a datamover job, then follow it, or not.

By default the command waits (the job runs blocking, through ``srun`` on a Slurm site)
and shows a live status line on a terminal (plain lines when stderr is not one); the
tool's own output follows. ``--no-wait`` submits a batch job and prints its id (``--json``:
the job as JSON) as soon as Slurm has given one. ``--json`` prints the finished job as a
:class:`~taurus_datamover.cli.output.JobReport` and nothing else on stdout.
"""

from __future__ import annotations

import sys

from taurus_datamover.cli.context import Context
from taurus_datamover.cli.meter import CopyMeter, copy_meter
from taurus_datamover.cli.output import job_report, print_json, tool_noise
from taurus_datamover.cli.status import choose_mode, follow, job_wait
from taurus_datamover.command.job import Job

__all__ = ["TRANSFER_COMMANDS", "run_transfer", "start_transfer"]

#: Subcommand -> the datamover tool it runs.
TRANSFER_COMMANDS = {
    "cp": "dtcp",
    "mv": "dtmv",
    "rm": "dtrm",
    "rsync": "dtrsync",
    "tar": "dttar",
    "wget": "dtwget",
}


def start_transfer(ctx: Context) -> Job:
    """Start the job the parsed arguments ask for (blocking unless ``--no-wait``)."""
    args = ctx.args
    dm = ctx.datamover
    blocking = not args.no_wait
    time: str | None = args.time
    account: str | None = args.account
    command: str = args.command
    if command == "cp":
        return dm.cp(
            *args.src,
            dst=args.dst,
            recursive=args.recursive,
            preserve=args.preserve,
            blocking=blocking,
            time=time,
            account=account,
        )
    if command == "mv":
        return dm.mv(*args.src, dst=args.dst, blocking=blocking, time=time, account=account)
    if command == "rm":
        return dm.rm(*args.paths, recursive=args.recursive, blocking=blocking, time=time, account=account)
    if command == "rsync":
        return dm.rsync(args.src, args.dst, *args.options, blocking=blocking, time=time, account=account)
    if command == "wget":
        return dm.wget(args.url, args.dst, blocking=blocking, time=time, account=account)
    if command == "tar":
        tar_args: list[str] = args.tar_args[1:] if args.tar_args[:1] == ["--"] else args.tar_args
        if not tar_args:
            ctx.parser_error("tar: give tar's arguments, e.g. tar -- -czf out.tgz dir")
        return dm.tar_raw(*tar_args, blocking=blocking, time=time, account=account)
    raise ValueError(f"not a transfer command: {command!r}")  # pragma: no cover - argparse


def _wait_submitted(job: Job) -> None:
    """Wait until a non-blocking job has its Slurm id (or has ended)."""
    while job.job_id is None and not job.done():
        job_wait(job, 0.05)


def _where(ctx: Context) -> str | None:
    """``local`` when the jobs of this run's emulated site run locally now."""
    if ctx.site is not None and not ctx.site.slurm:
        return "local"
    return None


def _meter(ctx: Context) -> CopyMeter | None:
    """A meter for ``cp``/``mv`` whose files this machine sees (measured before the start)."""
    args = ctx.args
    if args.command not in ("cp", "mv") or args.no_wait or args.json or ctx.verbosity < 0:
        return None
    return copy_meter(list(args.src), args.dst)


def run_transfer(ctx: Context) -> int:
    """Run one transfer subcommand; 0 when it completed (or was submitted with ``--no-wait``)."""
    args = ctx.args
    meter = _meter(ctx)
    job = start_transfer(ctx)
    if args.no_wait:
        _wait_submitted(job)
        if job.job_id is None:
            job.result()  # ended without a batch job: raise its failure, or fall through
            if args.json:
                print_json(job_report(job))
            else:
                sys.stdout.write(job.stdout_text)
            return 0
        if args.json:
            print_json(job_report(job, include_output=False))
        else:
            print(job.job_id)
        return 0
    mode = choose_mode(sys.stderr, json_output=args.json, quiet=ctx.verbosity < 0)
    follow(job, mode, where=_where(ctx), meter=meter)
    if args.json:
        print_json(job_report(job))
        job.result()  # a failure still exits 1, with its one line on stderr
        return 0
    output = job.result()
    if output.stdout:
        sys.stdout.write(output.stdout)
    noise_free = tool_noise(output.stderr)
    if noise_free and ctx.verbosity >= 0:
        sys.stderr.write(noise_free)
    return 0

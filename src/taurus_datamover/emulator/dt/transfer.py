"""The emulated transfer tools (``dtls dtcp dtmv dtrm dtrsync dttar dtwget``).

Each strips the datamover options and runs the command of the same name without ``dt``:
through Slurm ``srun ... --pty CMD`` (exec'd: output, signals, exit code and the ``--pty``
errors are srun's, as on ZIH) or ``sbatch ... <bin>/.dt-exec CMD`` (never a shell string);
locally an exec of ``CMD`` or a job of the local queue (:mod:`.jobs`). ``dtls`` always
blocks. A struck fault (:mod:`..faults`) runs :mod:`.partial` in place of ``CMD``, inside
the job; through Slurm a call imports only what it needs, as cheap as ZIH's thin wrapper.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

from taurus_datamover.emulator.dt.mode import PARTITION, current_user, load_slurm_mode, with_bandwidth
from taurus_datamover.emulator.dt.options import DtOptions, UsageError, parse_time_limit, split_options
from taurus_datamover.facts import EMULATOR_FAULT_ENV, EMULATOR_FAULT_FILE, EMULATOR_VIEW_ENV

#: Name of the batch script in the site's bin directory.
DT_EXEC = ".dt-exec"


def fail(text: str, code: int = 1) -> int:
    """Say *text* on stderr; return the exit code *code*."""
    print(text, file=sys.stderr)
    return code


def slurm_argv(command: str, opts: DtOptions, bin_dir: str | None = None, job_name: str | None = None) -> list[str]:
    """The Slurm call for *command* (pure): ``srun --pty``, or ``sbatch`` of *bin_dir*'s batch script."""
    slurm = ["-p", PARTITION, f"--time={opts.time_or_default}"]
    slurm += [] if opts.account is None else [f"--account={opts.account}"]
    if bin_dir is None:
        return ["srun", *slurm, "--pty", command, *opts.args]
    return ["sbatch", *slurm, "-J", job_name or command, os.path.join(bin_dir, DT_EXEC), command, *opts.args]


def _with_fault(tool: str, root: str | os.PathLike[str], command: str, opts: DtOptions) -> tuple[str, DtOptions] | int:
    """*command*, or the fault runner when a fault strikes (an int: a broken fault's exit code)."""
    fault_file = os.path.join(root, EMULATOR_FAULT_FILE)
    if not os.environ.get(EMULATOR_FAULT_ENV, "").strip() and not os.path.exists(fault_file):
        return command, opts
    from taurus_datamover.emulator.faults import FaultSpecError, select_fault

    try:
        fault = select_fault(root, tool)
    except FaultSpecError as exc:
        return fail(f"{tool}: bad emulated fault: {exc}", 2)
    if fault is None:
        return command, opts
    runner = ("-m", "taurus_datamover.emulator.dt.partial", os.fspath(root), fault.to_json(), tool, command)
    return sys.executable, opts._replace(args=(*runner, *opts.args))


def exec_tool(argv: Sequence[str], tool: str) -> int:
    """Replace this process by *argv*; only returns (127) when it cannot be started."""
    sys.stdout.flush()
    sys.stderr.flush()
    try:
        os.execvp(argv[0], list(argv))
    except OSError as exc:
        print(f"{tool}: {argv[0]}: {exc.strerror}", file=sys.stderr)
    return 127


def run_transfer(tool: str, root: str | os.PathLike[str], argv: Sequence[str]) -> int:
    """Run transfer tool *tool* of the site at *root* with *argv*; return the exit code."""
    command = tool.removeprefix("dt")  # what it runs on the data-transfer node
    try:
        opts = split_options(argv)
    except UsageError as exc:
        return fail(f"{tool}: error: {exc}")
    blocking = opts.blocking or tool == "dtls"
    job_name = command
    opts = with_bandwidth(root, tool, opts)  # the site's per-job limit (rsync --bwlimit)
    chosen = _with_fault(tool, root, command, opts)
    if isinstance(chosen, int):
        return chosen
    command, opts = chosen
    if load_slurm_mode(root):
        if os.environ.get(EMULATOR_VIEW_ENV):  # the job runs outside our ZIH view: enter it there
            from taurus_datamover.emulator.zih_view import slurm_job_argv

            in_view = slurm_job_argv(command, opts.args)
            if in_view is not None:
                command, opts = in_view[0], opts._replace(args=tuple(in_view[1:]))
        return exec_tool(slurm_argv(command, opts, None if blocking else os.path.join(root, "bin"), job_name), tool)
    if blocking:
        return exec_tool([command, *opts.args], tool)
    try:  # Slurm checks --time itself; the local queue must do it here
        time_limit = parse_time_limit(opts.time_or_default)
    except UsageError:
        return fail("sbatch: error: Invalid --time specification")
    from taurus_datamover.emulator.dt.jobs import JobStore

    job = {"name": job_name, "user": current_user(), "partition": PARTITION, "account": opts.account}
    record = JobStore(root).submit((command, *opts.args), workdir=os.getcwd(), time_limit=time_limit, **job)
    print(f"Submitted batch job {record.job_id}", flush=True)
    return 0

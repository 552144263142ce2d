"""The emulated management tools: ``dtqueue``/``dtq``, ``dtcancel`` and ``dtinfo``.

With Slurm they delegate (``squeue -p datamover -u $USER ARGS``, ``scancel ARGS``,
``sinfo -p datamover``); without, they answer from the local queue in the same formats, so
parsers written against real Slurm output work offline too. The local queue's modules
are imported on the local path only: through Slurm a ``dtqueue`` (the library's watcher asks
one every few tenths of a second while jobs run) only execs ``squeue``.
"""

from __future__ import annotations

import getopt
import os
import sys
from collections.abc import Sequence

from taurus_datamover.emulator.dt.mode import PARTITION, load_slurm_mode
from taurus_datamover.emulator.dt.transfer import current_user, exec_tool, fail

_SQUEUE_SHORT = "hj:t:o:u:p:"
_SQUEUE_LONG = ["noheader", "jobs=", "states=", "format=", "user=", "partition=", "me"]


def _parse_ids(text: str) -> list[int]:
    ids: list[int] = []
    for word in text.split(","):
        word = word.strip()
        if word:
            if not word.isdigit():
                raise ValueError(word)
            ids.append(int(word))
    return ids


def dtqueue(tool: str, root: str | os.PathLike[str], argv: Sequence[str]) -> int:
    """List the user's transfer jobs (``squeue -p datamover -u $USER`` look-alike)."""
    if load_slurm_mode(root):
        return exec_tool(["squeue", "-p", PARTITION, "-u", current_user(), *argv], tool)
    import time

    from taurus_datamover.emulator.dt.jobs import JobStore
    from taurus_datamover.emulator.dt.squeue import DEFAULT_FORMAT, FormatError, format_jobs, parse_states

    try:
        opts, extra = getopt.gnu_getopt(list(argv), _SQUEUE_SHORT, _SQUEUE_LONG)
    except getopt.GetoptError as exc:
        return fail(f'squeue: {exc.msg}\nTry "squeue --help" for more information')
    if extra:
        return fail(f"squeue: error: Unrecognized option: {extra[0]}")
    header, fmt = True, DEFAULT_FORMAT
    ids: list[int] | None = None
    states: frozenset[str] | None = frozenset({"PENDING", "RUNNING"})
    users: set[str] | None = None
    partitions: set[str] = {PARTITION}
    try:
        for name, value in opts:
            if name in ("-h", "--noheader"):
                header = False
            elif name in ("-j", "--jobs"):
                ids = (ids or []) + _parse_ids(value)
            elif name in ("-t", "--states"):
                states = parse_states(value)
            elif name in ("-o", "--format"):
                fmt = value
            elif name in ("-u", "--user"):
                users = {u for u in value.split(",") if u}
            elif name == "--me":
                users = {current_user()}
            elif name in ("-p", "--partition"):
                partitions = {p for p in value.split(",") if p}
    except FormatError as exc:
        return fail(f"squeue: error: {exc}")
    except ValueError as exc:
        return fail(f"squeue: error: Invalid job id: {exc}")
    now = time.time()
    jobs = [job for job in JobStore(root).all() if job.visible(now)]
    if ids is not None:
        known = {job.job_id for job in jobs}
        if not known.intersection(ids):
            return fail("slurm_load_jobs error: Invalid job id specified")
        jobs = [job for job in jobs if job.job_id in ids]
    jobs = [
        job
        for job in jobs
        if (states is None or job.state in states)
        and (users is None or job.user in users)
        and job.partition in partitions
    ]
    try:
        sys.stdout.write(format_jobs(jobs, now, fmt, header))
    except FormatError as exc:
        return fail(f"squeue: error: {exc}")
    sys.stdout.flush()
    return 0


def dtcancel(tool: str, root: str | os.PathLike[str], argv: Sequence[str]) -> int:
    """Cancel transfer jobs (``scancel`` look-alike: unknown ids are silently ignored)."""
    if load_slurm_mode(root):
        return exec_tool(["scancel", *argv], tool)
    try:
        opts, words = getopt.gnu_getopt(list(argv), "v", ["verbose"])
    except getopt.GetoptError as exc:
        return fail(f'scancel: {exc.msg}\nTry "scancel --help" for more information')
    verbose = bool(opts)
    from taurus_datamover.emulator.dt.jobs import JobStore

    if not words:
        return fail("scancel: error: No job identification provided")
    store = JobStore(root)
    for word in words:
        if not word.isdigit():
            return fail(f"scancel: error: Invalid job id {word}")
        if verbose:
            print(f"scancel: Terminating job {word}", file=sys.stderr)
        if not store.cancel(int(word)) and verbose:
            print(f"scancel: error: Kill job error on job id {word}: Invalid job id specified", file=sys.stderr)
    return 0


def mount_table(root: str | os.PathLike[str]) -> str:
    """The data-transfer machine's view of the site (cf. the ZIH table in datamover.md)."""
    from pathlib import Path

    from taurus_datamover.emulator.config import load_site_config

    base = Path(root)
    try:  # an absolute space stays itself
        spaces = dict.fromkeys(base / sp for fs in load_site_config(base).filesystems.values() for sp in fs.spaces)
    except (OSError, ValueError):  # the config is optional for the dt tools
        spaces = {}
    cluster = {s: "/" + s.relative_to(base).as_posix() if s.is_relative_to(base) else s.as_posix() for s in spaces}
    rows = [("cluster (workspaces)", cluster[s], str(s)) for s in spaces]
    rows += [("cluster", "/projects", str(base / "projects")), ("group storages (fileserver)", "-", str(base / "grp"))]
    head = ("system", "path on the cluster", "path on the data-transfer machine")
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(2)]
    lines = [f"Mounts of the emulated data-transfer machine (site {base}):"]
    lines += [f"{row[0]:<{widths[0]}}  {row[1]:<{widths[1]}}  {row[2]}" for row in [head, *rows]]
    return "\n".join(lines) + "\n"


def dtinfo(tool: str, root: str | os.PathLike[str], argv: Sequence[str]) -> int:
    """Show the data-transfer nodes (``sinfo -p datamover``) and the site's mount table."""
    if load_slurm_mode(root):
        import subprocess

        sys.stdout.flush()
        try:
            rc = subprocess.run(["sinfo", "-p", PARTITION, *argv], check=False).returncode
        except OSError as exc:
            return fail(f"{tool}: sinfo: {exc.strerror}", 127)
        if rc != 0:
            return rc
    else:
        from taurus_datamover.emulator.dt.jobs import JobStore

        running = any(job.state == "RUNNING" for job in JobStore(root).all())
        state = "mix" if running else "idle"
        sys.stdout.write(
            "PARTITION AVAIL  TIMELIMIT  NODES  STATE NODELIST\n"
            f"{PARTITION:<9} {'up':>5} {'infinite':>10} {1:>6} {state:>6} localhost\n"
        )
    sys.stdout.write("\n" + mount_table(root))
    sys.stdout.flush()
    return 0


#: Tool -> its function (``dtq`` is ``dtqueue``).
MANAGE = {"dtqueue": dtqueue, "dtq": dtqueue, "dtcancel": dtcancel, "dtinfo": dtinfo}

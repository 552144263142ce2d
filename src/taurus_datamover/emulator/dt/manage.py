"""The emulated management tools: ``dtqueue``/``dtq``, ``dtcancel`` and ``dtinfo``.

With Slurm they delegate (``squeue -p datamover -u $USER ARGS``, ``scancel ARGS``,
``sinfo -p datamover``), importing nothing more (the library's watcher runs a ``dtqueue``
every few tenths of a second); without, they answer from the local queue in Slurm's
formats (``-o``: ``%[.][width]X`` fields, ``.`` right-justifies, a width also truncates).
"""

from __future__ import annotations

import getopt
import os
import re
import sys
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING

from taurus_datamover.emulator.dt.mode import PARTITION, current_user, load_slurm_mode
from taurus_datamover.emulator.dt.transfer import exec_tool, fail
from taurus_datamover.facts import SLURM_STATE_CODES

if TYPE_CHECKING:
    from taurus_datamover.emulator.dt.jobs import JobRecord

DEFAULT_FORMAT = "%.18i %.9P %.8j %.8u %.2t %.10M %.6D %R"
_CODE_TO_STATE = {code: state for state, code in SLURM_STATE_CODES.items()}
_SQUEUE_SHORT = "hj:t:o:u:p:"
_SQUEUE_LONG = ["noheader", "jobs=", "states=", "format=", "user=", "partition=", "me"]


class FormatError(ValueError):
    """An unsupported ``-o`` field or ``-t`` state."""


def format_duration(seconds: float | None) -> str:
    """squeue's TIME style: ``0:05``, ``12:34``, ``1:02:03``, ``2-01:02:03``."""
    if seconds is None:
        return "UNLIMITED"
    total = int(seconds)
    days, rest = divmod(total, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{days}-{hours:02d}:{minutes:02d}:{secs:02d}"
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes}:{secs:02d}"


def _stamp(when: float | None) -> str:
    from datetime import datetime

    return "N/A" if when is None else datetime.fromtimestamp(when).strftime("%Y-%m-%dT%H:%M:%S")


_FIELDS: dict[str, tuple[str, Callable[[JobRecord, float], str]]] = {
    "i": ("JOBID", lambda j, now: str(j.job_id)),
    "A": ("JOBID", lambda j, now: str(j.job_id)),
    "j": ("NAME", lambda j, now: j.name),
    "u": ("USER", lambda j, now: j.user),
    "P": ("PARTITION", lambda j, now: j.partition),
    "T": ("STATE", lambda j, now: j.state),
    "t": ("ST", lambda j, now: SLURM_STATE_CODES.get(j.state, j.state)),
    "M": ("TIME", lambda j, now: format_duration(j.elapsed(now))),
    "l": ("TIME_LIMIT", lambda j, now: format_duration(j.time_limit)),
    "L": ("TIME_LEFT", lambda j, now: format_duration(j.time_limit and max(0.0, j.time_limit - j.elapsed(now)))),
    "D": ("NODES", lambda j, now: "1"),
    "C": ("CPUS", lambda j, now: "1"),
    "R": ("NODELIST(REASON)", lambda j, now: "(None)" if j.state == "PENDING" or j.start_time is None else "localhost"),
    "N": ("NODELIST", lambda j, now: "" if j.start_time is None else "localhost"),
    "r": ("REASON", lambda j, now: "None"),
    "a": ("ACCOUNT", lambda j, now: j.account or "(null)"),
    "Z": ("WORK_DIR", lambda j, now: j.workdir),
    "o": ("COMMAND", lambda j, now: " ".join(j.argv)),
    "V": ("SUBMIT_TIME", lambda j, now: _stamp(j.submit_time)),
    "S": ("START_TIME", lambda j, now: _stamp(j.start_time)),
    "e": ("END_TIME", lambda j, now: _stamp(j.end_time)),
}

_TOKEN = re.compile(r"%(\.?)(\d*)([A-Za-z%])")


def _render(fmt: str, value_of: Callable[[str], str]) -> str:
    def field(match: re.Match[str]) -> str:
        right, width, code = match.groups()
        if code == "%" or not width:
            return "%" if code == "%" else value_of(code)
        size = int(width)
        return value_of(code)[:size].rjust(size) if right else value_of(code)[:size].ljust(size)

    return _TOKEN.sub(field, fmt)


def format_jobs(jobs: Iterable[JobRecord], now: float, fmt: str = DEFAULT_FORMAT, header: bool = True) -> str:
    """Render *jobs* like ``squeue -o FMT`` (with the header line unless *header* is False)."""
    for _, _, code in _TOKEN.findall(fmt):
        if code != "%" and code not in _FIELDS:
            raise FormatError(f"Invalid job format specification: {code}")
    lines = [_render(fmt, lambda code: _FIELDS[code][0])] if header else []
    lines += [_render(fmt, lambda code, job=job: _FIELDS[code][1](job, now)) for job in jobs]  # type: ignore[misc]
    return "".join(line + "\n" for line in lines)


def parse_states(text: str) -> frozenset[str] | None:
    """Parse ``-t`` (``all`` or names/codes, comma-separated); None means every state."""
    states: set[str] = set()
    for word in text.split(","):
        key = word.strip().upper()
        if not key:
            continue
        if key == "ALL":
            return None
        if key in SLURM_STATE_CODES:
            states.add(key)
        elif key in _CODE_TO_STATE:
            states.add(_CODE_TO_STATE[key])
        else:
            raise FormatError(f"Invalid job state specified: {word.strip()}")
    return frozenset(states)


def dtqueue(tool: str, root: str | os.PathLike[str], argv: Sequence[str]) -> int:
    """List the user's transfer jobs (``squeue -p datamover -u $USER`` look-alike)."""
    if load_slurm_mode(root):
        return exec_tool(["squeue", "-p", PARTITION, "-u", current_user(), *argv], tool)
    import time

    from taurus_datamover.emulator.dt.jobs import JobStore

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
                words = [word.strip() for word in value.split(",") if word.strip()]
                bad = [word for word in words if not word.isdecimal()]
                if bad:
                    return fail(f"squeue: error: Invalid job id: {bad[0]}")
                ids = (ids or []) + [int(word) for word in words]
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
        now = time.time()
        visible = [job for job in JobStore(root).all() if job.visible(now)]
        if ids is not None and not {job.job_id for job in visible}.intersection(ids):
            return fail("slurm_load_jobs error: Invalid job id specified")
        jobs = [
            job
            for job in visible
            if (ids is None or job.job_id in ids)
            and (states is None or job.state in states)
            and (users is None or job.user in users)
            and job.partition in partitions
        ]
        text = format_jobs(jobs, now, fmt, header)
    except FormatError as exc:
        return fail(f"squeue: error: {exc}")
    sys.stdout.write(text)
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
        if not word.isdecimal():
            return fail(f"scancel: error: Invalid job id {word}")
        if verbose:
            print(f"scancel: Terminating job {word}", file=sys.stderr)
        if not store.cancel(int(word)) and verbose:
            print(f"scancel: error: Kill job error on job id {word}: Invalid job id specified", file=sys.stderr)
    return 0


def dtinfo(tool: str, root: str | os.PathLike[str], argv: Sequence[str]) -> int:
    """The data-transfer nodes (``sinfo -p datamover``) and the site's mounts, as ZIH's table shows them."""
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

        state = "mix" if any(job.state == "RUNNING" for job in JobStore(root).all()) else "idle"
        sys.stdout.write(
            "PARTITION AVAIL  TIMELIMIT  NODES  STATE NODELIST\n"
            f"{PARTITION:<9} {'up':>5} {'infinite':>10} {1:>6} {state:>6} localhost\n"
        )
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
    print(f"\nMounts of the emulated data-transfer machine (site {base}):")
    for row in [head, *rows]:
        print(f"{row[0]:<{widths[0]}}  {row[1]:<{widths[1]}}  {row[2]}")
    sys.stdout.flush()
    return 0


#: Tool -> its function (``dtq`` is ``dtqueue``).
MANAGE = {"dtqueue": dtqueue, "dtq": dtqueue, "dtcancel": dtcancel, "dtinfo": dtinfo}

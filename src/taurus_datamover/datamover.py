"""``Datamover``: the ZIH datamover tools as methods, and a file API on top of them.

The original API keeps working::

    dm = Datamover()                      # finds dtls, dtcp, ... (see taurus_datamover.tools)
    proc = dm.dtls('-lh', '/grp/mygroup') # a Job, i.e. a Popen
    waitfor(proc)                         # exit code
    out, err = proc.communicate()         # bytes, as from Popen

``blocking=True`` (the default, as in the original) appends ``--blocking`` to the calls of
the transfer tools (``dtls dtcp dtmv dtrm dtrsync dttar dtwget``), so the tool runs in the
foreground through ``srun`` and the job ends when the transfer has. With ``blocking=False``
the tools submit a batch job and the returned :class:`~taurus_datamover.Job` follows it
through the queue (``dtqueue``) until it ends. Datamover options (``--blocking``,
``--time``, ``--account``) are placed before a ``--`` end-of-options marker when the
arguments hold one, else at the end, as the original did.
"""

from __future__ import annotations

import getpass
import os
import shutil
import subprocess
from collections.abc import Callable, Mapping, Sequence

from taurus_datamover.command import PathArg, ToolSet, as_arg
from taurus_datamover.errors import DatamoverError
from taurus_datamover.jobs import Job
from taurus_datamover.tools import DATAMOVER_FAMILY
from taurus_datamover.watcher import JobWatcher, watcher_for

__all__ = ["Datamover", "TRANSFER_TOOLS"]

#: The tools that run a command as a transfer job and take --blocking/--time/--account.
TRANSFER_TOOLS = frozenset({"dtls", "dtcp", "dtmv", "dtrm", "dtrsync", "dttar", "dtwget"})


class Datamover(ToolSet):
    """The ``dt*`` tools as methods (``dm.dtcp('-r', src, dst)``), each call a :class:`Job`.

    Args:
        path_to_exe: directory (or ``os.pathsep``-separated directories) holding the tools;
            ``None`` searches ``TAURUS_DATAMOVER_PATH``, the ZIH location, then ``PATH``.
        blocking: add ``--blocking`` to transfer tools, so calls end with the transfer.
        verbosity: 0 captures the output; 1 also prints each command line; 2 also echoes
            the output as it arrives (it is still captured).
        env: environment for the tools (default: this process's, at call time).
        time: default ``--time`` for transfer jobs (Slurm syntax, e.g. ``"2:00:00"``).
        account: default ``--account`` for transfer jobs.
    """

    family = DATAMOVER_FAMILY
    error_class = DatamoverError

    def __init__(
        self,
        path_to_exe: str | os.PathLike[str] | Sequence[str | os.PathLike[str]] | None = None,
        blocking: bool = True,
        verbosity: int = 0,
        *,
        env: Mapping[str, str] | None = None,
        time: str | None = None,
        account: str | None = None,
    ) -> None:
        super().__init__(path_to_exe, verbosity, env=env)
        self.blocking = blocking
        self.time = time
        self.account = account

    def is_cluster(self) -> bool:
        """True when the datamover tools are installed here (we are on a cluster or an
        emulated site), i.e. at least ``dtls`` was found."""
        return self.has_tool("dtls")

    # ------------------------------------------------------------------ argv
    def datamover_options(
        self, tool: str, *, blocking: bool | None = None, time: str | None = None, account: str | None = None
    ) -> list[str]:
        """The datamover's own options for a call of ``tool``."""
        if tool not in TRANSFER_TOOLS:
            return []
        options: list[str] = []
        if self.blocking if blocking is None else blocking:
            options.append("--blocking")
        time = time if time is not None else self.time
        account = account if account is not None else self.account
        if time is not None:
            options.append(f"--time={time}")
        if account is not None:
            options.append(f"--account={account}")
        return options

    def build_argv(
        self,
        tool: str,
        args: Sequence[PathArg | int | float],
        *,
        blocking: bool | None = None,
        time: str | None = None,
        account: str | None = None,
    ) -> list[str | bytes]:
        argv: list[str | bytes] = [self.tool_path(tool), *(as_arg(a) for a in args)]
        options = self.datamover_options(tool, blocking=blocking, time=time, account=account)
        if "--" in argv[1:]:
            cut = argv.index("--", 1)
            return [*argv[:cut], *options, *argv[cut:]]
        return [*argv, *options]

    # ------------------------------------------------------------------ running
    def run(
        self,
        tool: str,
        *args: PathArg | int | float,
        timeout: float | None = None,
        blocking: bool | None = None,
        time: str | None = None,
        account: str | None = None,
    ) -> Job:
        """Run ``tool`` with ``args`` (plus the datamover options) and return its Job."""
        argv = self.build_argv(tool, args, blocking=blocking, time=time, account=account)
        return self.spawn(argv, timeout=timeout)

    def _search_path(self) -> str | None:
        return (self.env if self.env is not None else os.environ).get("PATH")

    def _canceller(self) -> Callable[[int], None] | None:
        """``dtcancel N`` where it exists, else ``scancel N``; None when neither does."""
        tool = self.tool_path("dtcancel") if self.has_tool("dtcancel") else shutil.which("scancel", path=self._search_path())
        if tool is None:
            return None
        env = self.env

        def cancel(job_id: int) -> None:
            proc = subprocess.run(
                [tool, str(job_id)], stdin=subprocess.DEVNULL, capture_output=True, timeout=60, env=env
            )
            if proc.returncode != 0:
                raise DatamoverError(
                    f"could not cancel Slurm job {job_id}",
                    argv=[tool, str(job_id)],
                    returncode=proc.returncode,
                    stdout=proc.stdout,
                    stderr=proc.stderr,
                )

        return cancel

    def queue_argv(self) -> list[str] | None:
        """The queue query the shared watcher runs for this datamover's batch jobs."""
        if self.has_tool("dtqueue"):
            return [self.tool_path("dtqueue"), "-t", "all"]
        squeue = shutil.which("squeue", path=self._search_path())
        if squeue is None:
            return None
        return [squeue, "-t", "all", "-u", getpass.getuser()]

    def _watcher(self) -> JobWatcher | None:
        argv = self.queue_argv()
        if argv is None:
            return None
        return watcher_for(argv, self.env, ask_scontrol=not self.has_tool("dtqueue"))

"""The ``dt*`` tools as methods (the original API), their Slurm options and their queue."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any, TypedDict

from taurus_datamover.command.argv import PathArg, arg_words, as_arg, end_of_options
from taurus_datamover.command.job import Job
from taurus_datamover.command.slurm import parse_squeue
from taurus_datamover.command.tools import DATAMOVER_FAMILY
from taurus_datamover.command.toolset import ToolSet
from taurus_datamover.command.watcher import PATIENCE, JobWatcher, watcher_for
from taurus_datamover.errors import DatamoverArgumentError, DatamoverError, JobOptionsError
from taurus_datamover.facts import TRANSFER_TOOLS
from taurus_datamover.models.jobs import JobInfo
from taurus_datamover.workspace.context import login_name

if TYPE_CHECKING:
    from typing_extensions import Unpack


class ListingOptions(TypedDict, total=False):
    """A listing's options: ``timeout`` (s; then the job stops, ``CommandTimeout``), the Slurm
    ``time_limit`` (``"2:00:00"``; ``time`` is its first name) and ``account``."""

    timeout: float | None
    time_limit: str | None
    account: str | None
    time: str | None


class JobOptions(ListingOptions, total=False):
    """A transfer's options: a listing's (``dtls`` always blocks), and ``blocking`` (False
    submits a batch job)."""

    blocking: bool | None


#: The keywords a listing takes, and those a transfer takes.
LISTING_KEYS: frozenset[str] = ListingOptions.__optional_keys__
JOB_KEYS: frozenset[str] = JobOptions.__optional_keys__


def pick_time_limit(time_limit: str | None, time: str | None) -> str | None:
    """``time_limit``, or ``time`` (its first name) when only that one is given."""
    if time_limit is not None and time is not None:
        raise JobOptionsError(
            f"give the Slurm time limit once: time_limit={time_limit!r} and time={time!r} "
            "(time= is the old name of time_limit=)"
        )
    return time if time_limit is None else time_limit


@dataclass(frozen=True)
class SlurmOptions:
    """The datamover's own options of one call: ``--blocking``, ``--time``, ``--account``."""

    blocking: bool = True
    time_limit: str | None = None
    account: str | None = None

    def given(self, options: Mapping[str, object], allowed: frozenset[str] = JOB_KEYS) -> SlurmOptions:
        """These defaults with a call's ``options`` applied (None keeps the default); a key
        not ``allowed`` (a misspelt name, ``blocking`` for a listing) is a JobOptionsError."""
        unknown = sorted(set(options) - allowed)
        if unknown:
            raise JobOptionsError(f"unexpected option(s) {', '.join(unknown)}; allowed: {', '.join(sorted(allowed))}")
        blocking = options.get("blocking")
        limit = pick_time_limit(_text(options, "time_limit"), _text(options, "time"))
        account = _text(options, "account")
        return SlurmOptions(
            self.blocking if blocking is None else bool(blocking),
            self.time_limit if limit is None else limit,
            self.account if account is None else account,
        )

    def words(self) -> list[str]:
        """``--blocking``, ``--time=T``, ``--account=A``, those that apply, in that order."""
        words = ["--blocking"] if self.blocking else []
        if self.time_limit is not None:
            words.append(f"--time={self.time_limit}")
        return words if self.account is None else [*words, f"--account={self.account}"]

    def placed(self, tool: str, argv: Sequence[str | bytes]) -> list[str | bytes]:
        """``argv`` with these options when ``tool`` takes them: before the first ``--`` (or
        ``b"--"``), else at the end, as the original package did."""
        if tool not in TRANSFER_TOOLS:
            return list(argv)
        cut = end_of_options(argv)
        return [*argv, *self.words()] if cut is None else [*argv[:cut], *self.words(), *argv[cut:]]


def submits_batch_job(tool: str, argv: Sequence[str | bytes]) -> bool:
    """True when this call submits a batch job: a transfer tool but ``dtls`` without
    ``--blocking``. Only then is ``Submitted batch job N`` believed (else: a file name?)."""
    return tool in TRANSFER_TOOLS and tool != "dtls" and "--blocking" not in arg_words(argv[1 : end_of_options(argv)])


def _text(options: Mapping[str, object], key: str) -> str | None:
    """``options[key]`` as text: a str, or an int (Slurm reads ``--time=60`` as minutes)."""
    value = options.get(key)
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    raise JobOptionsError(f"{key}= takes text (Slurm syntax, e.g. '2:00:00'), not {value!r}")


Arg = PathArg | int | float


def job_error(message: str, job: Job, error: type[DatamoverError] = DatamoverError, **extra: Any) -> DatamoverError:
    """``error`` (``extra``: its own fields) with the evidence of ``job``."""
    return error(
        message, argv=job.argv, returncode=job.returncode, stdout=job.stdout_text, stderr=job.stderr_text, **extra
    )


class DatamoverTools(ToolSet):
    """The ``dt*`` tools as methods (``dm.dtcp('-r', src, dst)``), each call a :class:`Job`.

    Args (``path_to_exe``, ``verbosity``, ``env``: see
    :class:`~taurus_datamover.command.toolset.ToolSet`; the variable is ``TAURUS_DATAMOVER_PATH``):
        blocking: add ``--blocking`` to the transfers (as the original); else a batch job.
        time_limit: default ``--time`` of transfer jobs (``"2:00:00"``; ``time=`` its first name).
        account: default ``--account`` of transfer jobs.
        queue_patience: seconds the queue may fail without a break before a followed batch
            job ends UNKNOWN (default 60).
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
        time_limit: str | None = None,
        account: str | None = None,
        queue_patience: float = PATIENCE,
        time: str | None = None,
    ) -> None:
        super().__init__(path_to_exe, verbosity, env=env)
        if not queue_patience >= 0:
            raise DatamoverArgumentError(f"queue_patience must be a number of seconds >= 0, not {queue_patience!r}")
        self.blocking, self.time_limit, self.account = blocking, pick_time_limit(time_limit, time), account
        self.queue_patience = float(queue_patience)

    @property
    def time(self) -> str | None:
        """The first name of :attr:`time_limit`."""
        return self.time_limit

    def is_cluster(self) -> bool:
        """True when ``dtls`` was found here (a cluster or an emulated site)."""
        return self.has_tool("dtls")

    def _options(self, options: Mapping[str, Any], allowed: frozenset[str] = JOB_KEYS) -> SlurmOptions:
        return SlurmOptions(self.blocking, self.time_limit, self.account).given(options, allowed)

    def datamover_options(self, tool: str, **options: Unpack[JobOptions]) -> list[str]:
        """The datamover's own options for a call of ``tool`` (none for other tools)."""
        return self._options(options).words() if tool in TRANSFER_TOOLS else []

    def build_argv(self, tool: str, args: Sequence[Arg], **options: Unpack[JobOptions]) -> list[str | bytes]:
        """``tool``'s path, ``args`` and the datamover options, placed before a ``--``."""
        return self._options(options).placed(tool, [self.tool_path(tool), *map(as_arg, args)])

    submits_batch_job = staticmethod(submits_batch_job)

    def run(self, tool: str, *args: Arg, **options: Unpack[JobOptions]) -> Job:
        """Run ``tool`` with ``args`` (plus the datamover options) and return its Job."""
        return self._start(tool, args, options)

    def _start(
        self,
        tool: str,
        args: Sequence[Arg],
        options: Mapping[str, Any],
        allowed: frozenset[str] = JOB_KEYS,
        env: Mapping[str, str] | None = None,
    ) -> Job:
        """Start ``tool`` with ``args`` and ``options`` of kind ``allowed``; ``env``: this job only."""
        argv = self._options(options, allowed).placed(tool, [self.tool_path(tool), *map(as_arg, args)])
        return self.spawn(
            argv, timeout=options.get("timeout"), env_overrides=env, expect_batch=submits_batch_job(tool, argv)
        )

    def _found_or_slurm(self, tool: str, slurm_tool: str) -> str | None:
        """Where ``tool`` was found, else Slurm's own ``slurm_tool`` on the tools' ``PATH``."""
        return self._found.paths.get(tool) or shutil.which(slurm_tool, path=self._environ().get("PATH"))

    @cached_property
    def canceller(self) -> Callable[[int], None] | None:
        """``dtcancel N`` where it exists, else ``scancel N``; None when neither does."""
        tool, env = self._found_or_slurm("dtcancel", "scancel"), self.env
        if tool is None:
            return None

        def cancel(job_id: int) -> None:
            argv = [tool, str(job_id)]
            proc = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, timeout=60, env=env)
            if proc.returncode != 0:
                message = f"could not cancel Slurm job {job_id}"
                raise DatamoverError(
                    message, argv=argv, returncode=proc.returncode, stdout=proc.stdout, stderr=proc.stderr
                )

        return cancel

    def queue_argv(self) -> list[str] | None:
        """The queue query the shared watcher runs for this datamover's batch jobs."""
        queue = self._found_or_slurm("dtqueue", "squeue")
        if queue is None:
            return None
        user = login_name() or str(os.getuid())  # squeue -u takes a uid too
        return [queue, "-t", "all"] if self.has_tool("dtqueue") else [queue, "-t", "all", "-u", user]

    @cached_property
    def watcher(self) -> JobWatcher | None:
        """The shared watcher of the queue (``scontrol`` asked only beside plain ``squeue``)."""
        if (argv := self.queue_argv()) is None:
            return None
        return watcher_for(argv, self.env, ask_scontrol=not self.has_tool("dtqueue"), patience=self.queue_patience)

    def jobs(self, *, include_finished: bool = True, timeout: float | None = 120) -> list[JobInfo]:
        """Your datamover jobs as ``dtqueue`` lists them (``-t all``: recently finished too)."""
        args: tuple[str, ...] = ("-t", "all") if include_finished else ()
        return parse_squeue(self.run("dtqueue", *args, timeout=timeout).result().stdout)

    def cancel(self, *job_ids: int, timeout: float | None = 120) -> None:
        """Cancel Slurm jobs by id with ``dtcancel`` (``DatamoverError`` if it refuses)."""
        if not job_ids:
            raise DatamoverArgumentError("cancel() needs at least one job id")
        self.run("dtcancel", *(int(job_id) for job_id in job_ids), timeout=timeout).result()

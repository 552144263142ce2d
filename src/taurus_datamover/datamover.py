"""``Datamover``: the ZIH datamover tools as methods, and a file API on top of them.

The original API keeps working::

    dm = Datamover()                      # finds dtls, dtcp, ... (see taurus_datamover.command.tools)
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

The file API runs the same tools with argv the library builds itself (operands after
``--``, nothing through a shell; paths may be ``str``, ``bytes`` or path objects)::

    dm.ls("/grp/g")                  # [FileEntry, ...], bound: entry.copy_to(...), ...
    dm.stat(p); dm.exists(p)         # one ``ls -ld``
    for top, dirs, files in dm.walk("/grp/g"): ...   # one ``ls -R``
    dm.cp(a, b, dst=d, recursive=True).result()      # cp/mv/rm/rsync/tar/wget: Jobs
    dm.save(lambda p: df.to_csv(p), "/projects/p_x/out.csv")   # via a cache workspace

Listings use ``LC_ALL=C ls -l -b --time-style=+%s.%N`` (one line per entry, escaped names,
exact nanosecond times), so every name reads back exactly: spaces, a leading ``-``,
newlines, `` -> ``, bytes that are not UTF-8 (kept as surrogate escapes in ``str``).
"""

from __future__ import annotations

import builtins
import getpass
import os
import shutil
import subprocess
import tempfile
import uuid
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from taurus_datamover import file_api
from taurus_datamover.command.argv import PathArg, arg_words, as_arg, end_of_options
from taurus_datamover.command.job import Job, JobOutput
from taurus_datamover.command.slurm import parse_squeue
from taurus_datamover.command.tools import DATAMOVER_FAMILY
from taurus_datamover.command.toolset import ToolSet
from taurus_datamover.command.watcher import PATIENCE, JobWatcher, watcher_for
from taurus_datamover.errors import CommandTimeout, DatamoverError
from taurus_datamover.file_api import Compression, SaveError, WalkTriple
from taurus_datamover.models.files import FileEntry
from taurus_datamover.models.jobs import JobInfo
from taurus_datamover.parsers.ls import UNAMBIGUOUS_LS_ENV, parse_ls

if TYPE_CHECKING:
    from taurus_datamover.cache_workspace import CacheWorkspace
    from taurus_datamover.sync import SyncRun
    from taurus_datamover.sync.manifest import VerifyMode
    from taurus_datamover.workspace import Workspace

__all__ = ["TRANSFER_TOOLS", "Datamover", "SaveError"]

#: The tools that run a command as a transfer job and take --blocking/--time/--account.
TRANSFER_TOOLS = frozenset({"dtls", "dtcp", "dtmv", "dtrm", "dtrsync", "dttar", "dtwget"})


class _SavePlace(NamedTuple):
    """Where :meth:`Datamover.save` writes, and the cache workspace it must release."""

    directory: Path
    owned: CacheWorkspace | None


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
        queue_patience: seconds the queue (``dtqueue``) may fail without a break while a
            batch job is followed, before the job ends UNKNOWN (default 60).
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
        queue_patience: float = PATIENCE,
    ) -> None:
        super().__init__(path_to_exe, verbosity, env=env)
        if not queue_patience >= 0:
            raise ValueError(f"queue_patience must be a number of seconds >= 0, not {queue_patience!r}")
        self.blocking = blocking
        self.time = time
        self.account = account
        self.queue_patience = float(queue_patience)

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
        cut = end_of_options(argv)  # b"--" counts as "--": options never land after it
        if cut is not None:
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
        return self.spawn(argv, timeout=timeout, expect_batch=self.submits_batch_job(tool, argv))

    @staticmethod
    def submits_batch_job(tool: str, argv: Sequence[str | bytes]) -> bool:
        """True when this call of ``tool`` submits a batch job (``sbatch``) and returns:
        a transfer tool other than ``dtls`` without ``--blocking`` among its options.

        Only then is ``Submitted batch job N`` on stdout taken as the job's id; otherwise it
        could be the tool's output (a file named so).
        """
        if tool not in TRANSFER_TOOLS or tool == "dtls":
            return False
        cut = end_of_options(argv)
        return "--blocking" not in arg_words(argv[1:cut])

    def _search_path(self) -> str | None:
        return (self.env if self.env is not None else os.environ).get("PATH")

    def _canceller(self) -> Callable[[int], None] | None:
        """``dtcancel N`` where it exists, else ``scancel N``; None when neither does."""
        tool = (
            self.tool_path("dtcancel")
            if self.has_tool("dtcancel")
            else shutil.which("scancel", path=self._search_path())
        )
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
        return watcher_for(argv, self.env, ask_scontrol=not self.has_tool("dtqueue"), patience=self.queue_patience)

    # ================================================================== job management
    def jobs(self, *, include_finished: bool = True, timeout: float | None = 120) -> list[JobInfo]:
        """Your datamover jobs as ``dtqueue`` lists them (``-t all``: recently finished too)."""
        args: tuple[str, ...] = ("-t", "all") if include_finished else ()
        output = self.run("dtqueue", *args, timeout=timeout).result()
        return parse_squeue(output.stdout)

    def cancel(self, *job_ids: int, timeout: float | None = 120) -> None:
        """Cancel Slurm jobs by id with ``dtcancel`` (``DatamoverError`` if it refuses)."""
        if not job_ids:
            raise ValueError("cancel() needs at least one job id")
        ids = [int(job_id) for job_id in job_ids]
        self.run("dtcancel", *ids, timeout=timeout).result()

    # ================================================================== file API
    def _transfer(
        self,
        tool: str,
        args: Sequence[PathArg],
        *,
        timeout: float | None,
        blocking: bool | None,
        time: str | None,
        account: str | None,
        env_overrides: Mapping[str, str] | None = None,
    ) -> Job:
        """Start ``tool`` with ``args`` built by :mod:`taurus_datamover.file_api`."""
        argv = self.build_argv(tool, args, blocking=blocking, time=time, account=account)
        return self.spawn(
            argv, timeout=timeout, env_overrides=env_overrides, expect_batch=self.submits_batch_job(tool, argv)
        )

    def _listing(
        self,
        path: PathArg,
        flags: Sequence[str],
        *,
        timeout: float | None,
        time: str | None,
        account: str | None,
    ) -> Job:
        """Start ``dtls FLAGS -- PATH`` in the C locale (``dtls`` always blocks)."""
        return self._transfer(
            "dtls",
            file_api.ls_args(path, flags),
            timeout=timeout,
            blocking=None,
            time=time,
            account=account,
            env_overrides=UNAMBIGUOUS_LS_ENV,
        )

    def _entries(self, path: PathArg, flags: Sequence[str], stdout: str) -> builtins.list[FileEntry]:
        """Parse a listing made with ``flags``, place its entries and bind them to self.

        A directory's entries get their directory from the reader (no copies); a file
        operand's one entry is split into directory and base name by ``place_entries``.
        """
        text = file_api.path_text(path)
        is_directory = file_api.listing_is_directory(stdout)
        entries = parse_ls(stdout, options=flags, directory=text if is_directory else None)
        if not is_directory:
            entries = file_api.place_entries(entries, text, is_directory=False)
        return [entry.bind(self) for entry in entries]

    def ls(
        self,
        path: PathArg,
        *,
        all: bool = False,
        recursive: bool = False,
        timeout: float | None = None,
        time: str | None = None,
        account: str | None = None,
    ) -> builtins.list[FileEntry]:
        """List ``path`` through ``dtls`` and return its entries, bound to this datamover.

        Runs ``LC_ALL=C dtls -l -b --time-style=+%s.%N [-A] [-R] -- PATH`` and parses it
        with the same flags, so names, symlink targets, sizes and nanosecond mtimes are
        exact. ``all`` adds hidden entries (``-A``: never ``.`` and ``..``); ``recursive``
        lists the whole tree (``-R``). Every entry has a ``directory``, so ``entry.path``
        names it and ``copy_to``/``move_to``/``remove``/``list`` work. A file ``path``
        gives one entry (name = its base name); so does a symlink to a directory, as with
        ``ls -l`` (list ``"link/"`` to see the directory behind it).

        Raises:
            DatamoverError: dtls failed (missing path, no permission, Slurm refused ...).
            CommandTimeout: ``timeout`` seconds passed.
        """
        flags = file_api.ls_flags(all=all, recursive=recursive)
        job = self._listing(path, flags, timeout=timeout, time=time, account=account)
        return self._entries(path, flags, job.result().stdout)

    def stat(
        self,
        path: PathArg,
        *,
        timeout: float | None = None,
        time: str | None = None,
        account: str | None = None,
    ) -> FileEntry:
        """The entry of ``path`` itself (``ls -ld``; a symlink is not followed).

        Raises:
            DatamoverError: dtls failed (e.g. the path does not exist).
        """
        flags = file_api.ls_flags(directory=True)
        job = self._listing(path, flags, timeout=timeout, time=time, account=account)
        entries = self._entries(path, flags, job.result().stdout)
        if len(entries) != 1:
            raise DatamoverError(
                f"dtls -d printed {len(entries)} entries for one path",
                argv=job.argv,
                returncode=job.returncode,
                stdout=job.stdout_text,
                stderr=job.stderr_text,
            )
        return entries[0]

    def exists(
        self,
        path: PathArg,
        *,
        timeout: float | None = None,
        time: str | None = None,
        account: str | None = None,
    ) -> bool:
        """True when ``path`` exists on the data-transfer node (a dangling symlink exists,
        as with ``os.path.lexists``).

        False only when ls says ``No such file or directory``; any other failure (no
        permission, a Slurm error) raises :class:`DatamoverError`, so a broken cluster is
        never mistaken for a missing file.
        """
        job = self._listing(path, file_api.ls_flags(directory=True), timeout=timeout, time=time, account=account)
        try:
            job.result()
        except DatamoverError as error:
            if file_api.is_missing_path_error(error.stderr):
                return False
            raise
        return True

    def walk(
        self,
        top: PathArg,
        *,
        all: bool = False,
        timeout: float | None = None,
        time: str | None = None,
        account: str | None = None,
    ) -> Iterator[WalkTriple]:
        """Walk the tree under ``top`` like ``os.walk`` (top-down), from one ``ls -R``.

        Yields ``(dirpath, dirs, files)`` where ``dirs`` and ``files`` are bound
        :class:`FileEntry` lists (not names: sizes, times and types come free; use
        ``e.name`` for names and ``e.path`` for paths). ``files`` holds every entry that
        is not a directory, symlinks to directories included (they are not followed).
        Removing entries from ``dirs`` prunes the walk, as with ``os.walk``. The whole
        listing is made by one ``dtls -R`` job, run when ``walk`` is called (so its errors
        are raised there, not while iterating); a ``top`` that is a file yields nothing.
        A ``top`` that is a symlink to a directory is walked, as ``os.walk`` does (``ls
        -H``); links below it are not followed. ``dirpath`` is ``top`` as text (spelt as
        given: ``"d//"`` is walked like ``"d"``), joined with the names below.

        Raises:
            DatamoverError: dtls failed (a missing ``top``, an unreadable sub-directory).
        """
        flags = file_api.ls_flags(all=all, recursive=True, follow_top=True)
        job = self._listing(top, flags, timeout=timeout, time=time, account=account)
        # Not placed: an entry without a directory header is how a file ``top`` shows.
        entries = [entry.bind(self) for entry in parse_ls(job.result().stdout, options=flags)]
        return file_api.walk_entries(file_api.path_text(top), entries)

    def cp(
        self,
        *src: PathArg,
        dst: PathArg,
        recursive: bool = False,
        preserve: bool = False,
        no_target_directory: bool = False,
        timeout: float | None = None,
        blocking: bool | None = None,
        time: str | None = None,
        account: str | None = None,
    ) -> Job:
        """Copy ``src`` (one or more) to ``dst``: ``dtcp [-r] [-p] [-T] -- SRC... DST``.

        ``recursive`` copies directories, ``preserve`` keeps mode and times (``-p``),
        ``no_target_directory`` makes ``dst`` the copy itself (``-T``, one source).
        Returns the :class:`Job`; ``job.result()`` waits and raises on failure.
        """
        args = file_api.cp_args(
            src, dst, recursive=recursive, preserve=preserve, no_target_directory=no_target_directory
        )
        return self._transfer("dtcp", args, timeout=timeout, blocking=blocking, time=time, account=account)

    def mv(
        self,
        *src: PathArg,
        dst: PathArg,
        timeout: float | None = None,
        blocking: bool | None = None,
        time: str | None = None,
        account: str | None = None,
    ) -> Job:
        """Move ``src`` (one or more) to ``dst``: ``dtmv -- SRC... DST``; returns the Job.

        A source written with a trailing slash that names a symlink (``"d/link/"``) is
        refused before anything runs (:meth:`_refuse_links_behind_slashes`): to another
        file system, mv would copy the directory behind the link and then empty it.
        """
        args = file_api.mv_args(src, dst)
        self._refuse_links_behind_slashes("dtmv", src, timeout=timeout, time=time, account=account)
        return self._transfer("dtmv", args, timeout=timeout, blocking=blocking, time=time, account=account)

    def rm(
        self,
        *paths: PathArg,
        recursive: bool = False,
        timeout: float | None = None,
        blocking: bool | None = None,
        time: str | None = None,
        account: str | None = None,
    ) -> Job:
        """Remove ``paths``: ``dtrm [-r] -- PATH...``; returns the Job.

        Raises ``ValueError`` before anything runs for no path at all, an empty path, or
        a path that names ``/``. With ``recursive``, a path written with a trailing slash
        that names a symlink (``"d/link/"``) is refused with :class:`DatamoverError`
        before anything is removed: ``rm -r link/`` deletes the contents of the directory
        behind the link and then fails. ``rm("d/link")`` removes the link itself.
        """
        args = file_api.rm_args(paths, recursive=recursive)
        if recursive:
            self._refuse_links_behind_slashes("dtrm", paths, timeout=timeout, time=time, account=account)
        return self._transfer("dtrm", args, timeout=timeout, blocking=blocking, time=time, account=account)

    def _refuse_links_behind_slashes(
        self,
        tool: str,
        paths: Sequence[PathArg],
        *,
        timeout: float | None,
        time: str | None,
        account: str | None,
    ) -> None:
        """Raise :class:`DatamoverError`, before ``tool`` runs, when an operand written
        with a trailing slash names a symlink.

        Only such operands are looked at, with one ``dtls -ld`` of them without their
        slashes (no extra job otherwise). An operand that does not exist is left to
        ``tool``, which reports it.
        """
        slashed = file_api.slashed_operands(paths)
        if not slashed:
            return
        flags = file_api.ls_flags(directory=True)
        check = self._transfer(
            "dtls",
            [*flags, "--", *(stripped for _, stripped in slashed)],
            timeout=timeout,
            blocking=None,
            time=time,
            account=account,
            env_overrides=UNAMBIGUOUS_LS_ENV,
        )
        try:
            stdout = check.result().stdout
        except DatamoverError as error:
            if not file_api.is_missing_path_error(error.stderr):
                raise
            stdout = error.stdout
        links = file_api.links_behind_slashes(slashed, parse_ls(stdout, options=flags))
        if not links:
            return
        named = "; ".join(f"{given!r} is a symlink to {entry.target!r}" for given, entry in links)
        what = {
            "dtrm": "rm -r would delete the contents of the directory behind it and then fail",
            "dtmv": "mv to another file system would copy the directory behind it, empty it and then fail",
        }[tool]
        raise DatamoverError(
            f"refusing to run {tool}: {named}; with the trailing slash, {what}. Nothing was "
            "changed. Name the link without the slash to act on the link itself, or the "
            "directory by its own path.",
            argv=check.argv,
            returncode=check.returncode,
            stdout=check.stdout_text,
            stderr=check.stderr_text,
        )

    def rsync(
        self,
        src: PathArg,
        dst: PathArg,
        *options: str,
        timeout: float | None = None,
        blocking: bool | None = None,
        time: str | None = None,
        account: str | None = None,
    ) -> Job:
        """``dtrsync OPTIONS... -- SRC DST``; returns the Job.

        Each option is one word starting with ``-`` (``"-a"``, ``"--exclude=*.tmp"``);
        anything else is a ``ValueError``. See :func:`file_api.rsync_args` for how path
        objects with a colon are kept local.
        """
        return self._transfer(
            "dtrsync",
            file_api.rsync_args(src, dst, options),
            timeout=timeout,
            blocking=blocking,
            time=time,
            account=account,
        )

    def tar(
        self,
        archive: PathArg,
        *members: PathArg,
        create: bool = True,
        compress: Compression | None = None,
        directory: PathArg | None = None,
        timeout: float | None = None,
        blocking: bool | None = None,
        time: str | None = None,
        account: str | None = None,
    ) -> Job:
        """Create (default) or extract (``create=False``) ``archive`` with ``dttar``.

        Creating packs ``members`` (at least one), read relative to ``directory`` when
        given (``--directory``). Extracting unpacks ``members`` (all when none) into
        ``directory``; member names are literal, not patterns. ``compress`` is
        ``"gzip"``, ``"bzip2"``, ``"xz"`` or ``"zstd"``. The archive is always a local
        file (``--force-local``). Any other use of tar: :meth:`tar_raw`.
        """
        args = file_api.tar_args(archive, members, create=create, compress=compress, directory=directory)
        return self._transfer("dttar", args, timeout=timeout, blocking=blocking, time=time, account=account)

    def tar_raw(
        self,
        *args: PathArg,
        timeout: float | None = None,
        blocking: bool | None = None,
        time: str | None = None,
        account: str | None = None,
    ) -> Job:
        """``dttar ARGS...`` with ``args`` passed unchanged (the caller's own tar command
        line, e.g. ``"-tzf", archive``), plus the datamover options; returns the Job."""
        return self._transfer("dttar", args, timeout=timeout, blocking=blocking, time=time, account=account)

    def wget(
        self,
        url: str,
        dst: PathArg,
        *,
        timeout: float | None = None,
        blocking: bool | None = None,
        time: str | None = None,
        account: str | None = None,
    ) -> Job:
        """Download ``url`` into the file ``dst``: ``dtwget --output-document=DST -- URL``.

        ``dst`` is the file written (not a directory), so the result's name never depends
        on the server; an existing file is overwritten. Returns the Job.
        """
        return self._transfer(
            "dtwget", file_api.wget_args(url, dst), timeout=timeout, blocking=blocking, time=time, account=account
        )

    # ------------------------------------------------------------------ sync
    def sync(
        self,
        src: PathArg,
        dst: PathArg,
        *,
        jobs: int = 4,
        verify: VerifyMode | None = "size-mtime",
        time_limit: str | None = None,
        dry_run: bool = False,
    ) -> SyncRun:
        """Copy the tree ``src`` into ``dst`` as ``jobs`` parallel ``dtrsync`` batch jobs,
        recorded for :meth:`resume` and verified (``"size-mtime"``, ``"checksum"``, None);
        see :mod:`taurus_datamover.sync`. Returns the :class:`~taurus_datamover.sync.SyncRun`."""
        from taurus_datamover.sync import start_sync

        return start_sync(self, src, dst, jobs=jobs, verify=verify, time_limit=time_limit, dry_run=dry_run)

    def resume(self, run_id: str) -> SyncRun:
        """Rerun the parts of the sync ``run_id`` that did not complete (same destination)."""
        from taurus_datamover.sync import resume_sync

        return resume_sync(self, run_id)

    # ------------------------------------------------------------------ save
    def _cache_tools(self) -> Workspace:
        """The ``ws_*`` tools for a cache workspace: next to the dt tools when they are
        there (an emulated site), else where :class:`Workspace` looks by default."""
        from taurus_datamover.workspace import Workspace

        if self.path_to_exe is not None:
            here = Workspace(self.path_to_exe, env=self.env)
            if here.has_tool("ws_allocate") and here.has_tool("ws_release"):
                return here
        return Workspace(env=self.env)

    def save(
        self,
        save_fn: Callable[[Path], object],
        target_path: PathArg,
        *,
        workspace: CacheWorkspace | Workspace | str | os.PathLike[str] | None = None,
        cache_id: str | None = None,
        expire_in_days: int = 1,
        filesystem: str | None = None,
        timeout: float | None = None,
        blocking: bool | None = None,
        time: str | None = None,
        account: str | None = None,
    ) -> JobOutput:
        """Write data with ``save_fn`` where this node can write, then ``dtcp`` it to
        ``target_path`` (e.g. ``/projects/...``, read-only from compute nodes).

        ``save_fn(local_path)`` is called with a path in a fresh directory of its own
        (``local_path.name`` is the target's base name); it writes a file or a directory
        there. Then ``dtcp -r -T -- local_path target_path`` copies it so that
        ``target_path`` *is* the data (an existing file is overwritten, an existing
        directory receives the contents). The call waits for the copy.

        Where ``local_path`` lives (``workspace``):

        * None: a new cache workspace (``ws_allocate``, name ``cache_id`` or a unique
          ``dm-save-...``, ``expire_in_days``, ``filesystem``), released after the copy.
          When a workspace ``cache_id`` already exists, ``ws_allocate`` reuses it: it is
          kept (a :class:`~taurus_datamover.workspace.WorkspaceWarning` says so) and only
          the directory ``save`` made in it is removed;
        * a :class:`Workspace`: the same, with those tools;
        * a :class:`CacheWorkspace`: used and *not* released (its owner does that); only
          the directory ``save`` made in it is removed after the copy;
        * a directory path: the same, in that directory.

        Never loses data: when the copy fails (or times out) nothing is released or
        removed, and :class:`SaveError` (a :class:`DatamoverError`) names the path that
        holds the data (``error.data_path``). When ``save_fn`` itself raises, its partial
        output is cleaned up as after a success and its exception propagates.

        Returns the copy job's output. A failed release after a successful copy is only a
        ``RuntimeWarning``: the data is safe at ``target_path``.
        """
        target = file_api.path_text(target_path)
        name = os.path.basename(target.rstrip("/"))
        if name in ("", ".", ".."):
            name = "data"
        place = self._save_place(workspace, cache_id, expire_in_days, filesystem)
        staging: Path | None = None
        try:
            staging = Path(tempfile.mkdtemp(prefix="dm-save-", dir=place.directory))
            local = staging / name
            save_fn(local)
            if not os.path.lexists(local):
                raise FileNotFoundError(f"save_fn wrote nothing at {local}")
        except Exception:
            self._save_cleanup(place.owned, staging)
            raise
        job = self.cp(
            local,
            dst=target_path,
            recursive=True,
            no_target_directory=True,
            timeout=timeout,
            blocking=blocking,
            time=time,
            account=account,
        )
        try:
            output = job.result()
        except (DatamoverError, CommandTimeout) as error:
            kept = f"the data is kept at {local}"
            if place.owned is not None:
                kept += f" (cache workspace {place.owned.name!r}, not released)"
            raise SaveError(
                f"copying to {target} failed ({type(error).__name__}); {kept}",
                data_path=str(local),
                workspace_name=place.owned.name if place.owned is not None else None,
                argv=job.argv,
                returncode=job.returncode,
                stdout=job.stdout_text,
                stderr=job.stderr_text,
            ) from error
        self._save_cleanup(place.owned, staging)
        return output

    def _save_place(
        self,
        workspace: CacheWorkspace | Workspace | str | os.PathLike[str] | None,
        cache_id: str | None,
        expire_in_days: int,
        filesystem: str | None,
    ) -> _SavePlace:
        """Where ``save`` writes; allocates the cache workspace when it is ``save``'s own."""
        from taurus_datamover.cache_workspace import CacheWorkspace
        from taurus_datamover.workspace import Workspace

        if isinstance(workspace, CacheWorkspace):
            return _SavePlace(workspace.path, None)
        if workspace is None or isinstance(workspace, Workspace):
            tools = workspace if workspace is not None else self._cache_tools()
            cache = CacheWorkspace(
                id=cache_id or f"dm-save-{uuid.uuid4().hex[:12]}",
                expire_in_days=expire_in_days,
                filesystem=filesystem,
                workspace=tools,
            )
            return _SavePlace(cache.path, cache)
        return _SavePlace(Path(workspace), None)

    @staticmethod
    def _save_cleanup(owned: CacheWorkspace | None, staging: Path | None) -> None:
        """Release the cache workspace ``save`` created, or remove its own directory in a
        place it was given (or in a workspace ``ws_allocate`` reused: that one is kept);
        a failure is a warning (nothing of value is lost)."""
        try:
            if owned is not None and owned.owned:
                owned.cleanup()
            elif staging is not None:
                shutil.rmtree(staging)
        except Exception as error:
            what = f"cache workspace {owned.name!r}" if owned is not None else str(staging)
            warnings.warn(f"could not clean up {what}: {error}", RuntimeWarning, stacklevel=3)

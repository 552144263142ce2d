"""``Datamover``: the file API on top of the ``dt*`` tools.

It runs them with argv built by :mod:`.argv` (paths may be ``str``, ``bytes`` or path
objects) and reads listings made with ``LC_ALL=C ls -l -b --time-style=+%s.%N`` (one line
per entry, escaped names, nanosecond times) with :mod:`.listing`, so every name reads back
exactly: spaces, a leading ``-``, newlines, `` -> ``, bytes that are not UTF-8.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from taurus_datamover.command.argv import PathArg
from taurus_datamover.command.job import Job, JobOutput
from taurus_datamover.datamover import argv, listing
from taurus_datamover.datamover.argv import Compression
from taurus_datamover.datamover.listing import WalkTriple
from taurus_datamover.datamover.options import LISTING_KEYS, JobOptions, ListingOptions
from taurus_datamover.datamover.toolset import DatamoverTools, job_error
from taurus_datamover.errors import DatamoverError
from taurus_datamover.models.files import FileEntry
from taurus_datamover.parsers.ls import UNAMBIGUOUS_LS_ENV, parse_ls

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from taurus_datamover.sync import SyncRun
    from taurus_datamover.sync.manifest import VerifyMode
    from taurus_datamover.workspace import CacheWorkspace, Workspace

#: Why a trailing slash on a symlink is refused, by tool.
_FOLLOWS_LINK = {
    "dtrm": "rm -r would delete the contents of the directory behind it and then fail",
    "dtmv": "mv to another file system would copy the directory behind it, empty it and then fail",
}


class Datamover(DatamoverTools):
    """The ``dt*`` tools as methods (``dm.dtcp('-r', src, dst)``; the arguments: see
    :class:`DatamoverTools`) and the file API on top of them: the listings ``ls stat exists
    walk`` (options: :class:`ListingOptions`), the transfers ``cp mv rm rsync tar tar_raw
    wget save`` (options: :class:`JobOptions`), and ``sync``/``resume`` of whole trees."""

    def _listing(self, path: PathArg, flags: Sequence[str], options: Mapping[str, Any]) -> Job:
        """Start ``dtls FLAGS -- PATH`` in the C locale (``dtls`` always blocks)."""
        return self._start("dtls", argv.ls_args(path, flags), options, LISTING_KEYS, env=UNAMBIGUOUS_LS_ENV)

    def _entries(self, path: PathArg, flags: Sequence[str], stdout: str) -> list[FileEntry]:
        """Parse a listing made with ``flags`` and bind its entries to self; a directory's
        entries get their directory from the reader (no copies), a file operand's entry is
        split into directory and base name."""
        text = argv.path_text(path)
        is_directory = listing.listing_is_directory(stdout)
        entries = parse_ls(stdout, options=flags, directory=text if is_directory else None)
        if not is_directory:
            entries = listing.place_entries(entries)
        return [entry.bind(self) for entry in entries]

    def ls(
        self, path: PathArg, *, all: bool = False, recursive: bool = False, **options: Unpack[ListingOptions]
    ) -> list[FileEntry]:
        """List ``path`` through ``dtls`` and return its entries, bound to this datamover.

        Runs ``LC_ALL=C dtls -l -b --time-style=+%s.%N [-A] [-R] -- PATH`` and parses it
        with the same flags, so names, symlink targets, sizes and nanosecond mtimes are
        exact. ``all`` adds hidden entries (``-A``: never ``.`` and ``..``); ``recursive``
        lists the whole tree (``-R``). Every entry has a ``directory``, so ``entry.path``
        names it and ``copy_to``/``move_to``/``remove``/``list`` work. A file ``path``
        gives one entry (name = its base name); so does a symlink to a directory, as with
        ``ls -l`` (list ``"link/"`` to see the directory behind it). ``options``: those of
        every listing, :class:`ListingOptions`. Raises :class:`DatamoverError` when dtls
        failed (a missing path, no permission, Slurm refused), ``CommandTimeout``.
        """
        flags = argv.ls_flags(all=all, recursive=recursive)
        return self._entries(path, flags, self._listing(path, flags, options).result().stdout)

    def stat(self, path: PathArg, **options: Unpack[ListingOptions]) -> FileEntry:
        """The entry of ``path`` itself (``ls -ld``; a symlink is not followed);
        :class:`DatamoverError` when dtls failed (e.g. the path does not exist)."""
        flags = argv.ls_flags(directory=True)
        job = self._listing(path, flags, options)
        entries = self._entries(path, flags, job.result().stdout)
        if len(entries) != 1:
            raise job_error(f"dtls -d printed {len(entries)} entries for one path", job)
        return entries[0]

    def exists(self, path: PathArg, **options: Unpack[ListingOptions]) -> bool:
        """True when ``path`` exists on the data-transfer node (a dangling symlink exists,
        as with ``os.path.lexists``). False only when ls says ``No such file or directory``;
        any other failure (no permission, a Slurm error) raises :class:`DatamoverError`, so
        a broken cluster is never mistaken for a missing file."""
        job = self._listing(path, argv.ls_flags(directory=True), options)
        try:
            job.result()
        except DatamoverError as error:
            if listing.is_missing_path_error(error.stderr):
                return False
            raise
        return True

    def walk(self, top: PathArg, *, all: bool = False, **options: Unpack[ListingOptions]) -> Iterator[WalkTriple]:
        """Walk the tree under ``top`` like ``os.walk`` (top-down), from one ``ls -R``.

        Yields ``(dirpath, dirs, files)``: bound :class:`FileEntry` lists (sizes, times and
        types come free; ``e.name``, ``e.path``); ``files`` is every entry that is not a
        directory, symlinks to directories included (not followed). Removing entries from
        ``dirs`` prunes the walk. The one ``dtls -R`` job runs when ``walk`` is called, so
        its errors (:class:`DatamoverError`: a missing ``top``, an unreadable directory) are
        raised there; a file ``top`` yields nothing, a symlink ``top`` to a directory is
        walked (``ls -H``, as ``os.walk`` does). ``dirpath`` is ``top`` as text, spelt as
        given (``"d//"`` is walked like ``"d"``), joined with the names below.
        """
        flags = argv.ls_flags(all=all, recursive=True, follow_top=True)
        stdout = self._listing(top, flags, options).result().stdout
        # Not placed: an entry without a directory header is how a file ``top`` shows.
        entries = [entry.bind(self) for entry in parse_ls(stdout, options=flags)]
        return listing.walk_entries(argv.path_text(top), entries)

    def cp(
        self,
        *src: PathArg,
        dst: PathArg,
        recursive: bool = False,
        preserve: bool = False,
        no_target_directory: bool = False,
        **options: Unpack[JobOptions],
    ) -> Job:
        """Copy ``src`` (one or more) to ``dst``: ``dtcp [-r] [-p] [-T] -- SRC... DST``.

        ``recursive`` copies directories, ``preserve`` keeps mode and times (``-p``),
        ``no_target_directory`` makes ``dst`` the copy itself (``-T``, one source). Returns
        the :class:`Job` (``job.result()`` waits and raises on failure), as every transfer
        does; ``options``, those of every transfer: :class:`JobOptions`.
        """
        args = argv.cp_args(src, dst, recursive=recursive, preserve=preserve, no_target_directory=no_target_directory)
        return self._start("dtcp", args, options)

    def mv(self, *src: PathArg, dst: PathArg, **options: Unpack[JobOptions]) -> Job:
        """Move ``src`` (one or more) to ``dst``: ``dtmv -- SRC... DST``. A source written
        with a trailing slash that names a symlink (``"d/link/"``) is refused before anything
        runs: to another file system, mv would copy the directory behind it, then empty it."""
        args = argv.mv_args(src, dst)
        self._refuse_links_behind_slashes("dtmv", src, options)
        return self._start("dtmv", args, options)

    def rm(self, *paths: PathArg, recursive: bool = False, **options: Unpack[JobOptions]) -> Job:
        """Remove ``paths``: ``dtrm [-r] -- PATH...``. No path, an empty one or one that
        names ``/`` is a ``DatamoverArgumentError`` before anything runs. With ``recursive``,
        a path written with a trailing slash that names a symlink (``"d/link/"``) is refused
        (:class:`DatamoverError`) before anything is removed: ``rm -r link/`` deletes the
        contents of the directory behind the link, then fails. ``rm("d/link")`` removes the
        link itself."""
        args = argv.rm_args(paths, recursive=recursive)
        if recursive:
            self._refuse_links_behind_slashes("dtrm", paths, options)
        return self._start("dtrm", args, options)

    def _refuse_links_behind_slashes(self, tool: str, paths: Sequence[PathArg], options: Mapping[str, Any]) -> None:
        """Raise :class:`DatamoverError`, before ``tool`` runs, when an operand written
        with a trailing slash names a symlink: one ``dtls -ld`` of those operands (only)
        without their slashes. An operand that does not exist is left to ``tool``."""
        slashed = listing.slashed_operands(paths)
        if not slashed:
            return
        flags = argv.ls_flags(directory=True)
        listing_options = {key: value for key, value in options.items() if key != "blocking"}
        check = self._start(
            "dtls", [*flags, "--", *(s for _, s in slashed)], listing_options, LISTING_KEYS, env=UNAMBIGUOUS_LS_ENV
        )
        try:
            stdout = check.result().stdout
        except DatamoverError as error:
            if not listing.is_missing_path_error(error.stderr):
                raise
            stdout = error.stdout
        links = listing.links_behind_slashes(slashed, parse_ls(stdout, options=flags))
        if not links:
            return
        named = "; ".join(f"{given!r} is a symlink to {entry.target!r}" for given, entry in links)
        raise job_error(
            f"refusing to run {tool}: {named}; with the trailing slash, {_FOLLOWS_LINK[tool]}. Nothing "
            "was changed. Name the link without the slash to act on the link itself, or the "
            "directory by its own path.",
            check,
        )

    def rsync(self, src: PathArg, dst: PathArg, *rsync_options: str, **options: Unpack[JobOptions]) -> Job:
        """``dtrsync OPTIONS... -- SRC DST``: each of ``rsync_options`` is one word starting
        with ``-`` (``"-a"``, ``"--exclude=*.tmp"``), else a ``DatamoverArgumentError``; how
        path objects with a colon are kept local: :func:`.argv.rsync_args`."""
        return self._start("dtrsync", argv.rsync_args(src, dst, rsync_options), options)

    def tar(
        self,
        archive: PathArg,
        *members: PathArg,
        create: bool = True,
        compress: Compression | None = None,
        directory: PathArg | None = None,
        **options: Unpack[JobOptions],
    ) -> Job:
        """Create (default) or extract (``create=False``) ``archive`` with ``dttar``.

        Creating packs ``members`` (at least one), read relative to ``directory`` when
        given (``--directory``). Extracting unpacks ``members`` (all when none) into
        ``directory``; member names are literal, not patterns. ``compress`` is
        ``"gzip"``, ``"bzip2"``, ``"xz"`` or ``"zstd"``. The archive is always a local
        file (``--force-local``). Any other use of tar: :meth:`tar_raw`.
        """
        args = argv.tar_args(archive, members, create=create, compress=compress, directory=directory)
        return self._start("dttar", args, options)

    def tar_raw(self, *args: PathArg, **options: Unpack[JobOptions]) -> Job:
        """``dttar ARGS...`` with ``args`` passed unchanged (the caller's own tar command
        line, e.g. ``"-tzf", archive``), plus the datamover options."""
        return self._start("dttar", args, options)

    def wget(self, url: str, dst: PathArg, **options: Unpack[JobOptions]) -> Job:
        """Download ``url`` into the file ``dst``: ``dtwget --output-document=DST -- URL``
        (``dst`` is the file, so its name never depends on the server; it is overwritten)."""
        return self._start("dtwget", argv.wget_args(url, dst), options)

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

    def save(
        self,
        save_fn: Callable[[Path], object],
        target_path: PathArg,
        *,
        workspace: CacheWorkspace | Workspace | str | os.PathLike[str] | None = None,
        cache_id: str | None = None,
        expire_in_days: int = 1,
        filesystem: str | None = None,
        **options: Unpack[JobOptions],
    ) -> JobOutput:
        """Write data with ``save_fn`` where this node can write, then ``dtcp`` it to
        ``target_path`` (e.g. ``/projects/...``, read-only from compute nodes).

        ``save_fn(local_path)`` writes a file or a directory at a path in a fresh directory
        of its own (``local_path.name`` is the target's base name); then ``dtcp -r -T --
        local_path target_path`` makes ``target_path`` *be* the data (a file is overwritten,
        a directory receives the contents), and the call waits for it. ``local_path`` lives:

        * (``workspace=None``) in a new cache workspace (``ws_allocate``: ``cache_id`` or a
          unique ``dm-save-...``, ``expire_in_days``, ``filesystem``), released after the
          copy; one that ``ws_allocate`` reused (``cache_id`` existed) is kept, with a
          ``WorkspaceWarning``, and only ``save``'s own directory in it is removed;
        * (a :class:`Workspace`) the same, with those tools;
        * (a :class:`CacheWorkspace`, or a directory path) there, *not* released; only
          ``save``'s own directory in it is removed after the copy.

        Never loses data: when the copy fails (or times out) nothing is released or
        removed, and :class:`~taurus_datamover.SaveError` (a :class:`DatamoverError`) names
        where the data is (``error.data_path``). When ``save_fn`` raises, its partial
        output is cleaned up as after a success and its exception propagates. Returns the
        copy's output; a failed release after it is only a ``RuntimeWarning``.
        """
        from taurus_datamover.datamover import staging  # loads the workspace tools only when needed

        return staging.save(
            self,
            save_fn,
            target_path,
            options,
            workspace=workspace,
            cache_id=cache_id,
            expire_in_days=expire_in_days,
            filesystem=filesystem,
        )

"""``Datamover``: the file API on top of the ``dt*`` tools. Listings are made with ``LC_ALL=C
ls -l -b --time-style=+%s.%N``, so every name reads back exactly (spaces, newlines, `` -> ``).
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
from taurus_datamover.datamover.toolset import LISTING_KEYS, DatamoverTools, JobOptions, ListingOptions, job_error
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

    def _listing(self, paths: Sequence[PathArg], flags: Sequence[str], options: Mapping[str, Any]) -> Job:
        """Start ``dtls FLAGS -- PATH...`` in the C locale (``dtls`` always blocks)."""
        return self._start("dtls", argv.ls_args(paths, flags), options, LISTING_KEYS, env=UNAMBIGUOUS_LS_ENV)

    def _entries(self, path: PathArg, flags: Sequence[str], stdout: str) -> list[FileEntry]:
        """The bound entries of a listing; a file operand's is split into directory and name."""
        is_directory = stdout.startswith("total ")  # a file operand's line starts with its mode instead
        entries = parse_ls(stdout, options=flags, directory=argv.path_text(path) if is_directory else None)
        if not is_directory:
            entries = listing.place_entries(entries)
        return [entry.bind(self) for entry in entries]

    def ls(
        self, path: PathArg, *, all: bool = False, recursive: bool = False, **options: Unpack[ListingOptions]
    ) -> list[FileEntry]:
        """The entries of ``path`` (exact names, targets, sizes, nanosecond mtimes), bound, each
        with its ``directory``; ``all`` adds hidden ones (never ``.`` and ``..``), ``recursive``
        the tree. A file, or a symlink to a directory (``"link/"``: what is behind it), is one entry."""
        flags = argv.ls_flags(all=all, recursive=recursive)
        return self._entries(path, flags, self._listing([path], flags, options).result().stdout)

    def stat(self, path: PathArg, **options: Unpack[ListingOptions]) -> FileEntry:
        """The entry of ``path`` itself (``ls -ld``: a symlink is not followed)."""
        flags = argv.ls_flags(directory=True)
        job = self._listing([path], flags, options)
        entries = self._entries(path, flags, job.result().stdout)
        if len(entries) != 1:
            raise job_error(f"dtls -d printed {len(entries)} entries for one path", job)
        return entries[0]

    def exists(self, path: PathArg, **options: Unpack[ListingOptions]) -> bool:
        """As ``os.path.lexists``: False only when ls says ``No such file or directory``, so a
        broken cluster is never mistaken for a missing file."""
        job = self._listing([path], argv.ls_flags(directory=True), options)
        try:
            job.result()
        except DatamoverError as error:
            if listing.is_missing_path_error(error.stderr):
                return False
            raise
        return True

    def walk(self, top: PathArg, *, all: bool = False, **options: Unpack[ListingOptions]) -> Iterator[WalkTriple]:
        """``os.walk`` (top-down) of ``top`` from one ``ls -R`` run when called (its error is
        raised here); ``files`` holds every non-directory, symlinks to directories too; pruning
        ``dirs`` prunes the walk; a file ``top`` yields nothing, a symlink one is walked."""
        flags = argv.ls_flags(all=all, recursive=True, follow_top=True)
        stdout = self._listing([top], flags, options).result().stdout
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
        """``dtcp [-r] [-p] [-T] -- SRC... DST`` (``-T``: ``dst`` is the copy itself); the Job."""
        args = argv.cp_args(src, dst, recursive=recursive, preserve=preserve, no_target_directory=no_target_directory)
        return self._start("dtcp", args, options)

    def mv(self, *src: PathArg, dst: PathArg, **options: Unpack[JobOptions]) -> Job:
        """``dtmv -- SRC... DST``; a source ``"d/link/"`` naming a symlink is refused first."""
        args = argv.mv_args(src, dst)
        self._refuse_links_behind_slashes("dtmv", src, options)
        return self._start("dtmv", args, options)

    def rm(self, *paths: PathArg, recursive: bool = False, **options: Unpack[JobOptions]) -> Job:
        """``dtrm [-r] -- PATH...``: no path, ``""`` or ``/`` refused, with ``-r`` a ``"d/link/"`` too."""
        args = argv.rm_args(paths, recursive=recursive)
        if recursive:
            self._refuse_links_behind_slashes("dtrm", paths, options)
        return self._start("dtrm", args, options)

    def _refuse_links_behind_slashes(self, tool: str, paths: Sequence[PathArg], options: Mapping[str, Any]) -> None:
        """:class:`DatamoverError` when an operand with a trailing slash names a symlink (one
        ``dtls -ld`` of them, bare); missing ones are ``tool``'s to report."""
        slashed = listing.slashed_operands(paths)
        if not slashed:
            return
        flags = argv.ls_flags(directory=True)
        listing_options = {key: value for key, value in options.items() if key != "blocking"}
        check = self._listing([bare for _, bare in slashed], flags, listing_options)
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
        """``dtrsync OPTIONS... -- SRC DST``, each option one word (``"--exclude=*.tmp"``)."""
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
        """Create (or extract, ``create=False``) ``archive`` with ``dttar``: ``members`` (literal;
        none to extract: all) relative to ``directory``; any other use: :meth:`tar_raw`."""
        args = argv.tar_args(archive, members, create=create, compress=compress, directory=directory)
        return self._start("dttar", args, options)

    def tar_raw(self, *args: PathArg, **options: Unpack[JobOptions]) -> Job:
        """``dttar ARGS...``, the caller's own tar command line, plus the datamover options."""
        return self._start("dttar", args, options)

    def wget(self, url: str, dst: PathArg, **options: Unpack[JobOptions]) -> Job:
        """``dtwget --output-document=DST -- URL``: the file's name never depends on the server."""
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
        recorded for :meth:`resume` and verified (``"size-mtime"``, ``"checksum"``, None)."""
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
        """Write data with ``save_fn(local_path)`` where this node can write, then ``dtcp -r
        -T`` it to ``target_path`` (e.g. ``/projects/...``, read-only from compute nodes).

        ``local_path`` is in a fresh directory in a new cache workspace (``workspace`` None or
        a :class:`Workspace`; released after the copy unless reused), or in the
        :class:`CacheWorkspace` or directory given (never released). When the copy fails
        nothing is released or removed: ``SaveError.data_path`` says where."""
        from taurus_datamover.datamover import staging  # loads the workspace tools only when needed

        return staging.save(self, save_fn, target_path, options, workspace, cache_id, expire_in_days, filesystem)

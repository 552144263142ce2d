"""Pure helpers of the file API of :class:`~taurus_datamover.Datamover`.

Everything here is a function of its arguments: the argv of each wrapped command (without
the tool path and the datamover's own options, which ``Datamover.build_argv`` adds), the
checks that refuse dangerous requests before anything runs, and the reading of ``dtls``
output into entries and ``walk`` triples. Keeping them free of processes lets the argv
builders be tested exactly and keeps ``datamover.py`` about running things.

Safety rules the builders keep:

* every operand comes after a ``--`` end-of-options marker, so a file called ``-rf`` is a
  file (the datamover options go before that marker: ``Datamover.build_argv`` puts them
  there, and the dt tools only strip their options before it);
* a path given as the value of an option (``tar --file=``, ``wget --output-document=``)
  that is exactly ``-`` would mean stdin/stdout to the tool: it becomes ``./-``;
* nothing goes through a shell: argv entries are passed as they are, ``bytes`` included
  (raw file names that are not UTF-8), so spaces, quotes and newlines need no quoting.
"""

from __future__ import annotations

import os
import posixpath
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Literal

from taurus_datamover.command.argv import PathArg, as_arg
from taurus_datamover.errors import DatamoverError
from taurus_datamover.models.files import EntryType, FileEntry
from taurus_datamover.parsers.ls import UNAMBIGUOUS_LS_OPTIONS

__all__ = [
    "Compression",
    "SaveError",
    "WalkTriple",
    "cp_args",
    "is_missing_path_error",
    "links_behind_slashes",
    "listing_is_directory",
    "ls_args",
    "ls_flags",
    "mv_args",
    "path_text",
    "place_entries",
    "rm_args",
    "rsync_args",
    "same_directory_key",
    "slashed_operands",
    "tar_args",
    "walk_entries",
    "wget_args",
]

#: Compression programs ``Datamover.tar`` can ask tar for, and tar's option for each.
Compression = Literal["gzip", "bzip2", "xz", "zstd"]
_COMPRESSION_FLAGS: dict[str, str] = {
    "gzip": "--gzip",
    "bzip2": "--bzip2",
    "xz": "--xz",
    "zstd": "--zstd",
}

#: ``(dirpath, directories, other entries)``: what ``Datamover.walk`` yields.
WalkTriple = tuple[str, list[FileEntry], list[FileEntry]]

#: ls's own error lines: ``ls: ...``, or ``/usr/bin/ls: ...`` when started by its full
#: path (srun does that).
_LS_LINE = re.compile(r"^(?:\S*/)?ls: ")
#: ls's message for a path that does not exist, in the C locale (``LC_ALL=C``).
_MISSING = re.compile(r"^(?:\S*/)?ls: cannot access .*: No such file or directory$")
#: A line of srun's own (``srun: error: localhost: task 0: Exited with exit code 2``).
_SRUN_OWN_LINE = re.compile(r"srun: (?:error|warning|info): [^\n]*\n")


class SaveError(DatamoverError):
    """``Datamover.save`` wrote the data but could not copy it to its target.

    The data was *not* thrown away: ``data_path`` is where it is (inside the cache
    workspace ``workspace_name``, which was not released, or inside the given directory).
    """

    def __init__(
        self,
        message: str,
        *,
        data_path: str,
        workspace_name: str | None = None,
        argv: Sequence[str] = (),
        returncode: int | None = None,
        stdout: str | bytes | None = "",
        stderr: str | bytes | None = "",
    ) -> None:
        super().__init__(message, argv=argv, returncode=returncode, stdout=stdout, stderr=stderr)
        self.data_path = data_path
        self.workspace_name = workspace_name

    def __reduce__(self) -> tuple[object, ...]:
        return (
            _rebuild_save_error,
            (self.message, self.data_path, self.workspace_name, self.argv, self.returncode, self.stdout, self.stderr),
        )


def _rebuild_save_error(
    message: str,
    data_path: str,
    workspace_name: str | None,
    argv: tuple[str, ...],
    returncode: int | None,
    stdout: str,
    stderr: str,
) -> SaveError:
    return SaveError(
        message,
        data_path=data_path,
        workspace_name=workspace_name,
        argv=argv,
        returncode=returncode,
        stdout=stdout,
        stderr=stderr,
    )


# ---------------------------------------------------------------------- paths
def path_text(path: PathArg) -> str:
    """``path`` as text the way ls prints it back: raw bytes kept as surrogate escapes.

    Raises ``ValueError`` for an empty path or one holding a NUL (no program can take it),
    ``TypeError`` for anything that is not ``str``, ``bytes`` or ``os.PathLike``.
    """
    if not isinstance(path, (str, bytes, os.PathLike)):
        raise TypeError(f"not a path: {path!r}")
    value = as_arg(path)
    text = os.fsdecode(value)
    if not text:
        raise ValueError("empty path")
    return text


def _operand(path: PathArg) -> str | bytes:
    """One path operand (checked: not empty, no NUL), str or bytes as given."""
    path_text(path)
    return as_arg(path)


def _option_value(option: str, path: PathArg) -> str | bytes:
    """``--option=path`` in one argv entry; a path of exactly ``-`` becomes ``./-``
    (``-`` would mean stdin/stdout to tar and wget)."""
    value = _operand(path)
    if value in ("-", b"-"):
        value = "./-" if isinstance(value, str) else b"./-"
    if isinstance(value, bytes):
        return option.encode("ascii") + b"=" + value
    return f"{option}={value}"


def _operands(paths: Iterable[PathArg], what: str) -> list[str | bytes]:
    values = [_operand(p) for p in paths]
    if not values:
        raise ValueError(f"no {what} given")
    return values


def _is_root(path: PathArg) -> bool:
    """True when ``path`` names ``/`` lexically (``/``, ``//``, ``/./``, ``/a/..``)."""
    text = os.fsdecode(as_arg(path))
    return text.startswith("/") and posixpath.normpath(text) in ("/", "//")


def slashed_operands(paths: Iterable[PathArg]) -> list[tuple[str, str | bytes]]:
    """The operands written with a trailing slash, each as given (text) and without its
    slashes (as given: str or bytes): ``"d/link/"`` -> ``("d/link/", "d/link")``.

    Such an operand that names a symlink to a directory makes ``rm -r`` delete the
    directory's contents through the link (then fail: the link is no directory), and
    ``mv`` to another file system do the same after copying them. The root is left out
    (``rm`` refuses it on its own grounds).
    """
    found: list[tuple[str, str | bytes]] = []
    for path in paths:
        value = _operand(path)
        text = os.fsdecode(value)
        if text.endswith("/") and text.strip("/"):
            found.append((text, value.rstrip(b"/") if isinstance(value, bytes) else value.rstrip("/")))
    return found


def links_behind_slashes(
    slashed: Sequence[tuple[str, str | bytes]], entries: Sequence[FileEntry]
) -> list[tuple[str, FileEntry]]:
    """Those of :func:`slashed_operands` whose entry, in an ``ls -ld`` of the operands
    without their slashes, is a symlink: ``(operand as given, the link's entry)``."""
    by_name = {entry.name: entry for entry in entries}
    links: list[tuple[str, FileEntry]] = []
    for given, stripped in slashed:
        entry = by_name.get(os.fsdecode(stripped))
        if entry is not None and entry.type is EntryType.SYMLINK:
            links.append((given, entry))
    return links


# ---------------------------------------------------------------------- argv builders
def ls_flags(
    *, all: bool = False, recursive: bool = False, directory: bool = False, follow_top: bool = False
) -> list[str]:
    """The ls options of the file API: :data:`UNAMBIGUOUS_LS_OPTIONS` (one line per
    entry, ``-b`` escaped names, epoch times with nanoseconds) plus ``-A`` (hidden
    entries, never ``.`` and ``..``), ``-R``, ``-d`` and ``-H`` (``follow_top``: a
    symlink named as the operand is followed, none below it) as asked.

    ``-A`` rather than ``-a``: an entry ``..`` would offer ``remove()`` and ``copy_to()``
    on the parent directory, and ``os.listdir``/``os.walk`` do not list them either.
    """
    flags = list(UNAMBIGUOUS_LS_OPTIONS)
    if all:
        flags.append("-A")
    if recursive:
        flags.append("-R")
    if directory:
        flags.append("-d")
    if follow_top:
        flags.append("-H")
    return flags


def ls_args(path: PathArg, flags: Sequence[str]) -> list[str | bytes]:
    """``FLAGS -- PATH``."""
    return [*flags, "--", _operand(path)]


def cp_args(
    src: Sequence[PathArg],
    dst: PathArg,
    *,
    recursive: bool = False,
    preserve: bool = False,
    no_target_directory: bool = False,
) -> list[str | bytes]:
    """``[-r] [-p] [-T] -- SRC... DST``. ``-T`` (``no_target_directory``) makes ``DST``
    the copy itself, never a directory to copy into; it takes exactly one source."""
    sources = _operands(src, "source")
    if no_target_directory and len(sources) != 1:
        raise ValueError("no_target_directory takes exactly one source")
    flags: list[str | bytes] = []
    if recursive:
        flags.append("-r")
    if preserve:
        flags.append("-p")
    if no_target_directory:
        flags.append("-T")
    return [*flags, "--", *sources, _operand(dst)]


def mv_args(src: Sequence[PathArg], dst: PathArg) -> list[str | bytes]:
    """``-- SRC... DST``."""
    return ["--", *_operands(src, "source"), _operand(dst)]


def rm_args(paths: Sequence[PathArg], *, recursive: bool = False) -> list[str | bytes]:
    """``[-r] -- PATH...``; refuses an empty list and any path that names ``/``.

    No ``-f``: a path that does not exist is an error (a typo shows), and with stdin at
    ``/dev/null`` rm asks no questions.
    """
    operands = _operands(paths, "path to remove")
    for path in paths:
        if _is_root(path):
            raise ValueError(f"refusing to remove the root directory ({os.fsdecode(as_arg(path))!r})")
    return [*(["-r"] if recursive else []), "--", *operands]


def rsync_args(src: PathArg, dst: PathArg, options: Sequence[str]) -> list[str | bytes]:
    """``OPTIONS... -- SRC DST``.

    Every option must be one argv word starting with ``-`` (use ``--exclude=PATTERN``, not
    ``--exclude PATTERN``), so that no option can swallow or become an operand. A relative
    ``os.PathLike`` with a ``:`` before its first ``/`` gets ``./`` in front: rsync would
    read ``a:b`` as host ``a``, and a path object always means a local file.
    """
    for option in options:
        if not isinstance(option, str) or not option.startswith("-") or option in ("-", "--"):
            raise ValueError(f"not an rsync option (use one word like '--opt=value'): {option!r}")
    return [*options, "--", _local_rsync_operand(src), _local_rsync_operand(dst)]


def _local_rsync_operand(path: PathArg) -> str | bytes:
    value = _operand(path)
    if isinstance(path, os.PathLike):
        text = os.fsdecode(value)
        head = text.split("/", 1)[0]
        if not text.startswith("/") and ":" in head:
            return "./" + value if isinstance(value, str) else b"./" + value
    return value


def tar_args(
    archive: PathArg,
    members: Sequence[PathArg],
    *,
    create: bool = True,
    compress: Compression | None = None,
    directory: PathArg | None = None,
) -> list[str | bytes]:
    """``--create|--extract [--gzip|...] --force-local --file=ARCHIVE [--directory=DIR]
    [--no-wildcards] -- MEMBER...``.

    ``--force-local``: an archive name with a colon is a file, not ``host:file``.
    ``--no-wildcards`` (extract): member names are names, not patterns. Creating needs at
    least one member (tar refuses an empty archive anyway).
    """
    args: list[str | bytes] = ["--create" if create else "--extract"]
    if compress is not None:
        if compress not in _COMPRESSION_FLAGS:
            raise ValueError(f"unknown compression {compress!r}; one of {sorted(_COMPRESSION_FLAGS)}")
        args.append(_COMPRESSION_FLAGS[compress])
    args += ["--force-local", _option_value("--file", archive)]
    if directory is not None:
        args.append(_option_value("--directory", directory))
    names = [_operand(m) for m in members]
    if create and not names:
        raise ValueError("creating an archive needs at least one member")
    if not create and names:
        args.append("--no-wildcards")
    return [*args, "--", *names]


def wget_args(url: str, dst: PathArg) -> list[str | bytes]:
    """``--output-document=DST -- URL``: the download is written to the file ``DST``."""
    if not isinstance(url, str) or not url:
        raise ValueError(f"not a URL: {url!r}")
    if "\x00" in url or "\n" in url:
        raise ValueError(f"URL contains a control character: {url!r}")
    return [_option_value("--output-document", dst), "--", url]


# ---------------------------------------------------------------------- listings
def listing_is_directory(stdout: str) -> bool:
    """True when ``ls -l`` output (``-b`` form, no ``-R``) lists a directory's contents.

    ls starts a directory's listing with ``total N``; a file operand (or ``-d``) prints its
    entry line, which starts with the mode. With ``-b`` no name spans lines, so the first
    line decides. (With ``-R`` a directory's listing starts with its header, whose entries
    carry their directory anyway: :func:`place_entries` leaves those alone.)
    """
    return stdout.startswith("total ")


def place_entries(entries: list[FileEntry], path: str, *, is_directory: bool) -> list[FileEntry]:
    """Give every entry of a listing of ``path`` a directory, so ``entry.path`` is usable.

    A single directory listed without ``-R`` has no header: its entries get ``path`` as
    directory. A file operand (or ``-d``) is printed under the name it was given: it is
    split into directory and base name (``/a/b`` -> ``/a``, ``b``; ``d/link/`` -> ``d``,
    ``link``) so that ``name`` is the base name and ``path`` names the file (without the
    trailing slash: for a symlink to a directory, the link). Entries that already have a
    directory (``-R`` headers) are kept.
    """
    placed: list[FileEntry] = []
    for entry in entries:
        if entry.directory is not None:
            placed.append(entry)
        elif is_directory:
            placed.append(entry.model_copy(update={"directory": path}))
        else:
            given = entry.name.rstrip("/") or entry.name  # "d/link/": base name "link"
            head, tail = posixpath.split(given)
            if head and tail:
                placed.append(entry.model_copy(update={"directory": head, "name": tail}))
            elif tail and tail != entry.name:
                placed.append(entry.model_copy(update={"name": tail}))
            else:
                placed.append(entry)
    return placed


_SLASHES = re.compile(r"/+")


def same_directory_key(path: str) -> str:
    """``path`` with every run of slashes made one and no trailing slash (``/`` stays).

    ls names the directories of ``ls -R`` by joining names to the operand its own way
    (``d//`` lists ``d//`` and then ``d/sub``); the walk and the listing meet on this key,
    so the spelling of ``top`` never decides what is found."""
    key = _SLASHES.sub("/", path)
    return key.rstrip("/") or key


def walk_entries(top: str, entries: Sequence[FileEntry]) -> Iterator[WalkTriple]:
    """os.walk over one ``ls -R`` listing of ``top``: ``(dirpath, dirs, others)``, top-down.

    ``dirs`` are the directory entries of ``dirpath``; ``others`` everything else,
    symlinks included (a symlink to a directory is not followed, as ``ls -R`` does not).
    As with ``os.walk``, removing entries from ``dirs`` while iterating prunes the walk,
    and ``dirpath`` is ``top`` as given, joined with the names below it. Directories are
    matched up through :func:`same_directory_key`, however ``top`` is spelt. A ``top``
    that is not a directory yields nothing.
    """
    if any(entry.directory is None for entry in entries):
        return  # a file operand: ls printed it without a header
    groups: dict[str, tuple[list[FileEntry], list[FileEntry]]] = {same_directory_key(top): ([], [])}
    for entry in entries:
        assert entry.directory is not None
        dirs, others = groups.setdefault(same_directory_key(entry.directory), ([], []))
        (dirs if entry.is_dir else others).append(entry)
    stack = [top]
    while stack:
        dirpath = stack.pop()
        dirs, others = groups.get(same_directory_key(dirpath), ([], []))
        yield dirpath, dirs, others
        stack.extend(reversed([posixpath.join(dirpath, d.name) for d in dirs]))


def is_missing_path_error(stderr: str) -> bool:
    """True when ``LC_ALL=C ls`` said a path does not exist (and nothing else failed).

    Only ls's own lines count: Slurm's (``srun: error: ... Exited with exit code 2``) are
    expected around them, and with no ls line at all the failure was not ls's. srun writes
    its own lines while it forwards the task's stderr, so one may land inside an ls line
    (``ls: srun: error: ...\ncannot access ...``): those are taken out wherever they are.
    """
    lines = [line for line in _SRUN_OWN_LINE.sub("", stderr).split("\n") if _LS_LINE.match(line)]
    return bool(lines) and all(_MISSING.match(line) for line in lines)

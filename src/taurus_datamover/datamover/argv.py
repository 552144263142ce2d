"""The argv rules of the file API, pure functions: each builder returns one wrapped command's
arguments and refuses a dangerous request before anything runs. Every operand comes after
``--`` (a file called ``-rf`` is a file); an option's path value ``-`` (stdin/stdout to tar
and wget) becomes ``./-``; ``bytes`` entries are passed as they are.
"""

from __future__ import annotations

import os
import posixpath
from collections.abc import Iterable, Sequence
from typing import Literal

from taurus_datamover.command.argv import PathArg, as_arg
from taurus_datamover.errors import DatamoverArgumentError
from taurus_datamover.parsers.ls import UNAMBIGUOUS_LS_OPTIONS

#: Compression programs ``Datamover.tar`` can ask tar for; tar's option is ``--`` + the name.
Compression = Literal["gzip", "bzip2", "xz", "zstd"]
_COMPRESSIONS = ("gzip", "bzip2", "xz", "zstd")


def path_text(path: PathArg) -> str:
    """``path`` as text the way ls prints it back (raw bytes as surrogate escapes);
    :class:`DatamoverArgumentError` for an empty path, a NUL, or not a path at all."""
    if not isinstance(path, (str, bytes, os.PathLike)):
        raise DatamoverArgumentError(f"not a path: {path!r}")
    text = os.fsdecode(path)
    if not text or "\x00" in text:
        raise DatamoverArgumentError(f"not a path a program can take: {text!r}")
    return text


def operand(path: PathArg) -> str | bytes:
    """One path operand (checked: not empty, no NUL), str or bytes as given."""
    path_text(path)
    return as_arg(path)


def _operands(paths: Iterable[PathArg], what: str, *, needed: bool = True) -> list[str | bytes]:
    """The operands of ``paths`` (``needed``: at least one); a lone str/bytes (a path per character) is refused."""
    if isinstance(paths, (str, bytes)):
        raise DatamoverArgumentError(f"a list of paths is needed ({what}), not the {type(paths).__name__} {paths!r}")
    if not (values := [operand(p) for p in paths]) and needed:
        raise DatamoverArgumentError(f"no {what} given")
    return values


def _option_value(option: str, path: PathArg) -> str | bytes:
    """``--option=path`` in one argv entry; a path of exactly ``-`` becomes ``./-``."""
    value = operand(path)
    if isinstance(value, bytes):
        return option.encode("ascii") + b"=" + (b"./-" if value == b"-" else value)
    return f"{option}={'./-' if value == '-' else value}"


def _flags(*wanted: tuple[bool, str]) -> list[str]:
    return [flag for condition, flag in wanted if condition]  # those whose condition holds


def ls_flags(
    *, all: bool = False, recursive: bool = False, directory: bool = False, follow_top: bool = False
) -> list[str]:
    """``UNAMBIGUOUS_LS_OPTIONS`` plus ``-A``, ``-R``, ``-d`` and ``-H`` (a symlink operand is
    followed, none below it) as asked. ``-A``, not ``-a``: an entry ``..`` would offer
    ``remove()`` on the parent."""
    return [*UNAMBIGUOUS_LS_OPTIONS, *_flags((all, "-A"), (recursive, "-R"), (directory, "-d"), (follow_top, "-H"))]


def ls_args(paths: Sequence[PathArg], flags: Sequence[str]) -> list[str | bytes]:
    return [*flags, "--", *_operands(paths, "path to list")]


def cp_args(
    src: Sequence[PathArg],
    dst: PathArg,
    *,
    recursive: bool = False,
    preserve: bool = False,
    no_target_directory: bool = False,
) -> list[str | bytes]:
    """``[-r] [-p] [-T] -- SRC... DST`` (``-T``: ``DST`` is the copy itself; one source)."""
    sources = _operands(src, "source")
    if no_target_directory and len(sources) != 1:
        raise DatamoverArgumentError("no_target_directory takes exactly one source")
    flags = _flags((recursive, "-r"), (preserve, "-p"), (no_target_directory, "-T"))
    return [*flags, "--", *sources, operand(dst)]


def mv_args(src: Sequence[PathArg], dst: PathArg) -> list[str | bytes]:
    return ["--", *_operands(src, "source"), operand(dst)]


def rm_args(paths: Sequence[PathArg], *, recursive: bool = False) -> list[str | bytes]:
    """``[-r] -- PATH...``; refuses no path and ``/``. No ``-f``: a missing path (a typo) shows."""
    operands = _operands(paths, "path to remove")
    for text in map(os.fsdecode, operands):  # ``/`` lexically: ``//``, ``/./``, ``/a/..``
        if text.startswith("/") and posixpath.normpath(text) in ("/", "//"):
            raise DatamoverArgumentError(f"refusing to remove the root directory ({text!r})")
    return [*(["-r"] if recursive else []), "--", *operands]


def rsync_args(src: PathArg, dst: PathArg, options: Sequence[str]) -> list[str | bytes]:
    """``OPTIONS... -- SRC DST``; every option one word starting with ``-`` (``--exclude=P``),
    so none can swallow an operand. A relative path object with a ``:`` before its first
    ``/`` gets ``./`` in front: a path object is a local file, never rsync's ``host:path``."""
    for option in options:
        if not isinstance(option, str) or not option.startswith("-") or option in ("-", "--"):
            raise DatamoverArgumentError(f"not an rsync option (use one word like '--opt=value'): {option!r}")
    return [*options, "--", _local_rsync_operand(src), _local_rsync_operand(dst)]


def _local_rsync_operand(path: PathArg) -> str | bytes:
    value = operand(path)
    if isinstance(path, os.PathLike):
        text = os.fsdecode(value)
        if not text.startswith("/") and ":" in text.split("/", 1)[0]:
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
    [--no-wildcards] -- MEMBER...`` (a colon is no ``host:``; members are no patterns)."""
    if compress is not None and compress not in _COMPRESSIONS:
        raise DatamoverArgumentError(f"unknown compression {compress!r}; one of {sorted(_COMPRESSIONS)}")
    names = _operands(members, "archive member", needed=create)
    args: list[str | bytes] = ["--create" if create else "--extract", *_flags((compress is not None, f"--{compress}"))]
    args += ["--force-local", _option_value("--file", archive)]
    if directory is not None:
        args.append(_option_value("--directory", directory))
    return [*args, *_flags((not create and bool(names), "--no-wildcards")), "--", *names]


def wget_args(url: str, dst: PathArg) -> list[str | bytes]:
    """``--output-document=DST -- URL``: the download is written to the file ``DST``."""
    if not isinstance(url, str) or not url:
        raise DatamoverArgumentError(f"not a URL: {url!r}")
    if "\x00" in url or "\n" in url:
        raise DatamoverArgumentError(f"URL contains a control character: {url!r}")
    return [_option_value("--output-document", dst), "--", url]

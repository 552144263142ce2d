"""Reading ``dtls`` output for the file API (pure functions): placed entries, ``walk``
triples, missing paths, the symlinks behind trailing slashes ``rm -r``/``mv`` must not follow."""

from __future__ import annotations

import os
import posixpath
import re
from collections.abc import Iterable, Iterator, Sequence

from taurus_datamover.command.argv import PathArg
from taurus_datamover.datamover.argv import operand
from taurus_datamover.models.files import EntryType, FileEntry

#: ``(dirpath, directories, other entries)``: what ``Datamover.walk`` yields.
WalkTriple = tuple[str, list[FileEntry], list[FileEntry]]

#: ls's own error lines: ``ls: ...``, or ``/usr/bin/ls: ...`` when srun started it.
_LS_LINE = re.compile(r"^(?:\S*/)?ls: ")
#: ls's message for a path that does not exist, in the C locale (``LC_ALL=C``).
_MISSING = re.compile(r"^(?:\S*/)?ls: cannot access .*: No such file or directory$")
#: A line of srun's own (``srun: error: localhost: task 0: Exited with exit code 2``).
_SRUN_OWN_LINE = re.compile(r"srun: (?:error|warning|info): [^\n]*\n")
_SLASHES = re.compile(r"/+")


def place_entries(entries: list[FileEntry]) -> list[FileEntry]:
    """Split file operands' entries (printed under the name given) into directory and base
    name: ``/a/b`` -> ``/a``, ``b``; ``d/link/`` -> ``d``, ``link`` (the link itself)."""
    placed: list[FileEntry] = []
    for entry in entries:
        head, tail = posixpath.split(entry.name.rstrip("/") or entry.name)  # "d/link/": base name "link"
        if entry.directory is None and head and tail:
            entry = entry.model_copy(update={"directory": head, "name": tail})
        elif entry.directory is None and tail and tail != entry.name:
            entry = entry.model_copy(update={"name": tail})
        placed.append(entry)
    return placed


def same_directory_key(path: str) -> str:
    """``path`` with runs of slashes made one and no trailing slash (``/`` stays): ``ls -R``
    spells directories its own way (``d//``, then ``d/sub``); walk and listing meet here."""
    key = _SLASHES.sub("/", path)
    return key.rstrip("/") or key


def walk_entries(top: str, entries: Sequence[FileEntry]) -> Iterator[WalkTriple]:
    """``os.walk`` over one ``ls -R`` listing of ``top`` (see ``Datamover.walk``)."""
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
    """True when ``LC_ALL=C ls`` said a path does not exist, and nothing else failed (no ls
    line: not ls's failure). srun's own lines are taken out wherever they land, even inside an
    ls line (srun writes them while forwarding the task's stderr)."""
    lines = [line for line in _SRUN_OWN_LINE.sub("", stderr).split("\n") if _LS_LINE.match(line)]
    return bool(lines) and all(_MISSING.match(line) for line in lines)


def slashed_operands(paths: Iterable[PathArg]) -> list[tuple[str, str | bytes]]:
    """The operands with a trailing slash, as given and without it: ``"d/link/"`` ->
    ``("d/link/", "d/link")``; the root is left out (``rm`` refuses it anyway)."""
    found: list[tuple[str, str | bytes]] = []
    for path in paths:
        value = operand(path)
        text = os.fsdecode(value)
        if text.endswith("/") and text.strip("/"):
            found.append((text, value.rstrip(b"/") if isinstance(value, bytes) else value.rstrip("/")))
    return found


def links_behind_slashes(
    slashed: Sequence[tuple[str, str | bytes]], entries: Sequence[FileEntry]
) -> list[tuple[str, FileEntry]]:
    """Those of :func:`slashed_operands` that ``ls -ld`` shows as symlinks, with the entry."""
    links = {entry.name: entry for entry in entries if entry.type is EntryType.SYMLINK}
    return [(given, links[os.fsdecode(bare)]) for given, bare in slashed if os.fsdecode(bare) in links]

"""Helpers of the sync tests: a tree with odd names in every part, and a tree comparison."""

from __future__ import annotations

import os
from pathlib import Path

#: Names every part must copy exactly.
ODD_NAMES = (b"-dash", b"new\nline", b"bad\xff", b"sp ace")


def odd_tree(top: Path, groups: int = 4) -> list[bytes]:
    """``top/gJP/NAME`` for each odd name J and part P: with equal sizes the plan gives
    every part one of each (files in path order go round the parts)."""
    written = []
    for j, name in enumerate(ODD_NAMES):
        for p in range(groups):
            directory = os.fsencode(top) + f"/g{j}{p}".encode()
            os.makedirs(directory, exist_ok=True)
            path = directory + b"/" + name
            with open(path, "wb") as handle:
                handle.write(b"%d-%d" % (j, p) * 100)
            written.append(os.path.relpath(path, os.fsencode(top)))
    os.makedirs(os.fsencode(top) + b"/empty dir/deeper")
    os.symlink("g00/-dash", os.fsencode(top) + b"/l -> k")
    return written


def same_tree(a: Path, b: Path) -> None:
    """Every entry of ``a`` is in ``b`` with the same type, bytes, link target and mtime."""
    for dirpath, dirnames, filenames in os.walk(os.fsencode(a)):
        for name in dirnames + filenames:
            source = os.path.join(dirpath, name)
            copy = os.path.join(os.fsencode(b), os.path.relpath(source, os.fsencode(a)))
            st_a, st_b = os.lstat(source), os.lstat(copy)
            assert (st_a.st_mode & 0o170000) == (st_b.st_mode & 0o170000), source
            if os.path.islink(source):
                assert os.readlink(source) == os.readlink(copy)
            elif os.path.isfile(source):
                with open(source, "rb") as x, open(copy, "rb") as y:
                    assert x.read() == y.read(), source
                assert st_a.st_mtime_ns == st_b.st_mtime_ns, source

"""``taurus-datamover ls PATH [-a] [-R] [--json]``: a listing through ``dtls``."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from taurus_datamover.cli.context import Context
from taurus_datamover.cli.output import print_json, print_table, shown
from taurus_datamover.models.files import FileEntry


def _size(entry: FileEntry) -> str:
    if entry.device is not None:
        return f"{entry.device[0]}, {entry.device[1]}"
    if entry.size is not None:
        return str(entry.size)
    return entry.size_text or "?"


def format_entries(entries: Sequence[FileEntry]) -> None:
    """Print ``entries`` as a table (one per directory for recursive listings)."""
    directories = list(dict.fromkeys(entry.directory for entry in entries))
    for index, directory in enumerate(directories):
        if len(directories) > 1 and directory is not None:
            if index:
                sys.stdout.write("\n")
            sys.stdout.write(f"{shown(directory)}:\n")
        rows = [
            (
                e.mode,
                e.owner or "-",
                e.group or "-",
                _size(e),
                e.mtime.strftime("%Y-%m-%d %H:%M") if e.mtime is not None else "?",
                shown(e.name) if e.target is None else f"{shown(e.name)} -> {shown(e.target)}",  # as ls -b
            )
            for e in entries
            if e.directory == directory
        ]
        print_table(("MODE", "OWNER", "GROUP", "SIZE", "MODIFIED", "NAME"), rows, right=(3,), raw=(5,))


def run_ls(ctx: Context) -> int:
    args = ctx.args
    entries = ctx.datamover.ls(args.path, all=args.all, recursive=args.recursive)
    if args.json:
        print_json(entries)
    else:
        format_entries(entries)
    return 0

"""The tree of a sync, from one ``Datamover.walk`` (a ``dtls -R`` job that reads every name
back exactly), as :class:`TreeItem` rows with paths relative to the top, the form ``rsync
--files-from`` takes; raw bytes are kept as surrogate escapes (``os.fsencode`` undoes them).
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from taurus_datamover.errors import ParseError
from taurus_datamover.models.files import EntryType

if TYPE_CHECKING:
    from taurus_datamover.datamover import Datamover


#: What a sync does with an entry: a file's bytes are copied, a directory is created, a
#: symlink is copied as a link; ``special`` (fifo, socket, device) is made again by rsync.
ItemKind = Literal["file", "directory", "symlink", "special"]

_KINDS: dict[EntryType, ItemKind] = {
    EntryType.FILE: "file",
    EntryType.DIRECTORY: "directory",
    EntryType.SYMLINK: "symlink",
}


@dataclass(frozen=True, slots=True)
class TreeItem:
    """One entry below the top (``size`` 0 when ls printed none; ``target`` of a symlink)."""

    path: str
    kind: ItemKind
    size: int
    mtime_ns: int | None
    target: str | None = None

    def as_row(self) -> list[object]:
        """The item as a JSON row ``[path, kind, size, mtime_ns, target]``."""
        return [self.path, self.kind, self.size, self.mtime_ns, self.target]

    @classmethod
    def from_row(cls, row: object) -> TreeItem:
        """The item of :meth:`as_row`'s row (``ValueError`` for anything else)."""
        match row:
            case [str(path), "file" | "directory" | "symlink" | "special" as kind, int(size), mtime_ns, target]:
                if isinstance(mtime_ns, (int, type(None))) and isinstance(target, (str, type(None))):
                    return cls(path, kind, size, mtime_ns, target)
        raise ValueError(f"not a tree row: {row!r}")


def list_tree(dm: Datamover, top: str, *, time: str | None = None) -> list[TreeItem] | None:
    """Every entry under the directory ``top`` (directories included), in walk order; None
    when ``top`` is not a directory (``ls -R`` of a file prints just that file)."""
    triples = list(dm.walk(top, all=True, time=time))
    if not triples:
        return None
    prefix = top if top.endswith("/") else top + "/"
    items: list[TreeItem] = []
    for dirpath, dirs, others in triples:
        if dirpath != top and not dirpath.startswith(prefix):
            raise ParseError(f"dtls listed a directory outside {top!r}", line=dirpath)
        base = "" if dirpath == top else dirpath[len(prefix) :]
        for entry in (*dirs, *others):
            path = posixpath.join(base, entry.name) if base else entry.name
            items.append(
                TreeItem(path, _KINDS.get(entry.type, "special"), entry.size or 0, entry.mtime_ns, entry.target)
            )
    return items

""":class:`AllocationOptions` in a module of its own, so that the argument checks
(:mod:`.arguments`, on the command's light start) load without ``typing``."""

from __future__ import annotations

from typing import TypedDict


class AllocationOptions(TypedDict, total=False):
    """The options of :meth:`Workspace.allocate <taurus_datamover.Workspace.allocate>`.

    * ``filesystem``: where to allocate (``-F``; default: the tools' default one).
    * ``reminder``: days before expiry to send a reminder (``-r``); ``mail`` needs it
      (the tool refuses ``mail`` alone).
    * ``mail``, ``comment``: stored with the workspace (``--mailaddress``, ``--comment``).
    * ``group``: ``True`` gives ``-g`` (a group workspace of your primary group; v2:
      group-readable); a group name gives ``-G<name>`` (v1: that group; v2:
      group-writable by it).
    """

    filesystem: str | None
    reminder: int | None
    mail: str | None
    comment: str | None
    group: bool | str | None

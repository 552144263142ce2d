"""``ws_list`` block listings (hpc-workspace v1 and v2) to :class:`WorkspaceInfo` models.

The text is read by :func:`~.ws_list_reader.read_ws_list` into plain records, which are
validated into models in one call (:func:`~taurus_datamover.models.workspaces.workspace_infos`).
"""

from __future__ import annotations

from datetime import datetime, tzinfo

from taurus_datamover.models.workspaces import WorkspaceInfo, workspace_infos
from taurus_datamover.parsers.workspaces.ws_list_reader import HEADER, listing_generation, read_ws_list

__all__ = ["HEADER", "listing_generation", "parse_ws_list"]


def parse_ws_list(
    text: str,
    *,
    tz: tzinfo | None = None,
    now: datetime | None = None,
    user: str | None = None,
    group_listing: bool = False,
) -> list[WorkspaceInfo]:
    """Parse a ``ws_list`` block listing (v1 or v2) into workspaces, in printed order.

    The arguments and errors are those of :func:`~.ws_list_reader.read_ws_list`.
    """
    return workspace_infos(read_ws_list(text, tz=tz, now=now, user=user, group_listing=group_listing))

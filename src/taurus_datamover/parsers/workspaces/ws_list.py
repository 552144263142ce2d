"""``ws_list`` output to models: block listings (v1 and v2) to :class:`WorkspaceInfo`,
``-s`` to names, and a full listing checked against the forms that carry no user text.

A block listing is read by :func:`~.ws_list_reader.read_ws_list` into plain records, which
are validated into models in one call (:func:`~taurus_datamover.models.workspaces.workspace_infos`).
"""

from __future__ import annotations

from datetime import datetime, timedelta, tzinfo

from taurus_datamover.errors import ParseError
from taurus_datamover.models.workspaces import WorkspaceInfo, workspace_infos
from taurus_datamover.parsers.workspaces.common import NAME_PATTERN, numbered_lines, parse_days_hours
from taurus_datamover.parsers.workspaces.ws_list_layout import HEADER
from taurus_datamover.parsers.workspaces.ws_list_reader import read_ws_list

#: How far an expiry may lie from a printed remaining time: the tools cut it to whole
#: hours, v2 2.0.0 was seen 2 hours off its own expiry (a zone offset), and the two
#: listings are a moment apart. A forged expiry that matters is days away.
_ROUNDING = timedelta(hours=3)


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


def confirm_with_terse(infos: list[WorkspaceInfo], terse: list[WorkspaceInfo]) -> list[WorkspaceInfo]:
    """``infos`` (a full listing) once a terse listing of the same moment agrees with it.

    ``ws_list -t`` prints no comment, so no user text: both listings must hold the same
    directories with the same ids (in any order: v2's is not stable), which catches a
    comment that holds a whole well-formed entry. The lines after a comment could come from
    it too, so extensions must agree and the expiry lie within the rounding of the terse
    remaining time. A ``ParseError`` names the entry that differs.
    """

    def key(info: WorkspaceInfo) -> tuple[str, str]:
        return (str(info.path), info.id)

    full_keys = sorted(key(info) for info in infos)
    terse_keys = sorted(key(info) for info in terse)
    if full_keys != terse_keys:
        extra = sorted(set(full_keys) - set(terse_keys))
        missing = sorted(set(terse_keys) - set(full_keys))
        raise ParseError(
            "the full and the terse listing differ (a comment forging an entry, or a change "
            f"between the two runs): only in the full one {extra}, only in the terse one "
            f"{missing}"
        )
    by_key = {key(info): info for info in terse}
    for info in infos:
        short = by_key[key(info)]
        said = parse_days_hours(short.remaining_text or "")
        if None not in (info.extensions_left, short.extensions_left) and info.extensions_left != short.extensions_left:
            why = f"{info.extensions_left} against {short.extensions_left} extensions"
        elif said is not None and info.remaining is not None and abs(info.remaining - said) > _ROUNDING:
            why = f"an expiry {info.remaining} away against a remaining time of {short.remaining_text!r}"
        else:
            continue
        raise ParseError(
            f"the full and the terse listing differ for {str(info.path)!r} ({why}): a comment "
            "forging the lines after it, or a change between the two runs"
        )
    return infos


def parse_ws_list_short(text: str) -> list[str]:
    """Parse ``ws_list -s`` (one name per line) into names, in printed order.

    Blank lines are skipped (v2 HEAD prints an empty line for a name ending in ``-``: use
    a block listing for those); a line that is not a workspace name (e.g. a block
    listing's ``id: x``) is a ``ParseError``.
    """
    names: list[str] = []
    for lineno, raw in numbered_lines(text):
        name = raw.strip()
        if not name:
            continue
        if not NAME_PATTERN.fullmatch(name):
            hint = "; use parse_ws_list for block listings" if HEADER.fullmatch(name) else ""
            raise ParseError(f"not a workspace name{hint}", lineno=lineno, line=raw)
        names.append(name)
    return names

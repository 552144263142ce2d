"""Checks of a ``ws_list`` block listing against the forms that carry no user text: the
terse listing (``-t``, no comments) and the short one (``-s``, bare names)."""

from __future__ import annotations

from datetime import timedelta

from taurus_datamover.errors import ParseError
from taurus_datamover.models.workspaces import WorkspaceInfo
from taurus_datamover.parsers.workspaces.common import NAME_PATTERN, numbered_lines, parse_days_hours
from taurus_datamover.parsers.workspaces.ws_list_reader import HEADER

__all__ = ["confirm_with_terse", "parse_ws_list_short"]


def confirm_with_terse(infos: list[WorkspaceInfo], terse: list[WorkspaceInfo]) -> list[WorkspaceInfo]:
    """``infos`` (a full listing) once a terse listing of the same moment agrees with it.

    ``ws_list -t`` prints no comment, so its entries carry no user text: every directory
    of the full listing must be one of the terse listing's, with the same printed id, and
    none may be missing. This catches what the layout alone cannot (a comment that holds a
    whole well-formed entry). Order is not compared (v2 prints in no stable order).

    The lines a full block prints after its comment (expiry, extensions) could come from
    the comment too, so they must agree with what the terse entry prints: the same
    extensions, and an expiry within the rounding of its remaining time.

    Raises:
        ParseError: an entry in one listing and not in the other, or one whose expiry or
            extensions differ (the message names it).
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
        why = _disagreement(info, by_key[key(info)])
        if why is not None:
            raise ParseError(
                f"the full and the terse listing differ for {str(info.path)!r} ({why}): a comment "
                "forging the lines after it, or a change between the two runs"
            )
    return infos


#: How far an expiry may lie from a printed remaining time: the tools cut it to whole
#: hours, v2 2.0.0 was seen 2 hours off its own expiry (a zone offset), and the two
#: listings are a moment apart. A forged expiry that matters is days away.
_ROUNDING = timedelta(hours=3)


def _disagreement(full: WorkspaceInfo, terse: WorkspaceInfo) -> str | None:
    """What of ``full`` the terse entry contradicts, or None."""
    if (
        full.extensions_left is not None
        and terse.extensions_left is not None
        and full.extensions_left != terse.extensions_left
    ):
        return f"{full.extensions_left} against {terse.extensions_left} extensions"
    said = parse_days_hours(terse.remaining_text or "")
    if said is not None and full.remaining is not None and abs(full.remaining - said) > _ROUNDING:
        return f"an expiry {full.remaining} away against a remaining time of {terse.remaining_text!r}"
    return None


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

"""Checks of the workspace parsers that no other test reaches: each bad shape, made from a
real capture by one change, is a ``ParseError`` that says what is wrong.

A block listing longer than a dozen blocks goes through the whole-block expression first;
a block it matches but cannot take (a value out of range, a rule broken) must end in the
line reader's error, the same as in a short listing.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone

import pytest
from tests.support import FIXTURES
from tests.support.ws_v2_captures import capture

from taurus_datamover.errors import ParseError
from taurus_datamover.parsers.workspaces import (
    parse_ws_filesystems,
    parse_ws_list,
    parse_ws_list_table,
    parse_ws_restore_list,
    parse_ws_stat,
)

UTC = timezone.utc
NOW = datetime(2026, 11, 24, 23, 0, tzinfo=UTC)
V1_BLOCK = (FIXTURES / "hpc-workspace-v1-real" / "list-all.stdout").read_text().partition("id: first")[0]
V2_BLOCK = capture("03_list_one").stdout
V2_REMOVED = capture("68_list_expired_flag").stdout.partition("Id: 1795556183")[0]


def _long(block: str, name: str, changed: str) -> str:
    """``changed`` (a block) followed by renamed copies of ``block``: a listing long enough
    for the whole-block expression."""
    copies = [block.replace(name, f"{name}{i}") for i in range(40)]
    return changed + "".join(copies)


def _list(user: str) -> Callable[[str], object]:
    return lambda text: parse_ws_list(text, tz=UTC, now=NOW, user=user)


_V1_GROUPS = V1_BLOCK.replace(
    "     filesystem name      : scratch\n",
    "     filesystem name      : scratch\n     group                : a\n",
).replace(
    "     available extensions : 10\n",
    "     available extensions : 10\n     group                : b\n",
)
_V2_NO_EXPIRY = V2_BLOCK.replace("    expiration time      : Thu Dec 24 22:35:44 2026\n", "")
_V2_FAR = V2_REMOVED.replace("until deletion       : 6 days, 23 hours", "until deletion       : 2000000 days, 0 hours")
_V2_KEY_TWICE = V2_BLOCK + "    newer key            : 1\n    newer key            : 2\n"

CASES = [
    (_list("marie"), _V1_GROUPS, "'group' given twice with different values"),
    (_list("marie"), _long(V1_BLOCK, "commented", _V1_GROUPS), "'group' given twice with different values"),
    (_list("usera"), _V2_NO_EXPIRY, "a full workspace block must have `expiration time` and `filesystem name`"),
    (_list("usera"), _long(V2_BLOCK, "simdata", _V2_NO_EXPIRY), "must have `expiration time`"),
    (_list("usera"), _V2_FAR, "expected `N days, M hours`"),
    (_list("usera"), _long(V2_BLOCK, "simdata", _V2_FAR), "expected `N days, M hours`"),
    (_list("usera"), _V2_KEY_TWICE, "'newer key' given twice"),
    (
        _list("usera"),
        V2_BLOCK.replace("    remaining time       : 30 days, 0 hours\n", ""),
        "workspace block without a `remaining time` line",
    ),
    (_list("usera"), capture("28_list_table").stdout, "use parse_ws_list_table"),
]

_TABLE = capture("28_list_table").stdout
_QUICK = "quick                          /srv/wsroot/horse/ws/usera-quick                   "
_STAT = capture("88_stat").stdout
_RESTORE = capture("54_restore_list").stdout
_FILESYSTEMS = capture("21_list_fs_details").stdout


def _table(text: str) -> object:
    return parse_ws_list_table(text, tz=UTC, now=NOW, user="usera")


CASES += [
    (_table, _TABLE + "x" * 35 + "\n", "a long id without its continuation line"),
    (_table, _TABLE + "x" * 30 + " /srv/" + "p" * 50 + "\n", "a long path without its continuation line"),
    (_table, _TABLE.replace(_QUICK, _QUICK.replace(" /srv", "  srv")), "the PATH column holds no absolute path"),
    (_table, _TABLE.replace("2027  10         39 ", "2027  10         99999999 "), "REMAINING is no day count"),
    (_table, _TABLE.replace("2027  10         39", "2027  " + "1" * 19 + " 39"), "EXTENSIONS is no whole number"),
    (
        lambda text: parse_ws_restore_list(text, tz=UTC, user="usera"),
        _RESTORE.replace("(7 days, 0 hours)", "(soon)"),
        r"expected `<time> \(N days, M hours\)`",
    ),
    (
        lambda text: parse_ws_stat(text, user="usera"),
        _STAT.replace("Id: usera-simdata\n", "Id: usera-simdata\n    time[msec]          : 3\n"),
        "'time\\[msec\\]' where ws_stat prints its counts",
    ),
    (
        lambda text: parse_ws_stat(text, user="usera"),
        _STAT.replace("    softlinks           : 0\n", "").replace(
            "directories         : 1\n", "directories         : 1\n    softlinks           : 0\n"
        ),
        "'directories' out of ws_stat's order",
    ),
    (
        lambda text: parse_ws_stat(text, user="usera"),
        _STAT.replace(": /srv/", ": srv/"),
        "expected an absolute path",
    ),
    (parse_ws_filesystems, _FILESYSTEMS.replace("     horse ", "    ho:rse "), "not a row of the `ws_list -L` table"),
]


@pytest.mark.parametrize(("parse", "text", "message"), CASES)
def test_refused_with_what_is_wrong(parse: Callable[[str], object], text: str, message: str) -> None:
    with pytest.raises(ParseError, match=message) as caught:
        parse(text)
    assert caught.value.lineno is not None and caught.value.line  # the line is named


def test_a_deletion_date_past_the_calendar_is_unknown() -> None:
    """``restorable_until`` is None, not an ``OverflowError``, where now + the time to
    deletion lies past year 9999."""
    late = datetime(9999, 12, 30, tzinfo=UTC)
    (entry,) = parse_ws_list(V2_REMOVED, tz=UTC, now=late, user="usera")
    assert entry.removed and entry.restorable_until is None
    assert entry.released_id == "usera-quick-1795556194"

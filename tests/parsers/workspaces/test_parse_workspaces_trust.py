"""Text never forges a workspace, and only ``ParseError`` leaves a parser (issue 10, items
3 parser side, 4, 5 and 9), with property tests for the parsers added for v2.

Listings are printed by the renderers of ``test_parse_workspaces_render`` (checked byte for
byte against the real captures), which print a comment raw, as the tools do.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from tests.support.ws_render import Ws, render_v1, render_v2
from tests.support.ws_v2_captures import Row, capture, render_table_v2

from taurus_datamover.errors import ParseError
from taurus_datamover.parsers.workspaces import (
    confirm_with_terse,
    parse_ws_allocate,
    parse_ws_filesystems,
    parse_ws_list,
    parse_ws_list_table,
    parse_ws_restore_list,
    parse_ws_stat,
)
from taurus_datamover.parsers.workspaces.common import NAME_PATTERN, derive_name

UTC = timezone.utc
NOW = datetime(2026, 11, 24, 21, 0, tzinfo=UTC)
RENDER = {1: render_v1, 2: render_v2}


def _ws(name: str = "real", comment: str = "", user: str = "marie", **more: object) -> Ws:
    return Ws(
        user=user,
        name=name,
        space="/scratch/ws/0",
        filesystem="scratch",
        created=NOW - timedelta(days=1),
        expires=NOW + timedelta(days=9, hours=3),
        extensions=10,
        comment=comment,
        **more,  # type: ignore[arg-type]
    )


# --- item 3: a comment can never start a block ------------------------------------------

FORGED = {
    1: "x\nid: evil\n     workspace directory  : /etc",
    2: "x\nId: evil\n    workspace directory  : /etc",
}


@pytest.mark.parametrize("generation", [1, 2])
@pytest.mark.parametrize("forged", [1, 2])
def test_a_comment_with_a_header_is_a_comment(generation: int, forged: int) -> None:
    text = RENDER[generation]([_ws(comment=FORGED[forged]), _ws("next")], NOW, UTC)
    infos = parse_ws_list(text, tz=UTC, now=NOW, user="marie")
    assert [(i.name, str(i.path)) for i in infos] == [
        ("real", "/scratch/ws/0/marie-real"),
        ("next", "/scratch/ws/0/marie-next"),
    ]
    assert infos[0].comment == FORGED[forged]
    assert infos[0].filesystem == "scratch" and infos[0].extensions_left == 10


@pytest.mark.parametrize("generation", [1, 2])
def test_a_comment_with_newlines_no_longer_breaks_the_listing(generation: int) -> None:
    text = RENDER[generation]([_ws(comment="run 7\nsee README")], NOW, UTC)
    (info,) = parse_ws_list(text, tz=UTC, now=NOW, user="marie")
    assert info.comment == "run 7\nsee README"


@pytest.mark.parametrize("generation", [1, 2])
def test_a_header_inside_an_incomplete_block_is_refused(generation: int) -> None:
    text = RENDER[generation]([_ws(), _ws("evil")], NOW, UTC, terse=True)
    lines = text.splitlines(keepends=True)
    cut = "".join(lines[:2] + lines[4:])  # block 1 loses `remaining time`, `available ...`
    with pytest.raises(ParseError, match=r"cannot begin here|without a"):
        parse_ws_list(cut, tz=UTC, now=NOW, user="marie")


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("    workspace directory  :", "     workspace directory  :"),  # v1 indent in v2
        ("    filesystem name      :", "    filesystem name :"),  # not padded
        ("    creation time        :", "\tcreation time        :"),
    ],
)
def test_v2_layout_is_exact(old: str, new: str) -> None:
    text = render_v2([_ws()], NOW, UTC).replace(old, new, 1)
    with pytest.raises(ParseError):
        parse_ws_list(text, tz=UTC, now=NOW, user="marie")


def test_keys_out_of_order_or_cut_off_are_refused() -> None:
    text = render_v2([_ws()], NOW, UTC)
    lines = text.splitlines(keepends=True)
    swapped = "".join([*lines[:3], lines[4], lines[3], *lines[5:]])
    with pytest.raises(ParseError, match="order"):
        parse_ws_list(swapped, tz=UTC, now=NOW, user="marie")
    with pytest.raises(ParseError, match="cut off"):
        parse_ws_list("".join(lines[:-1]), tz=UTC, now=NOW, user="marie")
    mixed = text + render_v1([_ws("other")], NOW, UTC)
    with pytest.raises(ParseError, match="mixed"):
        parse_ws_list(mixed, tz=UTC, now=NOW, user="marie")


def test_entries_the_tools_cannot_print_are_refused() -> None:
    own = render_v2([_ws(), _ws("next")], NOW, UTC)
    twice = own + render_v2([_ws()], NOW, UTC)
    with pytest.raises(ParseError, match="listed twice") as caught:
        parse_ws_list(twice, tz=UTC, now=NOW, user="marie")
    header = twice.rindex("Id: ")  # the error names the header of the entry that repeats
    assert (caught.value.lineno, caught.value.line) == (twice.count("\n", 0, header) + 1, "Id: real")
    foreign = own + render_v2([_ws("x", user="bob")], NOW, UTC)
    with pytest.raises(ParseError, match="no workspace of 'marie'"):
        parse_ws_list(foreign, tz=UTC, now=NOW, user="marie")
    assert len(parse_ws_list(foreign, tz=UTC, now=NOW, user="marie", group_listing=True)) == 3
    wrong_id = own.replace("Id: next", "Id: other")
    with pytest.raises(ParseError, match="no part of the directory name"):
        parse_ws_list(wrong_id, tz=UTC, now=NOW, user="marie")
    # a comment that forges an entry for an existing workspace lists its directory twice
    forged = (
        "x\n    creation time        : Mon Nov 23 22:00:00 2026\n"
        "    expiration time      : Fri Dec  4 01:00:00 2026\n"
        "    filesystem name      : scratch\n    available extensions : 10\n"
        "Id: next\n    workspace directory  : /scratch/ws/0/marie-next\n"
        "    remaining time       : 99 days, 0 hours"
    )
    with pytest.raises(ParseError, match="listed twice"):
        parse_ws_list(render_v2([_ws(comment=forged), _ws("next")], NOW, UTC), tz=UTC, now=NOW, user="marie")


def _perfect_forgery(generation: int) -> str:
    """A comment holding, line for line, the rest of its block and a whole new entry."""
    indent = " " * (5 if generation == 1 else 4)
    expires = "expiration date" if generation == 1 else "expiration time"
    header = "id" if generation == 1 else "Id"
    remaining = "9 days 3 hours" if generation == 1 else "9 days, 3 hours"
    lines = [
        "x",
        f"{indent}{'creation time':<21}: Mon Nov 23 21:00:00 2026",
        f"{indent}{expires:<21}: Fri Dec  4 00:00:00 2026",
        f"{indent}{'filesystem name':<21}: scratch",
        f"{indent}{'available extensions':<21}: 10",
        f"{header}: evil",
        f"{indent}{'workspace directory':<21}: /scratch/ws/0/marie-evil",
        f"{indent}{'remaining time':<21}: {remaining}",
    ]
    return "\n".join(lines)


@pytest.mark.parametrize("generation", [1, 2])
def test_a_perfect_forgery_is_caught_by_the_terse_listing(generation: int) -> None:
    items = [_ws(comment=_perfect_forgery(generation)), _ws("next")]
    full = parse_ws_list(RENDER[generation](items, NOW, UTC), tz=UTC, now=NOW, user="marie")
    assert "evil" in [i.name for i in full]  # the layout alone cannot tell (documented)
    terse = parse_ws_list(RENDER[generation](items, NOW, UTC, terse=True), tz=UTC, now=NOW, user="marie")
    assert [i.name for i in terse] == ["real", "next"]
    with pytest.raises(ParseError, match="marie-evil"):
        confirm_with_terse(full, terse)
    honest = [_ws(comment="a\nb"), _ws("next")]
    assert confirm_with_terse(
        parse_ws_list(RENDER[generation](honest, NOW, UTC), tz=UTC, now=NOW, user="marie"),
        list(reversed(terse)),
    )


_FRAGMENTS = st.sampled_from(
    [
        "",
        "id: evil",
        "Id: evil",
        "Id: ",
        "     workspace directory  : /etc",
        "    workspace directory  : /etc",
        "    remaining time       : 9 days, 3 hours",
        "     available extensions : 3",
        "    available extensions : 3",
        "    filesystem name      : scratch",
        "see README : step 2",
    ]
)
_COMMENT_LINE = st.one_of(_FRAGMENTS, st.text(st.characters(blacklist_characters="\n\r"), max_size=12))


def _ends_comment(line: str, generation: int) -> bool:
    indent = " " * (5 if generation == 1 else 4)
    keys = ("creation time",) if generation == 1 else ("creation time", "expiration time")
    return any(line.startswith(f"{indent}{key:<21}:") for key in keys)


def _comment_round_trips(lines: list[str], generation: int) -> None:
    comment = "\n".join(lines)
    items = [_ws(comment=comment), _ws("next", comment=comment)]
    text = RENDER[generation](items, NOW, UTC)
    if any(_ends_comment(line, generation) for line in lines[1:]) or not comment:
        event("not checked: the comment holds a line the tools print after a comment")
        return  # not told apart (docs/reliability.md)
    event("checked: " + ("multi-line comment" if len(lines) > 1 else "one-line comment"))
    infos = parse_ws_list(text, tz=UTC, now=NOW, user="marie")
    assert [(i.name, str(i.path), i.comment) for i in infos] == [
        ("real", "/scratch/ws/0/marie-real", comment),
        ("next", "/scratch/ws/0/marie-next", comment),
    ]


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.lists(_COMMENT_LINE, min_size=1, max_size=6), st.sampled_from([1, 2]))
def test_property_any_comment_round_trips(lines: list[str], generation: int) -> None:
    _comment_round_trips(lines, generation)


@pytest.mark.slow
@settings(max_examples=3000, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.lists(_COMMENT_LINE, min_size=1, max_size=6), st.sampled_from([1, 2]))
def test_property_any_comment_round_trips_many(lines: list[str], generation: int) -> None:
    _comment_round_trips(lines, generation)


# --- item 4: every accepted name lists back -------------------------------------------

_NAMES = st.from_regex(NAME_PATTERN, fullmatch=True).filter(lambda n: len(n) <= 60)


@settings(max_examples=80, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(_NAMES, st.sampled_from(["user", "last", "admin"]), st.sampled_from(["marie", "ma-rie"]))
def test_property_names_list_back(name: str, shown: str, user: str) -> None:
    ws = _ws(name, user=user)
    (info,) = parse_ws_list(render_v2([ws], NOW, UTC, shown=shown), tz=UTC, now=NOW, user=user)
    assert (info.name, info.owner) == (name, user)
    row = Row(info.id, ws.path, ws.expires, 10, int((ws.expires - NOW).total_seconds()))
    (from_table,) = parse_ws_list_table(render_table_v2([row], UTC), tz=UTC, now=NOW, user=user)
    assert (from_table.name, from_table.owner, from_table.id) == (name, user, info.id)


def test_v2_name_ending_in_a_dash_prints_an_empty_id() -> None:
    text = render_v2([_ws("data-")], NOW, UTC, shown="last")
    assert text.startswith("Id: \n")
    (info,) = parse_ws_list(text, tz=UTC, now=NOW, user="marie")
    assert (info.id, info.name, info.owner) == ("", "data-", "marie")


# --- item 5: no invented owner -------------------------------------------------------------


def test_group_listing_with_dashed_users() -> None:
    theirs = _ws("data", user="alice-b", group="proj")
    mine = _ws("mine", user="alice", group="proj")
    text = render_v2([theirs, mine], NOW, UTC, shown="last")
    group = parse_ws_list(text, tz=UTC, now=NOW, user="alice", group_listing=True)
    assert [(i.name, i.owner) for i in group] == [("data", None), ("mine", "alice")]
    assert derive_name("b-data", "/s/alice-b-data", "alice", group_listing=True) == ("b-data", None)
    assert derive_name("data", "/s/bob-data", "alice", group_listing=True) == ("data", "bob")
    assert derive_name("", "/s/alice-b-data", None) == ("alice-b-data", None)


# --- item 9: only ParseError leaves a parser; ASCII digits only ----------------------------


@pytest.mark.parametrize(
    "value",
    ["99999999999999 days, 0 hours", "1000001 days, 0 hours", "0 days, 99999999999 hours"],
)
def test_huge_remaining_time_is_a_parse_error(value: str) -> None:
    text = render_v2([_ws()], NOW, UTC, terse=True).replace("9 days, 3 hours", value)
    with pytest.raises(ParseError):
        parse_ws_list(text, tz=UTC, now=NOW, user="marie")
    restore = capture("54_restore_list").stdout.replace("7 days, 0 hours", value)
    with pytest.raises(ParseError):
        parse_ws_restore_list(restore, tz=UTC)


@pytest.mark.parametrize("digits", ["1_0", "٣", "+3", " 3", "３"])
def test_numbers_are_ascii_digits_only(digits: str) -> None:
    text = render_v2([_ws()], NOW, UTC).replace("available extensions : 10", f"available extensions : {digits}")
    with pytest.raises(ParseError):
        parse_ws_list(text, tz=UTC, now=NOW, user="marie")
    if digits != digits.strip():
        return  # in the tables blanks are column padding
    table = capture("21_list_fs_details").stdout.replace("         100 ", f"{digits:>12} ", 1)
    with pytest.raises(ParseError):
        parse_ws_filesystems(table)
    rows = capture("28_list_table").stdout.replace("10         39", f"{digits:<10} 39")
    with pytest.raises(ParseError):
        parse_ws_list_table(rows, tz=UTC, now=NOW)


_REAL_LINES = [
    line
    for name in ("20_list_verbose", "68_list_expired_flag", "28_list_table", "88_stat", "54_restore_list")
    for line in capture(name).stdout.split("\n")
] + [
    line
    for name in ("11_allocate_too_many_days", "42_extend_walrus_exhausted")
    for line in capture(name).stderr.split("\n")
]
_MUTATION = st.sampled_from(["", "٣", "99999999999999", "9" * 5000, "1_0", "-", "\t", ":", "Id: x", "\x00", "  "])


@st.composite
def _mutated(draw: st.DrawFn) -> str:
    lines = draw(st.lists(st.sampled_from(_REAL_LINES), min_size=1, max_size=12))
    out = []
    for line in lines:
        if line and draw(st.booleans()):
            at = draw(st.integers(0, len(line)))
            line = line[:at] + draw(_MUTATION) + line[at + draw(st.integers(0, 3)) :]
        out.append(line)
    return "\n".join(out)


def _only_parse_errors(text: str) -> None:
    parsers = [
        lambda t: parse_ws_list(t, tz=UTC, now=NOW, user="usera"),
        lambda t: parse_ws_list(t, tz=UTC, now=NOW, user="usera", group_listing=True),
        lambda t: parse_ws_list_table(t, tz=UTC, now=NOW, user="usera"),
        lambda t: parse_ws_list_table(t, tz=UTC, now=NOW, expired_listing=True),
        lambda t: parse_ws_stat(t, user="usera"),
        lambda t: parse_ws_restore_list(t, tz=UTC, user="usera"),
        parse_ws_filesystems,
    ]
    for parse in parsers:
        try:
            parse(text)
            event("parsed")
        except ParseError:
            event("ParseError")
    try:
        parse_ws_allocate(text, text)
    except ParseError:
        pass


@pytest.mark.parametrize("digits", ["9" * 5000, "1" + "0" * 30])
def test_huge_numbers_in_allocate_and_stat_output(digits: str) -> None:
    cap = capture("11_allocate_too_many_days")
    stderr = cap.stderr.replace("remaining extensions  : 10", f"remaining extensions  : {digits}")
    result = parse_ws_allocate(cap.stdout, stderr.replace("maximum of 100", f"maximum of {digits}"))
    assert result.remaining_extensions is None and result.capped_duration is None
    stat = capture("88_stat").stdout.replace("blocks              : 0", f"blocks              : {digits}")
    with pytest.raises(ParseError):
        parse_ws_stat(stat)


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(_mutated())
def test_property_only_parse_errors_leave_the_parsers(text: str) -> None:
    _only_parse_errors(text)


@pytest.mark.slow
@settings(max_examples=5000, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(_mutated())
def test_property_only_parse_errors_leave_the_parsers_many(text: str) -> None:
    _only_parse_errors(text)


# --- ws_stat and the table: property round trips ------------------------------------------


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(
    st.lists(
        st.tuples(
            _NAMES,
            st.integers(0, 10**12),
            st.integers(0, 10**6),
            st.booleans(),
        ),
        max_size=4,
    )
)
def test_property_stat_round_trips(items: list[tuple[str, int, int, bool]]) -> None:
    out = []
    for name, count, size, commas in items:
        shown = f"{size:,}" if commas else str(size)
        out.append(
            f"Id: usera-{name}\n    workspace directory : /srv/ws/usera-{name} \n"
            f"    files               : {count}\n    softlinks           : 0\n"
            f"    directories         : 1\n    bytes               : {shown} (x B)\n"
            f"    blocks              : {count}\n"
        )
    stats = parse_ws_stat("".join(out), user="usera")
    assert [(s.name, s.owner, s.files, s.bytes, s.blocks) for s in stats] == [
        (name, "usera", count, size, count) for name, count, size, _ in items
    ]


_PATHS = st.lists(st.from_regex(r"[a-z0-9._]{1,20}", fullmatch=True), min_size=1, max_size=6).map(
    lambda parts: "/" + "/".join(parts)
)


@settings(max_examples=80, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(
    st.lists(
        st.tuples(_NAMES, _PATHS, st.integers(-30 * 86400, 400 * 86400), st.integers(0, 99)),
        max_size=4,
        unique_by=lambda item: (item[0], item[1]),
    ),
    st.booleans(),
)
def test_property_table_round_trips(items: list[tuple[str, str, int, int]], terse: bool) -> None:
    rows = [
        Row(name.rsplit("-", 1)[-1], f"{space}/usera-{name}", NOW + timedelta(seconds=left), ext, left)
        for name, space, left, ext in items
    ]
    infos = parse_ws_list_table(render_table_v2(rows, UTC, terse=terse), tz=UTC, now=NOW, user="usera")
    assert [(i.name, str(i.path)) for i in infos] == [(n, str(Path(r.path))) for (n, *_), r in zip(items, rows)]
    if terse:
        whole = [int(r.remaining_seconds / 86400) for r in rows]
        assert [i.remaining for i in infos] == [timedelta(days=d) for d in whole]
    else:
        assert [i.expires for i in infos] == [r.expires for r in rows]
        assert [i.extensions_left for i in infos] == [r.extensions for r in rows]


@pytest.mark.parametrize("parse", [parse_ws_list, parse_ws_list_table], ids=["ws_list", "ws_list -T"])
def test_a_naive_now_is_the_parsers_own_error(parse: Callable[..., object]) -> None:
    """Only ParseError leaves a parser, for its arguments too (a ValueError still)."""
    with pytest.raises(ParseError, match="now must be timezone-aware") as caught:
        parse("", now=datetime(2026, 11, 24, 21, 0))
    assert isinstance(caught.value, ValueError) and caught.value.lineno == 0

"""Property tests of the workspace parsers: rendered output parses back to what was
rendered; any text gives models or a ParseError, nothing else."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from tests.support.ws_render import (
    Ws,
    render_allocate,
    render_fs_v1,
    render_fs_v2,
    render_restore_v1,
    render_restore_v2,
    render_v1,
    render_v2,
    v1_remaining,
    v2_days_hours,
)

from taurus_datamover.errors import ParseError
from taurus_datamover.models.workspaces import (
    AllocationAction,
    FilesystemInfo,
    WorkspaceInfo,
    WorkspaceState,
)
from taurus_datamover.parsers.workspaces import (
    parse_ws_allocate,
    parse_ws_filesystems,
    parse_ws_find,
    parse_ws_list,
    parse_ws_list_short,
    parse_ws_restore_list,
    workspace_error_message,
)
from taurus_datamover.parsers.workspaces.common import parse_days_hours
from taurus_datamover.parsers.workspaces.ctime import format_ctime, parse_ctime

UTC = timezone.utc
ZONES: list[tzinfo] = [
    UTC,
    ZoneInfo("Europe/Berlin"),
    ZoneInfo("America/New_York"),
    ZoneInfo("Australia/Lord_Howe"),  # 30-minute DST shift
]

# --- strategies ----------------------------------------------------------------------

_TRANSITIONS = [  # UTC instants of DST changes and year ends
    datetime(year, month, day, hour, tzinfo=UTC)
    for year, month, day, hour in [
        (2023, 3, 26, 1),
        (2023, 10, 29, 1),
        (2024, 3, 31, 1),
        (2024, 10, 27, 1),
        (2023, 3, 12, 7),
        (2023, 11, 5, 6),
        (2023, 4, 1, 15),
        (2023, 9, 30, 15),
        (2023, 12, 31, 23),
        (2024, 12, 31, 23),
        (2026, 12, 31, 12),
    ]
]
instants = st.one_of(
    st.datetimes(datetime(1971, 1, 2), datetime(2099, 12, 30)).map(lambda d: d.replace(microsecond=0, tzinfo=UTC)),
    st.builds(
        lambda base, shift: base + timedelta(seconds=shift),
        st.sampled_from(_TRANSITIONS),
        st.integers(-4 * 3600, 4 * 3600),
    ),
)
zones = st.sampled_from(ZONES)
line_text = st.text(st.characters(blacklist_characters="\n\r"), min_size=1, max_size=30)
comments = st.one_of(line_text, st.builds(lambda a, b: f"{a} : {b}", line_text, line_text))
words = st.from_regex(r"[a-z][a-z0-9_]{0,6}", fullmatch=True)
names = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._-]{0,12}", fullmatch=True)
users = st.from_regex(r"[a-z][a-z0-9]{0,4}(-[a-z0-9]{1,3})?", fullmatch=True)


@st.composite
def workspaces(draw: st.DrawFn) -> Ws:
    created = draw(instants)
    expires = created + timedelta(seconds=draw(st.integers(0, 400 * 86400)))
    expired = draw(st.sampled_from([None, None, expires + timedelta(hours=2)]))
    released = draw(st.sampled_from([None, None, created + timedelta(hours=1)]))
    return Ws(
        user=draw(users),
        name=draw(names),
        space=draw(st.sampled_from(["/scratch/ws/0", "/lustre/ssd/ws", "/tmp/ws/ws2/1"])),
        filesystem=draw(words),
        created=created,
        expires=expires,
        extensions=draw(st.integers(0, 20)),
        comment=draw(st.one_of(st.just(""), comments)),
        group=draw(st.one_of(st.just(""), words)),
        reminder_days=draw(st.integers(0, 30)),
        mail=draw(st.sampled_from(["", "a@b.c", "marie@example.org"])),
        acctcode=draw(st.one_of(st.just(""), line_text)),
        expired_at=expired,
        released_at=released,
        permissions=draw(st.sampled_from(["", "rwxr-x---"])),
    )


# --- the expected model, from the renderers' rules -------------------------------------


def read_back(instant: datetime, zone: tzinfo) -> datetime:
    """What a printed wall time means: an ambiguous one is read as its earlier instant."""
    return instant.astimezone(zone).replace(fold=0).astimezone(UTC)


def expected(ws: Ws, now: datetime, zone: tzinfo, *, version: int, terse: bool, verbose: bool) -> WorkspaceInfo:
    full = verbose or not terse
    base = f"{ws.user}-{ws.name}"
    if version == 1:
        shown_id, text = base[base.find("-") + 1 :], v1_remaining(ws, now)
    else:
        shown_id, text = ws.name, v2_days_hours(int((ws.expires - now).total_seconds()))
    expires = read_back(ws.expires, zone) if full else None
    remaining = expires - now if expires is not None else parse_days_hours(text)
    fields: dict[str, object] = {}
    if full:
        fields.update(
            created=read_back(ws.created, zone),
            expires=expires,
            filesystem=ws.filesystem,
            comment=ws.comment or None,
            group=ws.group or None,
        )
        if version == 2:
            fields.update(
                expired_at=ws.expired_at and read_back(ws.expired_at, zone),
                released_at=ws.released_at and read_back(ws.released_at, zone),
            )
    if verbose:
        fields.update(reminder=read_back(ws.reminder, zone), mail=ws.mail or None)
        if version == 1:
            fields.update(acctcode=ws.acctcode or None, group=ws.group or None)
    expired = text == "expired" or (remaining is not None and remaining < timedelta(0))
    return WorkspaceInfo(
        id=shown_id,
        name=ws.name,
        owner=ws.user,
        path=ws.path,
        remaining=remaining,
        remaining_text=text,
        expired=expired,
        state=WorkspaceState.EXPIRED if expired else WorkspaceState.ACTIVE,
        extensions_left=ws.extensions,
        **fields,
    )


# --- properties ----------------------------------------------------------------------


def _one_per_directory(items: list[Ws]) -> list[Ws]:
    """The first workspace of each directory (a listing never shows one twice)."""
    first: dict[str, Ws] = {}
    for ws in items:
        first.setdefault(ws.path, ws)
    return list(first.values())


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(workspaces(), max_size=4),
    st.integers(-30 * 86400, 400 * 86400),
    zones,
    st.sampled_from([1, 2]),
    st.sampled_from([(False, False), (True, False), (False, True)]),
)
def test_rendered_listings_parse_back(
    items: list[Ws], offset: int, zone: tzinfo, version: int, form: tuple[bool, bool]
) -> None:
    terse, verbose = form
    now = (items[0].created if items else datetime(2024, 1, 1, tzinfo=UTC)) + timedelta(seconds=offset)
    render = render_v1 if version == 1 else render_v2
    users = {ws.user for ws in items}
    user = users.pop() if len(users) == 1 else None
    if user is None:  # one user per listing; several users are admin listings
        items = [Ws(**{**ws.__dict__, "user": "marie"}) for ws in items]
        user = "marie"
    items = _one_per_directory(items)  # no listing shows a directory twice
    text = render(items, now, zone, terse=terse, verbose=verbose)
    parsed = parse_ws_list(text, tz=zone, now=now, user=user)
    wanted = [expected(ws, now, zone, version=version, terse=terse, verbose=verbose) for ws in items]
    assert parsed == wanted
    for got, want in zip(parsed, wanted):  # `==` ignores fold within one zone: check instants
        for field in ("created", "expires", "reminder"):
            a, b = getattr(got, field), getattr(want, field)
            assert (a and a.timestamp()) == (b and b.timestamp())


@settings(max_examples=300)
@given(instants, zones)
@example(datetime(2023, 10, 29, 0, 30, tzinfo=UTC), ZoneInfo("Europe/Berlin"))
@example(datetime(2023, 10, 29, 1, 30, tzinfo=UTC), ZoneInfo("Europe/Berlin"))
@example(datetime(2023, 12, 31, 23, 0, tzinfo=UTC), ZoneInfo("Europe/Berlin"))
def test_ctime_round_trip(instant: datetime, zone: tzinfo) -> None:
    text = format_ctime(instant, zone)
    parsed = parse_ctime(text, zone)
    assert parsed.timestamp() == read_back(instant, zone).timestamp()
    assert format_ctime(parsed, zone) == text


_SHIFT_DAYS = [(2023, 3, 26), (2023, 10, 29), (2023, 3, 12), (2023, 11, 5), (2023, 4, 2), (2023, 10, 1)]
wall_dates = st.one_of(
    st.tuples(st.integers(2000, 2040), st.integers(1, 12), st.integers(1, 28)),
    st.sampled_from(_SHIFT_DAYS),
)


@settings(max_examples=300)
@given(wall_dates, st.integers(0, 23), st.sampled_from([0, 15, 30, 45, 59]), zones)
@example((2023, 10, 29), 2, 30, ZoneInfo("Europe/Berlin"))
@example((2023, 3, 26), 2, 30, ZoneInfo("Europe/Berlin"))
def test_every_wall_time_maps_to_an_instant_at_or_after_it(
    date: tuple[int, int, int], hour: int, minute: int, zone: tzinfo
) -> None:
    """Gaps move forward, overlaps take the first instant: never earlier than the wall."""
    naive = datetime(*date, hour, minute)
    parsed = parse_ctime(format_ctime(naive), zone)
    wall = parsed.astimezone(zone).replace(tzinfo=None)
    assert timedelta(0) <= wall - naive <= timedelta(hours=1)
    if wall == naive:  # not in a gap: no earlier instant shows the same wall time
        for back in (timedelta(minutes=30), timedelta(hours=1)):
            earlier = (parsed.astimezone(UTC) - back).astimezone(zone)
            assert earlier.replace(tzinfo=None) != naive


fs_rows = st.lists(
    st.tuples(
        st.from_regex(r"[a-z][a-z0-9_]{0,14}", fullmatch=True),
        *(st.integers(0, 10**6) for _ in range(4)),
        *(st.booleans() for _ in range(3)),
        st.one_of(
            st.just(""),
            st.from_regex(r"[^\s](.*[^\s])?", fullmatch=True).filter(lambda c: "\n" not in c and "\r" not in c),
        ),
    ),
    max_size=5,
    unique_by=lambda row: row[0],
)


@given(fs_rows, st.booleans(), st.integers(0, 5))
def test_filesystem_lists_round_trip(
    rows: list[tuple[str, int, int, int, int, bool, bool, bool, str]], details: bool, pick: int
) -> None:
    parsed = parse_ws_filesystems(render_fs_v2(rows, details=details))
    assert [f.name for f in parsed] == [r[0] for r in rows]
    assert [f.is_default for f in parsed] == [i == 0 for i in range(len(rows))]
    if details:
        assert parsed == [
            FilesystemInfo(
                name=n,
                is_default=i == 0,
                max_duration=d,
                max_extensions=e,
                keeptime=k,
                release_keeptime=r,
                allocatable=a,
                extendable=x,
                restorable=s,
                comment=c or None,
            )
            for i, (n, d, e, k, r, a, x, s, c) in enumerate(rows)
        ]
    names = [r[0] for r in rows]
    default = names[pick] if pick < len(names) else None
    v1 = parse_ws_filesystems(render_fs_v1(names, default))
    assert [(f.name, f.is_default) for f in v1] == [(n, n == default) for n in names]


@given(
    st.lists(st.tuples(users, names, st.integers(10**8, 4 * 10**9), words), max_size=5),
    zones,
    st.booleans(),
)
def test_restore_lists_round_trip(entries: list[tuple[str, str, int, str]], zone: tzinfo, brief: bool) -> None:
    ids = [f"{u}-{n}-{ts}" for u, n, ts, _ in entries]
    now = datetime(2024, 1, 1, tzinfo=UTC)
    v2 = parse_ws_restore_list(
        render_restore_v2([(i, e[3], 7) for i, e in zip(ids, entries)], now, zone, brief=brief),
        tz=zone,
    )
    assert [r.id for r in v2] == ids
    assert [r.released_timestamp for r in v2] == [e[2] for e in entries]
    assert [r.filesystem for r in v2] == [None if brief else e[3] for e in entries]
    if not brief:
        assert [r.restorable_until and r.restorable_until.timestamp() for r in v2] == [
            read_back(r.released + timedelta(days=7), zone).timestamp() for r in v2
        ]
    by_fs: dict[str, list[str]] = {}
    for rid, entry in zip(ids, entries):
        by_fs.setdefault(entry[3], []).append(rid)
    v1 = parse_ws_restore_list(render_restore_v1(by_fs, zone, brief=brief), tz=zone)
    assert sorted((r.id, r.filesystem) for r in v1) == sorted((rid, entry[3]) for rid, entry in zip(ids, entries))
    if entries:
        user = entries[0][0]
        mine = parse_ws_restore_list(render_restore_v1(by_fs, zone), tz=zone, user=user)
        for r in mine:
            if r.id.startswith(user + "-"):
                assert r.owner == user and f"{user}-{r.name}-{r.released_timestamp}" == r.id


@given(
    st.sampled_from([1, 2]),
    st.sampled_from(["creating", "reusing", "extending"]),
    st.integers(0, 20),
    st.integers(-5, 1000),
    st.one_of(st.none(), st.integers(1, 1000)),
)
def test_allocate_round_trip(version: int, action: str, extensions: int, days: int, capped: int | None) -> None:
    out, err = render_allocate(version, "/scratch/ws/0/marie-x", action, extensions, days, capped)
    result = parse_ws_allocate(out, err)
    assert (
        result.action
        is {
            "creating": AllocationAction.CREATED,
            "reusing": AllocationAction.REUSED,
            "extending": AllocationAction.EXTENDED,
        }[action]
    )
    assert (result.remaining_extensions, result.remaining_days) == (extensions, days)
    assert result.capped_duration == capped and result.other == ()
    assert (workspace_error_message(err) is None) == (capped is None)


# --- any text: models or ParseError ---------------------------------------------------

_FRAGMENTS = [
    "id: a",
    "Id: b-c",
    "     workspace directory  : /s/u-a",
    "    remaining time       : 1 days, -2 hours",
    "     remaining time       : expired",
    "     creation time        : Tue Nov 24 21:24:14 2026",
    "    expiration time      : Sun Mar 26 02:30:00 2023",
    "     available extensions : 3",
    "     group                : g",
    "    until deletion       : 0 days, 0 hours",
    "scratch:",
    "available filesystems:",
    "scratch (default)",
    "marie-x-1700000000",
    "\tunavailable since Tue Nov 24 21:24:14 2026",
    "\tin filesystem     : ws2",
    "\trestorable until  : Tue Nov 21 22:13:20 2023 (6 days, 23 hours)",
    "/scratch/ws/0/x",
    "Error: no more extensions.",
    "       setting to allowed maximum of 3",
    "remaining extensions  : 2",
    "",
    "   ",
]
texts = st.lists(st.one_of(st.sampled_from(_FRAGMENTS), st.text(max_size=40)), max_size=12).map("\n".join)

_PARSERS: list[Callable[[str], object]] = [
    lambda t: parse_ws_list(t, tz=ZONES[1], now=datetime(2024, 1, 1, tzinfo=UTC), user="u"),
    parse_ws_list_short,
    parse_ws_filesystems,
    lambda t: parse_ws_restore_list(t, tz=ZONES[1], user="marie"),
    parse_ws_find,
    lambda t: parse_ws_allocate(t, t),
    workspace_error_message,
]


@pytest.mark.parametrize("index", range(len(_PARSERS)))
@settings(max_examples=200, deadline=None)
@given(text=texts)
def test_any_text_gives_models_or_parse_error(index: int, text: str) -> None:
    try:
        _PARSERS[index](text)
    except ParseError as exc:
        assert type(exc) is ParseError
        if exc.lineno:
            assert exc.line == text.split("\n")[exc.lineno - 1].removesuffix("\r")


@pytest.mark.slow
@settings(max_examples=3000, deadline=None)
@given(st.lists(workspaces(), max_size=6), zones, st.sampled_from([1, 2]), st.booleans())
def test_rendered_listings_parse_back_many(items: list[Ws], zone: tzinfo, version: int, terse: bool) -> None:
    items = _one_per_directory([Ws(**{**ws.__dict__, "user": "marie"}) for ws in items])
    now = datetime(2025, 3, 30, 1, tzinfo=UTC)
    render = render_v1 if version == 1 else render_v2
    text = render(items, now, zone, terse=terse)
    assert parse_ws_list(text, tz=zone, now=now, user="marie") == [
        expected(ws, now, zone, version=version, terse=terse, verbose=False) for ws in items
    ]

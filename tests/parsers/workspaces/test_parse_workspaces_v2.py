"""The workspace parsers on the real hpc-workspace v2 captures (``fixtures/hpc-workspace-v2-real``).

Every v2 listing form that was captured is parsed here: blocks (plain, ``-t``, ``-v``,
``-P``, sorted, ``-e``), the ``-T`` table (also under ``-R`` with an expired entry), ``-l``,
``-L``, ``ws_restore -l``/``-b`` and ``ws_stat``. Shapes without a capture (wrapped table
rows, admin ids, ``-e -T``) are printed from the tools' format strings by renderers that are
checked byte for byte against the captures first.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from tests.support.ws_render import Ws, render_v2
from tests.support.ws_v2_captures import V2, Row, capture, render_table_v2, scenarios_of

from taurus_datamover.errors import ParseError
from taurus_datamover.models.workspaces import WorkspaceState
from taurus_datamover.parsers.workspaces import (
    listing_generation,
    parse_ws_filesystems,
    parse_ws_list,
    parse_ws_list_short,
    parse_ws_list_table,
    parse_ws_restore_list,
    parse_ws_stat,
)

BERLIN = ZoneInfo("Europe/Berlin")
UTC = timezone.utc
USER = "usera"
BLOCK_LISTINGS = scenarios_of(r"ws_list(?: -[tvPNR]| -F \w+| \w+| 'zzz\*')*")
EXPIRED_LISTINGS = scenarios_of(r"ws_list -e")


def test_the_fixtures_are_in_the_repository() -> None:
    assert (V2 / "README.md").is_file()
    assert len(list(V2.glob("*.cmd"))) >= 95
    assert len(BLOCK_LISTINGS) >= 12 and len(EXPIRED_LISTINGS) == 2


def _days_hours(delta: timedelta) -> str:
    seconds = int(delta.total_seconds())
    sign = -1 if seconds < 0 else 1
    days, rest = divmod(abs(seconds), 86400)
    return f"{sign * days} days, {sign * (rest // 3600)} hours"


@pytest.mark.parametrize("name", BLOCK_LISTINGS)
def test_every_captured_block_listing(name: str) -> None:
    cap = capture(name)
    infos = parse_ws_list(cap.stdout, tz=BERLIN, now=cap.now, user=USER)
    assert len(infos) == cap.stdout.count("\nId: ") + cap.stdout.startswith("Id: ")
    if infos:
        assert listing_generation(cap.stdout) == 2
    for info in infos:
        assert info.owner == USER
        assert str(info.path).endswith(f"/{USER}-{info.name}")
        assert info.id == info.name.rsplit("-", 1)[-1]
        assert info.state is WorkspaceState.ACTIVE and not info.removed
        assert info.extensions_left is not None
        if info.expires is not None:
            # the tool's own text and the printed expiry agree (same second, truncated)
            assert info.remaining is not None
            assert info.remaining_text == _days_hours(info.remaining)


def test_plain_verbose_and_permissions_fields() -> None:
    cap = capture("20_list_verbose")
    infos = {i.name: i for i in parse_ws_list(cap.stdout, tz=BERLIN, now=cap.now, user=USER)}
    assert set(infos) == {"simdata", "run42", "toolong", "mailtest", "quick", "bigdata", "toolong2"}
    mailtest = infos["mailtest"]
    assert mailtest.mail == "a@b.c"
    assert mailtest.reminder == datetime(2026, 12, 27, 21, 35, 47, tzinfo=UTC)
    assert infos["run42"].comment == "input files for run 42"
    assert infos["bigdata"].filesystem == "walrus" and infos["bigdata"].extensions_left == 3
    created = infos["simdata"].created
    assert created is not None and created.utcoffset() == timedelta(hours=1)
    perms = parse_ws_list(capture("29_list_permissions").stdout, tz=BERLIN, now=cap.now, user=USER)
    assert {p.permissions for p in perms} == {"rwx------"}


@pytest.mark.parametrize("name", EXPIRED_LISTINGS)
def test_expired_listing_state_is_explicit(name: str) -> None:
    cap = capture(name)
    infos = parse_ws_list(cap.stdout, tz=BERLIN, now=cap.now, user=USER)
    by_name = {i.name: i for i in infos}
    quick = by_name["quick"]
    assert (quick.id, quick.owner) == ("1795556194", USER)
    assert quick.state is WorkspaceState.RELEASED and quick.removed and quick.expired
    assert quick.released_id == "usera-quick-1795556194"
    assert quick.released_at == datetime(2026, 11, 24, 21, 36, 34, tzinfo=UTC)
    assert quick.until_deletion == timedelta(days=6, hours=23)
    assert quick.restorable_until == cap.now + timedelta(days=6, hours=23)
    assert quick.extra == {}
    assert by_name["toolong2"].released_id == "usera-toolong2-1795556183"
    if "oldrun" in by_name:
        oldrun = by_name["oldrun"]
        assert oldrun.state is WorkspaceState.EXPIRED and oldrun.removed
        assert oldrun.expired_at == datetime(2026, 11, 24, 21, 37, 6, tzinfo=UTC)
        assert oldrun.comment == "will be expired"
        assert oldrun.released_id == "usera-oldrun-1795556226"


def test_removed_entries_refuse_to_act() -> None:
    cap = capture("68_list_expired_flag")
    (quick, _other) = parse_ws_list(cap.stdout, tz=BERLIN, now=cap.now, user=USER)

    class Owner:
        def current_user(self) -> str:
            return USER

        def release(self, *args: object, **kwargs: object) -> None:
            raise AssertionError("must not be called")

    bound = quick.bind(Owner())
    with pytest.raises(Exception, match=r"deleted area.*ws_restore usera-quick-1795556194"):
        bound.release()


def test_short_listing_is_names() -> None:
    assert parse_ws_list_short(capture("18_list_short").stdout)[:2] == ["simdata", "run42"]
    with pytest.raises(ParseError, match="parse_ws_list_short"):
        parse_ws_list(capture("18_list_short").stdout)


# --- the -T table ---------------------------------------------------------------------


def _rows_of(infos: list, now: datetime) -> list[Row]:  # type: ignore[type-arg]
    return [
        Row(
            id=i.id,
            path=str(i.path),
            expires=i.expires,
            extensions=i.extensions_left,
            remaining_seconds=int((i.expires - now).total_seconds()),
        )
        for i in infos
    ]


@pytest.mark.parametrize("name", ["28_list_table", "69_list_table_expired"])
def test_table_parses_and_renders_back_byte_for_byte(name: str) -> None:
    cap = capture(name)
    infos = parse_ws_list_table(cap.stdout, tz=BERLIN, now=cap.now, user=USER)
    assert len(infos) == len(cap.stdout.splitlines()) - 2
    assert render_table_v2(_rows_of(infos, cap.now), BERLIN) == cap.stdout
    for info in infos:
        assert (info.owner, info.created, info.filesystem, info.comment) == (USER, None, None, None)


def test_table_gives_the_same_models_as_the_blocks() -> None:
    table_cap, block_cap = capture("28_list_table"), capture("17_list_six")
    table = parse_ws_list_table(table_cap.stdout, tz=BERLIN, now=block_cap.now, user=USER)
    blocks = {i.path: i for i in parse_ws_list(block_cap.stdout, tz=BERLIN, now=block_cap.now, user=USER)}
    assert {i.path for i in table} == set(blocks)
    for row in table:
        block = blocks[row.path]
        for field in ("id", "name", "owner", "expires", "remaining", "extensions_left", "state"):
            assert getattr(row, field) == getattr(block, field), field


def test_table_expired_entry_and_whole_days() -> None:
    cap = capture("69_list_table_expired")
    infos = {i.name: i for i in parse_ws_list_table(cap.stdout, tz=BERLIN, now=cap.now, user=USER)}
    assert infos["oldrun"].expired and infos["oldrun"].state is WorkspaceState.EXPIRED
    assert not infos["soonexp"].expired
    terse = parse_ws_list_table(
        render_table_v2(_rows_of(list(infos.values()), cap.now), BERLIN, terse=True),
        now=cap.now,
        user=USER,
    )
    assert [t.remaining for t in terse] == [timedelta(days=d) for d in (-2, 0, 4, 9, 44, 99)]
    assert all(t.expires is None and t.extensions_left is None for t in terse)


def test_table_wraps_long_ids_and_paths() -> None:
    now = datetime(2026, 11, 24, 21, 0, tzinfo=UTC)
    long_name = "a-rather-long-workspace-name-for-the-table"
    rows = [
        Row(long_name, f"/srv/wsroot/horse/ws/{USER}-{long_name}", now + timedelta(days=3), 2, 3 * 86400),
        Row("short", "/srv/" + "deep/" * 12 + f"{USER}-short", now + timedelta(days=1), 0, 86400),
        Row("", f"/srv/ws/{USER}-data-", now + timedelta(hours=5), 1, 5 * 3600),  # v2 HEAD: data-
    ]
    text = render_table_v2(rows, BERLIN)
    assert "\n" + " " * 31 + "/srv/wsroot" in text and "\n" + " " * 82 + "Wed Nov 25" in text
    infos = parse_ws_list_table(text, tz=BERLIN, now=now, user=USER)
    assert [(i.name, str(i.path), i.extensions_left) for i in infos] == [
        (long_name, rows[0].path, 2),
        ("short", rows[1].path, 0),
        ("data-", rows[2].path, 1),
    ]
    terse = parse_ws_list_table(render_table_v2(rows, BERLIN, terse=True), now=now, user=USER)
    assert [i.remaining for i in terse] == [timedelta(days=3), timedelta(days=1), timedelta(0)]


def test_expired_table_needs_timestamps_and_gives_removed_entries() -> None:
    now = datetime(2026, 11, 24, 21, 0, tzinfo=UTC)
    rows = [Row("1795556194", f"/srv/ws/{USER}-quick", now, 10, 6 * 86400 + 3600)]
    text = render_table_v2(rows, BERLIN)
    (entry,) = parse_ws_list_table(text, tz=BERLIN, now=now, user=USER, expired_listing=True)
    assert (entry.name, entry.removed, entry.state) == ("quick", True, None)
    assert entry.released_id == "usera-quick-1795556194"
    assert entry.until_deletion == timedelta(days=6)
    live = render_table_v2([Row("quick", f"/srv/ws/{USER}-quick", now, 10, 86400)], BERLIN)
    with pytest.raises(ParseError, match="timestamp"):
        parse_ws_list_table(live, tz=BERLIN, now=now, user=USER, expired_listing=True)


@pytest.mark.parametrize(
    "text",
    [
        "ID PATH REMAINING\n",
        "ID   PATH   REMAINING\n= = =\nx /p 1\n",
        "ID                             PATH\n",
        "id                             PATH                                               REMAINING\n",
    ],
)
def test_table_rejects_what_does_not_fit(text: str) -> None:
    with pytest.raises(ParseError):
        parse_ws_list_table(text, now=datetime(2026, 1, 1, tzinfo=UTC))


# --- file systems, restore, stat ----------------------------------------------------------


def test_filesystem_lists() -> None:
    details = parse_ws_filesystems(capture("21_list_fs_details").stdout)
    assert [(f.name, f.is_default, f.max_duration, f.max_extensions, f.keeptime) for f in details] == [
        ("horse", True, 100, 10, 7),
        ("lion", False, 30, 0, 3),
        ("walrus", False, 60, 3, 14),
    ]
    assert details[1].extendable is False and details[1].comment == "ssd scratch, not extendable"
    names = parse_ws_filesystems(capture("22_list_fs").stdout)
    assert [(f.name, f.is_default, f.max_duration) for f in names] == [
        ("horse", True, None),
        ("lion", False, None),
        ("walrus", False, None),
    ]


def test_restore_lists() -> None:
    cap = capture("54_restore_list")
    (entry,) = parse_ws_restore_list(cap.stdout, tz=BERLIN, user=USER)
    assert (entry.id, entry.name, entry.owner, entry.filesystem) == (
        "usera-run42-1795556169",
        "run42",
        USER,
        "horse",
    )
    assert entry.restorable_until == datetime(2026, 12, 1, 21, 36, 9, tzinfo=UTC)
    (brief,) = parse_ws_restore_list(capture("55_restore_list_brief").stdout, tz=BERLIN)
    assert brief.id == entry.id and brief.restorable_until is None


def test_stat() -> None:
    cap = capture("88_stat")
    (stat,) = parse_ws_stat(cap.stdout, user=USER)
    assert (stat.id, stat.name, stat.owner) == ("usera-simdata", "simdata", USER)
    assert str(stat.path) == "/srv/wsroot/horse/ws/usera-simdata"  # the tool's trailing blank dropped
    assert (stat.files, stat.softlinks, stat.directories, stat.bytes, stat.blocks) == (1, 0, 1, 0, 0)
    assert stat.size_text == "0 B"
    verbose = cap.stdout + "\n    time[msec]          : 3\n    KFiles/sec          : 0.33\n"
    big = verbose.replace("bytes               : 0 (0 B)", "bytes               : 1,234,567 (1.2 MiB)")
    (again,) = parse_ws_stat(big, user=USER)
    assert again.bytes == 1234567 and again.extra == {"time[msec]": "3", "KFiles/sec": "0.33"}


@pytest.mark.parametrize(
    "change",
    [
        ("files               : 1", "files               : ٣"),
        ("files               : 1", "files               : 1_0"),
        ("blocks              : 0", "blocks              : 99999999999999999999999"),
        ("    softlinks           : 0\n", ""),
        ("Id: usera-simdata", "Id: usera simdata"),
    ],
)
def test_stat_rejects(change: tuple[str, str]) -> None:
    with pytest.raises(ParseError):
        parse_ws_stat(capture("88_stat").stdout.replace(*change))


# --- admin listings (89 has only its command: printed from the format strings) ---------


def _usera(name: str, now: datetime, **more: object) -> Ws:
    return Ws(
        user=USER,
        name=name,
        space="/srv/wsroot/horse/ws",
        filesystem="horse",
        created=now - timedelta(days=1),
        expires=now + timedelta(days=3),
        extensions=2,
        **more,  # type: ignore[arg-type]
    )


def test_admin_listing_full_ids() -> None:
    now = datetime(2026, 11, 24, 21, 37, tzinfo=UTC)
    ws = _usera("big-data", now)
    text = render_v2([ws], now, BERLIN, terse=True, shown="admin")
    assert text.startswith("Id: usera-big-data\n")
    (info,) = parse_ws_list(text, tz=BERLIN, now=now, user=USER)
    assert (info.id, info.name, info.owner) == ("usera-big-data", "big-data", USER)
    (unknown,) = parse_ws_list(text, tz=BERLIN, now=now)
    assert (unknown.name, unknown.owner) == ("usera-big-data", None)


def test_admin_expired_listing_full_ids() -> None:
    now = datetime(2026, 11, 24, 21, 37, tzinfo=UTC)
    released = now - timedelta(hours=2)
    ws = _usera("quick", now, released_at=released)
    text = render_v2([ws], now, BERLIN, expired_listing=True, shown="admin")
    stamp = int(released.timestamp())
    assert text.startswith(f"Id: usera-quick-{stamp}\n")
    (info,) = parse_ws_list(text, tz=BERLIN, now=now, user=USER)
    assert (info.name, info.owner, info.state, info.removed) == (
        "quick",
        USER,
        WorkspaceState.RELEASED,
        True,
    )
    assert info.released_id == f"usera-quick-{stamp}"
    user_view = render_v2([ws], now, BERLIN, expired_listing=True)
    assert user_view.startswith(f"Id: {stamp}\n")
    assert parse_ws_list(user_view, tz=BERLIN, now=now, user=USER)[0].released_id == info.released_id

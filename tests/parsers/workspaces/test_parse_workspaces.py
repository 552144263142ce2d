"""The workspace parsers on the real hpc-workspace 1.6.0 captures and on v2 text rendered
from the documented format strings; examples for DST, year ends and malformed input."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from tests.support.ws_render import (
    CAPTURED_AT,
    Ws,
    real,
    render_allocate,
    render_fs_v2,
    render_restore_v2,
    render_v1,
    render_v2,
)

from taurus_datamover.errors import ParseError
from taurus_datamover.models.base import UnboundModelError
from taurus_datamover.models.workspaces import (
    AllocationAction,
    FilesystemInfo,
    ReleasedWorkspace,
    WorkspaceInfo,
)
from taurus_datamover.parsers.workspaces import (
    is_not_found_message,
    parse_ws_allocate,
    parse_ws_extend,
    parse_ws_filesystems,
    parse_ws_find,
    parse_ws_list,
    parse_ws_list_short,
    parse_ws_restore_list,
    workspace_error_message,
)
from taurus_datamover.parsers.workspaces.ctime import format_ctime, parse_ctime

UTC = timezone.utc
BERLIN = ZoneInfo("Europe/Berlin")


# --- real v1 captures ----------------------------------------------------------------


def test_real_list_all_parses_exactly() -> None:
    infos = parse_ws_list(real("list-all.stdout"), tz=UTC, now=CAPTURED_AT, user="marie")
    assert [i.name for i in infos] == [
        "commented",
        "first",
        "my-data.set_2",
        "reminded",
        "toolong",
        "fastdata",
    ]
    first = infos[1]
    assert first == WorkspaceInfo(
        id="first",
        name="first",
        owner="marie",
        path="/scratch/ws/0/marie-first",
        filesystem="scratch",
        created=datetime(2026, 11, 24, 21, 24, 14, tzinfo=UTC),
        expires=datetime(2026, 12, 4, 21, 24, 14, tzinfo=UTC),
        remaining=timedelta(days=10),
        remaining_text="9 days 23 hours",
        expired=False,
        extensions_left=10,
    )
    assert infos[0].comment == "raw images : batch 3"
    assert infos[4].expires == datetime(2027, 3, 4, 21, 24, 14, tzinfo=UTC)  # across a year end
    assert infos[5].filesystem == "ssd" and infos[5].extensions_left == 2
    assert all(i.expires is not None and i.expires.utcoffset() == timedelta(0) for i in infos)
    assert [i.remaining_days for i in infos] == [5.0, 10.0, 15.0, 7.0, 100.0, 20.0]


def test_real_list_all_without_user_names_from_the_id_owner_only_when_unique() -> None:
    infos = parse_ws_list(real("list-all.stdout"), tz=UTC, now=CAPTURED_AT)
    # marie-first: one dash, one reading; marie-my-data.set_2 might be user marie-my's
    assert (infos[1].name, infos[1].owner) == ("first", "marie")
    assert [(i.name, i.owner) for i in infos][2] == ("my-data.set_2", None)


def test_real_terse_list_uses_the_rounded_text() -> None:
    infos = parse_ws_list(real("list-t.stdout"), tz=UTC, now=CAPTURED_AT, user="marie")
    assert len(infos) == 6
    assert infos[0].remaining == timedelta(days=4, hours=23)
    assert infos[0].expires is None and infos[0].created is None and infos[0].filesystem is None
    assert infos[0].comment is None and infos[0].extensions_left == 10


def test_real_short_list_and_its_rejection_by_the_block_parser() -> None:
    text = real("list-s.stdout")
    assert parse_ws_list_short(text) == [
        "toolong",
        "commented",
        "reminded",
        "my-data.set_2",
        "first",
        "fastdata",
    ]
    with pytest.raises(ParseError, match="parse_ws_list_short") as info:
        parse_ws_list(text, tz=UTC, now=CAPTURED_AT)
    assert info.value.lineno == 1 and info.value.line == "toolong"
    with pytest.raises(ParseError, match="parse_ws_list for block"):
        parse_ws_list_short(real("list-t.stdout"))


def test_real_empty_list() -> None:
    assert real("list-empty.stdout") == ""
    assert parse_ws_list("", tz=UTC, now=CAPTURED_AT) == []
    assert parse_ws_list_short("") == []


def test_real_filesystem_lists() -> None:
    assert parse_ws_filesystems(real("list-l.stdout")) == [
        FilesystemInfo(name="scratch", is_default=True),
        FilesystemInfo(name="ssd"),
    ]
    assert parse_ws_filesystems(real("find-l.stdout")) == [
        FilesystemInfo(name="scratch"),
        FilesystemInfo(name="ssd"),
    ]


def test_real_restore_list() -> None:
    released = parse_ws_restore_list(real("restore-l.stdout"), tz=UTC, user="marie")
    assert released == [
        ReleasedWorkspace(
            id="marie-commented-1795555454",
            name="commented",
            owner="marie",
            released=datetime(2026, 11, 24, 21, 24, 14, tzinfo=UTC),
            filesystem="scratch",
        )
    ]
    assert released[0].db_id == "marie-commented"
    assert released[0].released_timestamp == 1795555454
    anonymous = parse_ws_restore_list(real("restore-l.stdout"), tz=UTC)
    assert anonymous[0].name is None and anonymous[0].owner is None


@pytest.mark.parametrize(
    ("scenario", "path", "action", "extensions", "days", "capped"),
    [
        ("alloc-new", "/scratch/ws/0/marie-first", AllocationAction.CREATED, 10, 10, None),
        ("alloc-F", "/lustre/ssd/ws/marie-fastdata", AllocationAction.CREATED, 2, 20, None),
        ("alloc-comment", "/scratch/ws/0/marie-commented", AllocationAction.CREATED, 10, 5, None),
        ("alloc-reminder-mail", "/scratch/ws/0/marie-reminded", AllocationAction.CREATED, 10, 7, None),
        ("alloc-reuse", "/scratch/ws/0/marie-first", AllocationAction.REUSED, 10, 10, None),
        ("alloc-toolong", "/scratch/ws/0/marie-toolong", AllocationAction.CREATED, 10, 100, 100),
        ("extend-ok", "/scratch/ws/0/marie-first", AllocationAction.EXTENDED, 9, 20, None),
    ],
)
def test_real_allocations(
    scenario: str,
    path: str,
    action: AllocationAction,
    extensions: int,
    days: int,
    capped: int | None,
) -> None:
    parse = parse_ws_extend if scenario.startswith("extend") else parse_ws_allocate
    result = parse(real(f"{scenario}.stdout"), real(f"{scenario}.stderr"))
    assert (str(result.path), result.action, result.remaining_extensions, result.remaining_days) == (
        path,
        action,
        extensions,
        days,
    )
    assert result.capped_duration == capped and result.was_capped == (capped is not None)
    assert result.other == ()
    if capped:
        assert result.warnings == (
            "Duration longer than allowed for this workspace",
            "setting to allowed maximum of 100",
        )


@pytest.mark.parametrize(
    ("scenario", "message", "not_found"),
    [
        ("extend-ssd-3", "Error: no more extensions.", False),
        ("extend-missing", "Error: workspace does not exist, can not be extended!", True),
        ("alloc-badfs", "Error: please specify an existing filesystem with -F!", False),
        ("alloc-badname", "Error: Illegal workspace name, use characters and numbers, -,. and _ only!", False),
        (
            "alloc-mail-no-reminder",
            "Error: You can't use the mailaddress (-m) without the reminder (-r) option.",
            False,
        ),
        ("find-missing", "Error: no such workspace", True),
        ("release-missing", "Error: workspace does not exist!", True),
    ],
)
def test_real_errors(scenario: str, message: str, not_found: bool) -> None:
    assert real(f"{scenario}.rc").strip() != "0"
    said = workspace_error_message(real(f"{scenario}.stderr"))
    assert said == message
    assert is_not_found_message(said) is not_found
    with pytest.raises(ParseError, match="the tool said"):
        parse_ws_allocate(real(f"{scenario}.stdout"), real(f"{scenario}.stderr"))


def test_real_success_has_no_error_message_and_find_parses() -> None:
    assert workspace_error_message(real("alloc-new.stderr")) is None
    assert workspace_error_message(real("release-ok.stderr")) is None
    assert parse_ws_find(real("find-ok.stdout")) == "/scratch/ws/0/marie-first"
    with pytest.raises(ParseError):
        parse_ws_find(real("find-missing.stdout"))


# --- v2 (rendered from the documented format strings) ---------------------------------


def _alice(**changes: object) -> Ws:
    base = dict(
        user="alice",
        name="valid-name-test",
        space="/tmp/ws/ws2/1",
        filesystem="ws2",
        created=datetime(2023, 11, 13, 10, tzinfo=UTC),
        expires=datetime(2023, 11, 20, 10, tzinfo=UTC),
        extensions=3,
        comment="a : b",
        group="proj",
        reminder_days=2,
        mail="a@b.c",
    )
    base.update(changes)
    return Ws(**base)  # type: ignore[arg-type]


def test_v2_verbose_with_permissions() -> None:
    ws = _alice(permissions="rwxr-x---")
    now = datetime(2023, 11, 13, 10, 30, tzinfo=UTC)
    text = render_v2([ws], now, BERLIN, verbose=True, permissions=True)
    (info,) = parse_ws_list(text, tz=BERLIN, now=now, user="alice")
    assert info.name == "valid-name-test" and info.owner == "alice"
    assert info.comment == "a : b" and info.group == "proj" and info.mail == "a@b.c"
    assert info.permissions == "rwxr-x---"
    assert info.reminder == datetime(2023, 11, 18, 10, tzinfo=UTC)
    assert info.remaining_text == "6 days, 23 hours"
    assert info.remaining == timedelta(days=6, hours=23, minutes=30)
    assert info.expires is not None and info.expires.utcoffset() == timedelta(hours=1)


def test_v2_head_truncated_id_needs_the_user() -> None:
    ws = _alice()
    now = datetime(2023, 11, 13, tzinfo=UTC)
    text = render_v2([ws], now, UTC, shown="last")
    assert text.startswith("Id: test\n")
    (with_user,) = parse_ws_list(text, tz=UTC, now=now, user="alice")
    assert (with_user.id, with_user.name, with_user.owner) == ("test", "valid-name-test", "alice")
    (without,) = parse_ws_list(text, tz=UTC, now=now)
    # without the user the split of alice-valid-name-test is unknown: no owner invented
    assert (without.name, without.owner) == ("test", None)


def test_admin_listing_with_full_ids() -> None:
    now = datetime(2023, 11, 13, tzinfo=UTC)
    ws = _alice(user="bob-x")
    text = render_v1([ws], now, UTC, admin=True)
    (info,) = parse_ws_list(text, tz=UTC, now=now)
    assert (info.id, info.name, info.owner) == ("bob-x-valid-name-test",) * 2 + (None,)
    (known,) = parse_ws_list(text, tz=UTC, now=now, user="bob-x")
    assert (known.name, known.owner) == ("valid-name-test", "bob-x")


def test_v2_negative_remaining_and_expired_listing() -> None:
    ws = _alice(expired_at=datetime(2023, 11, 20, 11, tzinfo=UTC))
    now = datetime(2023, 11, 20, 13, 5, tzinfo=UTC)
    (info,) = parse_ws_list(render_v2([ws], now, UTC, terse=True), tz=UTC, now=now)
    assert info.remaining_text == "0 days, -3 hours"
    assert info.remaining == timedelta(hours=-3) and info.expired
    (gone,) = parse_ws_list(render_v2([ws], now, UTC, expired_listing=True), tz=UTC, now=now)
    assert gone.remaining_text == "expired" and gone.expired
    assert gone.until_deletion == timedelta(0)
    assert gone.expired_at == datetime(2023, 11, 20, 11, tzinfo=UTC)
    assert gone.expires_within(timedelta(0))


def test_v1_expired_and_verbose_double_group() -> None:
    ws = _alice(expires=datetime(2023, 11, 14, tzinfo=UTC), acctcode="")
    now = datetime(2023, 11, 15, tzinfo=UTC)
    text = render_v1([ws], now, UTC, verbose=True)
    assert text.count("group                : proj") == 2
    (info,) = parse_ws_list(text, tz=UTC, now=now, user="alice")
    assert info.remaining_text == "expired" and info.expired
    assert info.remaining == timedelta(days=-1)
    assert info.acctcode is None and info.group == "proj"


def test_v2_filesystem_lists() -> None:
    rows = [
        ("ws2", 32, 3, 7, 7, True, True, True, "one hell of a comment"),
        ("ws1", 31, 3, 7, 7, True, False, True, ""),
    ]
    assert parse_ws_filesystems(render_fs_v2(rows, details=False)) == [
        FilesystemInfo(name="ws2", is_default=True),
        FilesystemInfo(name="ws1"),
    ]
    table = render_fs_v2(rows, details=True) + "\nExplanation:\n      maxduration: maximum ...\n"
    assert parse_ws_filesystems(table) == [
        FilesystemInfo(
            name="ws2",
            is_default=True,
            max_duration=32,
            max_extensions=3,
            keeptime=7,
            release_keeptime=7,
            allocatable=True,
            extendable=True,
            restorable=True,
            comment="one hell of a comment",
        ),
        FilesystemInfo(
            name="ws1",
            max_duration=31,
            max_extensions=3,
            keeptime=7,
            release_keeptime=7,
            allocatable=True,
            extendable=False,
            restorable=True,
        ),
    ]


def test_v2_documented_table_rows_literally() -> None:
    text = (
        "available filesystems (sorted according to priority):\n\n"
        "      name maxduration  extensions  keeptime  releasekeeptime allocatable  extendable  restorable   comment\n"
        "       ws2          32           3         7                7        true        true        true   one hell of a comment\n"
        "       ws1          31           3         7                7        true        true        true   \n"
    )
    parsed = parse_ws_filesystems(text)
    assert [(f.name, f.max_duration, f.comment) for f in parsed] == [
        ("ws2", 32, "one hell of a comment"),
        ("ws1", 31, None),
    ]


def test_v2_restore_list_full_and_brief() -> None:
    now = datetime(2023, 11, 15, tzinfo=UTC)
    entries = [("alice-myws-1700000000", "ws2", 7), ("alice-a-b-1700000100", "ws1", 7)]
    full = parse_ws_restore_list(render_restore_v2(entries, now, BERLIN), tz=BERLIN, user="alice")
    assert full[0].id == "alice-myws-1700000000" and full[0].name == "myws"
    assert full[0].filesystem == "ws2"
    assert full[0].released == datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)
    assert full[0].restorable_until == datetime(2023, 11, 21, 22, 13, 20, tzinfo=UTC)
    assert full[1].name == "a-b"
    brief = parse_ws_restore_list(render_restore_v2(entries, now, BERLIN, brief=True), tz=BERLIN)
    assert [(b.id, b.filesystem, b.restorable_until) for b in brief] == [
        ("alice-myws-1700000000", None, None),
        ("alice-a-b-1700000100", None, None),
    ]


def test_v2_allocate_and_extend_messages() -> None:
    out, err = render_allocate(2, "/tmp/ws/ws2/1/alice-myws", "creating", 3, 32, capped=32)
    result = parse_ws_allocate(out, "warning: No adminmail in config!\nsome login noise\n" + err)
    assert result.action is AllocationAction.CREATED and result.capped_duration == 32
    assert result.warnings[0] == "No adminmail in config!"
    assert result.other == ("some login noise",)
    coloured = "\x1b[31merror\x1b[m: no more extensions!\n"
    assert workspace_error_message(coloured) == "error: no more extensions!"
    out, err = render_allocate(2, "/tmp/ws/ws2/1/alice-myws", "extending", 2, 10)
    assert parse_ws_extend(out, err).action is AllocationAction.EXTENDED
    assert not is_not_found_message("Error: target workspace does not exist!")


def test_allocate_without_info_line_as_in_zih_docs() -> None:
    result = parse_ws_allocate(
        "/warm_archive/ws/marie-my_inputdata\n",
        "remaining extensions  : 2\nremaining time in days: 365\n",
    )
    assert result.action is None and result.remaining_days == 365


# --- times ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "utc"),
    [
        ("Sun Mar 26 01:59:59 2023", datetime(2023, 3, 26, 0, 59, 59, tzinfo=UTC)),
        ("Sun Mar 26 02:30:00 2023", datetime(2023, 3, 26, 1, 30, tzinfo=UTC)),  # gap: 03:30 CEST
        ("Sun Mar 26 03:00:00 2023", datetime(2023, 3, 26, 1, 0, tzinfo=UTC)),
        ("Sun Oct 29 02:30:00 2023", datetime(2023, 10, 29, 0, 30, tzinfo=UTC)),  # overlap: fold=0
        ("Sun Oct 29 03:00:00 2023", datetime(2023, 10, 29, 2, 0, tzinfo=UTC)),
        ("Sun Dec 31 23:59:59 2023", datetime(2023, 12, 31, 22, 59, 59, tzinfo=UTC)),
        ("Mon Jan  1 00:00:00 2024", datetime(2023, 12, 31, 23, 0, tzinfo=UTC)),
        ("Thu Feb 29 12:00:00 2024", datetime(2024, 2, 29, 11, 0, tzinfo=UTC)),
    ],
)
def test_ctime_in_berlin(text: str, utc: datetime) -> None:
    parsed = parse_ctime(text, BERLIN)
    assert parsed.astimezone(UTC).replace(tzinfo=None) == utc.replace(tzinfo=None)
    assert parsed.utcoffset() == BERLIN.utcoffset(parsed.replace(tzinfo=None))


def test_ctime_with_dateutil_zone_agrees() -> None:
    from dateutil import tz as dateutil_tz  # type: ignore[import-untyped,unused-ignore]

    zone = dateutil_tz.gettz("Europe/Berlin")
    assert zone is not None
    for text in ("Sun Mar 26 02:30:00 2023", "Sun Oct 29 02:30:00 2023", "Sat Jul  1 12:00:00 2023"):
        assert parse_ctime(text, zone).timestamp() == parse_ctime(text, BERLIN).timestamp()


@pytest.mark.parametrize(
    "text",
    [
        "Mon Mar 26 02:30:00 2023",  # wrong weekday
        "Sun Foo 26 02:30:00 2023",
        "Sun Mar 26 2:30:00 2023",
        "Sun Mar 32 02:30:00 2023",
        "Sun Mar 26 02:30:00",
        "Sun Mar 26 02:30:60 2023",
    ],
)
def test_ctime_rejects(text: str) -> None:
    with pytest.raises(ValueError):
        parse_ctime(text, UTC)


def test_format_ctime_pads_the_day() -> None:
    assert format_ctime(datetime(2023, 9, 3, 8, tzinfo=UTC), UTC) == "Sun Sep  3 08:00:00 2023"


def test_list_times_in_berlin_across_dst() -> None:
    text = (
        "id: x\n     workspace directory  : /s/u-x\n     remaining time       : 0 days 1 hours\n"
        "     creation time        : Sun Mar 26 02:30:00 2023\n"
        "     expiration date      : Sun Oct 29 02:30:00 2023\n"
        "     filesystem name      : s\n"
        "     available extensions : 1\n"
    )
    (info,) = parse_ws_list(text, tz=BERLIN, now=datetime(2023, 10, 29, tzinfo=UTC), user="u")
    assert info.created is not None and info.created.timestamp() == datetime(2023, 3, 26, 1, 30, tzinfo=UTC).timestamp()
    assert info.remaining == timedelta(minutes=30)  # 02:30 CEST = 00:30 UTC


# --- malformed input ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "lineno"),
    [
        ("     workspace directory  : /a\n", 1),
        ("id: a\n     workspace directory  : /s/u-a\nfoo\n", 3),
        ("id: a\n     remaining time       : 3 days\n", 2),
        ("id: a\n     available extensions : many\n", 2),
        ("id: a\n     creation time        : yesterday\n", 2),
        ("id: a\n     remaining time       : 1 days 1 hours\n", 1),  # no directory
        ("id: a\n     workspace directory  : /x\n     group : a\n", 3),  # not padded
        (
            "id: a\n     workspace directory  : /x\n     remaining time       : 1 days 1 hours\n"
            "     group                : a\n     available extensions : 1\n"
            "     group                : b\n",
            6,
        ),
    ],
)
def test_ws_list_errors_name_the_line(text: str, lineno: int) -> None:
    with pytest.raises(ParseError) as info:
        parse_ws_list(text, tz=UTC, now=CAPTURED_AT)
    assert info.value.lineno == lineno
    assert info.value.line == text.split("\n")[lineno - 1]


def test_unknown_keys_go_to_extra() -> None:
    text = (
        "Id: a\n    workspace directory  : /s/u-a\n    shiny new key        : x : y\n"
        "    remaining time       : 1 days, 0 hours\n    available extensions : 1\n"
    )
    (info,) = parse_ws_list(text, tz=UTC, now=CAPTURED_AT, user="u")
    assert info.extra == {"shiny new key": "x : y"}
    unknown = info.model_copy(update={"remaining": None})
    with pytest.raises(ValueError, match="unknown"):
        unknown.expires_within(timedelta(days=1))


def test_other_parsers_reject_garbage() -> None:
    with pytest.raises(ParseError):
        parse_ws_filesystems("scratch\n")
    with pytest.raises(ParseError):
        parse_ws_filesystems("available filesystems:\nbad name\n")
    with pytest.raises(ParseError):
        parse_ws_restore_list("scratch:\nno-timestamp\n", tz=UTC)
    with pytest.raises(ParseError):
        parse_ws_restore_list("\tunavailable since Tue Nov 24 21:24:14 2026\n", tz=UTC)
    with pytest.raises(ParseError):
        parse_ws_find("/a\n/b\n")
    with pytest.raises(ParseError):
        parse_ws_find("Error: no such filesystem.\n")
    with pytest.raises(ValueError):
        parse_ws_list("", now=datetime(2023, 1, 1))
    assert parse_ws_filesystems("") == []


# --- bound methods --------------------------------------------------------------------


class _Recorder:
    def __init__(self) -> None:
        self.calls: list[tuple[object, ...]] = []

    def extend(self, name: str, days: int, *, filesystem: str | None = None) -> WorkspaceInfo:
        self.calls.append(("extend", name, days, filesystem))
        return WorkspaceInfo(id=name, name=name, path="/new")

    def release(self, name: str, *, filesystem: str | None = None, delete_data: bool = False) -> None:
        self.calls.append(("release", name, filesystem, delete_data))

    def get(self, name: str, filesystem: str | None = None) -> WorkspaceInfo:
        self.calls.append(("get", name, filesystem))
        return WorkspaceInfo(id=name, name=name, path="/again")

    def restore(self, released_id: str, target: str, *, filesystem: str | None = None) -> object:
        self.calls.append(("restore", released_id, target, filesystem))
        return "restored"


def test_bound_methods_call_the_owner_with_name_and_filesystem() -> None:
    info = parse_ws_list(real("list-all.stdout"), tz=UTC, now=CAPTURED_AT, user="marie")[5]
    with pytest.raises(UnboundModelError):
        info.refresh()
    owner = _Recorder()
    info.bind(owner)
    assert info.extend(7).path == Path("/new")
    info.release(delete_data=True)
    assert info.refresh().path == Path("/again")
    released = parse_ws_restore_list(real("restore-l.stdout"), tz=UTC)[0].bind(owner)
    assert released.restore("first") == "restored"
    assert owner.calls == [
        ("extend", "fastdata", 7, "ssd"),
        ("release", "fastdata", "ssd", True),
        ("get", "fastdata", "ssd"),
        ("restore", "marie-commented-1795555454", "first", "scratch"),
    ]
    assert info.expires_within(timedelta(days=20)) and not info.expires_within(timedelta(days=19))

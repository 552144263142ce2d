"""The renderers of ``tests/support/ws_render.py`` print what the real tools print: checked
byte for byte against the real v1 captures and the documented v2 example."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from tests.support.ws_render import (
    CAPTURED_AT,
    Ws,
    real,
    real_workspaces,
    render_allocate,
    render_fs_v1,
    render_restore_v1,
    render_v1,
    render_v2,
    v2_days_hours,
)


def test_render_v1_matches_real_list_all_and_terse() -> None:
    now = CAPTURED_AT + timedelta(seconds=1)  # the tool ran a moment after allocating
    assert render_v1(real_workspaces(), now, timezone.utc) == real("list-all.stdout")
    assert render_v1(real_workspaces(), now, timezone.utc, terse=True) == real("list-t.stdout")


def test_render_fs_and_restore_match_real() -> None:
    assert render_fs_v1(["scratch", "ssd"], "scratch") == real("list-l.stdout")
    assert render_fs_v1(["scratch", "ssd"], None) == real("find-l.stdout")
    restore = render_restore_v1({"scratch": ["marie-commented-1795555454"], "ssd": []}, timezone.utc)
    assert restore == real("restore-l.stdout")


def test_render_allocate_matches_real() -> None:
    assert render_allocate(1, "/scratch/ws/0/marie-first", "creating", 10, 10) == (
        real("alloc-new.stdout"),
        real("alloc-new.stderr"),
    )
    assert render_allocate(1, "/scratch/ws/0/marie-toolong", "creating", 10, 100, 100) == (
        real("alloc-toolong.stdout"),
        real("alloc-toolong.stderr"),
    )


def test_render_v2_matches_documented_example() -> None:
    zone = timezone.utc
    ws = Ws(
        "alice",
        "myws",
        "/tmp/ws/ws2/1",
        "ws2",
        datetime(2023, 11, 13, 10, tzinfo=zone),
        datetime(2023, 11, 20, 10, tzinfo=zone),
        3,
    )
    now = datetime(2023, 11, 13, 10, 30, tzinfo=zone)
    assert render_v2([ws], now, zone) == (
        "Id: myws\n"
        "    workspace directory  : /tmp/ws/ws2/1/alice-myws\n"
        "    remaining time       : 6 days, 23 hours\n"
        "    creation time        : Mon Nov 13 10:00:00 2023\n"
        "    expiration time      : Mon Nov 20 10:00:00 2023\n"
        "    filesystem name      : ws2\n"
        "    available extensions : 3\n"
    )
    assert v2_days_hours(-3 * 3600 - 5) == "0 days, -3 hours"
    assert v2_days_hours(-(86400 + 2 * 3600)) == "-1 days, -2 hours"

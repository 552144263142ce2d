"""The workspace models as the parsers make them: paths are ``Path`` (strings in JSON), the
owner lives in a slot that equality, dumps and copies ignore; and the clock-hour cache of
``parse_ctime`` never changes what a time reads as."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.support import FIXTURES

from taurus_datamover.models.base import UnboundModelError
from taurus_datamover.models.workspaces import AllocationResult, WorkspaceInfo, WorkspaceStat
from taurus_datamover.parsers import format_ctime, parse_ctime, parse_ws_allocate, parse_ws_list
from taurus_datamover.parsers.workspaces.ctime import resolve_wall_time

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 11, 25, tzinfo=timezone.utc)


def _listed() -> list[WorkspaceInfo]:
    text = (FIXTURES / "hpc-workspace-v1-real" / "list-all.stdout").read_text()
    return parse_ws_list(text, tz=timezone.utc, now=NOW, user="marie")


def test_paths_are_path_objects_and_strings_in_json() -> None:
    info = _listed()[0]
    assert info.path == Path("/scratch/ws/0/marie-commented")
    assert json.loads(info.model_dump_json())["path"] == "/scratch/ws/0/marie-commented"
    assert info.model_dump(mode="json")["path"] == "/scratch/ws/0/marie-commented"
    allocated = parse_ws_allocate("/scratch/ws/0/marie-x\n", "")
    assert isinstance(allocated, AllocationResult) and allocated.path == Path("/scratch/ws/0/marie-x")
    assert WorkspaceStat(id="u-x", name="x", path="/ws/u-x").path == Path("/ws/u-x")  # type: ignore[arg-type]


def test_the_owner_is_a_slot_that_equality_dumps_and_copies_ignore() -> None:
    info = _listed()[0]
    with pytest.raises(UnboundModelError, match="not bound"):
        info.extend(3)
    owner = object()
    assert info.bind(owner) is info and info._require_owner() is owner
    assert info == _listed()[0]
    assert "_owner" not in info.model_dump() and "_owner" not in info.model_dump_json()
    with pytest.raises(UnboundModelError):
        info.model_copy()._require_owner()


@settings(max_examples=60, deadline=None)
@given(
    st.datetimes(min_value=datetime(1900, 1, 2), max_value=datetime(2100, 12, 30)),
    st.sampled_from(["Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Asia/Kathmandu", "UTC"]),
)
def test_a_time_reads_the_same_before_and_after_its_hour_is_known(moment: datetime, name: str) -> None:
    """Times of one clock hour, read in any order (the first fills the cache), each give
    the instant the slow, uncached rule gives, gaps and overlaps included."""
    zone = ZoneInfo(name)
    wall = moment.replace(microsecond=0)
    for minute, second in ((0, 0), (wall.minute, wall.second), (59, 59), (30, 0)):
        naive = wall.replace(minute=minute, second=second)
        text = format_ctime(naive)
        assert parse_ctime(text, zone) == resolve_wall_time(naive, zone)
        assert parse_ctime(text, zone).utcoffset() == resolve_wall_time(naive, zone).utcoffset()


def test_dst_changes_in_berlin_read_after_their_neighbours() -> None:
    for text, expected in (
        ("Sun Mar 29 01:59:59 2026", "2026-03-29T01:59:59+01:00"),
        ("Sun Mar 29 02:30:00 2026", "2026-03-29T03:30:00+02:00"),  # the gap: moved forward
        ("Sun Oct 25 01:59:59 2026", "2026-10-25T01:59:59+02:00"),
        ("Sun Oct 25 02:30:00 2026", "2026-10-25T02:30:00+02:00"),  # the overlap: the earlier
        ("Sun Oct 25 03:00:00 2026", "2026-10-25T03:00:00+01:00"),
    ):
        assert parse_ctime(text, BERLIN).isoformat() == expected

"""The ``ws_list`` reader's fast path (one expression per regular block) reads every
block exactly as its line reader does, and is what reads the tools' own listings.

The fast path is taken for listings longer than ``_SHORT``; the tests set it to 0 so that
it reads the short texts here too."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import PurePosixPath
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.support import FIXTURES
from tests.support.ws_render import Ws, render_v1, render_v2

from taurus_datamover.errors import ParseError
from taurus_datamover.parsers.workspaces import parse_ws_list, ws_list_reader
from taurus_datamover.parsers.workspaces.records import normal_path
from taurus_datamover.parsers.workspaces.ws_list_reader import listing_generation, read_ws_list

ZONE = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 11, 25, tzinfo=timezone.utc)
LISTINGS = sorted(
    path
    for path in FIXTURES.glob("hpc-workspace-v*-real/*.stdout")
    if listing_generation(path.read_text(encoding="utf-8", errors="surrogateescape"))
)


@contextmanager
def _line_reader_only() -> Iterator[None]:
    def refuse(*_: object) -> None:
        raise ValueError("fast path off")

    with mock.patch.object(ws_list_reader, "_regular_block", refuse):
        yield


def _outcome(text: str, user: str | None) -> object:
    """The records, or the ParseError's message, line number and line."""
    try:
        with mock.patch.object(ws_list_reader, "_SHORT", 0):
            return read_ws_list(text, tz=ZONE, now=NOW, user=user)
    except ParseError as exc:
        return ("ParseError", str(exc), exc.lineno, exc.line)


def test_the_real_listings_are_there() -> None:
    assert len(LISTINGS) >= 15


@pytest.mark.parametrize("path", LISTINGS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_real_listings_read_the_same_either_way(path: object) -> None:
    text = path.read_text(encoding="utf-8", errors="surrogateescape")  # type: ignore[attr-defined]
    fast = _outcome(text, None)
    with _line_reader_only():
        assert _outcome(text, None) == fast


@pytest.mark.parametrize(
    ("capture", "user"),
    [("hpc-workspace-v1-real/list-all.stdout", "marie"), ("hpc-workspace-v2-real/17_list_six.stdout", "usera")],
)
def test_regular_blocks_never_reach_the_line_reader(capture: str, user: str) -> None:
    text = (FIXTURES / capture).read_text(encoding="utf-8")
    by_lines = read_ws_list(text, tz=ZONE, now=NOW, user=user)  # short: read line by line
    with mock.patch.object(ws_list_reader, "_read_block", side_effect=AssertionError("line reader used")):
        assert _outcome(text, user) == by_lines


_LINES = st.sampled_from(
    [
        "id: a",
        "Id: a",
        "Id: x ",
        "     workspace directory  : /s/u-a",
        "    workspace directory  : /s/u-a",
        "    workspace directory  : s/u-a",
        "    remaining time       : 1 days, -2 hours",
        "    remaining time       : 99999999 days, 0 hours",
        "     remaining time       : 4 days 2 hours",
        "    remaining time       : released",
        "    until deletion       : 6 days, 23 hours",
        "    comment              : a\r",
        "    comment              :",
        "    comment              : id: b",
        "    creation time        : Tue Nov 24 21:24:14 2026",
        "    creation time        : Tue Nov 24 21:24:14 2027",
        "     creation time        : Tue Nov 24 21:24:14 2026",
        "    expiration time      : Sun Mar 26 02:30:00 2023",
        "     expiration date      : Sun Mar 26 02:30:00 2023",
        "    filesystem name      : ws",
        "     filesystem name      : ws",
        "    group                : g",
        "     group                : h",
        "     group                :",
        "    available extensions : 3",
        "     available extensions : 3",
        "    available extensions : x",
        "    newkey               : v",
        "    reminder             : Sun Mar 26 02:30:00 2023",
        "",
        " ",
    ]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(_LINES, max_size=14), st.sampled_from(["\n", "\r\n"]), st.sampled_from([None, "u"]))
def test_any_text_reads_the_same_either_way(lines: list[str], newline: str, user: str | None) -> None:
    text = newline.join(lines)
    fast = _outcome(text, user)
    with _line_reader_only():
        assert _outcome(text, user) == fast


names = st.from_regex(r"[a-z][a-z0-9]{0,6}", fullmatch=True)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.tuples(names, st.sampled_from(["", "c", "two\nlines"]), st.integers(0, 90)), max_size=5),
    st.sampled_from([1, 2]),
    st.booleans(),
)
def test_rendered_listings_read_the_same_either_way(
    items: list[tuple[str, str, int]], version: int, verbose: bool
) -> None:
    created = datetime(2026, 10, 1, 8, tzinfo=timezone.utc)
    rendered = [
        Ws(user="marie", name=f"{name}{n}", space="/scratch/ws/0", filesystem="scratch", created=created,
           expires=created + timedelta(days=days), extensions=3, comment=comment, group="g" if verbose else "",
           reminder_days=0, mail="", acctcode="", expired_at=None, released_at=None, permissions="")
        for n, (name, comment, days) in enumerate(items)
    ]  # fmt: skip
    text = (render_v1 if version == 1 else render_v2)(rendered, NOW, ZONE, terse=False, verbose=verbose)
    fast = _outcome(text, "marie")
    assert not isinstance(fast, tuple), fast
    with _line_reader_only():
        assert _outcome(text, "marie") == fast


def test_the_records_have_the_fields_of_the_model() -> None:
    from taurus_datamover.models.workspaces import WorkspaceInfo
    from taurus_datamover.parsers.workspaces.records import ListedWorkspace

    assert ListedWorkspace._fields == tuple(WorkspaceInfo.model_fields)
    defaults = {
        name: field.get_default(call_default_factory=True) for name, field in WorkspaceInfo.model_fields.items()
    }
    for name, default in ListedWorkspace._field_defaults.items():
        assert defaults[name] == default, name


@pytest.mark.parametrize("path", LISTINGS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_record_paths_are_the_text_of_the_models_paths(path: object) -> None:
    text = path.read_text(encoding="utf-8", errors="surrogateescape")  # type: ignore[attr-defined]
    records = _outcome(text, None)
    if isinstance(records, list):  # else a listing the reader refuses (as the line reader does)
        assert all(type(record.path) is str for record in records)
        assert [r.path for r in records] == [str(info.path) for info in parse_ws_list(text, tz=ZONE, now=NOW)]


@settings(max_examples=300)
@given(st.text(st.sampled_from("/.a"), max_size=12))
def test_normal_path_is_what_pathlib_prints(text: str) -> None:
    assert normal_path(text) == str(PurePosixPath(text))


def test_a_path_pathlib_would_shorten_is_one_directory_for_the_duplicate_check() -> None:
    block = "Id: a\n    workspace directory  : {}\n    remaining time       : 1 days, 2 hours\n    available extensions : 3\n"
    text = block.format("/ws//u-a") + block.format("/ws/./u-a/")
    with pytest.raises(ParseError, match="'/ws/u-a' is listed twice"):
        _outcome_or_raise(text)


def _outcome_or_raise(text: str) -> object:
    with mock.patch.object(ws_list_reader, "_SHORT", 0):
        return read_ws_list(text, tz=ZONE, now=NOW, user="u")


def test_the_reader_and_its_records_load_neither_pydantic_nor_pathlib() -> None:
    probe = (
        "import sys, taurus_datamover.parsers.workspaces.ws_list_reader, taurus_datamover.parsers.workspaces.common;"
        "print(sorted({'pydantic', 'pathlib'} & set(sys.modules)))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True)
    assert done.stdout.split() == ["[]"]

"""``ws list`` reads one ``ws_list`` into plain records (``cli.ws_listing``): what it prints
is what the library's models give, to the byte."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter
from tests.support import FIXTURES

from taurus_datamover.cli.ws_listing import iso_datetime, iso_duration, record_json
from taurus_datamover.errors import ParseError
from taurus_datamover.models.workspaces import workspace_infos
from taurus_datamover.parsers.workspaces.ws_list_reader import listing_generation, read_ws_list

NOW = datetime(2026, 11, 25, 12, tzinfo=timezone.utc)
offsets = st.integers(-86399, 86399).map(lambda s: timezone(timedelta(seconds=s)))


@settings(max_examples=300)
@given(st.datetimes(timezones=st.one_of(st.just(timezone.utc), offsets)))
def test_times_are_written_as_pydantic_writes_them(moment: datetime) -> None:
    assert iso_datetime(moment) == TypeAdapter(datetime).dump_python(moment, mode="json")


@settings(max_examples=300)
@given(st.timedeltas())
def test_durations_are_written_as_pydantic_writes_them(delta: timedelta) -> None:
    assert iso_duration(delta) == TypeAdapter(timedelta).dump_python(delta, mode="json")


def test_records_dump_as_the_models_do() -> None:
    listings = [p for p in FIXTURES.glob("hpc-workspace-v*-real/*.stdout") if listing_generation(p.read_text())]
    assert listings
    read = 0
    for path in listings:
        try:
            records = read_ws_list(path.read_text(), tz=timezone(timedelta(hours=1)), now=NOW)
        except ParseError:
            continue  # a capture of the tools' layout that the reader refuses on purpose
        read += len(records)
        models = workspace_infos(records)
        mine = json.dumps([record_json(r) for r in records])
        assert mine == json.dumps([m.model_dump(mode="json") for m in models]), path.name
    assert read >= 20

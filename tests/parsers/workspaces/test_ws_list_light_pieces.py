"""The pieces ``ws list`` loads, made lighter for its start (issue 13), behave as the
heavier ones they replaced: numbers and durations read without regular expressions, and
the records built without ``collections.namedtuple``."""

from __future__ import annotations

import copy
import pickle
import re
from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from taurus_datamover.parsers.workspaces import common
from taurus_datamover.parsers.workspaces.common import parse_days_hours, parse_whole_number, released_id_of
from taurus_datamover.parsers.workspaces.records import ListedWorkspace

#: The expressions the string code replaced.
_WHOLE, _SIGNED = r"[0-9]{1,18}", r"-?[0-9]{1,18}"
_DAYS_HOURS = r"(-?[0-9]{1,12}) days,? (-?[0-9]{1,12}) hours"

_NUMBERISH = st.text(st.sampled_from("0123456789-+_ ٣¹x"), max_size=21)


@given(_NUMBERISH, st.booleans())
def test_whole_numbers_are_what_the_expression_took(text: str, signed: bool) -> None:
    matched = re.fullmatch(_SIGNED if signed else _WHOLE, text)
    assert parse_whole_number(text, signed=signed) == (int(text) if matched else None)


_NUMBER = st.one_of(st.integers(-(10**13), 10**13).map(str), _NUMBERISH)


@given(_NUMBER, st.sampled_from(["days", "days,", "day", "days,,"]), _NUMBER, st.sampled_from([" ", "  ", "\t"]))
def test_days_and_hours_are_what_the_expression_took(days: str, word: str, hours: str, pad: str) -> None:
    text = f"{pad}{days} {word} {hours} hours{pad}"
    matched = re.fullmatch(_DAYS_HOURS, text.strip())
    expected = None
    if matched and abs(int(matched[1])) <= common.MAX_DAYS and abs(int(matched[2])) <= common.MAX_DAYS * 24:
        expected = timedelta(days=int(matched[1]), hours=int(matched[2]))
    assert parse_days_hours(text) == expected


@pytest.mark.parametrize(
    ("shown", "expected"),
    [("1700000000", "u-a-1700000000"), ("17000000000", "u-a-17000000000"), ("170000000000", None), ("17x", None)],
)
def test_a_released_id_takes_a_timestamp_of_up_to_eleven_digits(shown: str, expected: str | None) -> None:
    assert released_id_of(shown, "/ws/u-a") == expected


def test_the_name_pattern_is_compiled_on_first_use() -> None:
    from taurus_datamover.parsers.workspaces.common import NAME_PATTERN

    assert NAME_PATTERN.fullmatch("run-1.a_b") and not NAME_PATTERN.fullmatch("-x")
    assert common.NAME_PATTERN is NAME_PATTERN
    with pytest.raises(AttributeError):
        common.NOT_A_NAME  # noqa: B018


def test_a_record_behaves_as_the_named_tuple_it_was() -> None:
    record = ListedWorkspace("a", "a", "u", "/ws/u-a", filesystem="horse", extensions_left=3)
    assert (record.id, record.filesystem, record.extensions_left, record.state, record.extra) == (
        "a",
        "horse",
        3,
        "active",
        {},
    )
    assert record == ListedWorkspace(*record) == tuple(record)
    assert repr(record).startswith("ListedWorkspace(id='a', name='a', owner='u', path='/ws/u-a', filesystem='horse',")
    assert record._replace(name="b").name == "b" and record._replace(name="b")[2:] == record[2:]
    for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
        assert pickle.loads(pickle.dumps(record, protocol)) == record
    assert copy.deepcopy(record) == record
    assert not hasattr(record, "__dict__")
    with pytest.raises(AttributeError):
        record.name = "b"  # type: ignore[misc]
    with pytest.raises(ValueError, match="nope"):
        record._replace(nope=1)  # type: ignore[call-arg]


@pytest.mark.parametrize(
    ("args", "kwargs"),
    [(("a",), {}), (("a", "a", "u", "/p"), {"nope": 1}), (tuple(range(26)), {}), (("a", "a", "u", "/p"), {"id": "b"})],
    ids=["a field missing", "an unknown field", "too many", "a field twice"],
)
def test_a_record_refuses_what_a_named_tuple_refused(args: tuple[object, ...], kwargs: dict[str, object]) -> None:
    with pytest.raises(TypeError):
        ListedWorkspace(*args, **kwargs)  # type: ignore[arg-type]

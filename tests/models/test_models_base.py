"""The shared model base: equality ignores the owner, binding, notebook display."""

from __future__ import annotations

import pytest
from pydantic import BaseModel, ValidationError

from taurus_datamover.models.base import FrozenModel, UnboundModelError


class Sample(FrozenModel):
    name: str
    size: int | None = None


def test_equality_and_hash_ignore_the_owner() -> None:
    bound = Sample(name="a").bind(object())
    assert bound == Sample(name="a") and hash(bound) == hash(Sample(name="a"))
    assert Sample(name="a") != Sample(name="b")


def test_unbound_method_use_is_a_clear_error() -> None:
    with pytest.raises(UnboundModelError, match="not bound"):
        Sample(name="a")._require_owner()


def test_frozen() -> None:
    with pytest.raises(ValidationError, match="frozen"):
        Sample(name="a").name = "b"  # type: ignore[misc]


def test_html_shows_set_fields_escaped() -> None:
    html = Sample(name="<x>")._repr_html_()
    assert "&lt;x&gt;" in html and "size" not in html and "Sample" in html


def test_the_owner_is_a_slot_not_a_field_nor_a_private_attribute() -> None:
    owner = object()
    bound = Sample(name="a").bind(owner)
    assert bound.bound_owner is owner and bound._require_owner() is owner
    assert Sample(name="a").bound_owner is None
    assert bound.model_dump() == {"name": "a", "size": None} and bound.__pydantic_private__ is None
    assert bound.model_copy().bound_owner is None  # a copy is a new, unbound model
    assert FrozenModel.__eq__ is BaseModel.__eq__  # pydantic's own equality (and its frozen hash)


def test_unbound_error_is_in_the_one_hierarchy() -> None:
    from taurus_datamover.errors import TaurusDatamoverError

    assert issubclass(UnboundModelError, TaurusDatamoverError) and issubclass(UnboundModelError, RuntimeError)

"""The shared model base: equality ignores the owner, binding, notebook display."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

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

"""The bases of every model: frozen pydantic data, optionally bound to its owner.

A model returned by ``Datamover.ls`` or ``Workspace.list`` remembers the object that made
it (its *owner*), which gives it methods such as ``entry.copy_to()``. The owner is the
slot ``_owner``, neither a field nor a pydantic private attribute: pydantic's ``==``,
hash, dump and copy ignore it, and bulk validation pays nothing for it. A model a parser
made alone, or a copy, is unbound: its API methods raise :class:`UnboundModelError`.
:class:`Bindable` is the slot alone, for the slotted dataclass ``FileEntry``.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict

from taurus_datamover.errors import UnboundModelError

__all__ = ["Bindable", "FrozenModel", "OwnerMethods", "UnboundModelError", "html_table"]

_BoundT = TypeVar("_BoundT", bound="OwnerMethods")


def html_table(title: str, items: Iterable[tuple[str, Any]]) -> str:
    """A two-column table of the fields that have a value (``line`` left out), for Jupyter."""
    rows = "".join(
        f"<tr><th style='text-align:left'>{html.escape(name)}</th>"
        f"<td style='text-align:left'>{html.escape(str(value))}</td></tr>"
        for name, value in items
        if value is not None and name != "line"
    )
    return f"<table><caption>{html.escape(title)}</caption>{rows}</table>"


class OwnerMethods:
    """``bind`` and the owner's accessors, over a ``_owner`` slot the subclass declares."""

    __slots__ = ()

    def bind(self: _BoundT, owner: Any) -> _BoundT:
        """Attach ``owner`` (the Datamover or Workspace that listed this) and return self."""
        object.__setattr__(self, "_owner", owner)  # our own slot: the frozen fields stay
        return self

    @property
    def bound_owner(self) -> Any | None:
        """The object this model is bound to, or None for an unbound model."""
        return getattr(self, "_owner", None)

    def _require_owner(self) -> Any:
        """The owner, or :class:`UnboundModelError` (for the methods that need a tool)."""
        owner = getattr(self, "_owner", None)
        if owner is None:
            raise UnboundModelError(self)
        return owner


class Bindable(OwnerMethods):
    """The owner slot for a slotted dataclass (its fields make ``==`` and hash)."""

    __slots__ = ("_owner",)


class FrozenModel(OwnerMethods, BaseModel):
    """An immutable model that may be bound to the object that listed it."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    __slots__ = ("_owner",)  # not annotated: an annotation would make it a pydantic private attribute

    def _repr_html_(self) -> str:
        """A two-column table of the fields that have a value, for Jupyter."""
        return html_table(type(self).__name__, self.__dict__.items())

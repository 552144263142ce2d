"""The base of every model: plain frozen pydantic data, optionally bound to its owner.

A model returned by ``Datamover.ls`` or ``Workspace.list`` remembers the object that made
it (its *owner*) so that it can offer methods such as ``entry.copy_to()`` or
``info.extend()``. The owner lives in a ``__slots__`` slot, ``_owner``: it is not a field
and not a pydantic private attribute, so pydantic's own ``==``, hash, dump and copy ignore
it without any override, and validating models in bulk pays nothing for it per instance.
The layer that makes a model sets it once (:meth:`FrozenModel.bind`); a model made by a
parser alone is unbound, and its API methods raise :class:`UnboundModelError`. A copy
(``model_copy``) is unbound too: bind it again if it needs the owner.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel, ConfigDict

from taurus_datamover.errors import UnboundModelError

__all__ = ["FrozenModel", "UnboundModelError"]

_ModelT = TypeVar("_ModelT", bound="FrozenModel")


class FrozenModel(BaseModel):
    """An immutable model that may be bound to the object that listed it."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    __slots__ = ("_owner",)

    if TYPE_CHECKING:
        _owner: Any  # the slot (an annotation here would make it a pydantic private attribute)
    else:

        def __getattr__(self, name: str) -> Any:
            """An unbound model's slot reads as None (Python asks here only when it is unset)."""
            if name == "_owner":
                return None
            return super().__getattr__(name)

    def bind(self: _ModelT, owner: Any) -> _ModelT:
        """Attach ``owner`` (the Datamover or Workspace that listed this) and return self."""
        object.__setattr__(self, "_owner", owner)  # our own slot: the frozen fields stay
        return self

    @property
    def bound_owner(self) -> Any | None:
        """The object this model is bound to, or None for an unbound model."""
        return self._owner

    def _require_owner(self) -> Any:
        """The owner, or :class:`UnboundModelError` (for the methods that need a tool)."""
        owner = self._owner
        if owner is None:
            raise UnboundModelError(self)
        return owner

    def _repr_html_(self) -> str:
        """A two-column table of the fields that have a value, for Jupyter."""
        rows = "".join(
            f"<tr><th style='text-align:left'>{html.escape(name)}</th>"
            f"<td style='text-align:left'>{html.escape(str(value))}</td></tr>"
            for name, value in self.__dict__.items()
            if value is not None and name != "line"
        )
        return f"<table><caption>{html.escape(type(self).__name__)}</caption>{rows}</table>"

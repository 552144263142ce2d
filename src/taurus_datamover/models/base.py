"""The base of every model: frozen pydantic, optionally bound to the object that made it.

A model returned by ``Datamover.ls`` or ``Workspace.list`` remembers that object (its
*owner*) so that it can offer methods such as ``entry.copy_to()`` or ``info.extend()``.
The owner is a private attribute: it is not a field, not serialised, not compared.
"""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, PrivateAttr

__all__ = ["FrozenFields", "FrozenModel", "UnboundModelError"]

_ModelT = TypeVar("_ModelT", bound="FrozenModel")


class UnboundModelError(RuntimeError):
    """A method that needs a tool was called on a model that no tool produced
    (e.g. one built by a parser directly). Bind it with ``model.bind(owner)``."""


def unbound_error(model: object) -> UnboundModelError:
    """The error for a method that needs an owner, called on an unbound ``model``."""
    return UnboundModelError(
        f"{type(model).__name__} is not bound to a Datamover/Workspace; call .bind(owner) or get it from the object API"
    )


class FrozenFields(BaseModel):
    """Immutable model whose equality and hash use the fields only (no owner: models made
    in bulk, such as ``FileEntry``, keep theirs without a per-instance private attribute)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    def _repr_html_(self) -> str:
        """A two-column table of the fields that are set, for Jupyter."""
        import html

        rows = "".join(
            f"<tr><th style='text-align:left'>{html.escape(name)}</th>"
            f"<td style='text-align:left'>{html.escape(str(value))}</td></tr>"
            for name, value in self.__dict__.items()
            if value is not None and name != "line"
        )
        return f"<table><caption>{html.escape(type(self).__name__)}</caption>{rows}</table>"

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        assert isinstance(other, FrozenFields)
        return self.__dict__ == other.__dict__

    def __hash__(self) -> int:
        try:
            return hash((type(self), tuple(self.__dict__.items())))
        except TypeError:  # a dict/list field (e.g. ``extra``): hash its JSON form
            return hash((type(self), self.model_dump_json()))


class FrozenModel(FrozenFields):
    """A frozen model that remembers its owner in a private attribute."""

    _owner: Any = PrivateAttr(default=None)

    def bind(self: _ModelT, owner: Any) -> _ModelT:
        """Attach ``owner`` (the Datamover or Workspace that listed this) and return self."""
        self._owner = owner
        return self

    def _require_owner(self) -> Any:
        if self._owner is None:
            raise unbound_error(self)
        return self._owner

"""Which ``ws_*`` tools a ``Workspace`` runs: recorded through its public ``run``."""

from __future__ import annotations

import pytest

from taurus_datamover.workspace import Workspace


def recorded_tools(ws: Workspace, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the tools ``ws`` runs from now on, in order."""
    ran: list[str] = []
    run = ws.run

    def recording(tool: str, *args: object, **kwargs: object) -> object:
        ran.append(tool)
        return run(tool, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(ws, "run", recording)
    return ran

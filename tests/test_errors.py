"""The error hierarchy keeps its evidence through pickling and copying, and the package's
lazy front doors load every public name and refuse unknown ones."""

from __future__ import annotations

import copy
import pickle
from types import ModuleType

import pytest

import taurus_datamover
import taurus_datamover.datamover
import taurus_datamover.parsers
from taurus_datamover.emulator.errors import SiteConfigError
from taurus_datamover.errors import (
    CommandTimeout,
    DatamoverError,
    LockTimeout,
    ParseError,
    SaveError,
    SyncError,
    TaurusDatamoverError,
    ToolNotFoundError,
    UnboundModelError,
    WorkspaceArgumentError,
    WorkspaceNotFound,
)

ERRORS = [
    ToolNotFoundError("dtls", ["/sw/bin", "/usr/bin"]),
    DatamoverError("dtcp failed", argv=["dtcp", "a", "b"], returncode=2, stdout=b"out", stderr=b"\xff err"),
    SaveError("copy failed", data_path="/ws/x", workspace_name="w", argv=["dtcp"], returncode=1, stderr="e"),
    WorkspaceNotFound("no such workspace", argv=["ws_find", "x"], returncode=1),
    WorkspaceArgumentError("control character in comment"),
    CommandTimeout(["dtls", "/grp"], 1.5, stdout="partial", stderr=b"late"),
    ParseError("not a row", lineno=3, line="junk"),
    SyncError("verification failed", run_id="r1", failed_parts=[2], differ=["a"], missing=["b"], extra=["c"]),
    LockTimeout("/ws/.auto-extend.lock", 2.5, "4711"),
    LockTimeout("/ws/.auto-extend.lock", 0.0, None),
    UnboundModelError(object()),
    SiteConfigError("/site/site.json", "filesystems.horse.spaces", "must be a list[str], not '/a'"),
]


@pytest.mark.parametrize("error", ERRORS, ids=lambda e: type(e).__name__)
@pytest.mark.parametrize("again", [lambda e: pickle.loads(pickle.dumps(e)), copy.copy], ids=["pickle", "copy"])
def test_an_error_keeps_its_class_message_and_evidence(error: TaurusDatamoverError, again: object) -> None:
    other = again(error)  # type: ignore[operator]
    assert type(other) is type(error)
    assert (str(other), other.args, vars(other).keys()) == (str(error), error.args, vars(error).keys())
    assert all(getattr(other, key) == value for key, value in vars(error).items() if key != "_made")


@pytest.mark.parametrize("package", [taurus_datamover, taurus_datamover.datamover, taurus_datamover.parsers])
def test_the_lazy_front_doors_load_every_public_name_and_refuse_others(package: ModuleType) -> None:
    names = package.__all__
    assert all(getattr(package, name) is not None for name in names)
    assert set(names) - {"__version__"} <= set(dir(package))
    with pytest.raises(AttributeError, match="has no attribute 'no_such_name'"):
        package.no_such_name  # noqa: B018

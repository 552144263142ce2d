"""Staging for :meth:`Datamover.save <taurus_datamover.Datamover.save>`: write where this
node can, then copy with ``dtcp``; when the copy fails nothing is released or removed."""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
import warnings
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from taurus_datamover.command.job import JobOutput
from taurus_datamover.datamover.argv import cp_args, path_text
from taurus_datamover.datamover.toolset import DatamoverTools, SlurmOptions, job_error
from taurus_datamover.errors import CommandTimeout, DatamoverError, NothingSavedError, SaveError
from taurus_datamover.workspace import CacheWorkspace, Workspace

if TYPE_CHECKING:
    from taurus_datamover.command.argv import PathArg


def save(
    dm: DatamoverTools,
    save_fn: Callable[[Path], object],
    target_path: PathArg,
    options: Mapping[str, Any],
    workspace: CacheWorkspace | Workspace | str | os.PathLike[str] | None,
    cache_id: str | None,
    expire_in_days: int,
    filesystem: str | None,
) -> JobOutput:
    """``Datamover.save``: target and options are checked before anything is allocated or written."""
    target = path_text(target_path)
    name = os.path.basename(target.rstrip("/"))
    name = "data" if name in ("", ".", "..") else name
    SlurmOptions().given(options)
    owned: CacheWorkspace | None = None  # allocated here, so released here
    if isinstance(workspace, CacheWorkspace):
        directory = Path(workspace.path)
    elif workspace is None or isinstance(workspace, Workspace):
        cache_name = cache_id or f"dm-save-{uuid.uuid4().hex[:12]}"
        if workspace is None:  # the ws_* tools next to the dt tools (an emulated site), else the default ones
            here = None if dm.path_to_exe is None else Workspace(dm.path_to_exe, env=dm.env)
            usable = here is not None and here.has_tool("ws_allocate") and here.has_tool("ws_release")
            workspace = here if usable else Workspace(env=dm.env)
        owned = CacheWorkspace(id=cache_name, expire_in_days=expire_in_days, filesystem=filesystem, workspace=workspace)
        directory = Path(owned.path)
    else:
        directory = Path(workspace)
    staging: Path | None = None
    try:
        staging = Path(tempfile.mkdtemp(prefix="dm-save-", dir=directory))
        local = staging / name
        save_fn(local)
        if not os.path.lexists(local):
            raise NothingSavedError(f"save_fn wrote nothing at {local}")
    except Exception:
        cleanup(owned, staging)
        raise
    job = dm.run("dtcp", *cp_args([local], target_path, recursive=True, no_target_directory=True), **options)
    try:
        output = job.result()
    except (DatamoverError, CommandTimeout) as error:
        workspace_name = owned.name if owned is not None else None
        kept = "" if workspace_name is None else f" (cache workspace {workspace_name!r}, not released)"
        message = f"copying to {target} failed ({type(error).__name__}); the data is kept at {local}{kept}"
        raise job_error(message, job, SaveError, data_path=str(local), workspace_name=workspace_name) from error
    cleanup(owned, staging)
    return output


def cleanup(owned: CacheWorkspace | None, staging: Path | None) -> None:
    """Release ``save``'s own cache workspace, else remove its directory in the place (a
    reused workspace is kept); a failure is a warning (nothing of value is lost)."""
    try:
        if owned is not None and owned.owned:
            owned.cleanup()
        elif staging is not None:
            shutil.rmtree(staging)
    except Exception as error:
        what = f"cache workspace {owned.name!r}" if owned is not None else str(staging)
        warnings.warn(f"could not clean up {what}: {error}", RuntimeWarning, stacklevel=4)

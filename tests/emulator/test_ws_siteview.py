"""The tools' pydantic-free view of site.json agrees with the pydantic config models."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from pathlib import Path

import pytest

from taurus_datamover.emulator.config import (
    FilesystemConfig,
    SiteConfig,
    default_site_config,
    save_site_config,
    v2_capture_site_config,
)
from taurus_datamover.emulator.ws.siteview import FsView, SiteView, read_site


def _defaults(cls: type) -> dict[str, object]:
    out: dict[str, object] = {}
    for f in dataclasses.fields(cls):
        if f.default is not dataclasses.MISSING:
            out[f.name] = f.default
        elif f.default_factory is not dataclasses.MISSING:
            out[f.name] = f.default_factory()
    return out


@pytest.mark.parametrize(("view", "model"), [(FsView, FilesystemConfig), (SiteView, SiteConfig)])
def test_same_fields_and_defaults(view: type, model: type[SiteConfig]) -> None:
    assert set(model.model_fields) == {f.name for f in dataclasses.fields(view)}
    pydantic_defaults = {
        name: info.get_default(call_default_factory=True)
        for name, info in model.model_fields.items()
        if not info.is_required()
    }
    assert _defaults(view) == pydantic_defaults


@pytest.mark.parametrize("make", [default_site_config, v2_capture_site_config])
def test_reads_what_config_writes(tmp_path: Path, make: object) -> None:
    cfg: SiteConfig = make(tmp_path)  # type: ignore[operator]
    save_site_config(tmp_path, cfg)
    view = read_site(tmp_path)
    assert dataclasses.asdict(view) == cfg.model_dump()
    for fs in cfg.filesystems:
        assert view.max_duration_of(fs) == cfg.max_duration_of(fs)
        assert view.max_extensions_of(fs) == cfg.max_extensions_of(fs)
        assert view.release_keeptime_of(fs) == cfg.release_keeptime_of(fs)


@pytest.mark.parametrize(
    "edit",
    [
        lambda raw: raw.update(max_duration="100"),
        lambda raw: raw.update(ws_format="v3"),
        lambda raw: raw["filesystems"]["horse"].update(spaces="/one/path"),
        lambda raw: raw["filesystems"]["horse"].pop("database"),
        lambda raw: raw["filesystems"]["horse"].update(allocatable=1),
        lambda raw: raw.pop("filesystems"),
    ],
)
def test_a_wrong_value_is_a_value_error(tmp_path: Path, edit: object) -> None:
    save_site_config(tmp_path, default_site_config(tmp_path))
    raw = json.loads((tmp_path / "site.json").read_text())
    edit(raw)  # type: ignore[operator]
    (tmp_path / "site.json").write_text(json.dumps(raw))
    with pytest.raises(ValueError, match=r"site\.json"):
        read_site(tmp_path)


def test_a_ws_tool_does_not_import_pydantic(tmp_path: Path) -> None:
    save_site_config(tmp_path, default_site_config(tmp_path))
    code = (
        "import sys\n"
        "from taurus_datamover.emulator.launcher import run\n"
        f"rc = run('ws_list', {str(tmp_path)!r}, ['-l'])\n"
        "assert rc == 0, rc\n"
        "assert 'pydantic' not in sys.modules, 'pydantic imported'\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "available filesystems:\nhorse (default)\nwalrus\n"

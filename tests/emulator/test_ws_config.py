"""The site config (site.json): written by the site, read back by every tool, checked."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from taurus_datamover.emulator.config import (
    SiteConfig,
    default_site_config,
    load_site_config,
    save_site_config,
    v2_capture_site_config,
)


@pytest.mark.parametrize("make", [default_site_config, v2_capture_site_config])
def test_reads_what_config_writes(tmp_path: Path, make: object) -> None:
    cfg: SiteConfig = make(tmp_path)  # type: ignore[operator]
    save_site_config(tmp_path, cfg)
    assert load_site_config(tmp_path) == cfg


@pytest.mark.parametrize(
    "edit",
    [
        lambda raw: raw.update(max_duration="100"),
        lambda raw: raw.update(ws_format="v3"),
        lambda raw: raw["filesystems"]["horse"].update(spaces="/one/path"),
        lambda raw: raw["filesystems"]["horse"].pop("database"),
        lambda raw: raw["filesystems"]["horse"].update(allocatable=1),
        lambda raw: raw.pop("filesystems"),
        lambda raw: raw["filesystems"]["horse"].update(space_selection="last"),
    ],
)
def test_a_wrong_value_is_a_value_error(tmp_path: Path, edit: object) -> None:
    save_site_config(tmp_path, default_site_config(tmp_path))
    raw = json.loads((tmp_path / "site.json").read_text())
    edit(raw)  # type: ignore[operator]
    (tmp_path / "site.json").write_text(json.dumps(raw))
    with pytest.raises(ValueError, match=r"site\.json"):
        load_site_config(tmp_path)


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

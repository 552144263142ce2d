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
from taurus_datamover.emulator.errors import EmulatorArgumentError, SiteConfigError
from taurus_datamover.emulator.site import EmulatedSite
from taurus_datamover.facts import TaurusDatamoverError


@pytest.mark.parametrize("make", [default_site_config, v2_capture_site_config])
def test_reads_what_config_writes(tmp_path: Path, make: object) -> None:
    cfg: SiteConfig = make(tmp_path)  # type: ignore[operator]
    save_site_config(tmp_path, cfg)
    assert load_site_config(tmp_path) == cfg


@pytest.mark.parametrize(
    ("edit", "key"),
    [
        (lambda raw: raw.update(max_duration="100"), "max_duration"),
        (lambda raw: raw.update(ws_format="v3"), "ws_format"),
        (lambda raw: raw["filesystems"]["horse"].update(spaces="/one/path"), "filesystems.horse.spaces"),
        (lambda raw: raw["filesystems"]["horse"].pop("database"), "filesystems.horse.database"),
        (lambda raw: raw["filesystems"]["horse"].update(allocatable=1), "filesystems.horse.allocatable"),
        (lambda raw: raw["filesystems"].update(horse=[]), "filesystems.horse"),
        (lambda raw: raw.pop("filesystems"), "filesystems"),
        (lambda raw: raw["filesystems"]["horse"].update(space_selection="last"), "filesystems.horse.space_selection"),
    ],
)
def test_a_wrong_value_is_a_site_config_error_naming_file_and_key(tmp_path: Path, edit: object, key: str) -> None:
    save_site_config(tmp_path, default_site_config(tmp_path))
    raw = json.loads((tmp_path / "site.json").read_text())
    edit(raw)  # type: ignore[operator]
    (tmp_path / "site.json").write_text(json.dumps(raw))
    with pytest.raises(SiteConfigError) as caught:
        load_site_config(tmp_path)
    assert isinstance(caught.value, ValueError) and isinstance(caught.value, TaurusDatamoverError)
    assert (caught.value.path, caught.value.key) == (str(tmp_path / "site.json"), key)
    assert str(caught.value).startswith(f"{tmp_path / 'site.json'}: key {key!r} ")
    assert "correct it, or remove the file" in str(caught.value)


def test_a_site_json_that_is_not_json_is_a_site_config_error(tmp_path: Path) -> None:
    (tmp_path / "site.json").write_text('{"filesystems": ')
    with pytest.raises(SiteConfigError, match=r"site\.json: the file is not JSON"):
        EmulatedSite(tmp_path, slurm=False)


def test_a_ws_format_not_v1_or_v2_is_refused_before_the_site_is_made(tmp_path: Path) -> None:
    with pytest.raises(EmulatorArgumentError, match="ws_format must be one of"):
        EmulatedSite(tmp_path / "site", ws_format="v3")
    assert not (tmp_path / "site" / "site.json").exists()


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

"""The README's runnable examples run as written (with a temporary site root)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from tests.support import REPO

README = REPO / "README.md"


def _python_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)


def test_readme_opens_with_the_two_commands() -> None:
    blocks = re.findall(r"```sh\n(.*?)```", README.read_text(), flags=re.S)
    main_job, tests = blocks[0].strip(), blocks[1].strip()
    assert main_job.endswith("taurus-datamover --emulate demo")
    assert tests.endswith(".venv/bin/python -m pytest -q -n 4")
    ci = (README.parent / ".ci" / "run").read_text()
    assert f'TEST_COMMAND="{tests}"' in ci


def test_emulated_site_example_runs(tmp_path: Path) -> None:
    (block,) = [b for b in _python_blocks() if "EmulatedSite(" in b]
    code = block.replace('"/tmp/site"', repr(str(tmp_path / "site"))).replace("slurm=None", "slurm=False")
    exec(compile(code, "README.md", "exec"), {})


# -- every shell line of the README runs --------------------------------------------
def _sh_blocks() -> list[str]:
    return re.findall(r"```sh\n(.*?)```", README.read_text(), flags=re.S)


def _shell_env(tmp_path: Path, bin_dir: str) -> dict[str, str]:
    import os

    env = {k: v for k, v in os.environ.items() if not k.startswith(("TAURUS_", "SLURM_"))}
    (tmp_path / "home").mkdir(exist_ok=True)
    env.update(
        PATH=os.pathsep.join([bin_dir, env.get("PATH", "/usr/bin:/bin")]),
        HOME=str(tmp_path / "home"),
        XDG_CACHE_HOME=str(tmp_path / "cache"),
        LC_ALL="C.UTF-8",
    )
    return env


def run_shell_blocks(tmp_path: Path, bin_dir: str) -> None:
    """Run every ``sh`` block after the two set-up commands, as written, inside the ZIH view
    of a fresh emulated site (``/tmp/site`` is one temporary directory for all); each must exit 0."""
    import subprocess

    from taurus_datamover.emulator.site import EmulatedSite

    reason = EmulatedSite.zih_view_unavailable()
    if reason is not None:
        pytest.skip(f"the README's ZIH paths need a mount namespace: {reason}")
    blocks = _sh_blocks()[2:]
    assert len(blocks) >= 4, "the README lost its shell examples"
    for index, block in enumerate(blocks):
        site = EmulatedSite(tmp_path / f"view-{index}", slurm=None)
        script = block.replace("/tmp/site", str(tmp_path / "site"))  # one site, as in a shell
        done = site.run(
            ["sh", "-ec", script],
            zih_paths=True,
            env=_shell_env(tmp_path, bin_dir),
            cwd=tmp_path,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, f"README block {index + 3} failed:\n{block}\n{done.stdout}\n{done.stderr}"
        site.close()


def test_readme_shell_blocks_run(tmp_path: Path) -> None:
    import os
    import sys

    run_shell_blocks(tmp_path, os.path.dirname(sys.executable))


def test_readme_tells_what_the_shell_lines_need() -> None:
    text = README.read_text()
    head = text.split("## ", 1)[0]
    assert "rsync" in head and ". .venv/bin/activate" in head and ".venv/bin/taurus-datamover" in head
    assert 'eval "$(taurus-datamover emulate --root' not in text  # the hint form that fails silently


def test_readme_names_the_zih_places_the_code_searches() -> None:
    from taurus_datamover.facts import DATAMOVER_SITE_DIRS, WS_SITE_DIRS

    finding = README.read_text().split("## Finding the tools", 1)[1].split("\n## ", 1)[0]
    text = " ".join(finding.split())
    for places, family in ((DATAMOVER_SITE_DIRS, "dt*"), (WS_SITE_DIRS, "ws_*")):
        assert f"{', '.join(f'`{p}`' for p in places)} for the `{family}` tools" in text


@pytest.mark.slow
def test_readme_from_a_fresh_clone(tmp_path: Path) -> None:
    """The first command, verbatim, in a fresh clone of the committed tree; then every other
    shell block with that clone's command."""
    import shutil
    import subprocess

    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(README.parent), str(clone)], check=True, timeout=300)
    first = _sh_blocks()[0].strip()
    env = _shell_env(tmp_path, "/usr/bin")
    done = subprocess.run(
        ["bash", "-c", first],
        cwd=clone,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=1200,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "released taurus-demo" in done.stdout
    run_shell_blocks(tmp_path, str(clone / ".venv" / "bin"))

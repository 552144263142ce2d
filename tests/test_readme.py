"""The README's runnable examples run as written (with a temporary site root)."""

from __future__ import annotations

import re
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"


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

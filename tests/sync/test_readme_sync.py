"""The README's sync example runs as written, on an emulated site."""

from __future__ import annotations

import re

from tests.support import REPO

from taurus_datamover.emulator.site import EmulatedSite

README = REPO / "README.md"


def test_sync_example_runs(site: EmulatedSite, capsys: object) -> None:
    (block,) = [b for b in re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S) if "dm.sync(" in b]
    src = site.grp / "mygroup" / "raw"
    (src / "sub").mkdir(parents=True)
    (src / "sub" / "-a file").write_bytes(b"data")
    (site.projects / "ws").mkdir()
    code = (
        block.replace("Datamover()", f"Datamover({str(site.bin)!r})")
        .replace('"/grp/mygroup/raw"', repr(str(src)))
        .replace('"/data/horse/ws/me-run1/raw"', repr(str(site.projects / "ws" / "raw")))
    )
    exec(compile(code, "README.md", "exec"), {})
    assert (site.projects / "ws" / "raw" / "sub" / "-a file").read_bytes() == b"data"

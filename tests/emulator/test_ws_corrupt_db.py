"""A hand-corrupted workspace DB file: every emulated ws_* tool that reads it says so on
stderr (or skips it, as the listing tools do) and never ends in a Python traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.support.ws_site import Runner, env, make_site

pytestmark = pytest.mark.usefixtures("env")
__all__ = ["env"]

RELEASED = "marie-old-1795555454"  # released at the site's frozen time
CORRUPTIONS = {
    "not UTF-8": b"workspace: /ws/\xff\xfe\nexpiration: 1\n",
    "no key-value line": b"workspace /ws/marie-data\n",
    "bad double-quoted string": b'workspace: "\\x"\nexpiration: 1\n',
    "no expiration": b"workspace: /ws/marie-data\n",
}
#: (argv, whether the released entry is the corrupt one, whether the tool must fail).
READERS = [
    (("ws_allocate", "data"), False, True),
    (("ws_allocate", "-x", "data", "5"), False, True),
    (("ws_extend", "data", "5"), False, True),
    (("ws_release", "data"), False, True),
    (("ws_send_ical", "data", "marie@example.com"), False, True),
    (("ws_restore", RELEASED, "target"), True, True),
    (("ws_find", "data"), False, True),
    (("ws_list",), False, False),
    (("ws_list", "-e"), True, False),
    (("ws_register", "LINKS"), False, False),
    (("ws_stat",), False, False),
    (("ws_expirer",), False, False),
    (("ws_expirer",), True, False),
]
V2_ONLY = {("ws_list", "-e"), ("ws_stat",), ("ws_expirer",)}  # hpc-workspace 1.6.0 has no such tool or option
CASES = [(fmt, *reader) for fmt in ("v1", "v2") for reader in READERS if fmt == "v2" or reader[0] not in V2_ONLY]


@pytest.mark.parametrize("corruption", sorted(CORRUPTIONS))
@pytest.mark.parametrize(
    ("ws_format", "argv", "released", "fails"),
    CASES,
    ids=[f"{c[0]} {' '.join(c[1])}{' (released)' * c[2]}" for c in CASES],
)
def test_a_corrupt_entry_is_an_error_message_not_a_traceback(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    ws_format: str,
    corruption: str,
    argv: tuple[str, ...],
    released: bool,
    fails: bool,
) -> None:
    root = tmp_path / "site"
    make_site(root, ws_format)
    run = Runner(root, capsys)
    for name in ("old", "data", "target"):
        assert run("ws_allocate", name, "5").rc == 0
    assert run("ws_release", "old").rc == 0
    db = root / "ws-db/scratch"
    entry = db / ".removed" / RELEASED if released else db / "marie-data"
    assert entry.is_file()
    entry.write_bytes(CORRUPTIONS[corruption])
    result = run(*(str(tmp_path / "links") if word == "LINKS" else word for word in argv))
    assert "Traceback" not in result.err
    if fails:
        assert result.rc != 0, result
    if fails and argv[0] != "ws_find":  # ws_find skips what it cannot read, as the real one does
        prefix = "error" if ws_format == "v2" else "Error"
        assert f"{prefix}: could not read file <{entry}>" in result.err, result
    if argv[0] == "ws_list":
        assert "could not read file" in result.err or "is empty" in result.err, result

"""The real hpc-workspace v2 captures in ``fixtures/hpc-workspace-v2-real/``, and helpers.

* :func:`capture` reads one scenario (stdout, stderr, exit code, the moment it ran). A
  missing file fails the test (the fixtures are part of the repository).
* :func:`install_replay` writes a fake ``ws_*`` tool that prints a capture byte for byte
  and exits with its code, so the object API can be run against what v2 really said.
* :func:`render_table_v2` prints ``ws_list -T`` from the format strings of
  ``src/ws_list.cpp`` (checked byte for byte against the captures in the tests), for the
  shapes no capture shows (wrapped long ids and paths) and for property tests.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from datetime import datetime, timezone, tzinfo
from pathlib import Path

from tests.support import FIXTURES
from tests.support.fake_tools import write_executable

from taurus_datamover.parsers.workspaces.ctime import format_ctime

V2 = FIXTURES / "hpc-workspace-v2-real"
_EPOCH = re.compile(r"^date: .*\(([0-9]+)\)$", re.MULTILINE)


@dataclass(frozen=True)
class Capture:
    """One scenario: what the tool printed, its exit code, and when it ran."""

    name: str
    command: str
    stdout: str
    stderr: str
    rc: int
    now: datetime


def capture(name: str) -> Capture:
    """Scenario ``name`` (``07_list_four``); fails if any of its files is missing."""
    cmd = (V2 / f"{name}.cmd").read_text()
    match = _EPOCH.search(cmd)
    assert match is not None, f"{name}.cmd has no date line"
    command = cmd.splitlines()[0].removeprefix("command: ")
    return Capture(
        name=name,
        command=command,
        stdout=(V2 / f"{name}.stdout").read_text(),
        stderr=(V2 / f"{name}.stderr").read_text(),
        rc=int((V2 / f"{name}.rc").read_text().strip()),
        now=datetime.fromtimestamp(int(match.group(1)), timezone.utc),
    )


def scenarios_of(command_pattern: str) -> list[str]:
    """Names of the scenarios with outputs whose command matches ``command_pattern``."""
    found = []
    for cmd in sorted(V2.glob("*.cmd")):
        name = cmd.name.removesuffix(".cmd")
        command = cmd.read_text().splitlines()[0].removeprefix("command: ")
        if (V2 / f"{name}.rc").exists() and re.fullmatch(command_pattern, command):
            found.append(name)
    return found


def install_replay(bin_dir: Path, tool: str, scenario: str, *, root: Path = V2, calls: Path | None = None) -> Path:
    """A fake ``tool`` in ``bin_dir`` that replays ``scenario``'s streams and exit code
    (from ``root``: the v2 captures unless told); each call's argv is appended to ``calls``."""
    bin_dir.mkdir(parents=True, exist_ok=True)
    base = root / scenario
    for suffix in (".stdout", ".stderr", ".rc"):
        assert (base.parent / (base.name + suffix)).exists(), f"missing {scenario}{suffix}"
    log = f"open({str(calls)!r}, 'a').write(repr(sys.argv[1:]) + chr(10))\n" if calls else ""
    return write_executable(
        bin_dir / tool,
        f"#!{sys.executable}\nimport sys\n{log}"
        f"base = {str(base)!r}\n"
        "sys.stdout.buffer.write(open(base + '.stdout', 'rb').read())\n"
        "sys.stderr.buffer.write(open(base + '.stderr', 'rb').read())\n"
        "sys.exit(int(open(base + '.rc').read()))\n",
    )


@dataclass(frozen=True)
class Row:
    """One row of ``ws_list -T``: what the tool formats."""

    id: str
    path: str
    expires: datetime
    extensions: int
    remaining_seconds: int


def _days(seconds: int) -> int:
    """C++ ``remaining / (24 * 3600)``: truncated toward zero."""
    return int(seconds / 86400) if seconds >= 0 else -(-seconds // 86400)


def render_table_v2(rows: list[Row], tz: tzinfo, *, terse: bool = False) -> str:
    """``print_entry_tableformat`` of v2 ``ws_list.cpp`` without colour (not a tty)."""
    if not rows:
        return ""
    out: list[str] = []
    if terse:
        out.append(f"{'ID':<30} {'PATH':<50} {'REMAINING':<9}\n")
        out.append(f"{'':=<30} {'':=<50} {'':=<9}\n")
    else:
        out.append(f"{'ID':<30} {'PATH':<50} {'EXPIRATION':<25} {'EXTENSIONS':10} {'REMAINING':<9}\n")
        out.append(f"{'':=<30} {'':=<50} {'':=<25} {'':=<10} {'':=<9}\n")
    for row in rows:
        id_break = f"{chr(10):31}" if len(row.id) > 30 else ""
        path_break = f"{chr(10):82}" if len(row.path) > 50 else ""
        line = f"{row.id:<30}{id_break} {row.path:<50}{path_break} "
        days = _days(row.remaining_seconds)
        if terse:
            line += f"{days:<9}"
        else:
            line += f"{format_ctime(row.expires, tz):<25} {row.extensions:<10} {days:<9}"
        out.append(line + "\n")
    return "".join(out)

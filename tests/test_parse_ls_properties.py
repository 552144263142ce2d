"""Property tests: nothing but ParseError escapes; the unambiguous form round-trips real ls."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from datetime import datetime, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from taurus_datamover.errors import ParseError
from taurus_datamover.models.files import FileEntry
from taurus_datamover.parsers.ls import UNAMBIGUOUS_LS_ENV, UNAMBIGUOUS_LS_OPTIONS, parse_ls

UTC = timezone.utc
NOW = datetime(2026, 11, 25, 13, 50, tzinfo=UTC)
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "ls"
SAMPLE_LINES = [
    ln
    for f in sorted(FIXTURES.glob("*.txt"))
    for ln in f.read_bytes().split(b"\n")[:12]
]
OPTIONS = st.sampled_from([None, "-l", "-lb", "-lQ", "-l --quoting-style=shell-escape", "-lis",
                           "-lg", "-lo", "-lgo", "-li", "-ls", "-lh"])


def _parse_or_error(data: str | bytes, options: str | None) -> None:
    try:
        out = parse_ls(data, now=NOW, tz=UTC, options=options)
    except ParseError as exc:
        assert exc.lineno >= 0
        return
    assert isinstance(out, list) and all(isinstance(e, FileEntry) for e in out)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(), st.binary()), OPTIONS)
def test_random_input_gives_entries_or_parse_error(data: str | bytes, options: str | None) -> None:
    _parse_or_error(data, options)


# real lines, shuffled, cut and mutated: the shapes a parser meets when output is damaged
_mutated = st.lists(
    st.tuples(
        st.sampled_from(SAMPLE_LINES),
        st.integers(0, 120),
        st.sampled_from([b"", b" ", b"\n", b":", b"-", b"\\", b"'", b'"', b"\xff", b" -> ", b"5",
                         b"total 0", b"Jan", b"2024-", b"."]),
        st.booleans(),
    ),
    max_size=12,
)


@settings(max_examples=300, deadline=None)
@given(_mutated, OPTIONS)
def test_mutated_real_lines_give_entries_or_parse_error(
    parts: list[tuple[bytes, int, bytes, bool]], options: str | None
) -> None:
    lines = []
    for line, pos, insert, cut in parts:
        pos = min(pos, len(line))
        lines.append(line[:pos] + insert + (b"" if cut else line[pos:]))
    _parse_or_error(b"\n".join(lines), options)


# ----- round trip through the real GNU ls in its unambiguous form --------------------------

_name_bytes = st.binary(min_size=1, max_size=24).filter(
    lambda b: b"/" not in b and b"\0" not in b and b not in (b".", b"..")
)
_target_bytes = st.binary(min_size=1, max_size=40).filter(lambda b: b"\0" not in b)
_mtime_ns = st.integers(-(2**33) * 10**9, 2**33 * 10**9)


def _roundtrip(names: list[bytes], targets: list[bytes], mtimes: list[int]) -> None:
    if shutil.which("ls") is None:
        pytest.skip("no ls")
    tmp = tempfile.mkdtemp(prefix="lsrt")
    try:
        root = os.fsencode(tmp)
        made: dict[bytes, tuple[bytes | None, int]] = {}
        for i, name in enumerate(dict.fromkeys(names)):
            path = os.path.join(root, name)
            ns = mtimes[i % len(mtimes)]
            if i < len(targets):
                os.symlink(targets[i], path)
                os.utime(path, ns=(ns, ns), follow_symlinks=False)
                made[name] = (targets[i], os.lstat(path).st_mtime_ns)  # fs may clamp
            else:
                with open(path, "wb"):
                    pass
                os.utime(path, ns=(ns, ns))
                made[name] = (None, os.lstat(path).st_mtime_ns)
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), **UNAMBIGUOUS_LS_ENV}
        out = subprocess.run(["ls", *UNAMBIGUOUS_LS_OPTIONS, "-A", tmp], env=env,
                             capture_output=True, check=True).stdout
        entries = parse_ls(out, options=UNAMBIGUOUS_LS_OPTIONS)
        got = {e.name_bytes: e for e in entries}
        assert set(got) == set(made)
        for name, (target, ns) in made.items():
            e = got[name]
            assert e.mtime_ns == ns
            assert (None if e.target is None else e.target.encode("utf-8", "surrogateescape")) == target
    finally:
        shutil.rmtree(tmp)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_name_bytes, min_size=1, max_size=8), st.lists(_target_bytes, max_size=3),
       st.lists(_mtime_ns, min_size=1, max_size=3))
def test_unambiguous_form_round_trips_real_ls(
    names: list[bytes], targets: list[bytes], mtimes: list[int]
) -> None:
    _roundtrip(names, targets, mtimes)


@pytest.mark.slow
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_name_bytes, min_size=1, max_size=20), st.lists(_target_bytes, max_size=8),
       st.lists(_mtime_ns, min_size=1, max_size=5))
def test_unambiguous_form_round_trips_real_ls_many(
    names: list[bytes], targets: list[bytes], mtimes: list[int]
) -> None:
    _roundtrip(names, targets, mtimes)


@pytest.mark.slow
@settings(max_examples=5000, deadline=None)
@given(st.one_of(st.text(), st.binary()), OPTIONS)
def test_random_input_many(data: str | bytes, options: str | None) -> None:
    _parse_or_error(data, options)

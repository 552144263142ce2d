"""Property tests: nothing but ParseError escapes; the unambiguous form round-trips real ls."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from datetime import datetime, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.support import FIXTURES

from taurus_datamover.errors import ParseError
from taurus_datamover.models.files import FileEntry
from taurus_datamover.parsers.ls import UNAMBIGUOUS_LS_ENV, UNAMBIGUOUS_LS_OPTIONS, iter_ls, parse_ls

UTC = timezone.utc
NOW = datetime(2026, 11, 25, 13, 50, tzinfo=UTC)
FIXTURES = FIXTURES / "ls"
SAMPLE_LINES = [ln for f in sorted(FIXTURES.glob("*.txt")) for ln in f.read_bytes().split(b"\n")[:12]]
OPTIONS = st.sampled_from(
    [None, "-l", "-lb", "-lQ", "-l --quoting-style=shell-escape", "-lis", "-lg", "-lo", "-lgo", "-li", "-ls", "-lh"]
)


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
        st.sampled_from(
            [
                b"",
                b" ",
                b"\n",
                b":",
                b"-",
                b"\\",
                b"'",
                b'"',
                b"\xff",
                b" -> ",
                b"5",
                b"total 0",
                b"Jan",
                b"2024-",
                b".",
            ]
        ),
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
        out = subprocess.run(
            ["ls", *UNAMBIGUOUS_LS_OPTIONS, "-A", tmp], env=env, capture_output=True, check=True
        ).stdout
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
@given(
    st.lists(_name_bytes, min_size=1, max_size=8),
    st.lists(_target_bytes, max_size=3),
    st.lists(_mtime_ns, min_size=1, max_size=3),
)
def test_unambiguous_form_round_trips_real_ls(names: list[bytes], targets: list[bytes], mtimes: list[int]) -> None:
    _roundtrip(names, targets, mtimes)


@pytest.mark.slow
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(_name_bytes, min_size=1, max_size=20),
    st.lists(_target_bytes, max_size=8),
    st.lists(_mtime_ns, min_size=1, max_size=5),
)
def test_unambiguous_form_round_trips_real_ls_many(names: list[bytes], targets: list[bytes], mtimes: list[int]) -> None:
    _roundtrip(names, targets, mtimes)


@pytest.mark.slow
@settings(max_examples=5000, deadline=None)
@given(st.one_of(st.text(), st.binary()), OPTIONS)
def test_random_input_many(data: str | bytes, options: str | None) -> None:
    _parse_or_error(data, options)


# ----- the reader on generated listings of the default style (plain ls -l to a pipe) -------

_MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
_line_name = st.text(st.characters(blacklist_characters="\n/", blacklist_categories=("Cs",)), min_size=1, max_size=20)
_ids = st.sampled_from(["root", "alice", "bob-2", "ü_user", "1000"])
_entry = st.tuples(
    _line_name,
    st.integers(0, 10**12),
    _ids,
    _ids,
    st.one_of(st.none(), _line_name),
    st.integers(0, 11),
    st.integers(1, 28),
    st.booleans(),
)


def _recent(month: int) -> int:
    return 5 + month % 5


def _listing(entries: list[tuple[str, int, str, str, str | None, int, int, bool]]) -> str:
    sizes = [len(t.encode()) if t is not None else s for _, s, _, _, t, _, _, _ in entries]
    width = max(len(str(s)) for s in sizes)
    owner_w = max(len(o) for _, _, o, _, _, _, _, _ in entries)
    group_w = max(len(g) for _, _, _, g, _, _, _, _ in entries)
    lines = ["total 0"]
    for (name, _, owner, group, target, month, day, old), size in zip(entries, sizes):
        mode = "lrwxrwxrwx" if target is not None else "-rw-r--r--"
        # recent times (no year) are within six months before NOW (2026-11-25): Jun..Oct
        when = f"{_MONTHS[month]} {day:2d}  2019" if old else f"{_MONTHS[_recent(month)]} {day:2d} 10:00"
        tail = f"{name} -> {target}" if target is not None else name
        lines.append(f"{mode} 1 {owner:<{owner_w}} {group:<{group_w}} {size:>{width}} {when} {tail}")
    return "\n".join(lines) + "\n"


@settings(max_examples=60, deadline=None)
@given(st.lists(_entry, min_size=1, max_size=8))
def test_generated_default_listings_read_exactly(
    entries: list[tuple[str, int, str, str, str | None, int, int, bool]],
) -> None:
    text = _listing(entries)
    got = parse_ls(text, now=NOW, tz=UTC)
    assert [(e.name, e.target, e.owner, e.group) for e in got] == [(n, t, o, g) for n, _, o, g, t, _, _, _ in entries]
    for e, (_, size, _, _, target, month, day, old) in zip(got, entries):
        want = month + 1 if old else _recent(month) + 1
        assert e.mtime is not None and (e.mtime.month, e.mtime.day) == (want, day)
        assert e.size == (len(target.encode()) if target is not None else size)
        assert (e.mtime.year == 2019) == old
    assert parse_ls(text.encode(), now=NOW, tz=UTC) == got
    lines = [line + "\n" for line in text.split("\n")[:-1]]  # \n only ends a line
    assert list(iter_ls(lines, now=NOW, tz=UTC)) == got


@pytest.mark.slow
@settings(max_examples=2000, deadline=None)
@given(st.lists(_entry, min_size=1, max_size=20))
def test_generated_default_listings_read_exactly_many(
    entries: list[tuple[str, int, str, str, str | None, int, int, bool]],
) -> None:
    test_generated_default_listings_read_exactly.hypothesis.inner_test(entries)  # type: ignore[attr-defined]

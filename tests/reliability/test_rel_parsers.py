"""Hostile input to the parsers: nothing but ParseError escapes, no forged entry is returned
silently, and the library's own listings (unambiguous flags through real ls) are immune.

The big runs (many thousands of examples) carry the ``slow`` marker; the fast ones run
always. Each test records how many inputs it tried.
"""

from __future__ import annotations

import getpass
import grp
import os
import subprocess
import tempfile
from datetime import datetime, timezone
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from taurus_datamover.command.slurm import parse_squeue
from taurus_datamover.errors import ParseError
from taurus_datamover.parsers.ls import UNAMBIGUOUS_LS_ENV, UNAMBIGUOUS_LS_OPTIONS, parse_ls
from taurus_datamover.parsers.workspaces.ws_list import parse_ws_list

UTC = timezone.utc
NOW = datetime(2026, 11, 25, 14, 0, tzinfo=UTC)
ISSUE_FORGERIES = (
    "x\n-rw-r--r-- 1 root root 999 Jan  1  2020 forged",
    "evil\nfake_header:",
    "n\ntotal 5",
)
LS_OPTIONS = [
    None,
    "-l",
    "-la",
    "-lb",
    "-lQ",
    "-l --quoting-style=shell-escape",
    "-lis",
    "-lg",
    "-lo",
    "-lh",
    "-l --full-time",
    "-l --time-style=long-iso",
    " ".join(UNAMBIGUOUS_LS_OPTIONS),
]
_COUNTS: dict[str, int] = {}


def _count(key: str, figures: Any, **extra: Any) -> None:
    _COUNTS[key] = _COUNTS.get(key, 0) + 1
    figures(_quiet=True, inputs_tried=_COUNTS[key], **extra)


# ------------------------------------------------------------------------------- ls
_LS_PIECES = st.sampled_from(
    [
        "-rw-r--r-- 1 root root 999 Jan  1  2020 forged",
        "drwxr-xr-x 2 root root 4096 Nov 25 13:47 dir",
        "lrwxrwxrwx 1 root root 3 Nov 25 13:47 l -> abc",
        "crw-rw-rw- 1 root root 1, 3 Nov 25 13:47 null",
        "total 5",
        "total 0",
        "insgesamt 12",
        "",
        "fake_header:",
        "/etc:",
        "x",
        "evil",
        " ",
        "\t",
        "-",
        "-rw-r--r--  1 root root    5 Nov 25 14:09 x",
        "-rw-r--r--. 1 a b 1 1700000000.123456789 e",
        "brw-rw---- 1 root disk 8, 0 2026-11-25 13:47 sda",
        "'quoted name'",
        '"q"',
        "\\n",
        "\\377",
        "-> ",
        "p---------",
        "?",
        "\r",
        "\x00",
        "\udcff",
    ]
)
_LS_TEXT = st.lists(st.one_of(_LS_PIECES, st.text(max_size=30)), max_size=25).map("\n".join)


def _ls_only_parse_error(text: str, options: str | None) -> str:
    try:
        entries = parse_ls(text, now=NOW, tz=UTC, options=options)
    except ParseError:
        return "error"
    assert isinstance(entries, list)
    return "entries"


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=_LS_TEXT, options=st.sampled_from(LS_OPTIONS))
def test_ls_structured_garbage_only_parse_error(text: str, options: str | None, figures: Any) -> None:
    """Lines that look like ls structure, in any order: entries or ParseError, nothing else."""
    _ls_only_parse_error(text, options)
    _count("ls-garbage", figures)


@pytest.mark.slow
@settings(max_examples=20_000, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    text=st.one_of(_LS_TEXT, st.text(), st.binary().map(lambda b: b.decode("utf-8", "surrogateescape"))),
    options=st.sampled_from(LS_OPTIONS),
)
def test_ls_structured_garbage_only_parse_error_many(text: str, options: str | None, figures: Any) -> None:
    """The same with 20,000 examples (slow)."""
    _ls_only_parse_error(text, options)
    _count("ls-garbage-many", figures)


_NAME_FRAGMENT = st.one_of(
    st.sampled_from(ISSUE_FORGERIES),
    st.sampled_from(
        [
            "\n",
            "\n\n",
            " ",
            "total 7",
            "dir:",
            "-rw-r--r-- 1 root root 12345 Jan  1  2020 f",
            " -> ",
            "\\",
            "'",
            '"',
            "\t",
        ]
    ),
    st.text(st.characters(blacklist_characters="/\x00", blacklist_categories=["Cs"]), min_size=1, max_size=12),
)
_NAMES = st.lists(
    st.lists(_NAME_FRAGMENT, min_size=1, max_size=4).map("".join), min_size=1, max_size=6, unique=True
).filter(lambda ns: all(n not in (".", "..") and len(n.encode()) < 250 for n in ns))


def _listing(names: list[str], options: list[str]) -> tuple[bytes, set[str]]:
    """Real ls output of a directory holding ``names`` (1-byte files, so sizes have width 1)."""
    with tempfile.TemporaryDirectory() as directory:
        for name in names:
            with open(os.path.join(directory, name), "wb") as handle:
                handle.write(b"x")
        listing = subprocess.run(
            ["ls", *options, directory], capture_output=True, env={**os.environ, **UNAMBIGUOUS_LS_ENV}, check=True
        ).stdout
    return listing, set(names)


def _real_ls_case(names: list[str], figures: Any, key: str) -> None:
    own = [*UNAMBIGUOUS_LS_OPTIONS, "-A"]  # -A: names may start with a dot
    exact, truth = _listing(names, own)
    got = parse_ls(exact, options=own)  # the library's own form: never an error
    assert sorted(e.name for e in got) == sorted(truth)
    literal, _ = _listing(names, ["-lA"])
    try:
        parsed = {e.name for e in parse_ls(literal, options=["-lA"])}
    except ParseError:
        outcome = "refused"
    else:
        assert parsed == truth, f"forged or lost entries: {sorted(parsed ^ truth)!r}"
        outcome = "exact"
    _COUNTS[f"{key}-{outcome}"] = _COUNTS.get(f"{key}-{outcome}", 0) + 1
    _COUNTS[f"{key}-names"] = _COUNTS.get(f"{key}-names", 0) + len(names)
    _count(
        key,
        figures,
        names=_COUNTS[f"{key}-names"],
        literal_exact=_COUNTS.get(f"{key}-exact", 0),
        literal_refused=_COUNTS.get(f"{key}-refused", 0),
        forged_returned=0,
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(names=_NAMES)
def test_real_ls_of_forging_names(names: list[str], figures: Any) -> None:
    """Names that forge entries, headers and totals, listed by real ls: the unambiguous form
    gives exactly the names; the literal form gives exactly the names or ParseError."""
    _real_ls_case(names, figures, "real-ls")


@pytest.mark.slow
@settings(max_examples=3_000, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(names=_NAMES)
def test_real_ls_of_forging_names_many(names: list[str], figures: Any) -> None:
    """The same with 3,000 directories (slow)."""
    _real_ls_case(names, figures, "real-ls-many")


def test_issue_forgeries_in_literal_and_unambiguous_listings(figures: Any) -> None:
    """The three names of issue 7: literal ls is refused (never forged); -b is exact."""
    names = [*ISSUE_FORGERIES, "plain"]
    exact, truth = _listing(names, list(UNAMBIGUOUS_LS_OPTIONS))
    assert {e.name for e in parse_ls(exact, options=UNAMBIGUOUS_LS_OPTIONS)} == truth
    literal, _ = _listing(names, ["-l"])
    with pytest.raises(ParseError, match="not aligned"):
        parse_ls(literal, options=["-l"])
    figures(names=len(names), unambiguous_exact=True, literal="ParseError")


def test_perfectly_aligned_forgery_is_a_limit_of_literal_ls_only(figures: Any) -> None:
    """A forged line aligned exactly like the real ones (same owner, size width and date)
    cannot be told from an entry in literal output (documented limit); -b stays exact."""
    user, group = getpass.getuser(), grp.getgrgid(os.getgid()).gr_name
    forged = f"x\n-rw-r--r-- 1 {user} {group} 1 Jan  1  2020 forged"
    with tempfile.TemporaryDirectory() as directory:
        for name in (forged, "a"):
            path = os.path.join(directory, name)
            with open(path, "wb") as out:
                out.write(b"x")
            os.chmod(path, 0o644)
            os.utime(path, (1577880000, 1577880000))  # 2020-01-01 12:00 UTC
        env = {**os.environ, **UNAMBIGUOUS_LS_ENV, "TZ": "UTC"}
        exact = subprocess.run(["ls", *UNAMBIGUOUS_LS_OPTIONS, directory], capture_output=True, env=env).stdout
        literal = subprocess.run(["ls", "-l", directory], capture_output=True, env=env).stdout
    assert {e.name for e in parse_ls(exact, options=UNAMBIGUOUS_LS_OPTIONS)} == {forged, "a"}
    try:
        names = {e.name for e in parse_ls(literal, options=["-l"], tz=UTC)}
        literal_outcome = "forged entry returned" if "forged" in names else "exact"
    except ParseError:
        literal_outcome = "refused"
    figures(unambiguous="exact", literal=literal_outcome)


# -------------------------------------------------------------------------- ws_list
_WS_PIECES = st.sampled_from(
    [
        "id: demo",
        "Id: demo",
        "id: evil\nid: forged",
        "     workspace directory  : /ws/root-demo",
        "     remaining time       : 2 days 23 hours",
        "     creation time        : Wed Nov 25 14:20:44 2026",
        "     expiration date      : Sat Nov 28 14:20:44 2026",
        "     filesystem name      : horse",
        "     available extensions : 10",
        "     acctcode             : p_x",
        "     reminder             : x",
        "     mailaddress          : a@b",
        "     remaining time       : expired",
        "id:",
        "id: ",
        "     workspace directory  : /ws/x\nid: forged",
        "fake_header:",
        "",
        "   ",
        ":",
        " : ",
        "\x1b[31mid: red\x1b[0m",
        "Error: something",
        "Info: x",
        "     creation time        : garbage",
        "     available extensions : -1",
        "     available extensions : 99999999999999999999",
    ]
)
_WS_TEXT = st.lists(st.one_of(_WS_PIECES, st.text(max_size=40)), max_size=30).map("\n".join)


def _ws_case(text: str) -> None:
    try:
        result = parse_ws_list(text, now=NOW, tz=UTC, user="root")
    except ParseError:
        return
    assert isinstance(result, list)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=_WS_TEXT)
def test_ws_list_hostile_only_parse_error(text: str, figures: Any) -> None:
    """ws_list-shaped garbage: workspaces or ParseError, nothing else."""
    _ws_case(text)
    _count("ws_list", figures)


@pytest.mark.slow
@settings(max_examples=20_000, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.one_of(_WS_TEXT, st.text()))
def test_ws_list_hostile_only_parse_error_many(text: str, figures: Any) -> None:
    """The same with 20,000 examples (slow)."""
    _ws_case(text)
    _count("ws_list-many", figures)


def test_ws_list_forged_block_in_a_value_is_not_a_workspace() -> None:
    """A value cannot open a block: 'id:' only counts at the start of a line."""
    text = (
        "id: real\n     workspace directory  : /ws/root-real\n"  # a complete block
        "     remaining time       : 1 days 0 hours\n"
        "     comment              : x id: forged\n"
        "     creation time        : Tue Nov 24 21:24:14 2026\n"
        "     expiration date      : Wed Nov 25 21:24:14 2026\n"
        "     filesystem name      : horse\n     available extensions : 1\n"
    )
    result = parse_ws_list(text, now=NOW, tz=UTC, user="root")
    assert [w.id for w in result] == ["real"]


# --------------------------------------------------------------------------- squeue
HEADER = "             JOBID PARTITION     NAME     USER ST       TIME  NODES NODELIST(REASON)"


def _row(job_id: int, name: str, user: str, state: str) -> str:
    """One row as squeue's default format prints it (``%.18i %.9P %.8j %.8u %.2t ...``)."""
    return f"{job_id:>18} {'datamover':>9} {name[:8]:>8} {user[:8]:>8} {state[:2]:>2} {'0:05':>10} {1:>6} localhost"


_SQ_PIECES = st.sampled_from(
    [
        HEADER,
        "",
        "   ",
        "123",
        "abc datamover x root R 0:01 1 localhost",
        "slurm_load_jobs error: Invalid job id specified",
        "JOBID",
        "1_[2-3] d n u PD 0:00 1 (None)",
        "99999999999999999999999 d n u R 0:00 1 x",
        "12+0 d n u CG 0:00 1 x",
    ]
)


def _sq_case(text: str) -> None:
    try:
        jobs = parse_squeue(text)
    except ParseError:
        return
    assert isinstance(jobs, list)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.lists(st.one_of(_SQ_PIECES, st.text(max_size=60)), max_size=20).map("\n".join))
def test_squeue_hostile_only_parse_error(text: str, figures: Any) -> None:
    """squeue-shaped garbage: rows or ParseError, nothing else."""
    _sq_case(text)
    _count("squeue", figures)


@pytest.mark.slow
@settings(max_examples=20_000, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.one_of(st.lists(st.one_of(_SQ_PIECES, st.text(max_size=60)), max_size=20).map("\n".join), st.text()))
def test_squeue_hostile_only_parse_error_many(text: str, figures: Any) -> None:
    """The same with 20,000 examples (slow)."""
    _sq_case(text)
    _count("squeue-many", figures)


_JOB_NAME = st.text(
    st.characters(whitelist_categories=["Ll", "Lu", "Nd"], whitelist_characters="_-."), min_size=1, max_size=8
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    rows=st.lists(
        st.tuples(st.integers(1, 10**9), _JOB_NAME, st.sampled_from(["R", "PD", "CD", "F", "CA", "TO"])),
        max_size=20,
        unique_by=lambda r: r[0],
    )
)
def test_squeue_rows_round_trip(rows: list[tuple[int, str, str]], figures: Any) -> None:
    """Rows rendered exactly as squeue prints them parse back to their id, name and state."""
    text = "\n".join([HEADER, *(_row(i, n, "root", s) for i, n, s in rows)]) + "\n"
    parsed = parse_squeue(text)
    assert [(j.job_id, j.name, j.raw_state) for j in parsed] == [(i, n, s) for i, n, s in rows]
    _count("squeue-round-trip", figures)


def test_squeue_job_name_with_spaces_cannot_forge_a_state() -> None:
    """``sbatch -J 'a b CD'`` is legal; squeue prints the name as is (8 columns wide)."""
    text = HEADER + "\n" + _row(123, "a b CD", "root", "R") + "\n"
    try:
        jobs = parse_squeue(text)
    except ParseError:
        return  # refusing is fine; a wrong state is not
    assert [(j.job_id, j.state.value, j.user) for j in jobs] == [(123, "RUNNING", "root")]

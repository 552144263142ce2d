"""Hostile arguments through the emulated site: one argv entry each, never an option.

File names that start with ``-``, look like datamover options, contain spaces, quotes,
``;``, ``$(...)``, backticks, backslashes, newlines, glob characters or bytes that are not
UTF-8 are given to the raw tool calls (``dm.dtcp('--', src, dst)``, ``dm.dtls('-1b', '--',
p)``, ``dm.dtmv``, ``dm.dtrm``), blocking (srun / direct exec) and as batch jobs (local
queue / sbatch). The effect on disk is checked: each file copied, moved and removed exactly,
the original never touched, no stray file created by an injection (``touch INJ...``).
"""

from __future__ import annotations

import os
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.support.reliability import needs_slurm

from taurus_datamover.datamover import Datamover
from taurus_datamover.emulator.site import EmulatedSite
from taurus_datamover.errors import DatamoverError

#: Names that a shell, an option parser or a line-based reader would get wrong.
HOSTILE: tuple[str | bytes, ...] = (
    "-rf",
    "--help",
    "-",
    "--",
    "--blocking",
    "--time=0:01",
    "--account=evil",
    "-n x",
    "a b",
    "  lead and trail  ",
    "it's",
    'q"x',
    "x;touch INJ_semicolon",
    "$(touch INJ_subst)",
    "`touch INJ_backtick`",
    "a|touch INJ_pipe",
    "a&&touch INJ_and",
    ">INJ_redirect",
    "back\\slash",
    "back\\\\n",
    "new\nline",
    "-n\nx",
    "x\n-rw-r--r-- 1 root root 999 Jan  1  2020 forged",
    "tab\there",
    "cr\rhere",
    "*",
    "?",
    "[ab]",
    "~root",
    "$HOME",
    "%s%n%d",
    "\x1b[31mred",
    "ünïcødé ✓",
    b"inv\xff\xfe",
    b"-\x80starts-with-dash",
    b"\xc3(",
)

ENV_C = {"LC_ALL": "C"}


def _fs(name: str | bytes) -> bytes:
    return name if isinstance(name, bytes) else os.fsencode(name)


def _datamover(site: EmulatedSite, blocking: bool) -> Datamover:
    env = site.env()
    env.update(ENV_C)
    return Datamover(site.bin, env=env, blocking=blocking)


@pytest.fixture(params=["local", pytest.param("slurm", marks=[pytest.mark.slurm, needs_slurm])])
def site(request: pytest.FixtureRequest) -> EmulatedSite:
    """The emulated site, once with the local queue and once on the real Slurm."""
    fixture = "local_site" if request.param == "local" else "slurm_site"
    value: EmulatedSite = request.getfixturevalue(fixture)
    return value


def _injection_made(root: Path) -> list[str]:
    return sorted(
        os.fsdecode(os.path.join(d, f))
        for d, _dirs, files in os.walk(os.fsencode(root))
        for f in files
        if f.startswith(b"INJ")
    )


def _write_sources() -> dict[bytes, bytes]:
    sources: dict[bytes, bytes] = {}
    for i, name in enumerate(HOSTILE):
        raw = _fs(name)
        payload = f"payload {i} {name!r}\n".encode()
        with open(raw, "wb") as out:
            out.write(payload)
        sources[raw] = payload
    return sources


def _check_sources_untouched(sources: dict[bytes, bytes], directory: bytes = b".") -> None:
    """Exactly the originals are left, unchanged (besides batch jobs' slurm-N.out files)."""
    left = {
        n
        for n in os.listdir(directory)
        if not (n.startswith(b"slurm-") and n.endswith(b".out")) and not os.path.isdir(os.path.join(directory, n))
    }
    assert left == set(sources), sorted(left ^ set(sources))
    for raw, payload in sources.items():
        with open(os.path.join(directory, raw), "rb") as src:
            assert src.read() == payload, raw


def _copy_move_remove_each(dm: Datamover, sources: dict[bytes, bytes]) -> list[tuple[bytes, str]]:
    """dtcp, dtmv, dtrm of every name on its own (8 threads); the failures."""

    def one(raw: bytes) -> tuple[bytes, str]:
        copy, moved = raw + b".copy", raw + b".moved"
        steps = [("dtcp", ("--", raw, copy)), ("dtmv", ("--", copy, moved)), ("dtrm", ("--", moved))]
        for tool, args in steps:
            job = dm.run(tool, *args, timeout=120)
            try:
                job.result(timeout=150)
            except DatamoverError as exc:
                return raw, f"{tool}: {exc}"
            if tool == "dtcp":
                with open(copy, "rb") as got:
                    if got.read() != sources[raw]:
                        return raw, "copy differs"
        return raw, ""

    with ThreadPoolExecutor(max_workers=8) as pool:
        return [(raw, why) for raw, why in pool.map(one, sources) if why]


def test_hostile_names_each_alone(site: EmulatedSite, work: Path, tmp_path: Path, figures: Any) -> None:
    """dtcp/dtmv/dtrm of every hostile name on its own, relative to the cwd (blocking)."""
    sources = _write_sources()
    failures = _copy_move_remove_each(_datamover(site, True), sources)
    assert not failures, failures
    _check_sources_untouched(sources)
    injected = _injection_made(tmp_path)
    assert injected == []
    figures(
        mode="slurm" if site.slurm else "local",
        names_tried=len(HOSTILE),
        tool_calls=3 * len(HOSTILE),
        stray_files=len(injected),
        wrong_effects=len(failures),
    )


@pytest.mark.slow
def test_hostile_names_each_alone_as_batch_jobs(site: EmulatedSite, work: Path, tmp_path: Path, figures: Any) -> None:
    """The same with every call a batch job (local queue record / sbatch script arguments)."""
    sources = _write_sources()
    failures = _copy_move_remove_each(_datamover(site, False), sources)
    assert not failures, failures
    _check_sources_untouched(sources)
    assert _injection_made(tmp_path) == []
    figures(mode="slurm" if site.slurm else "local", names_tried=len(HOSTILE), batch_jobs=3 * len(HOSTILE))


@pytest.mark.parametrize("blocking", [True, False], ids=["blocking", "batch"])
def test_hostile_names_many_operands(
    site: EmulatedSite, work: Path, tmp_path: Path, blocking: bool, figures: Any
) -> None:
    """All names in one call each of dtls -1b, dtcp, dtmv, dtrm: every name is one operand."""
    dm = _datamover(site, blocking)
    sources = _write_sources()
    names = list(sources)
    listed = dm.dtls("-1b", "--", *names).result(timeout=120).stdout  # dtls is always blocking
    expected = subprocess.run(
        ["ls", "-1b", "--", *names], capture_output=True, env={**os.environ, **ENV_C}, check=True
    ).stdout.decode("utf-8", "surrogateescape")
    assert listed == expected
    assert len(listed.splitlines()) == len(names)

    first, second = work / "first", work / "second"
    first.mkdir()
    second.mkdir()
    dm.dtcp("--", *names, first).result(timeout=120)
    _check_sources_untouched(sources, os.fsencode(first))
    in_first = [os.path.join(os.fsencode(first), raw) for raw in names]
    dm.dtmv("--", *in_first, second).result(timeout=120)
    assert os.listdir(first) == []
    _check_sources_untouched(sources, os.fsencode(second))
    dm.dtrm("--", *(os.path.join(os.fsencode(second), raw) for raw in names)).result(timeout=120)
    assert os.listdir(second) == []
    _check_sources_untouched(sources)
    assert _injection_made(tmp_path) == []
    figures(
        mode="slurm" if site.slurm else "local",
        blocking=blocking,
        operands_per_call=len(names),
        lines_listed=len(listed.splitlines()),
    )


def test_absolute_hostile_paths_and_dtls_of_each(local_site: EmulatedSite, tmp_path: Path, figures: Any) -> None:
    """Absolute paths under the site's /grp: ``dtls -1b -- p`` prints exactly ls's escape of p."""
    dm = _datamover(local_site, True)
    base = os.fsencode(local_site.grp / "hostile dir; $(x)")
    os.mkdir(base)
    checked = 0
    for name in HOSTILE:
        path = os.path.join(base, _fs(name))
        with open(path, "wb") as out:
            out.write(b"x")
        got = dm.dtls("-1b", "--", path).result(timeout=60).stdout
        want = subprocess.run(["ls", "-1b", "--", path], capture_output=True, env={**os.environ, **ENV_C}, check=True)
        assert got.encode("utf-8", "surrogateescape") == want.stdout
        checked += 1
    dm.dtrm("-r", "--", base).result(timeout=60)
    assert not os.path.exists(base)
    assert _injection_made(tmp_path) == []
    figures(absolute_paths_listed=checked)


def test_option_lookalike_without_separator_is_not_a_datamover_option(local_site: EmulatedSite, work: Path) -> None:
    """A datamover option given after ``--`` is a file: the job keeps its own time limit."""
    dm = _datamover(local_site, False)
    Path("--time=0:01").write_text("t")
    job = dm.dtcp("--", "--time=0:01", "copy")
    job.result(timeout=60)
    assert Path("copy").read_text() == "t"
    queue = subprocess.run(
        [str(local_site.bin / "dtqueue"), "-h", "-t", "all", "-j", str(job.job_id), "-o", "%l"],
        capture_output=True,
        text=True,
        env=local_site.env(),
        check=True,
    )
    assert queue.stdout.strip() == "18:00:00"  # the default, not one second


def test_nul_byte_is_refused_before_anything_runs(local_site: EmulatedSite) -> None:
    """A NUL cannot be passed to a program: ValueError, no process started."""
    dm = _datamover(local_site, True)
    for bad in ("a\x00b", b"a\x00b"):
        with pytest.raises(ValueError, match="NUL"):
            dm.dtls("--", bad)


_NAME_BYTES = st.binary(min_size=1, max_size=40).filter(
    lambda b: b"/" not in b and b"\x00" not in b and b not in (b".", b"..")
)


_RANDOM_RUNS: dict[str, int] = {"examples": 0, "names": 0}


def _random_names_case(site: EmulatedSite, names: list[bytes], dm: Datamover, figures: Any) -> None:
    directory = os.fsencode(site.grp) + b"/h-" + os.urandom(6).hex().encode()
    os.mkdir(directory)
    try:
        for raw in names:
            with open(os.path.join(directory, raw), "wb") as out:
                out.write(raw)
        srcs = [os.path.join(directory, raw) for raw in names]
        target = directory + b"/.target"
        os.mkdir(target)
        dm.dtcp("--", *srcs, target).result(timeout=60)
        assert set(os.listdir(target)) == set(names)
        for raw in names:
            with open(os.path.join(target, raw), "rb") as f:
                assert f.read() == raw
        dm.dtrm("--", *srcs).result(timeout=60)
        assert os.listdir(directory) == [b".target"]
        _RANDOM_RUNS["examples"] += 1
        _RANDOM_RUNS["names"] += len(names)
        figures(_quiet=True, examples=_RANDOM_RUNS["examples"], names_tried=_RANDOM_RUNS["names"], lost_or_wrong=0)
    finally:
        subprocess.run(["rm", "-rf", "--", directory], check=False)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(names=st.lists(_NAME_BYTES, min_size=1, max_size=8, unique=True))
def test_random_byte_names_reach_the_tool_intact(local_site: EmulatedSite, names: list[bytes], figures: Any) -> None:
    """Random byte names (no ``/``, no NUL) copied and removed exactly through dtcp/dtrm."""
    _random_names_case(local_site, names, _datamover(local_site, True), figures)


@pytest.mark.slow
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(names=st.lists(_NAME_BYTES, min_size=1, max_size=16, unique=True))
def test_random_byte_names_many(local_site: EmulatedSite, names: list[bytes], figures: Any) -> None:
    """The same with many more examples (slow)."""
    _random_names_case(local_site, names, _datamover(local_site, True), figures)

"""Pure parts of the emulated dt tools: option stripping, time limits, argv builders, squeue text."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from taurus_datamover.emulator.dt.jobs import JobRecord
from taurus_datamover.emulator.dt.manage import (
    FormatError,
    format_duration,
    format_jobs,
    parse_states,
)
from taurus_datamover.emulator.dt.options import (
    DEFAULT_TIME,
    UsageError,
    parse_time_limit,
    split_options,
)
from taurus_datamover.emulator.dt.transfer import slurm_argv

SQUEUE_HEADER = "             JOBID PARTITION     NAME     USER ST       TIME  NODES NODELIST(REASON)"

ours = st.sampled_from(["--blocking", "--time", "--account"])
plain_words = st.text(min_size=0, max_size=12).filter(
    lambda w: w != "--" and w.partition("=")[0] not in ("--blocking", "--time", "--account")
)


def test_options_are_stripped_anywhere_before_separator() -> None:
    opts = split_options(["--account=p_x", "-l", "--blocking", "a", "--time", "5", "b"])
    assert opts.blocking is True
    assert opts.time == "5"
    assert opts.account == "p_x"
    assert opts.args == ("-l", "a", "b")


def test_words_after_separator_are_operands() -> None:
    opts = split_options(["-r", "--", "--blocking", "--time=5", "-weird"])
    assert opts.blocking is False
    assert opts.time is None
    assert opts.args == ("-r", "--", "--blocking", "--time=5", "-weird")


def test_separated_value_forms_and_last_one_wins() -> None:
    opts = split_options(["--time=1", "--account", "a", "--time", "2:00", "--account=b"])
    assert (opts.time, opts.account, opts.args) == ("2:00", "b", ())
    assert opts.time_or_default == "2:00"
    assert split_options([]).time_or_default == DEFAULT_TIME == "18:00:00"


@pytest.mark.parametrize("argv", [["--time"], ["x", "--account"]])
def test_missing_value_is_a_usage_error(argv: list[str]) -> None:
    with pytest.raises(UsageError, match="requires an argument"):
        split_options(argv)


@given(st.lists(plain_words, max_size=8))
def test_arguments_without_our_options_pass_unchanged(words: list[str]) -> None:
    assert split_options(words).args == tuple(words)


@given(st.lists(plain_words, max_size=6), st.lists(st.text(max_size=8), max_size=6))
def test_everything_after_separator_is_kept(before: list[str], after: list[str]) -> None:
    opts = split_options([*before, "--blocking", "--", *after])
    assert opts.blocking
    assert opts.args == (*before, "--", *after)


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("5", 300),
        ("0:02", 2),
        ("1:30", 90),
        ("18:00:00", 64800),
        ("1-2", 93600),
        ("1-2:03", 93780),
        ("1-0:0:5", 86405),
        ("0", None),
        ("INFINITE", None),
        ("unlimited", None),
    ],
)
def test_slurm_time_syntax(text: str, seconds: int | None) -> None:
    assert parse_time_limit(text) == seconds


@pytest.mark.parametrize("text", ["", "x", "1:2:3:4", "-5", "1h", "1-"])
def test_bad_time_is_rejected(text: str) -> None:
    with pytest.raises(UsageError):
        parse_time_limit(text)


def test_srun_and_sbatch_argv() -> None:
    opts = split_options(["--account=p_a", "-r", "src", "dst"])
    assert slurm_argv("cp", opts) == [
        "srun",
        "-p",
        "datamover",
        "--time=18:00:00",
        "--account=p_a",
        "--pty",
        "cp",
        "-r",
        "src",
        "dst",
    ]
    opts = split_options(["--time=5", "a", "b"])
    assert slurm_argv("cp", opts, "/site/bin") == [
        "sbatch",
        "-p",
        "datamover",
        "--time=5",
        "-J",
        "cp",
        "/site/bin/.dt-exec",
        "cp",
        "a",
        "b",
    ]


def _job(**changes: object) -> JobRecord:
    values: dict[str, object] = dict(
        job_id=1234,
        name="rsync-long-name",
        user="marie",
        partition="datamover",
        argv=("rsync", "a", "b"),
        workdir="/w",
        stdout="/w/slurm-1234.out",
        time_limit=64800,
        account=None,
        state="RUNNING",
        submit_time=100.0,
        start_time=110.0,
    )
    values.update(changes)
    return JobRecord(**values)  # type: ignore[arg-type]


def test_default_squeue_format_matches_real_squeue() -> None:
    text = format_jobs([_job(), _job(job_id=1235, state="PENDING", start_time=None)], now=175.0)
    assert text.splitlines() == [
        SQUEUE_HEADER,
        "              1234 datamover rsync-lo    marie  R       1:05      1 localhost",
        "              1235 datamover rsync-lo    marie PD       0:00      1 (None)",
    ]


def test_custom_format_and_no_header() -> None:
    job = _job(state="COMPLETED", end_time=120.0)
    assert format_jobs([job], 999.0, "%i|%T|%t|%j|%u|%P|%M|%D|%R|%l", header=False) == (
        "1234|COMPLETED|CD|rsync-long-name|marie|datamover|0:10|1|localhost|18:00:00\n"
    )
    assert format_jobs([], 0.0, "%.6i %T") == " JOBID STATE\n"
    with pytest.raises(FormatError):
        format_jobs([job], 0.0, "%Q")


@pytest.mark.parametrize(("seconds", "text"), [(0, "0:00"), (65, "1:05"), (3600, "1:00:00"), (90061, "1-01:01:01")])
def test_duration(seconds: int, text: str) -> None:
    assert format_duration(seconds) == text


def test_states() -> None:
    assert parse_states("all") is None
    assert parse_states("cd,F,cancelled,TO") == frozenset({"COMPLETED", "FAILED", "CANCELLED", "TIMEOUT"})
    with pytest.raises(FormatError):
        parse_states("bogus")

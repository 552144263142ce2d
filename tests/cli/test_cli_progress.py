"""rsync progress lines (``--info=progress2`` / ``--progress``) to bytes, percent and rate."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from taurus_datamover.parsers.progress import Progress, latest_progress, parse_progress_line


def test_progress2_line() -> None:
    line = "    262,144,000  25%  249.88MB/s    0:00:03 (xfr#1, to-chk=3/5)"
    assert parse_progress_line(line) == Progress(
        bytes=262144000,
        bytes_text="262,144,000",
        percent=25,
        rate=249.88 * 1024**2,
        rate_text="249.88MB/s",
        time_text="0:00:03",
        transferred_files=1,
        files_to_check=3,
        files_total=5,
    )


def test_variants() -> None:
    plain = parse_progress_line("      32768 100%   31.25MB/s    0:00:00 (xfer#1, ir-chk=1000/1002)")
    assert plain is not None and plain.bytes == 32768 and plain.files_to_check == 1000
    rounded = parse_progress_line("          1.05G  99%   10.50kB/s    0:01:10")
    assert rounded is not None and rounded.bytes is None and rounded.bytes_text == "1.05G"
    assert rounded.rate == 10.5 * 1024 and rounded.transferred_files is None
    german = parse_progress_line("  1.048.576 100%  1,00MB/s  0:00:01") is None  # comma rate: not rsync's C locale
    assert german
    grouped = parse_progress_line("  1.048.576  10%  1.00MB/s    0:00:01")
    assert grouped is not None and grouped.bytes == 1048576


def test_other_lines_are_not_progress() -> None:
    for line in (
        "sending incremental file list",
        "raw/a.csv",
        "",
        "sent 1,234 bytes  received 35 bytes  2,538.00 bytes/sec",
        "total size is 1,048,576  speedup is 1.00",
        "  12 345%  1.00MB/s 0:00:01",
        "1,2345 10% 1.00MB/s 0:00:01",
    ):
        assert parse_progress_line(line) is None, line


def test_latest_progress_takes_the_last_report() -> None:
    text = (
        "sending incremental file list\nraw/\nraw/a.csv\n"
        "        100,000  10%   1.00MB/s    0:00:09\r"
        "        500,000  50%   1.00MB/s    0:00:05 (xfr#1, to-chk=1/3)\r"
        "      1,000,000 100%   1.00MB/s    0:00:01 (xfr#2, to-chk=0/3)\n\n"
        "sent 1,000,123 bytes  received 54 bytes\ntotal size is 1,000,000  speedup is 1.00\n"
    )
    progress = latest_progress(text)
    assert progress is not None and progress.bytes == 1_000_000 and progress.done
    assert latest_progress("nothing here\n") is None
    # a report still being written is not used until complete
    partial = latest_progress("        100,000  10%   1.00MB/s    0:00:09\r        500,000  50%   1.0")
    assert partial is not None and partial.percent == 10


@given(
    st.integers(0, 10**15),
    st.integers(0, 100),
    st.integers(0, 10**6),
    st.integers(0, 99),
    st.sampled_from(["kB/s", "MB/s", "GB/s"]),
    st.integers(0, 10**6),
    st.integers(0, 10**6),
)
def test_formatted_reports_parse_back(
    nbytes: int, percent: int, whole: int, frac: int, unit: str, left: int, total: int
) -> None:
    line = f"{nbytes:>15,} {percent:>3}% {whole}.{frac:02d}{unit} 1:02:03 (xfr#7, to-chk={left}/{total})"
    progress = parse_progress_line(line)
    assert progress is not None
    assert (progress.bytes, progress.percent, progress.files_to_check, progress.files_total) == (
        nbytes,
        percent,
        left,
        total,
    )
    assert progress.rate_text == f"{whole}.{frac:02d}{unit}"


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=80))
def test_any_text_gives_progress_or_none(text: str) -> None:
    result = latest_progress(text)
    assert result is None or 0 <= result.percent <= 100

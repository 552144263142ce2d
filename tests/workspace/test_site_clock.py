"""The object API reads an emulated site's clock as the site's own tools do (the format is in
``facts``; the emulator is a wing, so each side has its reader: they must agree)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from taurus_datamover.emulator import clock
from taurus_datamover.emulator.errors import EmulatorArgumentError
from taurus_datamover.errors import WorkspaceError
from taurus_datamover.facts import EMULATOR_CLOCK_FILE, EMULATOR_NOW_ENV
from taurus_datamover.workspace.context import site_clock

MOMENTS = st.datetimes(
    min_value=datetime(1971, 1, 1), max_value=datetime(2200, 1, 1), timezones=st.sampled_from([timezone.utc, None])
)


def _texts(when: datetime) -> list[str]:
    aware = when if when.tzinfo else when.replace(tzinfo=timezone.utc)
    return [str(aware.timestamp()), when.isoformat()]


@given(when=MOMENTS)
def test_the_clock_file_reads_as_the_emulated_tools_read_it(
    tmp_path_factory: pytest.TempPathFactory, when: datetime
) -> None:
    root = tmp_path_factory.mktemp("site")
    for text in _texts(when):
        (root / EMULATOR_CLOCK_FILE).write_text(text + "\n")
        assert site_clock(root, {}).timestamp() == pytest.approx(clock.now(root, {}), abs=1e-6)
        assert site_clock(root, {}).tzinfo is not None


def test_the_variable_wins_over_the_file(tmp_path: Path) -> None:
    (tmp_path / EMULATOR_CLOCK_FILE).write_text("1000")
    env = {EMULATOR_NOW_ENV: "2030-01-02T03:04:05"}
    assert site_clock(tmp_path, env) == datetime(2030, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    assert site_clock(tmp_path, env).timestamp() == clock.now(tmp_path, env)


def test_no_clock_is_the_real_time(tmp_path: Path) -> None:
    assert abs(site_clock(tmp_path, {}) - datetime.now(timezone.utc)) < timedelta(minutes=1)


@pytest.mark.parametrize("text", [b"next tuesday", b"inf", b"nan", b"1e300", b"-1e20", b"\xff"])
def test_an_unreadable_clock_is_a_typed_error_on_both_sides(tmp_path: Path, text: bytes) -> None:
    """inf and 1e300 raised OverflowError, a byte that is not UTF-8 UnicodeDecodeError; the
    emulator read nan as a time and raised a bare ValueError for the rest."""
    (tmp_path / EMULATOR_CLOCK_FILE).write_bytes(text)
    with pytest.raises(WorkspaceError, match="neither epoch seconds nor ISO 8601"):
        site_clock(tmp_path, {})
    with pytest.raises(EmulatorArgumentError, match="neither epoch seconds nor ISO 8601"):
        clock.now(tmp_path, {})

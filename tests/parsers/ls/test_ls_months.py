"""The month names are package data, generated from the locales, and read once."""

from __future__ import annotations

from taurus_datamover.parsers.ls.months import month_numbers


def test_month_names_of_several_locales_are_package_data_read_once() -> None:
    table = month_numbers()
    assert table is month_numbers()  # read once, then shared
    assert (table["Jan"], table["Dec"], table["12月"], table["мар"]) == (1, 12, 12, 3)
    assert all(1 <= number <= 12 for number in table.values()) and len(table) > 1000

"""Every real ls output in fixtures/ls/ parses to exactly the ground truth read with os.lstat."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any

import pytest
from tests.support import FIXTURES

from taurus_datamover.errors import ParseError
from taurus_datamover.models.files import EntryType, FileEntry, TimePrecision
from taurus_datamover.parsers.ls import parse_ls

FIXTURES = FIXTURES / "ls"
_MIN_NS = (datetime(1, 1, 2, tzinfo=timezone.utc).timestamp()) * 10**9
_MAX_NS = (datetime(9999, 12, 31, tzinfo=timezone.utc).timestamp()) * 10**9
MANIFEST = json.loads((FIXTURES / "manifest.json").read_text())
CASES = {c["case"]: c for c in MANIFEST["cases"]}


def _flags(case: dict[str, Any]) -> str:
    return " ".join(case["options"])


def _parse(case: dict[str, Any]) -> list[FileEntry]:
    data = (FIXTURES / case["file"]).read_bytes()
    now = datetime.fromtimestamp(case["now_ns"] / 1e9, timezone.utc)
    return parse_ls(data, now=now, tz=timezone.utc, options=case["options"])


def _check(entry: FileEntry, truth: dict[str, Any], case: dict[str, Any]) -> None:
    flags = _flags(case)
    assert entry.name == truth["name"]
    assert entry.name_bytes == bytes.fromhex(truth["name_hex"])
    assert entry.type is EntryType(truth["type"])
    assert entry.permissions == truth["permissions"]
    assert entry.links == truth["nlink"]
    assert entry.target == truth["target"]
    dev = truth["device"]
    assert entry.device == (None if dev is None else tuple(dev))
    if dev is None:
        assert entry.size_text is not None
        if entry.size is not None:
            assert entry.size == truth["size"]
        else:  # a rounded -h/--si size is never turned into an int
            assert any(entry.size_text.endswith(u) for u in "KMGTPEkmgtpe")
            assert truth["size"] >= 1000
    numeric = "-ln" in flags
    want_owner = str(truth["uid"]) if numeric else truth["owner"]
    want_group = str(truth["gid"]) if numeric else truth["group"]
    assert entry.owner == (None if "g" in flags.split()[0] else want_owner)
    assert entry.group == (None if "o" in flags.split()[0] else want_group)
    if "i" in flags.split()[0]:
        assert entry.inode == truth["inode"]
    else:
        assert entry.inode is None
    assert (entry.blocks is not None) == ("s" in flags.split()[0])
    if "Z" in flags.split()[0]:
        assert entry.context == (truth["context"] or "?")
    else:
        assert entry.context is None
    ns = truth["mtime_ns"]
    prec = entry.mtime_precision
    if not _MIN_NS <= ns < _MAX_NS:  # outside datetime's years: no datetime, exact ns
        assert entry.mtime is None
        if prec in (TimePrecision.NANOSECOND, TimePrecision.SECOND):
            assert entry.mtime_ns == ns - ns % (1 if prec is TimePrecision.NANOSECOND else 10**9)
        return
    assert entry.mtime is not None
    exact = datetime.fromtimestamp(ns // 10**9, timezone.utc)
    if prec is TimePrecision.NANOSECOND:
        assert entry.mtime_ns == ns
        assert entry.mtime.replace(microsecond=0) == exact
        assert entry.mtime.microsecond == (ns % 10**9) // 1000
    elif prec is TimePrecision.SECOND:
        assert entry.mtime_ns == (ns // 10**9) * 10**9
        assert entry.mtime == exact
    elif prec is TimePrecision.MINUTE:
        assert entry.mtime_ns is None
        assert entry.mtime == exact.replace(second=0)
    else:
        assert entry.mtime.date() == exact.date()
    assert entry.mtime.utcoffset() is not None


@pytest.mark.parametrize("name", sorted(CASES))
def test_fixture_matches_ground_truth(name: str) -> None:
    case = CASES[name]
    literal = not any(
        f in ("-lb", "-lQ") or f.startswith("--quoting-style") or (f.startswith("-l") and "b" in f)
        for f in case["options"]
    )
    lossy = any(f == "-lq" or f == "--hide-control-chars" for f in case["options"])
    if (case["hostile"] and literal) or lossy:
        # literal names with forged lines, -q's '?' for hidden characters: exact, or a
        # ParseError, never a wrong entry
        try:
            entries = _parse(case)
        except ParseError as exc:
            assert exc.lineno > 0 and exc.line
            assert not lossy or "-q" in str(exc)
            return
    else:
        entries = _parse(case)
    truth = {(t["directory"], t["name"]): t for t in case["truth"]}
    got = {(e.directory, e.name): e for e in entries}
    assert len(entries) == len(case["truth"])
    assert set(got) == set(truth)
    for key, entry in got.items():
        _check(entry, truth[key], case)


def test_fixtures_cover_the_required_forms() -> None:
    flags = {" ".join(c["options"]) for c in MANIFEST["cases"]}
    for needed in (
        "-lb",
        "-lQ",
        "-l --quoting-style=shell-escape",
        "-l --full-time",
        "-l --time-style=+%s.%N",
        "-lish",
        "-ln",
        "-lg",
        "-lo",
        "-lR",
        "-ld",
    ):
        assert needed in flags
    assert {c["locale"] for c in MANIFEST["cases"]} >= {"C"}
    assert "GNU coreutils" in MANIFEST["ls_version"]


def test_paths_join_directory_and_name() -> None:
    entries = _parse(CASES["C_R"])
    sub = [e for e in entries if e.directory == "tree/sub dir"]
    assert {e.path for e in sub} >= {"tree/sub dir/inner file", "tree/sub dir/deeper\nnl"}
    flat = _parse(CASES["C_l_tree"])
    assert all(e.directory is None and e.path == e.name for e in flat)


def test_literal_hostile_never_forges_an_entry() -> None:
    for name in ("C_literal_hostile", "C_literal_hostile_R"):
        with pytest.raises(ParseError) as info:
            _parse(CASES[name])
        assert "forged" in info.value.line


def _needs_flags(case: dict[str, Any]) -> bool:
    """Whether the text alone cannot say how to read the case (quoting, -i/-s, -g/-o)."""
    for flag in case["options"]:
        if flag.startswith("--"):
            if flag.startswith(
                (
                    "--quoting-style",
                    "--inode",
                    "--size",
                    "--no-group",
                    "--color",
                    "--file-type",
                    "--indicator-style",
                    "--classify",
                    "--time-style=+",
                    "--hide-control",
                )
            ):
                return True
        elif any(ch in flag[1:] for ch in "bQisgoGZFqp"):
            return True
    return False


DEFAULT_READABLE = sorted(n for n, c in CASES.items() if not _needs_flags(c) and not c["hostile"])


@pytest.mark.parametrize("name", DEFAULT_READABLE)
def test_fixture_reads_the_same_without_options(name: str) -> None:
    """Plain listings (literal names, owner and group) need no options=: same entries."""
    case = CASES[name]
    data = (FIXTURES / case["file"]).read_bytes()
    now = datetime.fromtimestamp(case["now_ns"] / 1e9, timezone.utc)
    assert parse_ls(data, now=now, tz=timezone.utc) == _parse(case)


def test_default_readable_fixtures_include_quotes_and_backslashes() -> None:
    names = {t["name"] for n in DEFAULT_READABLE for t in CASES[n]["truth"]}
    assert {"quote'single", "back\\slash", 'quote"double'} <= names
    assert len(DEFAULT_READABLE) >= 10


def test_fixtures_cover_every_variant_of_issue_11() -> None:
    flags = {" ".join(c["options"]) for c in MANIFEST["cases"]}
    for needed in (
        "-lZ",
        "-lF",
        "-l --color=always",
        "-lF --color=always",
        "-lq",
        "-l --time-style=+%d.%m.%Y %H:%M",
        "-l --time-style=+%F %T.%N %z",
        "-l --file-type",
        "-l --indicator-style=slash",
    ):
        assert needed in flags
    assert {c["locale"] for c in MANIFEST["cases"]} >= {"C", "de_DE.UTF-8", "fr_FR.UTF-8", "ja_JP.UTF-8", "ru_RU.UTF-8"}
    assert {"C_l_times", "C_unambiguous_times", "C_lg_spaced_ids", "C_lo_spaced_ids", "C_l_spaced_ids"} <= set(CASES)


@pytest.mark.parametrize(
    ("name", "word"), [("ja_R", "合計"), ("ru_R", "итого"), ("de_R", "insgesamt"), ("fr_R", "total")]
)
def test_total_of_any_locale_is_read_structurally(name: str, word: str) -> None:
    text = (FIXTURES / CASES[name]["file"]).read_text("utf-8", "surrogateescape")
    assert f"\n{word} " in text or text.startswith(f"{word} ")
    entries = _parse(CASES[name])
    assert len(entries) == len(CASES[name]["truth"])


def test_times_outside_datetime_never_shift_columns_nor_lose_entries() -> None:
    for name in ("C_l_times", "de_l_times", "ja_l_times", "C_fulltime_times", "C_iso_times"):
        entries = {e.name: e for e in _parse(CASES[name])}
        assert set(entries) == {"year_12110", "year_-249", "two_62", "normal"}
        odd = entries["year_12110"]
        assert (odd.size, odd.owner, odd.group, odd.mtime) == (0, "root", "root", None)
        assert entries["normal"].mtime is not None
    exact = {e.name: e for e in _parse(CASES["C_unambiguous_times"])}
    assert exact["year_12110"].mtime_ns == 320_000_000_000 * 10**9
    assert exact["year_-249"].mtime_ns == -70_000_000_000 * 10**9
    assert exact["year_12110"].mtime is None and exact["two_62"].mtime is not None


def test_ids_with_spaces_are_read_with_g_and_o() -> None:
    groups = {e.name: e.group for e in _parse(CASES["C_lg_spaced_ids"])}
    assert groups == {"theirs": "domain users", "group_only": "domain users"}
    owners = {e.name: e.owner for e in _parse(CASES["C_lo_spaced_ids"])}
    assert owners == {"theirs": "alice smith", "group_only": "root"}
    (entry,) = _parse(CASES["C_l_spaced_ids"])
    assert (entry.owner, entry.group) == ("root", "domain users")


def test_lossy_names_of_q_are_a_parse_error() -> None:
    with pytest.raises(ParseError, match="-q"):
        _parse(CASES["C_lq_tree"])


def test_directory_is_given_to_entries_without_a_header() -> None:
    case = CASES["C_unambiguous_tree"]
    data = (FIXTURES / case["file"]).read_bytes()
    entries = parse_ls(data, options=case["options"], directory="/data/tree")
    assert {e.directory for e in entries} == {"/data/tree"}
    assert "/data/tree/plain" in {e.path for e in entries}
    headed = parse_ls(
        (FIXTURES / CASES["C_unambiguous_R"]["file"]).read_bytes(),
        options=CASES["C_unambiguous_R"]["options"],
        directory="/ignored",
    )
    assert "/ignored" not in {e.directory for e in headed}


@pytest.mark.parametrize("name", ["C_R", "C_lRa", "C_unambiguous_R", "C_multi", "de_R", "C_lish_R"])
def test_iter_ls_in_small_chunks_equals_parse_ls(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import taurus_datamover.parsers.ls as ls_module

    monkeypatch.setattr(ls_module, "CHUNK", 3)
    case = CASES[name]
    data = (FIXTURES / case["file"]).read_bytes()
    now = datetime.fromtimestamp(case["now_ns"] / 1e9, timezone.utc)
    lines = [line + b"\n" for line in data.split(b"\n")[:-1]]
    assert list(ls_module.iter_ls(lines, now=now, tz=timezone.utc, options=case["options"])) == _parse(case)

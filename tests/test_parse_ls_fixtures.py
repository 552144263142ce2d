"""Every real ls output in fixtures/ls/ parses to exactly the ground truth read with os.lstat."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from taurus_datamover.errors import ParseError
from taurus_datamover.models.files import EntryType, FileEntry, TimePrecision
from taurus_datamover.parsers.ls import parse_ls

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "ls"
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
    ns = truth["mtime_ns"]
    exact = datetime.fromtimestamp(ns // 10**9, timezone.utc)
    prec = entry.mtime_precision
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
    if case["hostile"] and literal:
        # literal names with forged lines: exact, or a ParseError, never a wrong entry
        try:
            entries = _parse(case)
        except ParseError as exc:
            assert exc.lineno > 0 and exc.line
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
    for needed in ("-lb", "-lQ", "-l --quoting-style=shell-escape", "-l --full-time",
                   "-l --time-style=+%s.%N", "-lish", "-ln", "-lg", "-lo", "-lR", "-ld"):
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
            if flag.startswith(("--quoting-style", "--inode", "--size", "--no-group")):
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

"""The parser built for one command line (only the sub-parser it names) answers it exactly as
the whole parser does: the same values, the same help, the same usage errors; and ``ws list``
read without argparse gets the whole parser's values, or is left to it (issue 13)."""

from __future__ import annotations

import argparse
import contextlib
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from taurus_datamover.cli import _ws_list_usage
from taurus_datamover.cli.parser import build_parser, named_commands
from taurus_datamover.cli.subcommands import COMMANDS, WS_COMMANDS
from taurus_datamover.cli.words import join_option_values, ws_list_args


def _answer(parser: argparse.ArgumentParser, words: list[str]) -> tuple[object, str, str]:
    """What ``parser`` makes of ``words``: the values (or the exit code) and what it printed."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            values = vars(parser.parse_args(words))
        except SystemExit as exc:
            return ("exit", exc.code), out.getvalue(), err.getvalue()
    usage_of = values.pop("usage_of", None)
    return (values, None if usage_of is None else usage_of()), out.getvalue(), err.getvalue()


def _same_as_whole(argv: list[str]) -> None:
    words = join_option_values(argv)
    assert _answer(build_parser(words), words) == _answer(build_parser(), words), argv


COMMAND_LINES = [
    [],
    ["--help"],
    ["-h"],
    ["--version"],
    ["ws"],
    ["ws", "-h"],
    ["ws", "nope"],
    ["nope"],
    ["ws", "list"],
    ["ws", "list", "-h"],
    ["ws", "list", "--json", "-F", "horse", "--expiring", "7"],
    ["ws", "list", "--expiring", "-1d"],
    ["ws", "list", "--bogus"],
    ["ws", "list", "--exp", "3d"],
    ["-vv", "--site-root", "/s", "ws", "-q", "list", "--site-root=/t"],
    ["--site-root", "ws", "list"],
    ["--site-root", "-v", "ws", "list"],
    ["--site", "/s", "ws", "list"],
    ["--json", "ws", "list"],
    ["-", "ws", "list"],
    ["--", "ws", "list"],
    ["ws", "--", "list"],
    ["ws", "allocate", "run1", "30", "-F", "horse", "--comment", "c"],
    ["ws", "allocate", "run1"],
    ["ws", "restore", "-l", "--json"],
    ["ws", "auto-extend", "--within", "-2d"],
    ["ws", "report", "--within", "3"],
    ["ls", "/grp/x", "-a", "--json"],
    ["ls"],
    ["cp", "-r", "a", "b", "c", "--time", "1:00:00"],
    ["rsync", "a", "b", "-a", "--info=progress2"],
    ["tar", "--", "czf", "out.tgz", "dir"],
    ["cancel", "0"],
    ["sync", "--resume", "r1", "--list"],
    ["emulate", "--root", "/r", "--exec", "ls", "-l"],
    ["demo", "-q"],
    ["completion", "fish"],
    ["man", "extra"],
]


@pytest.mark.parametrize("argv", COMMAND_LINES, ids=" ".join)
def test_a_command_line_gets_the_answer_of_the_whole_parser(argv: list[str]) -> None:
    _same_as_whole(argv)


def test_only_the_named_sub_parser_is_built() -> None:
    assert named_commands(["-v", "--site-root", "/s", "ws", "-q", "list", "--json"]) == ("ws", "list")
    assert named_commands(["cp", "a", "b"]) == ("cp",)
    for unnamed in ([], ["--help"], ["ws"], ["ws", "-h", "list"], ["nope"], ["--site", "/s", "ls", "x"]):
        assert named_commands(unnamed) == (), unnamed
    sub = next(a for a in build_parser(["ws", "list"])._actions if isinstance(a, argparse._SubParsersAction))
    assert list(sub.choices) == ["ws"]


@pytest.mark.parametrize(
    "path", [[name] for name in COMMANDS if name != "ws"] + [["ws", name] for name in WS_COMMANDS], ids=" ".join
)
def test_each_subcommand_help_is_that_of_the_whole_parser(path: list[str]) -> None:
    _same_as_whole([*path, "--help"])


_OPTIONS = ("-v", "-q", "-vq", "--emulate", "--site-root", "--site-root=/s", "--ws-path", "/d", "-h", "--json")
_OTHERS = ("-F", "horse", "--expiring", "7", "-1d", "--within", "--", "-", "x", "--bogus", "--ws")
_WORDS = st.sampled_from([*COMMANDS, *WS_COMMANDS, *_OPTIONS, *_OTHERS])


@settings(max_examples=60, deadline=None)
@given(st.lists(_WORDS, max_size=6))
def test_any_command_line_gets_the_answer_of_the_whole_parser(argv: list[str]) -> None:
    _same_as_whole(argv)


def _read_as_the_whole_parser_does(argv: list[str]) -> bool:
    """True when ``ws_list_args`` reads ``argv``, with the values the whole parser gives it."""
    words = join_option_values(argv)
    fast = ws_list_args(words)
    if fast is None:
        return False
    whole, out, err = _answer(build_parser(), words)
    assert (vars(fast), _ws_list_usage(), out, err) == (*whole, "", ""), argv
    return True


@pytest.mark.parametrize(
    "argv",
    [
        ["ws", "list"],
        ["ws", "list", "--json", "-F", "horse", "--expiring", "7"],
        ["-v", "--site-root", "/s", "ws", "-q", "list", "--site-root=/t", "--ws-path", "/w"],
        ["-v", "-v", "ws", "-v", "list", "--verbose", "--quiet"],
        ["--emulate", "ws", "--datamover-path=/d", "list", "-F=x", "--filesystem", "y", "--expiring=P1W"],
        ["ws", "list", "--site-root", "", "--filesystem="],
    ],
    ids=" ".join,
)
def test_ws_list_is_read_without_argparse(argv: list[str]) -> None:
    assert _read_as_the_whole_parser_does(argv)


_WS_LIST_WORDS = st.sampled_from(
    [
        *"ws list -v -q --verbose --quiet -vq --emulate --json --js -h -- - --site-root --site-root=/s --ws-path /d "
        "--datamover-path= -F -Fx -F=horse horse --filesystem --filesystem=-x --expiring 7 3d -1d --expiring=0 "
        "\u00b2 x --emulate=1".split(),
        "",
    ]
)


def _options(text: str) -> st.SearchStrategy[list[str]]:
    """Up to three of the options ``text`` lists (``", "`` between them), one after another."""
    one = st.sampled_from([option.split() for option in text.split(", ")])
    return st.lists(one, max_size=3).map(lambda options: [word for option in options for word in option])


_GLOBALS = "-v, -q, --verbose, --quiet, --emulate, --site-root /s, --site-root=/t, --ws-path /d, --datamover-path=/m"
_OWN = (
    "--json, -F horse, -F=x, --filesystem y, --filesystem=, --expiring 7, --expiring=3d, --expiring -1d, --expiring P2D"
)
_WS_LINES = st.tuples(_options(_GLOBALS), _options(_GLOBALS), _options(f"{_GLOBALS}, {_OWN}")).map(
    lambda o: [*o[0], "ws", *o[1], "list", *o[2]]
)
#: ``ws list`` lines, the same with a word of any kind put in, and any words.
_WS_LIST_LINES = st.one_of(
    _WS_LINES,
    st.tuples(_WS_LINES, st.integers(0, 20), _WS_LIST_WORDS).map(lambda t: [*t[0][: t[1]], t[2], *t[0][t[1] :]]),
    st.lists(_WS_LIST_WORDS, max_size=8),
)


@settings(max_examples=200, deadline=None)
@given(_WS_LIST_LINES)
def test_ws_list_read_without_argparse_agrees_with_the_whole_parser(argv: list[str]) -> None:
    _read_as_the_whole_parser_does(argv)

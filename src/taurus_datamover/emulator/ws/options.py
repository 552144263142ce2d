"""Command-line parsing in the two styles the real tools use.

The C++ tools (ws_allocate, ws_release, ws_restore, every v2 tool) parse with
boost::program_options: ``--long=value``/``--long value``, ``-d5``/``-d 5``, grouped flags
(``-xg``), unique long prefixes, named positionals that may also be given as options. The
v1 Python tools (ws_list, ws_find, ws_register) use optparse, which differs mostly in its
error report: the tools decide what an error prints.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Opt:
    """One option: its key (the long name), short letter, and whether it takes a value;
    ``implicit`` (boost ``implicit_value``): a value taken only when attached (``-gGROUP``)."""

    long: str
    short: str | None = None
    takes_value: bool = False
    implicit: str | None = None


def options(spec: str) -> list[Opt]:
    """Options written compactly, one word each: the long name, ``/`` and the short letter
    if there is one, ``=`` when it takes a value (``"help/h filesystem/F= config="``)."""
    words = ((*word.rstrip("=").partition("/"), word.endswith("=")) for word in spec.split())
    return [Opt(long, short or None, takes_value=takes_value) for long, _, short, takes_value in words]


class OptionError(Exception):
    """The command line does not fit the options (unknown option, missing value, ...)."""


class Parsed(dict[str, str]):
    """Values by long name (flags map to ``""``); ``positionals``: the words left over."""

    positionals: list[str]


def _store(parsed: Parsed, opt: Opt, value: str, allow_repeat: bool) -> None:
    if opt.long in parsed and not allow_repeat:
        raise OptionError(f"option '--{opt.long}' cannot be specified more than once")
    parsed[opt.long] = value


def _long(opts: Sequence[Opt], word: str) -> Opt:
    exact = [o for o in opts if o.long == word]
    if exact:
        return exact[0]
    guesses = [o for o in opts if o.long.startswith(word)]
    if len(guesses) == 1:
        return guesses[0]
    if guesses:
        raise OptionError(f"option '--{word}' is ambiguous")
    raise OptionError(f"unrecognised option '--{word}'")


def parse(
    argv: Sequence[str], opts: Sequence[Opt], positional: Sequence[str] = (), *, allow_repeat: bool = False
) -> Parsed:
    """Parse *argv*; positionals fill the options named in *positional*, in order (one given
    as an option too is an error, boost's "more than once"), the rest stay ``positionals``."""
    parsed = Parsed()
    by_short = {o.short: o for o in opts if o.short}
    rest: list[str] = []
    args = iter(argv)
    for arg in args:
        if arg == "--":
            rest.extend(args)
        elif arg.startswith("--"):
            word, eq, attached = arg[2:].partition("=")
            opt = _long(opts, word)
            if eq and not (opt.takes_value or opt.implicit is not None):
                raise OptionError(f"option '--{opt.long}' does not take any arguments")
            _store(parsed, opt, attached if eq else _value(opt, args), allow_repeat)
        elif arg.startswith("-") and len(arg) > 1:
            for pos, letter in enumerate(arg[1:], 2):
                found = by_short.get(letter)
                if found is None:
                    raise OptionError(f"unrecognised option '-{letter}'")
                if found.takes_value or found.implicit is not None:
                    _store(parsed, found, arg[pos:] or _value(found, args), allow_repeat)
                    break
                _store(parsed, found, "", allow_repeat)
        else:
            rest.append(arg)
    for key in positional[: len(rest)]:
        if key in parsed:
            raise OptionError(f"option '--{key}' cannot be specified more than once")
        parsed[key] = rest.pop(0)
    parsed.positionals = rest
    return parsed


def _value(opt: Opt, args: Iterator[str]) -> str:
    """The value of *opt* given without one attached: the next word, or its implicit value."""
    if not opt.takes_value:
        return opt.implicit or ""
    value = next(args, None)
    if value is None:
        raise OptionError(f"the required argument for option '--{opt.long}' is missing")
    return value


def boost_table(rows: Sequence[tuple[str, str]], gap: str = " ") -> str:
    """A boost ``options_description`` listing: ``Options:`` and aligned option lines."""
    width = max(len(spec) for spec, _ in rows)
    lines = ["Options:"]
    lines.extend(f"  {spec.ljust(width)}{gap}{text}" for spec, text in rows)
    return "\n".join(lines) + "\n"


#: The first two lines of every boost option table.
HELP_ROWS = [("-h [ --help ]", "produce help message"), ("-V [ --version ]", "show version")]


def boost_help(usage: str, rows: Sequence[tuple[str, str]], gap: str = " ") -> str:
    """A boost tool's help: *usage*, a blank line, the option table and a blank line."""
    return f"{usage}\n\n{boost_table(rows, gap)}\n"

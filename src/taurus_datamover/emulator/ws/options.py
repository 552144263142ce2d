"""Command-line parsing in the two styles the real tools use.

The C++ tools (ws_allocate, ws_release, ws_restore, every v2 tool) parse with
boost::program_options: short and long options, ``--long=value``/``--long value``,
``-d5``/``-d 5``, grouped flags (``-xg``), unique long prefixes, named positionals that
may also be given as options (``-n NAME`` or ``NAME``). The v1 Python tools (ws_list,
ws_find, ws_register) use optparse, which differs mostly in its error report.
This module does the tokenising for both; the tools decide what an error prints.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

__all__ = ["Opt", "OptionError", "Parsed", "boost_table", "options", "parse"]


@dataclass(frozen=True)
class Opt:
    """One option: its key (the long name), short letter, and whether it takes a value.

    ``implicit`` (boost ``implicit_value``) makes the value optional: it is then only
    taken when attached (``-gGROUP``, ``--groupreadable=GROUP``).
    """

    long: str
    short: str | None = None
    takes_value: bool = False
    implicit: str | None = None


def options(spec: str) -> list[Opt]:
    """Options written compactly, one word each: the long name, ``/`` and the short letter
    if there is one, ``=`` when it takes a value (``"help/h filesystem/F= config="``)."""
    found: list[Opt] = []
    for word in spec.split():
        takes_value = word.endswith("=")
        long, _, short = word.rstrip("=").partition("/")
        found.append(Opt(long, short or None, takes_value=takes_value))
    return found


class OptionError(Exception):
    """The command line does not fit the options (unknown option, missing value, ...)."""


@dataclass
class Parsed:
    """Values by long name (flags map to ``""``) and the left-over positionals."""

    values: dict[str, str] = field(default_factory=dict)
    positionals: list[str] = field(default_factory=list)

    def has(self, key: str) -> bool:
        return key in self.values

    def get(self, key: str) -> str | None:
        return self.values.get(key)


def _store(parsed: Parsed, opt: Opt, value: str, allow_repeat: bool) -> None:
    if opt.long in parsed.values and not allow_repeat:
        raise OptionError(f"option '--{opt.long}' cannot be specified more than once")
    parsed.values[opt.long] = value


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
    """Parse *argv*; positionals fill the options named in *positional*, in order.

    Positionals beyond *positional* stay in ``Parsed.positionals``; a positional whose
    option was already given as an option is an error (boost: "more than once").
    """
    parsed = Parsed()
    by_short = {o.short: o for o in opts if o.short}
    rest: list[str] = []
    args = list(argv)
    i = 0
    while i < len(args):
        arg = args[i]
        i += 1
        if arg == "--":
            rest.extend(args[i:])
            break
        if arg.startswith("--"):
            word, eq, attached = arg[2:].partition("=")
            opt = _long(opts, word)
            if eq and not (opt.takes_value or opt.implicit is not None):
                raise OptionError(f"option '--{opt.long}' does not take any arguments")
            if opt.takes_value and not eq:
                if i >= len(args):
                    raise OptionError(f"the required argument for option '--{opt.long}' is missing")
                attached = args[i]
                i += 1
            elif opt.implicit is not None and not eq:
                attached = opt.implicit
            _store(parsed, opt, attached, allow_repeat)
            continue
        if arg.startswith("-") and len(arg) > 1:
            pos = 1
            while pos < len(arg):
                letter = arg[pos]
                pos += 1
                found = by_short.get(letter)
                if found is None:
                    raise OptionError(f"unrecognised option '-{letter}'")
                if found.takes_value or found.implicit is not None:
                    value = arg[pos:]
                    if not value and found.takes_value:
                        if i >= len(args):
                            raise OptionError(f"the required argument for option '--{found.long}' is missing")
                        value = args[i]
                        i += 1
                    elif not value:
                        value = found.implicit or ""
                    _store(parsed, found, value, allow_repeat)
                    break
                _store(parsed, found, "", allow_repeat)
            continue
        rest.append(arg)
    for key, value in zip(positional, list(rest)):
        if key in parsed.values:
            raise OptionError(f"option '--{key}' cannot be specified more than once")
        parsed.values[key] = value
        rest.pop(0)
    parsed.positionals = rest
    return parsed


def boost_table(rows: Sequence[tuple[str, str]]) -> str:
    """A boost ``options_description`` listing: ``Options:`` and aligned option lines."""
    width = max(len(spec) for spec, _ in rows)
    lines = ["Options:"]
    lines.extend(f"  {spec.ljust(width)} {text}" for spec, text in rows)
    return "\n".join(lines) + "\n"

"""``taurus-datamover``: the datamover and workspace tools for scripts, cron and people.

``main(argv)`` parses the arguments (:mod:`.parser`; ``ws list`` without argparse,
:mod:`.words`), opens the tools (:mod:`.context`) and runs one subcommand; the exit codes
are in :data:`~.parser.EPILOG`. Errors are one line on stderr; ``-v`` adds the details and the traceback.
"""

from __future__ import annotations

import sys

from taurus_datamover.cli.words import (
    EXIT_INTERRUPTED,
    EXIT_TOOL_FAILED,
    EXIT_USAGE,
    handler_of,
    join_option_values,
    ws_list_args,
)

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing
if TYPE_CHECKING:
    from collections.abc import Sequence

    from taurus_datamover.cli.words import Arguments

__all__ = ["main"]

_PROG = "taurus-datamover"


def _report(exc: BaseException, verbose: bool) -> None:
    from taurus_datamover.cli.output import error_line, hint_for
    from taurus_datamover.errors import ToolError

    if verbose:
        import traceback

        traceback.print_exception(type(exc), exc, exc.__traceback__, file=sys.stderr)
        if isinstance(exc, ToolError):
            print(str(exc), file=sys.stderr)
    print(f"{_PROG}: error: {error_line(exc)}", file=sys.stderr)
    hint = hint_for(exc)
    if hint:
        print(f"{_PROG}: {hint}", file=sys.stderr)


def _arguments(words: list[str]) -> Arguments | int:
    """The values of ``words`` (those of ``ws list`` read without argparse), or the exit
    code of ``--help``, ``--version`` or a usage error."""
    fast = ws_list_args(words)
    if fast is not None:
        fast.usage_of = _ws_list_usage
        return fast
    from taurus_datamover.cli.parser import build_parser

    parser = build_parser(words)
    try:
        args = parser.parse_args(words)
    except SystemExit as exc:  # --help, --version, usage errors
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    args.usage_of = getattr(args, "usage_of", parser.format_usage)
    return args


def _ws_list_usage() -> str:
    """The usage line of ``ws list``, from its argparse parser (only a usage error needs it)."""
    from taurus_datamover.cli.parser import build_parser

    usage: str = build_parser(["ws", "list"]).parse_args(["ws", "list"]).usage_of()
    return usage


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``taurus-datamover`` with ``argv`` (default: ``sys.argv[1:]``); return the exit code.
    Only the parser loads before the arguments are known (see :mod:`.parser`)."""
    args = _arguments(join_option_values(sys.argv[1:] if argv is None else argv))
    if isinstance(args, int):
        return args
    verbose = int(getattr(args, "verbose", 0) or 0) > 0
    from taurus_datamover.cli.context import Context
    from taurus_datamover.errors import ParseError, TaurusDatamoverError, UsageError

    try:
        ctx = Context.from_args(args, force_emulate=args.command == "demo")
        code: int = handler_of(args.handler)(ctx)
        return code
    except UsageError as exc:
        sys.stderr.write(args.usage_of())
        print(f"{_PROG}: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print(f"{_PROG}: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # stdout closed early (``| head``): not an error of ours
        try:
            sys.stdout = open("/dev/null", "w")
        except OSError:
            pass
        return 0
    except (TaurusDatamoverError, OSError, RuntimeError) as exc:
        _report(exc, verbose)
        # a library error that is also a ValueError (an argument the tools would store
        # with control characters, a bad site root) was refused before anything ran
        refused = isinstance(exc, ValueError) and not isinstance(exc, ParseError)
        return EXIT_USAGE if refused else EXIT_TOOL_FAILED
    except (ValueError, TypeError) as exc:
        # refused by the library before anything ran (a path naming /, a bad option word)
        _report(exc, verbose)
        return EXIT_USAGE

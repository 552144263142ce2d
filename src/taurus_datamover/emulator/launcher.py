"""Entry point of every emulated tool: ``run(tool, root, argv)``, called by the scripts in
``<site>/bin``, or ``taurus-emulated-tool TOOL ARGS...`` (:func:`main`, the root from
``TAURUS_EMULATOR_ROOT``). Tool families load lazily (a ``dtls`` never pays for the
workspace emulator); inside a ZIH view the ``ws_*`` tools print ZIH paths.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

from taurus_datamover.facts import EMULATOR_ROOT_ENV as ROOT_ENV
from taurus_datamover.facts import EMULATOR_VIEW_ENV as VIEW_ENV
from taurus_datamover.facts import MANAGE_TOOLS, TRANSFER_TOOLS


def run(tool: str, root: str | os.PathLike[str], argv: Sequence[str]) -> int:
    """Run emulated *tool* (``dt*`` or ``ws_*``) of the site at *root*; return its exit code."""
    name = os.path.basename(tool)
    if name.startswith("ws_"):
        from taurus_datamover.emulator import ws

        mounts = None
        if os.environ.get(VIEW_ENV):  # inside a ZIH view: the site folders of the output as ZIH paths
            from taurus_datamover.emulator.zih_view import ZihStream, current_view

            mounts = current_view()
        if mounts is None:
            return ws.main(name, os.fspath(root), list(argv))
        out, err = sys.stdout, sys.stderr
        sys.stdout, sys.stderr = ZihStream(out, mounts), ZihStream(err, mounts)
        try:
            return ws.main(name, os.fspath(root), list(argv))
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            sys.stdout, sys.stderr = out, err
    if name in TRANSFER_TOOLS:
        from taurus_datamover.emulator.dt.transfer import run_transfer

        return run_transfer(name, root, argv)
    if name in MANAGE_TOOLS:
        from taurus_datamover.emulator.dt.manage import MANAGE
        from taurus_datamover.emulator.errors import JobFileError

        try:
            return MANAGE[name](name, root, argv)
        except JobFileError as exc:  # a hand-edited file of the local queue
            print(f"{name}: error: {exc}", file=sys.stderr)
            return 1
    print(f"taurus-emulated-tool: unknown tool {name!r}", file=sys.stderr)
    return 2


def main(argv: Sequence[str] | None = None) -> int:
    """``taurus-emulated-tool TOOL ARGS...``: run one tool of the site in ``$TAURUS_EMULATOR_ROOT``."""
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in ("-h", "--help"):
        print("usage: taurus-emulated-tool TOOL [ARGS...]  (site root from $TAURUS_EMULATOR_ROOT)")
        return 0 if args else 2
    root = os.environ.get(ROOT_ENV)
    if not root:
        print(f"taurus-emulated-tool: {ROOT_ENV} is not set", file=sys.stderr)
        return 2
    return run(args[0], root, args[1:])


if __name__ == "__main__":
    raise SystemExit(main())

"""How fast does ``parse_ws_list`` read a large listing, against a bare regex pass?

Builds a ``ws_list`` listing of N workspaces (default 10,000) for each generation from the
real captures in ``fixtures/`` (v1 ``list-all``, v2 ``17_list_six``): their blocks are
repeated with numbered names and their times moved by a second per copy, so every line
keeps the tools' exact layout and every time is a different one. Then it times, in the
same run and on the same text, the median of ``--repeat`` runs (CPU time of this process,
which a shared machine disturbs less than wall time) of:

* ``parse_ws_list``: the ``WorkspaceInfo`` models, times read in ``Europe/Berlin``;
* ``regex``: one plain ``re.findall`` of every ``key : value`` line (headers included) of
  the text into tuples, the floor of any reader that looks at each line once;

and prints their ratio, the target of issue 11 (at most 100 ms for 10,000 workspaces,
scaled to N), and the share of ``parse_ws_list``'s time the garbage collector took (CPU
time inside its collections, median of the runs; ``gc.callbacks``). Nothing else of the
run is kept alive while it is timed (a result held meanwhile makes each full collection
dearer).

    python bench/parse_ws_list.py [--workspaces N] [--repeat K]
"""

from __future__ import annotations

import argparse
import gc
import re
import statistics
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

from taurus_datamover.parsers import format_ctime, parse_ctime, parse_ws_list

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
CAPTURES = {
    "v1": (FIXTURES / "hpc-workspace-v1-real" / "list-all.stdout", "marie"),
    "v2": (FIXTURES / "hpc-workspace-v2-real" / "17_list_six.stdout", "usera"),
}
ZONE = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 11, 25, tzinfo=timezone.utc)
_LINE = re.compile(r"^ *([A-Za-z][a-z ]*[a-z]) *: (.*)$", re.MULTILINE)
TARGET_MS_PER_10K = 100.0
_TIME = re.compile(r"[A-Z][a-z]{2} [A-Z][a-z]{2} [ 0-9][0-9] [0-9:]{8} [0-9]{4}")


def listing(capture: Path, user: str, count: int) -> str:
    """``count`` workspaces in the layout of ``capture`` (its blocks, renamed and moved)."""
    text = capture.read_text()
    blocks = re.split(r"(?m)^(?=(?:id|Id): )", text)
    blocks = [block for block in blocks if block.strip()]
    out: list[str] = []
    for number in range(count):
        block = blocks[number % len(blocks)]
        shown = block.split("\n", 1)[0].split(": ", 1)[1]
        block = block.replace(f"{user}-{shown}\n", f"{user}-{shown}{number}\n", 1)
        block = block.replace(f": {shown}\n", f": {shown}{number}\n", 1)
        moved = timedelta(seconds=number)
        block = _TIME.sub(lambda m, moved=moved: format_ctime(parse_ctime(m.group(0), ZONE) + moved, ZONE), block)
        out.append(block)
    return "".join(out)


def regex_pass(text: str) -> list[tuple[str, str]]:
    return _LINE.findall(text)


def cpu_median(run: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Medians of the CPU time of ``run`` and of the part of it in the garbage collector."""
    times, collecting = [], []
    in_gc = [0.0, 0.0]  # start of the collection under way, total of this run

    def note(phase: str, _info: dict[str, int]) -> None:
        if phase == "start":
            in_gc[0] = time.process_time()
        else:
            in_gc[1] += time.process_time() - in_gc[0]

    gc.callbacks.append(note)
    try:
        for _ in range(repeat):
            in_gc[1] = 0.0
            start = time.process_time()
            run()
            times.append(time.process_time() - start)
            collecting.append(in_gc[1])
    finally:
        gc.callbacks.remove(note)
    return statistics.median(times), statistics.median(collecting)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--workspaces", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    print(f"{args.workspaces} workspaces, CPU time, median of {args.repeat}")
    target = TARGET_MS_PER_10K * args.workspaces / 10_000
    print(f"{'form':<6} {'parse_ws_list':>14} {'(GC)':>9} {'regex':>9} {'ratio':>7} {'target':>9}")
    for form, (capture, user) in CAPTURES.items():
        text = listing(capture, user, args.workspaces)
        assert len(parse_ws_list(text, tz=ZONE, now=NOW, user=user)) == args.workspaces
        assert len(regex_pass(text)) == text.count("\n")
        run = lambda text=text, user=user: parse_ws_list(text, tz=ZONE, now=NOW, user=user)  # noqa: E731
        parsed, collecting = cpu_median(run, args.repeat)
        floor, _ = cpu_median(lambda text=text: regex_pass(text), args.repeat)
        verdict = "met" if parsed * 1000 <= target else "not met"
        print(
            f"{form:<6} {parsed * 1000:>11.1f} ms {collecting * 1000:>6.1f} ms {floor * 1000:>6.1f} ms "
            f"{parsed / floor:>6.2f}x {target:>6.0f} ms {verdict}"
        )


if __name__ == "__main__":
    main()

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
scaled to N), the issue's own regex figure (33 ms for 10,000) and the target scaled by
this run's regex pass against it (``100 ms x regex_now / 33 ms``: the same target on a
machine as fast as this run's), and the share of ``parse_ws_list``'s time the garbage
collector took (CPU time inside its collections, median of the runs; ``gc.callbacks``).
Nothing else of the run is kept alive while it is timed (a result held meanwhile makes
each full collection dearer).

``--split`` prints instead where the time of ``parse_ws_list`` goes, per workspace and in the
same run: the reader alone (records), ``pathlib.Path`` of every listed directory, pydantic's
validation of the records, and of inputs that give every field as the object it becomes
(path and state too: pydantic's own share, the floor of any reader that makes these models).

``--digest`` prints instead one SHA-256 over every model of these listings (v1 and v2,
several zones): each field's type and repr, the fields set, and the JSON dump. Two
checkouts that print the same digest make the same models.

    python bench/parse_ws_list.py [--workspaces N] [--repeat K] [--digest | --split]
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import re
import statistics
import time
from collections import namedtuple
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from functools import partial
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from taurus_datamover.models.workspaces import WorkspaceInfo, WorkspaceState, workspace_infos
from taurus_datamover.parsers import format_ctime, parse_ctime, parse_ws_list
from taurus_datamover.parsers.workspaces.posix_tz import parse_posix_tz
from taurus_datamover.parsers.workspaces.ws_list_reader import read_ws_list

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
CAPTURES = {
    "v1": (FIXTURES / "hpc-workspace-v1-real" / "list-all.stdout", "marie"),
    "v2": (FIXTURES / "hpc-workspace-v2-real" / "17_list_six.stdout", "usera"),
}
ZONE = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 11, 25, tzinfo=timezone.utc)
_LINE = re.compile(r"^ *([A-Za-z][a-z ]*[a-z]) *: (.*)$", re.MULTILINE)
TARGET_MS_PER_10K = 100.0
#: The regex pass of 10,000 workspaces on the machine the issue measured its target on.
ISSUE_REGEX_MS_PER_10K = 33.0
DIGEST_ZONES = (
    ZONE,
    timezone.utc,
    ZoneInfo("America/New_York"),
    ZoneInfo("Asia/Kolkata"),
    parse_posix_tz("CET-1CEST,M3.5.0,M10.5.0/3"),
)
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


def digest(count: int) -> str:
    """SHA-256 over every model of the bench's listings of ``count`` workspaces in each zone."""
    summer = hashlib.sha256()
    for capture, user in CAPTURES.values():
        text = listing(capture, user, count)
        for zone in DIGEST_ZONES:
            for info in parse_ws_list(text, tz=zone, now=NOW, user=user):
                values = [(name, type(value).__name__, repr(value)) for name, value in info]
                summer.update(repr((values, sorted(info.model_fields_set))).encode())
                summer.update(info.model_dump_json().encode())
    return summer.hexdigest()


def _paths(paths: list[str]) -> list[Path]:
    return [Path(path) for path in paths]


def split(count: int, repeat: int) -> None:
    """Per workspace: CPU time (its GC share) of each part of ``parse_ws_list``, one run."""
    ready_input: Any = namedtuple("ready_input", WorkspaceInfo.model_fields)  # type: ignore[misc]
    print(f"{count} workspaces, CPU time per workspace, median of {repeat} (GC share in brackets)")
    for form, (capture, user) in CAPTURES.items():
        text = listing(capture, user, count)
        records = read_ws_list(text, tz=ZONE, now=NOW, user=user)
        paths = [record.path for record in records]
        ready = [
            ready_input(*record._replace(path=Path(record.path), state=WorkspaceState(record.state)))  # type: ignore[arg-type,call-arg]
            for record in records
        ]
        assert workspace_infos(ready) == workspace_infos(records) == parse_ws_list(text, tz=ZONE, now=NOW, user=user)
        parts: dict[str, Callable[[], object]] = {
            "regex pass": partial(regex_pass, text),
            "reader (records)": partial(read_ws_list, text, tz=ZONE, now=NOW, user=user),
            "Path() of each path": partial(_paths, paths),
            "pydantic, records": partial(workspace_infos, records),
            "pydantic, ready inputs": partial(workspace_infos, ready),
            "parse_ws_list": partial(parse_ws_list, text, tz=ZONE, now=NOW, user=user),
        }
        for part, run in parts.items():
            spent, collecting = cpu_median(run, repeat)
            print(f"{form:<4} {part:<24} {spent * 1e6 / count:>6.2f} us ({collecting * 1e6 / count:.2f} us)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--workspaces", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--digest", action="store_true", help="print a digest of the models, time nothing")
    parser.add_argument("--split", action="store_true", help="print where the time goes, per workspace")
    args = parser.parse_args()
    if args.split:
        split(args.workspaces, args.repeat)
        return
    if args.digest:
        print(f"models of {args.workspaces} workspaces x {len(DIGEST_ZONES)} zones x v1, v2: {digest(args.workspaces)}")
        return
    print(f"{args.workspaces} workspaces, CPU time, median of {args.repeat}")
    target = TARGET_MS_PER_10K * args.workspaces / 10_000
    issue_regex = ISSUE_REGEX_MS_PER_10K * args.workspaces / 10_000
    print(
        f"{'form':<6} {'parse_ws_list':>14} {'(GC)':>9} {'regex':>9} {'ratio':>7} {'target':>9}   "
        f"{'issue regex':>11} {'target scaled to this regex':>27}"
    )
    for form, (capture, user) in CAPTURES.items():
        text = listing(capture, user, args.workspaces)
        assert len(parse_ws_list(text, tz=ZONE, now=NOW, user=user)) == args.workspaces
        assert len(regex_pass(text)) == text.count("\n")
        parsed, collecting = cpu_median(partial(parse_ws_list, text, tz=ZONE, now=NOW, user=user), args.repeat)
        floor, _ = cpu_median(partial(regex_pass, text), args.repeat)
        scaled = target * floor * 1000 / issue_regex
        verdict = "met" if parsed * 1000 <= target else "not met"
        scaled_verdict = "met" if parsed * 1000 <= scaled else "not met"
        print(
            f"{form:<6} {parsed * 1000:>11.1f} ms {collecting * 1000:>6.1f} ms {floor * 1000:>6.1f} ms "
            f"{parsed / floor:>6.2f}x {target:>6.0f} ms {verdict:<7} {issue_regex:>8.0f} ms "
            f"{scaled:>24.0f} ms {scaled_verdict}"
        )


if __name__ == "__main__":
    main()

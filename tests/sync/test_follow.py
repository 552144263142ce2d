"""The nudge of the shared watcher: a part that says it is done is asked about soon, and
again (less and less often) until its job has ended; a part still copying costs no query.

Run on a fake clock (``sleep`` moves it), so nothing here depends on this machine's speed.
"""

from __future__ import annotations

from typing import Any

from taurus_datamover.sync.submit import NUDGE_INTERVAL, REPOKE_FIRST, nudge_watcher

DONE = "    400,000,000 100%   49.99MB/s    0:00:08 (xfr#2000, to-chk=0/2000)\n"
HALF = "    200,000,000  50%   49.99MB/s    0:00:04 (xfr#1000, to-chk=1000/2000)\n"


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


class FakeWatcher:
    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.pokes: list[float] = []

    def poke(self) -> None:
        self.pokes.append(self.clock.now)


class FakeJob:
    def __init__(self, output: str) -> None:
        self.output = output

    def batch_output(self, limit: int = 1 << 16) -> str:
        return self.output[-limit:]


def _nudge(job: FakeJob, *, until: Any, rounds: int = 1000) -> FakeWatcher:
    clock = FakeClock()
    watcher = FakeWatcher(clock)
    seen = [0]

    def running() -> list[Any]:
        seen[0] += 1
        return [] if until(watcher) or seen[0] > rounds else [job]

    nudge_watcher(watcher, running, clock=clock, sleep=clock.sleep)  # type: ignore[arg-type]
    return watcher


def test_a_part_that_says_it_is_done_is_asked_about_again_soon_then_less_often() -> None:
    watcher = _nudge(FakeJob(HALF + DONE), until=lambda w: len(w.pokes) >= 5)
    first, *later = watcher.pokes
    assert first == 0.0  # at once
    assert later[0] - first <= REPOKE_FIRST + NUDGE_INTERVAL < 1.0  # not a second later
    gaps = [b - a for a, b in zip(watcher.pokes, watcher.pokes[1:])]
    assert gaps == sorted(gaps) and gaps[-1] > gaps[0]  # backing off: no stream of queries


def test_a_part_still_copying_causes_no_query() -> None:
    watcher = _nudge(FakeJob(HALF), until=lambda w: False, rounds=200)
    assert watcher.pokes == []


def test_no_watcher_no_nudge() -> None:
    nudge_watcher(None, lambda: [FakeJob(DONE)])  # type: ignore[list-item]  # returns at once

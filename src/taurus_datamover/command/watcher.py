"""One shared watcher per queue command: one daemon thread asks about *all* watched batch
jobs (their :class:`~.slurm.SlurmTracker`) in one query per round, with :class:`Backoff`.
A job gone from the listing is asked from ``scontrol`` beside plain ``squeue`` (``dtqueue``
may talk to another cluster), else it ends UNKNOWN. Query failures are recorded, never
swallowed; only after ``patience`` s of failing without a break (a slurmctld restart costs
nothing) do the jobs end UNKNOWN.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

from taurus_datamover.command.slurm import SlurmTracker, parse_scontrol_job, parse_squeue
from taurus_datamover.errors import ParseError, ToolArgumentError
from taurus_datamover.models.jobs import JobInfo, JobState

POLL_START = 0.2
POLL_FACTOR = 1.5
POLL_MAX = 5.0
#: Seconds of queue queries failing without a break before the watched jobs end UNKNOWN.
PATIENCE = 60.0
QUERY_TIMEOUT = 60.0
#: A job that is not (yet) in the listing this many rounds after submission is asked from
#: ``scontrol``; a fresh job may take a moment to show up on big clusters.
MISSING_ROUNDS = 2
T = TypeVar("T")


@dataclass(frozen=True)
class Backoff:
    """How long the watcher waits between queue rounds: ``start`` s after a wake-up (a new
    job, a cancel), else ``factor`` times the last delay, never more than ``maximum`` s."""

    start: float = POLL_START
    factor: float = POLL_FACTOR
    maximum: float = POLL_MAX

    def next_delay(self, delay: float, woken: bool) -> float:
        """The delay after a wait of ``delay`` s that a wake-up ended early (``woken``) or not."""
        return self.start if woken else min(delay * self.factor, self.maximum)


class JobWatcher:
    """Follows batch jobs through one queue command; see the module docstring."""

    def __init__(
        self,
        queue_argv: Sequence[str],
        env: Mapping[str, str] | None = None,
        *,
        ask_scontrol: bool = False,
        patience: float = PATIENCE,
        clock: Callable[[], float] = time.monotonic,
        backoff: Backoff = Backoff(),
    ) -> None:
        """``clock`` measures the patience (tests give one that steps)."""
        if not patience >= 0:
            raise ToolArgumentError(f"patience must be a number of seconds >= 0, not {patience!r}")
        self.queue_argv, self.patience, self.backoff, self._clock = tuple(queue_argv), float(patience), backoff, clock
        self.ask_scontrol = ask_scontrol
        self._scontrol = shutil.which("scontrol", path=(env or os.environ).get("PATH")) if ask_scontrol else None
        self.env = None if env is None else dict(env)
        self.errors: list[str] = []
        self.queries = self._failures = 0
        self._failing_since: float | None = None
        self._jobs: dict[int, SlurmTracker] = {}
        self._missing: dict[int, int] = {}
        self._lock, self._wake = threading.Lock(), threading.Event()
        self._thread: threading.Thread | None = None

    def watch(self, job: SlurmTracker) -> None:
        """Follow ``job`` (a batch job, its ``job_id`` known) until it ends."""
        assert job.job_id is not None
        with self._lock:
            self._jobs[job.job_id] = job
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="taurus-job-watcher", daemon=True)
                self._thread.start()
        self.poke()

    def poke(self) -> None:
        """Query again soon (a job was added or cancelled)."""
        self._wake.set()

    def _run(self) -> None:
        delay = self.backoff.start
        while True:
            woken = self._wake.wait(delay)
            self._wake.clear()
            delay = self.backoff.next_delay(delay, woken)
            with self._lock:
                if not self._jobs:
                    self._thread = None
                    return
            self._round()

    def _round(self) -> None:
        self.queries += 1
        listing, failure = _run_query(self.queue_argv, self.env, parse_squeue)
        if listing is None:
            self._failed(str(failure))
            return
        self._failures, self._failing_since = 0, None
        with self._lock:
            jobs = dict(self._jobs)
        by_id = {info.job_id: info for info in listing}
        for job_id, job in jobs.items():
            info = by_id.get(job_id)
            if info is None:
                self._missing[job_id] = self._missing.get(job_id, 0) + 1
                if self._missing[job_id] < MISSING_ROUNDS:
                    continue
                info = self._ask_scontrol(job_id)
                if info is None:
                    self._end(job, JobState.UNKNOWN, None, f"job {job_id} vanished from the queue")
                    continue
            if not info.state.is_terminal:
                job.observe(info)
                continue
            exit_code = info.exit_code
            if info.state is JobState.FAILED and exit_code is None:
                detail = self._ask_scontrol(job_id)
                exit_code = detail.exit_code if detail is not None else None
            self._end(job, info.state, exit_code, None)

    def _end(self, job: SlurmTracker, state: JobState, exit_code: int | None, error: str | None) -> None:
        assert job.job_id is not None
        with self._lock:
            self._jobs.pop(job.job_id, None)
            self._missing.pop(job.job_id, None)
        job.finish(state, exit_code, error)

    def _failed(self, message: str) -> None:
        now = self._clock()
        self._failing_since = now if self._failing_since is None else self._failing_since
        self._failures += 1
        self.errors.append(message)
        with self._lock:
            jobs = list(self._jobs.values())
        for job in jobs:
            job.errors.append(message)
        waited = now - self._failing_since
        if waited >= self.patience:
            verdict = (
                f"gave up after {self._failures} failed queue queries over {waited:.1f} s "
                f"(patience {self.patience:g} s); the last: {message}"
            )
            for job in jobs:
                self._end(job, JobState.UNKNOWN, None, verdict)
            self._failures, self._failing_since = 0, None

    def _ask_scontrol(self, job_id: int) -> JobInfo | None:
        if self._scontrol is None:
            return None
        return _run_query([self._scontrol, "show", "job", str(job_id)], self.env, parse_scontrol_job)[0]


def _run_query(
    argv: Sequence[str], env: Mapping[str, str] | None, parse: Callable[[str], T]
) -> tuple[T | None, str | None]:
    """Run one query and ``parse`` its output: ``(the result, None)``, or ``(None, why not)``."""
    command = " ".join(argv)
    try:
        proc = subprocess.run(list(argv), stdin=subprocess.DEVNULL, capture_output=True, timeout=QUERY_TIMEOUT, env=env)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return None, f"{command}: {exc}"
    if proc.returncode != 0:
        return None, f"{command} exited {proc.returncode}: {proc.stderr.decode('utf-8', 'surrogateescape').strip()}"
    try:
        return parse(proc.stdout.decode("utf-8", "surrogateescape")), None
    except ParseError as exc:
        return None, f"{command}: unreadable listing: {exc}"


_watchers: dict[tuple[tuple[str, ...], tuple[tuple[str, str], ...], float], JobWatcher] = {}
_watchers_lock = threading.Lock()


def watcher_for(
    queue_argv: Sequence[str],
    env: Mapping[str, str] | None = None,
    *,
    ask_scontrol: bool = False,
    patience: float = PATIENCE,
) -> JobWatcher:
    """The shared watcher of ``queue_argv`` (one per queue command, environment and patience)."""
    key = (tuple(queue_argv), tuple(sorted((env or {}).items())), float(patience))
    with _watchers_lock:
        if key not in _watchers:
            _watchers[key] = JobWatcher(queue_argv, env, ask_scontrol=ask_scontrol, patience=patience)
        return _watchers[key]

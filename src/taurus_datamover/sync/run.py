"""``SyncRun``: one handle for all the parts (``dtrsync`` batch jobs) of a sync. Every change
is written to the manifest at once, so a run whose process dies can be resumed. Ctrl-C in
:meth:`SyncRun.result` (or while the parts are submitted) cancels every part first: no
Slurm job is left behind.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import functools
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Callable, Collection, Generator
from typing import TYPE_CHECKING, Any

from taurus_datamover.command.job import Job
from taurus_datamover.errors import CommandTimeout, SyncError, TaurusDatamoverError
from taurus_datamover.models.jobs import JobState
from taurus_datamover.sync.manifest import PartState, RunStore, SyncManifest, SyncState, VerifyMode, VerifyResult
from taurus_datamover.sync.part import SyncPart, SyncProgress, SyncResult
from taurus_datamover.sync.submit import copy_options, nudge_watcher, rsync_failure, start_rsync, wait_for_ids
from taurus_datamover.sync.tree import TreeItem
from taurus_datamover.sync.verify import mismatch_error, verify_checksum, verify_size_mtime

if TYPE_CHECKING:
    from taurus_datamover.datamover import Datamover


#: Seconds to wait for ``sbatch`` to answer with a job id.
SUBMIT_TIMEOUT = 120.0
#: Seconds ``cancel()`` waits for the cancelled jobs to end.
CANCEL_WAIT = 120.0


class SyncRun:
    """The parts of one sync as one handle, made by ``Datamover.sync`` and ``resume``."""

    def __init__(self, dm: Datamover, store: RunStore, manifest: SyncManifest, source: list[TreeItem]) -> None:
        self._dm = dm
        self._store = store
        self.manifest = manifest
        self._source = source
        self.parts = [SyncPart(record) for record in manifest.parts]
        self._lock = threading.RLock()
        self._ended = threading.Event()
        self._settled: concurrent.futures.Future[None] = concurrent.futures.Future()  # for callbacks and await
        self._error: SyncError | None = None
        self._cancelled = False
        self._finishing = False
        self._other_jobs: list[Job] = []
        self._ran: list[int] = []
        self._started = time.monotonic()
        self._finished_at: float | None = None
        self._parts_began = self._started
        self._bytes_before = sum(p.bytes for p in self.parts if p.record.state is PartState.COMPLETED)
        #: ``dtrsync OPTIONS -- SRC/ DST/`` of this run, in its directory: ``(options, blocking=...)``.
        self._rsync = functools.partial(
            start_rsync, dm, manifest.src, manifest.dst, cwd=store.directory, time=manifest.time_limit
        )
        #: Seconds of each phase of this session: ``listing`` (``dtls``), ``planning``, ``directories``
        #: (until the destination exists), ``submit`` (until every part has its Slurm id),
        #: ``parts`` (first submission to the last part's end as noticed here), ``verify``.
        self.timings: dict[str, float] = {}

    @property
    def run_id(self) -> str:
        return self.manifest.run_id

    @property
    def manifest_path(self) -> str:
        return str(self._store.manifest_path)

    @property
    def src(self) -> str:
        return self.manifest.src

    @property
    def dst(self) -> str:
        return self.manifest.dst

    @property
    def state(self) -> SyncState:
        return self.manifest.state

    @property
    def verification(self) -> VerifyResult | None:
        return self.manifest.verification

    @property
    def parts_run(self) -> list[int]:
        """The parts this session submitted."""
        return list(self._ran)

    @property
    def elapsed(self) -> float:
        end = self._finished_at if self._finished_at is not None else time.monotonic()
        return end - self._started

    @property
    def progress(self) -> SyncProgress:
        """Bytes and files done across parts, parts by state, rate and ETA, as of now (the rate
        counts only what this session moved)."""
        rows = [(part.state, *part.done()) for part in self.parts]
        states = Counter(state for state, _, _ in rows)
        bytes_done, total, elapsed = sum(row[1] for row in rows), self.manifest.bytes, self.elapsed
        rate = max(0, bytes_done - self._bytes_before) / elapsed if elapsed > 0 else 0.0
        return SyncProgress(
            bytes_done=bytes_done,
            bytes_total=total,
            files_done=sum(row[2] for row in rows),
            files_total=self.manifest.files,
            parts_pending=states[PartState.PENDING] + states[PartState.PLANNED],
            parts_running=states[PartState.RUNNING],
            parts_done=states[PartState.COMPLETED],
            parts_failed=states[PartState.FAILED] + states[PartState.CANCELLED],
            elapsed=elapsed,
            rate=rate,
            eta=(total - bytes_done) / rate if rate > 0 else None,
        )

    def done(self) -> bool:
        """True once the run has settled (or is a dry run)."""
        return self._ended.is_set()

    def _save(self) -> None:
        with self._lock:
            self._store.save(self.manifest)

    def settle(self, state: SyncState, error: SyncError | None = None) -> None:
        """Record the run's end (PLANNED for a dry run, which ``resume`` starts later) and tell the waiters."""
        with self._lock:
            self.manifest.state = state
            self.manifest.error = None if error is None else error.message
            self._error = error
            self._finished_at = time.monotonic()
            self._save()
        self._ended.set()
        if not self._settled.done():  # settled again (a dry run started later): waiters were told
            self._settled.set_result(None)

    def start(self, parts_to_run: Collection[int], *, checksum: bool = False, destination: Job | None = None) -> None:
        """Make the destination once per run (``destination``'s job if started, else the directory
        list's), then submit ``parts_to_run``. :class:`SyncError` when the destination cannot be
        made (nothing submitted; the run is recorded FAILED and can be resumed)."""
        self.manifest.error = None
        if not self.manifest.directories_done:
            began = time.monotonic()
            self._make_directories(destination)
            self.timings["directories"] = time.monotonic() - began
        self._parts_began = time.monotonic()
        self._ran = sorted(parts_to_run)
        with self._lock:  # one write before the submissions: running, and which parts
            self.manifest.state = SyncState.RUNNING
            for index in self._ran:
                record = self.parts[index].record
                record.attempts, record.state, record.error = record.attempts + 1, PartState.PENDING, None
            self._save()
        jobs: list[Job] = []
        try:
            for index in self._ran:
                options = copy_options(self._store.part_list_path(index), checksum=checksum)
                jobs.append(self._rsync(options, blocking=False))
                self.parts[index].job = jobs[-1]
            wait_for_ids(jobs, SUBMIT_TIMEOUT)  # every part has its Slurm id (or ended)
        except KeyboardInterrupt:  # before the caller holds the run: nobody else can cancel
            self._cancel_jobs()
            raise
        with self._lock:
            for index in self._ran:
                self.parts[index].note_job_id()
            self._save()
        self.timings["submit"] = time.monotonic() - self._parts_began
        if not self._ran:
            self._begin_finish()
            return
        for index, job in zip(self._ran, jobs):
            job.add_done_callback(functools.partial(self._part_ended, index))
        threading.Thread(
            target=nudge_watcher, args=(self._dm.watcher, self._running_jobs), name="taurus-sync-nudge", daemon=True
        ).start()

    def _make_directories(self, job: Job | None) -> None:
        if job is None:
            job = self._rsync(copy_options(self._store.directory / "directories.files"), blocking=True)
        self._other_jobs.append(job)
        try:
            job.result()
        except TaurusDatamoverError as error:
            failure = SyncError(
                f"creating {self.dst!r} and its directories failed: {rsync_failure(error)}", run_id=self.run_id
            )
            self.settle(SyncState.FAILED, failure)
            raise failure from error
        self.manifest.directories_done = True

    def _running_jobs(self) -> list[Job]:
        return [job for i in self._ran if (job := self.parts[i].job) is not None and not job.done()]

    def _part_ended(self, index: int, job: Job) -> None:
        with self._lock:
            record = self.parts[index].note_job_id()
            if job.state is JobState.COMPLETED and job.returncode == 0:
                record.state = PartState.COMPLETED
            elif self._cancelled or job.state is JobState.CANCELLED:
                record.state, record.error = PartState.CANCELLED, "cancelled"
            else:
                record.state, record.error = PartState.FAILED, job.failure_summary()
            self._save()
            if all(self.parts[i].record.state.ended for i in self._ran):
                self.timings["parts"] = time.monotonic() - self._parts_began
                self._begin_finish()

    def _begin_finish(self) -> None:
        with self._lock:
            if self._finishing:
                return
            self._finishing = True
        threading.Thread(target=self._finish, name="taurus-sync-finish", daemon=True).start()

    def _failure(self, message: str, failed_parts: list[int] | None = None) -> SyncError:
        return SyncError(message, run_id=self.run_id, failed_parts=failed_parts or ())

    def _outcome(self) -> tuple[SyncState, SyncError | None]:
        """How the run ends once no part runs: cancelled, parts failed, or (verified) done."""
        not_done = [p.index for p in self.parts if p.record.state is not PartState.COMPLETED]
        hint = f"resume with: taurus-datamover sync --resume {self.run_id}"
        if self._cancelled:
            return SyncState.CANCELLED, self._failure(f"sync {self.run_id} was cancelled; {hint}", not_done)
        if not_done:
            reasons = "; ".join(f"part {i}: {self.parts[i].record.error}" for i in not_done)
            message = f"{len(not_done)} of {len(self.parts)} parts did not complete ({reasons}); {hint}"
            return SyncState.FAILED, self._failure(message, not_done)
        if self.manifest.verify is None:
            return SyncState.COMPLETED, None
        self.manifest.state = SyncState.VERIFYING
        self._save()
        began = time.monotonic()
        try:
            result = self.verify()
        except TaurusDatamoverError as error:
            if self._cancelled:
                return SyncState.CANCELLED, self._failure(f"sync {self.run_id} was cancelled while verifying; {hint}")
            message = error.message if isinstance(error, SyncError) else str(error)
            return SyncState.FAILED, self._failure(f"verifying {self.dst!r} failed: {message}")
        finally:
            self.timings["verify"] = time.monotonic() - began
        if result.ok:
            return SyncState.COMPLETED, None
        return SyncState.FAILED, mismatch_error(self.run_id, self.dst, result)

    def _finish(self) -> None:
        try:
            outcome = self._outcome()
        except Exception as error:
            outcome = SyncState.FAILED, self._failure(f"sync {self.run_id} broke: {error!r}")
        self.settle(*outcome)

    def verify(self, mode: VerifyMode | None = None) -> VerifyResult:
        """Compare the destination with the source now (``mode``: the run's own, else
        ``size-mtime``) and record the result; nothing raises for a difference (``result.ok``)."""
        if (mode or self.manifest.verify) == "checksum":
            lists = [self._store.part_list_path(p.index) for p in self.parts]
            result = verify_checksum(self._check_job, lists, checked=sum(p.files for p in self.parts))
        else:
            result = verify_size_mtime(self._dm, self._source, self.dst, time=self.manifest.time_limit)
        self.manifest.verification = result
        self._save()
        return result

    def _check_job(self, options: list[str]) -> Job:
        job = self._rsync(options, blocking=False)
        self._other_jobs.append(job)  # cancel() stops it too
        return job

    def result(self, timeout: float | None = None) -> SyncResult:
        """Wait for the run to settle; its :class:`SyncResult`, or the :class:`SyncError`
        saying which parts failed or which entries differ. ``CommandTimeout`` after
        ``timeout`` seconds (the run goes on). Ctrl-C cancels every part, then goes on."""
        deadline = None if timeout is None else time.monotonic() + timeout
        try:
            # short waits: Python runs a Ctrl-C (a signal, or interrupt_main) between them
            while not self._ended.wait(0.2 if deadline is None else max(0.0, min(0.2, deadline - time.monotonic()))):
                if deadline is not None and time.monotonic() >= deadline:
                    break
        except KeyboardInterrupt:
            self.cancel()
            raise
        if not self._ended.is_set():
            raise CommandTimeout(("sync", self.src, self.dst), timeout or 0.0)
        if self._error is not None:
            raise self._error
        return SyncResult(
            **self.manifest.model_dump(include={"run_id", "src", "dst", "state", "files", "bytes", "verification"}),
            manifest=self.manifest_path,
            parts=len(self.parts),
            parts_run=self.parts_run,
            elapsed=round(self.elapsed, 3),
        )

    def _cancel_jobs(self) -> list[Job]:
        """Cancel (Slurm jobs too) every job of the run that has not ended; those jobs."""
        jobs = [job for job in (*(p.job for p in self.parts), *self._other_jobs) if job is not None and not job.done()]
        wait_for_ids(jobs, SUBMIT_TIMEOUT)  # an id first: killing sbatch mid-way could leave its job behind
        for job in jobs:
            job.cancel()
        return jobs

    def cancel(self) -> bool:
        """Cancel every part still pending or running and wait until they have ended; True
        when something was still running."""
        self._cancelled = True
        jobs = self._cancel_jobs()
        deadline = time.monotonic() + CANCEL_WAIT
        for job in jobs:
            with contextlib.suppress(subprocess.TimeoutExpired):
                job.wait(max(0.0, deadline - time.monotonic()))
        if not self._ran and not self._ended.is_set():
            self._begin_finish()
        self._ended.wait(max(0.0, deadline - time.monotonic()))
        return bool(jobs)

    def add_done_callback(self, callback: Callable[[], None]) -> None:
        """Call ``callback()`` once when the run settles (at once if it has)."""
        self._settled.add_done_callback(lambda _: callback())

    def __await__(self) -> Generator[Any, None, SyncResult]:
        yield from asyncio.wrap_future(self._settled).__await__()
        return self.result()

    def __repr__(self) -> str:
        return f"<SyncRun {self.run_id} {self.state.value} {len(self.parts)} parts {self.src!r} -> {self.dst!r}>"

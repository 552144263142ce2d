"""Job handles: a ``subprocess.Popen`` that also knows its Slurm job.

Every tool call returns a :class:`Job`. It behaves as the ``Popen`` the original package
returned (``poll``, ``wait``, ``communicate``, ``returncode``, ``args``, ``pid``, ``kill``,
``terminate``), and adds what a datamover user needs:

* output is drained by two background threads from the start, so a listing larger than the
  pipe buffer never blocks the tool, and ``communicate()`` may be called any number of
  times (it returns the same bytes);
* ``job_id`` and ``state`` are learnt from Slurm's own lines (``srun: job N queued ...``,
  ``Submitted batch job N``) as they arrive;
* a non-blocking ``dt*`` call (``sbatch`` behind it) is followed through the queue by the
  shared :class:`~taurus_datamover.watcher.JobWatcher` until the Slurm job ends, and only then
  do ``poll()``/``wait()``/``result()`` report it finished;
* ``done()``, ``result(timeout)``, ``cancel()`` and ``await job``.

Exit codes of batch jobs (their local ``sbatch`` exits 0 at once): COMPLETED gives 0;
FAILED gives Slurm's exit code when the queue tools tell it, else 1; CANCELLED and TIMEOUT
give 143 (128 + SIGTERM), as ``srun`` does for a step killed by its time limit.
"""

from __future__ import annotations

import asyncio
import errno
import os
import select
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Generator, Mapping, Sequence
from typing import IO, Any, NamedTuple

from taurus_datamover.errors import CommandTimeout, DatamoverError, ToolError
from taurus_datamover.models.jobs import TERMINAL_STATES, JobState
from taurus_datamover.parsers.progress import Progress, latest_progress
from taurus_datamover.parsers.slurm import parse_job_events, parse_submitted_job_id, slurm_failure

__all__ = ["TERMINAL_STATES", "Job", "JobOutput", "JobState", "waitfor"]

#: Exit code given to batch jobs that were cancelled or hit their time limit.
SIGNALLED_EXIT_CODE = 128 + signal.SIGTERM

_READ_SIZE = 1 << 16
#: How many stderr lines are looked at for Slurm's own lines (srun's time-limit notice may
#: follow the task's output; a tool that prints more than this is not read for it).
MAX_WATCHED_LINES = 10_000
#: How much of the end of stdout is searched for the latest progress report.
PROGRESS_TAIL = 1 << 14
#: Seconds to wait, after the tool ended, for the end of its output (both streams together).
#: What it wrote before it ended is in the pipes and read at once; only a process it left
#: behind (a daemon holding stdout) keeps the pipes open longer, and is not waited for.
PIPE_GRACE = 2.0
#: How many chunks are still read from a pipe whose drain was stopped (what it holds then).
_LAST_READS = 64


class JobOutput(NamedTuple):
    """What :meth:`Job.result` returns: both streams as text (UTF-8, surrogateescape)."""

    stdout: str
    stderr: str


class _Stream:
    """Collects one pipe's bytes in a background thread.

    ``on_line`` sees each complete line while no more than ``MAX_WATCHED_LINES`` lines have
    arrived: Slurm's own lines come first, so later output is not looked at for them.

    The thread ends at the end of the pipe, or when ``wake_fd`` becomes readable (the job's
    drain was stopped, see :meth:`Job._stop_drain`): it then reads what the pipe holds and
    closes it; ``cut`` says that the end of the pipe was not seen.
    """

    def __init__(
        self, pipe: IO[bytes], on_line: Callable[[str], None] | None, echo: IO[str] | None, wake_fd: int
    ) -> None:
        self._pipe = pipe
        self._wake_fd = wake_fd
        self.cut = False
        self._chunks: list[bytes] = []
        self._on_line = on_line
        self._echo = echo
        self._partial = b""
        self._lines_seen = 0
        self.thread = threading.Thread(target=self._drain, name="taurus-job-drain", daemon=True)

    def _drain(self) -> None:
        fd = self._pipe.fileno()
        poller = select.poll()
        poller.register(fd, select.POLLIN)
        poller.register(self._wake_fd, select.POLLIN)
        try:
            while True:
                ready = {ready_fd for ready_fd, _ in poller.poll()}
                if self._wake_fd in ready:  # stopped: keep what the pipe holds, then end
                    self._last_reads(fd)
                    break
                chunk = os.read(fd, _READ_SIZE)
                if not chunk:
                    break
                self._take(chunk)
        except OSError:
            pass  # the pipe was closed under us (process killed): keep what we have
        finally:
            if self._partial and self._on_line is not None:
                self._on_line(self._partial.decode("utf-8", "surrogateescape"))
                self._partial = b""
            try:
                self._pipe.close()
            except OSError:
                pass

    def _take(self, chunk: bytes) -> None:
        self._chunks.append(chunk)
        if self._echo is not None:
            self._echo.write(chunk.decode("utf-8", "surrogateescape"))
            self._echo.flush()
        if self._on_line is not None:
            self._feed_lines(chunk)

    def _last_reads(self, fd: int) -> None:
        """Read what the pipe holds now (a bounded amount), without waiting for more."""
        poller = select.poll()
        poller.register(fd, select.POLLIN)
        for _ in range(_LAST_READS):
            if not poller.poll(0):
                break
            chunk = os.read(fd, _READ_SIZE)
            if not chunk:
                return  # the end after all
            self._take(chunk)
        self.cut = True

    def _feed_lines(self, chunk: bytes) -> None:
        assert self._on_line is not None
        data = self._partial + chunk
        *complete, self._partial = data.split(b"\n")
        if len(self._partial) > 4096:
            self._partial = b""
        for raw in complete:
            if self._lines_seen >= MAX_WATCHED_LINES:
                self._on_line = None
                self._partial = b""
                return
            self._lines_seen += 1
            self._on_line(raw.decode("utf-8", "surrogateescape"))

    def value(self) -> bytes:
        return b"".join(self._chunks)

    def tail(self, size: int) -> bytes:
        """The last ``size`` bytes read so far (without joining the whole output)."""
        parts: list[bytes] = []
        total = 0
        for chunk in reversed(self._chunks[:]):
            parts.append(chunk)
            total += len(chunk)
            if total >= size:
                break
        return b"".join(reversed(parts))[-size:]


class Job(subprocess.Popen[bytes]):
    """A running tool: a ``Popen`` whose output is drained in the background and whose
    Slurm job (when there is one) is followed to its end.

    Create jobs through :class:`~taurus_datamover.Datamover` / :class:`~taurus_datamover.Workspace`
    rather than directly. ``stdin`` is ``/dev/null``: the tools never read it, and a job must
    not steal a notebook's or a cron job's input.
    """

    # Class-level defaults: Popen.__init__ assigns ``returncode`` before our __init__ runs.
    _is_batch = False
    _process_rc: int | None = None
    _job_rc: int | None = None

    def __init__(
        self,
        argv: Sequence[str | bytes | os.PathLike[str]],
        *,
        env: Mapping[str, str] | None = None,
        cwd: str | os.PathLike[str] | None = None,
        verbosity: int = 0,
        timeout: float | None = None,
        canceller: Callable[[int], None] | None = None,
        watcher: Any = None,
        error_class: type[ToolError] = DatamoverError,
        expect_batch: bool = False,
    ) -> None:
        self.job_id: int | None = None
        # A submission is PENDING until the queue says otherwise; a tool run in the
        # foreground is RUNNING until srun says it waits (``queued and waiting``).
        self._state = JobState.PENDING if expect_batch else JobState.RUNNING
        self._state_lock = threading.Lock()
        self._finished = threading.Event()
        self._callbacks: list[Callable[[Job], None]] = []
        self._callback_lock = threading.Lock()
        self._canceller = canceller
        self._watcher = watcher
        self._error_class = error_class
        self._cancel_requested = False
        self._timed_out = False
        self._task_output_started = False
        self._claimed_end: JobState | None = None
        self._timeout_due = False
        self._drain_stopped = False
        self._expect_batch = expect_batch
        self._timeout = timeout
        self.watch_errors: list[str] = []
        self.exit_signal: int | None = None
        self.started_at = time.monotonic()
        self._workdir = os.path.abspath(os.fspath(cwd) if cwd is not None else os.curdir)
        self.ended_at: float | None = None
        self.verbosity = verbosity
        #: The command line as text (file names that are not UTF-8 keep surrogate escapes).
        self.argv: tuple[str, ...] = tuple(os.fsdecode(a) for a in argv)
        if verbosity >= 1:
            print("taurus_datamover: running " + " ".join(self.argv), file=sys.stderr)
        try:
            super().__init__(
                list(argv),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                env=None if env is None else dict(env),
                cwd=cwd,
                start_new_session=True,
            )
        except OSError as exc:
            if exc.errno != errno.E2BIG:
                raise
            raise error_class(
                _too_long_message(argv, os.environ if env is None else env), argv=_shown_argv(self.argv)
            ) from exc
        echo_out = sys.stdout if verbosity >= 2 else None
        echo_err = sys.stderr if verbosity >= 2 else None
        assert self.stdout is not None and self.stderr is not None
        # Written to end both drains (a byte that is never read: it wakes both for good).
        self._wake_read, self._wake_write = os.pipe()
        self._out = _Stream(self.stdout, None, echo_out, self._wake_read)
        self._err = _Stream(self.stderr, self._on_stderr_line, echo_err, self._wake_read)
        self._out.thread.start()
        self._err.thread.start()
        self._timer: threading.Timer | None = None
        if timeout is not None:
            self._timer = threading.Timer(timeout, self._on_timeout)
            self._timer.daemon = True
            self._timer.start()
        self._reaper = threading.Thread(target=self._reap, name="taurus-job-reaper", daemon=True)
        self._reaper.start()

    # ------------------------------------------------------------------ returncode
    @property
    def returncode(self) -> int | None:
        """Exit code of the job (for batch jobs: of the Slurm job), None while it runs."""
        return self._job_rc if self._is_batch else self._process_rc

    @returncode.setter
    def returncode(self, value: int | None) -> None:
        # Popen's own machinery reports the local process here.
        self._process_rc = value

    # ------------------------------------------------------------------ state
    @property
    def state(self) -> JobState:
        """The job's :class:`JobState`, as far as Slurm and the process have told."""
        return self._state

    @property
    def elapsed(self) -> float:
        """Seconds since the job was started, up to its end."""
        end = self.ended_at if self.ended_at is not None else time.monotonic()
        return end - self.started_at

    @property
    def is_batch(self) -> bool:
        """True when the tool submitted a batch job (``Submitted batch job N``)."""
        return self._is_batch

    def _set_state(self, state: JobState) -> None:
        with self._state_lock:
            if self._state in TERMINAL_STATES:
                return
            self._state = state

    def _on_stderr_line(self, line: str) -> None:
        """Learn job id and state from Slurm's own lines on stderr, and only from those
        that cannot come from the tool's output (a file name can say anything):

        * ``srun: job N queued .../has been allocated ...`` only while nothing but ``srun:``
          lines has come on stderr yet: srun says it before the task runs, and the task's
          own stderr follows it in the same pipe. (stdout is read by another thread, so its
          order against stderr cannot be known: its first bytes may be read before the srun
          line that preceded them, and counting them lost real job ids under load.)
        * a ``*** STEP/JOB N ... CANCELLED AT ... [DUE TO TIME LIMIT]`` notice counts for the
          job id already known; when none is known (srun got its allocation at once and said
          nothing), it is only a *claim*, believed at the end if the tool then failed
          (a successful listing of a file named so stays COMPLETED).

        ``Submitted batch job N`` is read from stdout, and only for a call that asked for a
        batch job (see ``expect_batch``). Ids learnt here are shown, never used to cancel:
        a blocking job is cancelled by ending its ``srun``, which ends the Slurm job.
        """
        text = line.rstrip("\r")
        events = parse_job_events([text])
        if not text.startswith("srun: ") and not (events and "*** " in text):
            self._task_output_started = True
            return
        for event in events:
            if event.state in (JobState.TIMEOUT, JobState.CANCELLED):
                if self.job_id is None:
                    self._claimed_end = event.state
                elif event.job_id == self.job_id:
                    self._set_state(event.state)
                continue
            if self._task_output_started:
                continue
            if self.job_id is None:
                self.job_id = event.job_id
            if event.job_id == self.job_id:
                self._set_state(event.state)

    # ------------------------------------------------------------------ life cycle
    def _reap(self) -> None:
        try:
            super().wait()
        except Exception:  # pragma: no cover - waitpid failing is an OS-level bug
            self._process_rc = self._process_rc if self._process_rc is not None else -1
        self._drain_after_exit()
        rc = self._process_rc
        if rc is not None and rc < 0:
            self.exit_signal = -rc
        submitted = self._submitted_batch_id()
        if rc == 0 and submitted is not None and not self._cancel_requested:
            self._is_batch = True
            self.job_id = submitted
            if self._watcher is None:
                self._finish_batch(
                    JobState.UNKNOWN, None, f"batch job {submitted} submitted, but no dtqueue/squeue to follow it"
                )
                return
            self._watcher.watch(self)
            if self._timeout_due:  # the time ran out while sbatch's output was drained
                self._on_timeout()
            return  # the watcher calls _finish_batch
        self._finish_local(rc)

    def _drain_after_exit(self) -> None:
        """Wait for the end of the output, at most ``PIPE_GRACE`` s after the tool ended.

        What the tool wrote is in the pipes and read at once. A process it left behind (a
        daemon) may hold them open for ever: its output is not waited for; what it wrote
        so far is kept, and :attr:`output_cut` says so.
        """
        deadline = time.monotonic() + PIPE_GRACE
        for stream in (self._out, self._err):
            stream.thread.join(max(0.0, deadline - time.monotonic()))
        if self._out.thread.is_alive() or self._err.thread.is_alive():
            self._stop_drain()
        self._out.thread.join()
        self._err.thread.join()
        with self._state_lock:  # no later _stop_drain may write to a closed (reused) fd
            self._drain_stopped = True
            for fd in (self._wake_read, self._wake_write):
                os.close(fd)

    def _stop_drain(self) -> None:
        """End both drains now (they keep what the pipes hold)."""
        with self._state_lock:
            if self._drain_stopped:
                return
            self._drain_stopped = True
            os.write(self._wake_write, b"x")

    @property
    def output_cut(self) -> bool:
        """True when the job's output was not read to its end: the tool ended, but a
        process it left behind still held its stdout/stderr (see ``PIPE_GRACE``)."""
        return self._out.cut or self._err.cut

    def _end_notice(self) -> JobState | None:
        """Slurm's ``*** STEP/JOB N ... CANCELLED AT ...`` notice in the end of stderr (for
        the known job id, or any when none is known): a second look, once the tool has
        failed, in case the line was not seen as it arrived (it follows the task's output)."""
        tail = self._err.tail(PROGRESS_TAIL).decode("utf-8", "surrogateescape")
        for event in reversed(parse_job_events(tail.splitlines())):
            if event.state in (JobState.TIMEOUT, JobState.CANCELLED) and (
                self.job_id is None or event.job_id == self.job_id
            ):
                return event.state
        return None

    def _submitted_batch_id(self) -> int | None:
        """The id of the batch job this call submitted: only for a call that asked for one
        (``expect_batch``), and only from the first line of stdout, where sbatch answers."""
        if not self._expect_batch:
            return None
        first = self._out.value()[:200].split(b"\n", 1)[0].decode("utf-8", "surrogateescape")
        return parse_submitted_job_id(first) if first.startswith("Submitted batch job ") else None

    def _finish_local(self, rc: int | None) -> None:
        if self._timed_out:
            final = JobState.TIMEOUT
        elif self._cancel_requested:
            final = JobState.CANCELLED
        elif self._state is JobState.TIMEOUT:
            final = JobState.TIMEOUT
        elif rc == 0:
            final = JobState.COMPLETED
        elif (claimed := self._claimed_end or self._end_notice()) is not None:
            final = claimed  # Slurm's notice, now borne out by the failure
        else:
            final = JobState.FAILED
        if self._timed_out or self._cancel_requested:
            with self._state_lock:  # our own stop wins over srun's "CANCELLED AT" notice
                self._state = final
        else:
            self._set_state(final)
        self._complete()

    def _finish_batch(self, state: JobState, exit_code: int | None = None, error: str | None = None) -> None:
        """Called by the watcher once the Slurm job reached ``state`` (terminal or UNKNOWN)."""
        if error:
            self.watch_errors.append(error)
        if state is JobState.COMPLETED:
            rc = 0
        elif state is JobState.FAILED:
            rc = exit_code if exit_code else 1
        elif state in (JobState.CANCELLED, JobState.TIMEOUT):
            rc = SIGNALLED_EXIT_CODE
        else:
            rc = 1
        if self._cancel_requested and state is not JobState.COMPLETED:
            state = JobState.CANCELLED
        with self._state_lock:
            self._state = state
        self._job_rc = rc
        self._complete()

    def _complete(self) -> None:
        self.ended_at = time.monotonic()
        if self._timer is not None:
            self._timer.cancel()
        with self._callback_lock:
            self._finished.set()
            callbacks, self._callbacks = self._callbacks, []
        for callback in callbacks:
            try:
                callback(self)
            except Exception as exc:  # a user's callback must not kill the reaper
                self.watch_errors.append(f"callback {callback!r} raised {exc!r}")

    def add_done_callback(self, callback: Callable[[Job], None]) -> None:
        """Call ``callback(job)`` once when the job ends (at once if it already has)."""
        with self._callback_lock:
            if not self._finished.is_set():
                self._callbacks.append(callback)
                return
        callback(self)

    def _on_timeout(self) -> None:
        if self._finished.is_set():
            return
        if self._process_rc is not None and not self._is_batch:
            # The tool ended in time and its exit code decides; only the drain of its
            # output is left (a process it left behind holds the pipes): end that now. If
            # it submitted a batch job, the reaper applies the timeout once it knows.
            self._timeout_due = True
            self._stop_drain()
            return
        self._timed_out = True
        self.cancel()

    # ------------------------------------------------------------------ Popen API
    def poll(self) -> int | None:
        """The exit code once the job (and the draining of its output) has ended, else None."""
        return self.returncode if self._finished.is_set() else None

    def wait(self, timeout: float | None = None) -> int:
        """Wait for the end of the job; ``subprocess.TimeoutExpired`` after ``timeout`` s.

        Interrupted (Ctrl-C, ``KeyboardInterrupt``) while the tool itself still runs, the
        job is stopped before the interrupt goes on, as ``subprocess.run`` does: the tools
        run in their own session, so the terminal's Ctrl-C does not reach them. A batch job
        already submitted to Slurm is left queued (cancel it with :meth:`cancel`).
        """
        try:
            finished = self._finished.wait(timeout)
        except KeyboardInterrupt:
            if not self._is_batch and self._process_rc is None:
                self.cancel()
            raise
        if not finished:
            raise subprocess.TimeoutExpired(self.args, timeout or 0.0)
        rc = self.returncode
        assert rc is not None
        return rc

    def communicate(self, input: bytes | None = None, timeout: float | None = None) -> tuple[bytes, bytes]:
        """Wait for the end and return ``(stdout, stderr)`` as bytes; may be called again."""
        if input:
            raise ValueError("datamover jobs read no input (stdin is /dev/null)")
        self.wait(timeout)
        return self._out.value(), self._err.value()

    def send_signal(self, sig: int) -> None:
        """Signal the local process (not its Slurm job: see :meth:`cancel`)."""
        if self._process_rc is None:
            try:
                os.kill(self.pid, sig)
            except ProcessLookupError:
                pass

    def __exit__(self, *exc: object) -> None:
        try:
            self.wait()
        finally:
            for pipe in (self.stdout, self.stderr):
                if pipe is not None and not pipe.closed:
                    pipe.close()

    def __del__(self) -> None:  # the reaper thread owns the process; nothing to warn about
        return

    # ------------------------------------------------------------------ job API
    def done(self) -> bool:
        """True once the job has ended."""
        return self._finished.is_set()

    @property
    def progress(self) -> Progress | None:
        """The last progress report of the tool (rsync ``--info=progress2``), else None."""
        return latest_progress(self._out.tail(PROGRESS_TAIL).decode("utf-8", "surrogateescape"))

    @property
    def stdout_text(self) -> str:
        """Everything read from stdout so far, as text."""
        return self._out.value().decode("utf-8", "surrogateescape")

    @property
    def stderr_text(self) -> str:
        """Everything read from stderr so far, as text."""
        return self._err.value().decode("utf-8", "surrogateescape")

    def result(self, timeout: float | None = None) -> JobOutput:
        """Wait for the end; return the output, or raise the error that explains the failure.

        Raises :class:`~taurus_datamover.CommandTimeout` when the job was stopped by its own
        ``timeout`` or does not end within ``timeout`` seconds here (the job then goes on),
        and :class:`~taurus_datamover.DatamoverError` (or the job's error class) on a
        non-zero exit or a batch job that did not complete.
        """
        try:
            self.wait(timeout)
        except subprocess.TimeoutExpired:
            raise CommandTimeout(
                self.argv, timeout or 0.0, stdout=self._out.value(), stderr=self._err.value()
            ) from None
        stdout, stderr = self.stdout_text, self.stderr_text
        if self._timed_out:
            raise CommandTimeout(self.argv, self._timeout or 0.0, stdout=stdout, stderr=stderr)
        if self.returncode != 0 or self._state is not JobState.COMPLETED:
            batch_output = self.batch_output()
            if batch_output:  # what the batch job printed: the tool's own words
                stderr = f"{stderr}{batch_output}" if stderr else batch_output
            raise self._error_class(
                self.failure_summary(),
                argv=self.argv,
                returncode=self.returncode,
                stdout=stdout,
                stderr=stderr,
            )
        return JobOutput(stdout, stderr)

    @property
    def batch_output_path(self) -> str | None:
        """Where a batch job's output goes: sbatch's default ``slurm-N.out`` in the
        directory the tool was started in (None for a blocking job)."""
        if not self._is_batch or self.job_id is None:
            return None
        return os.path.join(self._workdir, f"slurm-{self.job_id}.out")

    def batch_output(self, limit: int = 1 << 16) -> str:
        """The end (``limit`` bytes) of a batch job's output file, or "" when there is none."""
        path = self.batch_output_path
        if path is None:
            return ""
        try:
            with open(path, "rb") as handle:
                handle.seek(0, os.SEEK_END)
                handle.seek(max(0, handle.tell() - limit))
                return handle.read().decode("utf-8", "surrogateescape")
        except OSError:
            return ""

    def failure_summary(self) -> str:
        """One line saying why the job failed, in Slurm's or the tool's words."""
        tool = os.path.basename(self.argv[0])
        where = f" (Slurm job {self.job_id})" if self.job_id is not None else ""
        if self.watch_errors:
            return f"{tool}{where}: {self._state.value}: {self.watch_errors[-1]}"
        slurm = slurm_failure(self.stderr_text)
        if slurm:
            return f"{tool}{where} failed: {slurm}"
        if self.exit_signal:
            return f"{tool}{where} was killed by signal {self.exit_signal}"
        summary = f"{tool}{where} ended {self._state.value} with exit code {self.returncode}"
        last = [line for line in self.batch_output(4096).splitlines() if line.strip()]
        if last:
            return f"{summary}: {last[-1].strip()}"
        if self._is_batch:
            return f"{summary} (no output file {self.batch_output_path})"
        return summary

    def cancel(self) -> bool:
        """Stop the local process and cancel the Slurm job (when its id is known).

        Returns True when something was still running. The state becomes CANCELLED; for
        a tool that runs here (not a submitted batch job) it is set when this returns.
        """
        if self._finished.is_set():
            return False
        self._cancel_requested = True
        if self._process_rc is None:
            _stop_process_group(self)  # ending srun ends a blocking job's Slurm job
            if not self._is_batch:  # so that the caller sees the final state at once
                self._finished.wait(PIPE_GRACE + 1.0)
        elif not self._is_batch:
            self._stop_drain()  # the tool has ended; a process it left holds its output
        if self._is_batch and self.job_id is not None and self._canceller is not None:
            try:
                self._canceller(self.job_id)
            except Exception as exc:
                self.watch_errors.append(f"cancelling Slurm job {self.job_id} failed: {exc}")
        if self._is_batch and self._watcher is not None:
            self._watcher.poke()
        return True

    def __await__(self) -> Generator[Any, None, JobOutput]:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[None] = loop.create_future()

        def _set() -> None:
            if not future.done():
                future.set_result(None)

        def _wake(_job: Job) -> None:
            loop.call_soon_threadsafe(_set)

        self.add_done_callback(_wake)
        yield from future.__await__()
        return self.result()

    def __repr__(self) -> str:
        tool = os.path.basename(self.argv[0])
        job = f" job_id={self.job_id}" if self.job_id is not None else ""
        rc = f" returncode={self.returncode}" if self.done() else ""
        return f"<Job {tool}{job} {self._state.value} {self.elapsed:.1f}s{rc}>"

    def _repr_html_(self) -> str:
        import html

        return (
            f"<b>Job</b> <code>{html.escape(' '.join(self.argv))}</code>: "
            f"{self._state.value}, {self.elapsed:.1f} s"
            + (f", Slurm job {self.job_id}" if self.job_id is not None else "")
        )


#: Linux's limit on one argument or environment string (MAX_ARG_STRLEN, 32 pages).
_MAX_ARG_STRLEN = 32 * 4096


def _shown_argv(argv: Sequence[str], words: int = 5, chars: int = 200) -> list[str]:
    """The start of an argv too long to run, short enough for an error message."""
    shown = [a if len(a) <= chars else f"{a[:chars]}...({len(a):,} chars)" for a in argv[:words]]
    if len(argv) > words:
        shown.append(f"...({len(argv) - words:,} more arguments)")
    return shown


def _too_long_message(argv: Sequence[str | bytes | os.PathLike[str]], env: Mapping[str, str]) -> str:
    """Why the OS refused to start ``argv`` (E2BIG), with its size, and what to do."""
    sizes = [len(os.fsencode(a)) + 1 for a in argv]
    env_size = sum(len(os.fsencode(k)) + len(os.fsencode(v)) + 2 for k, v in env.items())
    try:
        limit = os.sysconf("SC_ARG_MAX")
    except (ValueError, OSError):
        limit = -1
    tool = os.path.basename(os.fsdecode(argv[0]))
    text = (
        f"{tool} was not started: the argument list is too long for the operating system "
        f"(E2BIG): {len(argv) - 1:,} arguments, {sum(sizes):,} bytes, plus {env_size:,} bytes "
        "of environment"
    )
    longest = max(sizes[1:], default=0) - 1
    if limit > 0:
        text += f"; this system allows {limit:,} bytes for both (ARG_MAX)"
        room = limit - env_size
        per_arg = sum(sizes[1:]) / max(1, len(sizes) - 1)
        if room > 0 and len(sizes) > 2 and longest < _MAX_ARG_STRLEN:
            text += f", about {max(1, int(room / per_arg / 2)):,} such arguments per call with room to spare"
    if longest >= _MAX_ARG_STRLEN:
        text += f"; one argument has {longest:,} bytes, and Linux takes at most {_MAX_ARG_STRLEN - 1:,} in one"
    return text + ". Nothing ran. Split the paths into several calls, or name a directory that holds them."


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except (ProcessLookupError, PermissionError):
        return False
    return True


def _stop_process_group(job: Job, grace: float = 5.0) -> None:
    """SIGTERM the job's process group (srun, the tool and the children they started),
    SIGKILL after ``grace`` s to whatever of it is left, the tool or a child of it.

    The group's id is the tool's pid, which cannot be given to a new process while any
    member of the group lives, so the group is still the job's after the tool ended.
    """
    try:
        os.killpg(job.pid, signal.SIGTERM)
    except (ProcessLookupError, PermissionError):
        return
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        if job._process_rc is not None and not _group_alive(job.pid):
            return
        time.sleep(0.01)
    try:
        os.killpg(job.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def waitfor(
    process: subprocess.Popen[Any], timeout_in_s: float = -1, discard_output: bool = True, quiet: bool = True
) -> int:
    """Wait for ``process`` to end and return its exit code (the original package's helper).

    Returns as soon as the process ends (no fixed sleep). With ``quiet=False`` it prints
    ``Waiting .`` and a dot every half second. ``timeout_in_s`` < 0 waits forever; on a
    timeout a ``RuntimeWarning`` is issued and -1 returned (the job goes on). A non-zero
    exit also issues a warning. The output is always kept: ``communicate()`` afterwards
    returns it; with ``discard_output=False`` it is also printed.
    """
    import warnings

    deadline = None if timeout_in_s is None or timeout_in_s < 0 else time.monotonic() + timeout_in_s
    if not quiet:
        print("Waiting .", end="", flush=True)
    rc: int | None = None
    while True:
        slice_s = 0.5
        if deadline is not None:
            slice_s = max(0.0, min(slice_s, deadline - time.monotonic()))
        try:
            rc = process.wait(timeout=slice_s)
            break
        except subprocess.TimeoutExpired:
            if deadline is not None and time.monotonic() >= deadline:
                break
            if not quiet:
                print(".", end="", flush=True)
    if not quiet:
        print("", flush=True)
    if rc is None:
        warnings.warn(f"timeout: {process.args!r} still running after {timeout_in_s} s", RuntimeWarning, stacklevel=2)
        return -1
    if not discard_output:
        out, err = process.communicate()
        if out:
            print(out.decode("utf-8", "surrogateescape") if isinstance(out, bytes) else out, end="")
        if err:
            print(err.decode("utf-8", "surrogateescape") if isinstance(err, bytes) else err, end="", file=sys.stderr)
    if rc != 0:
        warnings.warn(f"{process.args!r} exited with code {rc}", RuntimeWarning, stacklevel=2)
    return rc

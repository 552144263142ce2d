"""``Job``: the ``subprocess.Popen`` every tool call returns, with its output drained from
the start (a big listing never blocks the tool), its Slurm job's id and state (the rules:
:class:`~.slurm.SlurmTracker`), and a batch job followed by the shared watcher. For a
batch job ``returncode`` is the *Slurm job's* exit code, None until it has ended.
"""

from __future__ import annotations

import contextlib
import errno
import html
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Generator, Mapping, Sequence
from typing import Any, NamedTuple

from taurus_datamover.command.argv import shown_argv, too_long_message
from taurus_datamover.command.process import ProcessOutput, stop_process_group
from taurus_datamover.command.slurm import SlurmTracker
from taurus_datamover.command.watcher import JobWatcher
from taurus_datamover.errors import CommandTimeout, DatamoverError, ToolArgumentError, ToolArgumentTypeError, ToolError
from taurus_datamover.models.jobs import JobState
from taurus_datamover.parsers.progress import Progress, latest_progress

#: How much of the end of stdout is searched for progress (and of stderr for Slurm's end notice).
PROGRESS_TAIL = 1 << 14
#: Seconds to wait, after the tool ended, for the end of its output: only a process it left
#: behind (a daemon holding stdout) keeps the pipes open longer, and is not waited for.
PIPE_GRACE = 2.0


def _text(data: bytes) -> str:
    return data.decode("utf-8", "surrogateescape")


class JobOutput(NamedTuple):
    """What :meth:`Job.result` returns: both streams as text (UTF-8, surrogateescape)."""

    stdout: str
    stderr: str


class Job(subprocess.Popen[bytes]):
    """A running tool. ``stdin`` is ``/dev/null``: a job must not steal a notebook's or a cron
    job's input. ``expect_batch``: the call submits a batch job."""

    # Popen.__init__ assigns ``returncode`` (our setter) before it has started the process.
    _process_rc: int | None = None

    def __init__(
        self,
        argv: Sequence[str | bytes | os.PathLike[str]],
        *,
        env: Mapping[str, str] | None = None,
        cwd: str | os.PathLike[str] | None = None,
        verbosity: int = 0,
        timeout: float | None = None,
        canceller: Callable[[int], None] | None = None,
        watcher: JobWatcher | None = None,
        error_class: type[ToolError] = DatamoverError,
        expect_batch: bool = False,
    ) -> None:
        if isinstance(argv, (str, bytes)):  # a shell string would run one argument per character
            raise ToolArgumentTypeError(f"argv must be a list of arguments, not the {type(argv).__name__} {argv!r}")
        #: What Slurm and the process said, turned into id, state and return code.
        self.tracker = SlurmTracker(expect_batch=expect_batch, on_batch_end=self._complete)
        self._lock, self._finished = threading.Lock(), threading.Event()
        self._callbacks: list[Callable[[Job], None]] = []
        self._canceller, self._watcher, self._error_class = canceller, watcher, error_class
        self._timeout, self._timeout_due = timeout, False
        self.exit_signal: int | None = None
        self.started_at = time.monotonic()
        self.ended_at: float | None = None
        self._workdir = os.path.abspath(os.fspath(cwd) if cwd is not None else os.curdir)
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
                too_long_message(argv, os.environ if env is None else env), argv=shown_argv(self.argv)
            ) from exc
        assert self.stdout is not None and self.stderr is not None
        self._output = ProcessOutput(self.stdout, self.stderr, self.tracker.observe_line, echo=verbosity >= 2)
        self._out, self._err = self._output.out, self._output.err
        self._timer = None if timeout is None else threading.Timer(timeout, self._on_timeout)
        if self._timer is not None:
            self._timer.daemon = True
            self._timer.start()
        threading.Thread(target=self._reap, name="taurus-job-reaper", daemon=True).start()

    @property
    def returncode(self) -> int | None:
        """Exit code of the job (for batch jobs: of the Slurm job), None while it runs."""
        return self.tracker.returncode if self.tracker.is_batch else self._process_rc

    @returncode.setter
    def returncode(self, value: int | None) -> None:
        # Popen's own machinery reports the local process here.
        self._process_rc = value

    @property
    def job_id(self) -> int | None:
        """The Slurm job's id, once Slurm has said it (None for a tool that runs no job)."""
        return self.tracker.job_id

    @property
    def state(self) -> JobState:
        """The job's :class:`JobState`, as far as Slurm and the process have told."""
        return self.tracker.state

    @property
    def is_batch(self) -> bool:
        """True when the tool submitted a batch job (``Submitted batch job N``)."""
        return self.tracker.is_batch

    @property
    def watch_errors(self) -> list[str]:
        """What went wrong while following the job (queue failures, a failed cancel)."""
        return self.tracker.errors

    @property
    def output_cut(self) -> bool:
        """True when a process the tool left behind held its output open (``PIPE_GRACE``)."""
        return self._output.cut

    @property
    def elapsed(self) -> float:
        """Seconds since the job was started, up to its end."""
        return (time.monotonic() if self.ended_at is None else self.ended_at) - self.started_at

    def _reap(self) -> None:
        try:
            super().wait()
        except Exception:  # pragma: no cover - waitpid failing is an OS-level bug
            self._process_rc = self._process_rc if self._process_rc is not None else -1
        self._output.wait(PIPE_GRACE)
        rc = self._process_rc
        if rc is not None and rc < 0:
            self.exit_signal = -rc
        submitted = self.tracker.batch_submitted(rc, _text(self._out.value()[:200]))
        if submitted is None:
            self.tracker.process_ended(rc, _text(self._err.tail(PROGRESS_TAIL)))
            self._complete()
        elif self._watcher is None:
            self.tracker.finish(
                JobState.UNKNOWN, None, f"batch job {submitted} submitted, but no dtqueue/squeue to follow it"
            )
        else:
            self._watcher.watch(self.tracker)  # it calls tracker.finish, which ends the job
            if self._timeout_due:  # the time ran out while sbatch's output was drained
                self._on_timeout()

    def _complete(self) -> None:
        self.ended_at = time.monotonic()
        if self._timer is not None:
            self._timer.cancel()
        with self._lock:
            self._finished.set()
            callbacks, self._callbacks = self._callbacks, []
        for callback in callbacks:
            try:
                callback(self)
            except Exception as exc:  # a user's callback must not kill the reaper
                self.watch_errors.append(f"callback {callback!r} raised {exc!r}")

    def add_done_callback(self, callback: Callable[[Job], None]) -> None:
        """Call ``callback(job)`` once when the job ends (at once if it already has)."""
        with self._lock:
            if not self._finished.is_set():
                self._callbacks.append(callback)
                return
        callback(self)

    def _on_timeout(self) -> None:
        if self._finished.is_set():
            return
        if self._process_rc is not None and not self.is_batch:
            # The tool ended in time: only the drain is left (a process it left holds the
            # pipes); end it. Had it submitted a batch job, the reaper applies the timeout.
            self._timeout_due = True
            self._output.stop()
            return
        self.tracker.timed_out = True
        self.cancel()

    def poll(self) -> int | None:
        """The exit code once the job (and the draining of its output) has ended, else None."""
        return self.returncode if self._finished.is_set() else None

    def wait(self, timeout: float | None = None) -> int:
        """Wait for the end of the job; ``subprocess.TimeoutExpired`` after ``timeout`` s.
        Ctrl-C while the tool runs stops it, as ``subprocess.run`` does (it runs in its own
        session, out of the terminal's reach); a submitted batch job stays queued."""
        try:
            finished = self._finished.wait(timeout)
        except KeyboardInterrupt:
            if not self.is_batch and self._process_rc is None:
                self.cancel()
            raise
        if not finished:
            raise subprocess.TimeoutExpired(self.args, timeout or 0.0)
        rc = self.returncode
        assert rc is not None
        return rc

    def communicate(self, input: bytes | None = None, timeout: float | None = None) -> tuple[bytes, bytes]:
        """Wait for the end; ``(stdout, stderr)`` as bytes (again on each call)."""
        if input:
            raise ToolArgumentError("datamover jobs read no input (stdin is /dev/null)")
        self.wait(timeout)
        return self._out.value(), self._err.value()

    def send_signal(self, sig: int) -> None:
        """Signal the local process (not its Slurm job: see :meth:`cancel`)."""
        if self._process_rc is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, sig)

    def __exit__(self, *exc: object) -> None:
        self.wait()  # not Popen's: it closes the pipes first, and the drain closes them at their end

    def __del__(self) -> None:  # the reaper thread owns the process; nothing to warn about
        pass

    def done(self) -> bool:
        """True once the job has ended."""
        return self._finished.is_set()

    @property
    def progress(self) -> Progress | None:
        """The last progress report of the tool (rsync ``--info=progress2``), else None."""
        return latest_progress(_text(self._out.tail(PROGRESS_TAIL)))

    @property
    def stdout_text(self) -> str:
        """Everything read from stdout so far, as text."""
        return _text(self._out.value())

    @property
    def stderr_text(self) -> str:
        """Everything read from stderr so far, as text."""
        return _text(self._err.value())

    def result(self, timeout: float | None = None) -> JobOutput:
        """Wait for the end; the output, else ``CommandTimeout`` (the job's ``timeout`` stopped
        it, or it runs past ``timeout`` s here and goes on) or the job's error class."""
        try:
            self.wait(timeout)
        except subprocess.TimeoutExpired:
            raise CommandTimeout(
                self.argv, timeout or 0.0, stdout=self._out.value(), stderr=self._err.value()
            ) from None
        stdout, stderr = self.stdout_text, self.stderr_text
        if self.tracker.timed_out:
            raise CommandTimeout(self.argv, self._timeout or 0.0, stdout=stdout, stderr=stderr)
        if self.returncode != 0 or self.state is not JobState.COMPLETED:
            stderr += self.batch_output()  # what the batch job printed: the tool's own words
            summary = self.failure_summary()
            raise self._error_class(summary, argv=self.argv, returncode=self.returncode, stdout=stdout, stderr=stderr)
        return JobOutput(stdout, stderr)

    @property
    def batch_output_path(self) -> str | None:
        """sbatch's default ``slurm-N.out`` in the tool's start directory (None: not a batch job)."""
        if not self.is_batch or self.job_id is None:
            return None
        return os.path.join(self._workdir, f"slurm-{self.job_id}.out")

    def batch_output(self, limit: int = 1 << 16) -> str:
        """The end (``limit`` bytes) of a batch job's output file, or "" when there is none."""
        if (path := self.batch_output_path) is None:
            return ""
        try:
            with open(path, "rb") as handle:
                handle.seek(max(0, handle.seek(0, os.SEEK_END) - limit))
                return _text(handle.read())
        except OSError:
            return ""

    def failure_summary(self) -> str:
        """One line saying why the job failed, in Slurm's or the tool's words."""
        return self.tracker.failure_summary(
            os.path.basename(self.argv[0]),
            self.returncode,
            self.stderr_text,
            exit_signal=self.exit_signal,
            batch_tail=self.batch_output(4096),
            output_path=self.batch_output_path,
        )

    def cancel(self) -> bool:
        """Stop the local process and cancel the Slurm job (its id known); True when something
        still ran. The state becomes CANCELLED (for a tool run here, at once)."""
        if self._finished.is_set():
            return False
        self.tracker.cancel_requested = True
        if self._process_rc is None:
            stop_process_group(self.pid, lambda: self._process_rc is not None)  # ending srun ends its job
            if not self.is_batch:  # so that the caller sees the final state at once
                self._finished.wait(PIPE_GRACE + 1.0)
        elif not self.is_batch:
            self._output.stop()  # the tool has ended; a process it left holds its output
        if self.is_batch and self.job_id is not None and self._canceller is not None:
            try:
                self._canceller(self.job_id)
            except Exception as exc:
                self.watch_errors.append(f"cancelling Slurm job {self.job_id} failed: {exc}")
        if self.is_batch and self._watcher is not None:
            self._watcher.poke()
        return True

    def __await__(self) -> Generator[Any, None, JobOutput]:
        import asyncio  # here: only ``await job`` needs it, and it is slow to import
        from concurrent.futures import Future

        ended: Future[None] = Future()
        self.add_done_callback(lambda _job: ended.set_result(None))
        yield from asyncio.wrap_future(ended).__await__()
        return self.result()

    def __repr__(self) -> str:
        tool = os.path.basename(self.argv[0])
        job = f" job_id={self.job_id}" if self.job_id is not None else ""
        rc = f" returncode={self.returncode}" if self.done() else ""
        return f"<Job {tool}{job} {self.state.value} {self.elapsed:.1f}s{rc}>"

    def _repr_html_(self) -> str:
        return (
            f"<b>Job</b> <code>{html.escape(' '.join(self.argv))}</code>: "
            f"{self.state.value}, {self.elapsed:.1f} s"
            + (f", Slurm job {self.job_id}" if self.job_id is not None else "")
        )

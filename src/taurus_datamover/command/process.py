"""The operating-system side of a running tool: draining its pipes, stopping its group, and
the original package's ``waitfor``, kept as it was called."""

from __future__ import annotations

import contextlib
import os
import select
import signal
import subprocess
import sys
import threading
import time
import warnings
from collections.abc import Callable
from typing import IO, Any

_READ_SIZE = 1 << 16
#: How many stderr lines are looked at for Slurm's own lines (srun's time-limit notice may
#: follow the task's output; a tool that prints more than this is not read for it).
MAX_WATCHED_LINES = 10_000
#: How many chunks are still read from a pipe whose drain was stopped (what it holds then).
_LAST_READS = 64


class Collected:
    """One pipe's bytes as read; ``on_line`` sees its first ``MAX_WATCHED_LINES`` lines."""

    def __init__(self, on_line: Callable[[str], None] | None, echo: IO[str] | None) -> None:
        self._chunks: list[bytes] = []
        self._on_line, self._echo = on_line, echo
        self._partial, self._lines_seen = b"", 0

    def take(self, chunk: bytes) -> None:
        self._chunks.append(chunk)
        if self._echo is not None:
            self._echo.write(chunk.decode("utf-8", "surrogateescape"))
            self._echo.flush()
        if self._on_line is None:
            return
        *complete, self._partial = (self._partial + chunk).split(b"\n")
        if len(self._partial) > 4096:
            self._partial = b""
        for raw in complete:
            if self._lines_seen >= MAX_WATCHED_LINES:
                self._on_line, self._partial = None, b""
                return
            self._lines_seen += 1
            self._on_line(raw.decode("utf-8", "surrogateescape"))

    def end(self) -> None:
        """The pipe has ended: its last line, if it had no newline, is a line too."""
        if self._partial and self._on_line is not None:
            self._on_line(self._partial.decode("utf-8", "surrogateescape"))
        self._partial = b""

    def value(self) -> bytes:
        return b"".join(self._chunks)

    def tail(self, size: int) -> bytes:
        """The last ``size`` bytes read so far (without joining the whole output)."""
        parts: list[bytes] = []
        total = 0
        for chunk in reversed(self._chunks[:]):  # a copy: the drain may append meanwhile
            parts.append(chunk)
            total += len(chunk)
            if total >= size:
                break
        return b"".join(reversed(parts))[-size:]


class ProcessOutput:
    """Both pipes of a tool, drained by one thread into :attr:`out` and :attr:`err` (stderr's
    lines also to ``on_line``) until both end or :meth:`stop`, which keeps what they hold then
    (:attr:`cut`: their end was not seen)."""

    def __init__(
        self, stdout: IO[bytes], stderr: IO[bytes], on_line: Callable[[str], None], *, echo: bool = False
    ) -> None:
        self.out = Collected(None, sys.stdout if echo else None)
        self.err = Collected(on_line, sys.stderr if echo else None)
        self.cut = self._stopped = False
        self._pipes = {stdout.fileno(): (stdout, self.out), stderr.fileno(): (stderr, self.err)}
        self._lock = threading.Lock()
        # A byte written here (never read) wakes the drain for good.
        self._wake_read, self._wake_write = os.pipe()
        self._thread = threading.Thread(target=self._drain, name="taurus-job-drain", daemon=True)
        self._thread.start()

    def _drain(self) -> None:
        poller = select.poll()
        for fd in (*self._pipes, self._wake_read):
            poller.register(fd, select.POLLIN)
        open_fds = set(self._pipes)
        try:
            while open_fds:
                for fd, _event in poller.poll():
                    if fd == self._wake_read:  # stopped: keep what the pipes hold, then end
                        self.cut = not all([self._read_what_is_there(fd) for fd in open_fds])
                        return
                    chunk = os.read(fd, _READ_SIZE)
                    if chunk:
                        self._pipes[fd][1].take(chunk)
                    else:
                        poller.unregister(fd)
                        open_fds.discard(fd)
        except OSError:
            pass  # a pipe was closed under us (process killed): keep what we have
        finally:
            for pipe, collected in self._pipes.values():
                collected.end()
                with contextlib.suppress(OSError):
                    pipe.close()

    def _read_what_is_there(self, fd: int) -> bool:
        """Read what pipe ``fd`` holds now (bounded), without waiting; True when that was its end."""
        poller = select.poll()
        poller.register(fd, select.POLLIN)
        for _ in range(_LAST_READS):
            if not poller.poll(0):
                return False
            chunk = os.read(fd, _READ_SIZE)
            if not chunk:
                return True
            self._pipes[fd][1].take(chunk)
        return False

    def wait(self, grace: float) -> None:
        """Wait for the end of both pipes, at most ``grace`` s: a process the ended tool left
        behind may hold them for ever."""
        self._thread.join(grace)
        if self._thread.is_alive():
            self.stop()
        self._thread.join()
        with self._lock:  # no later stop() may write to a closed (reused) fd
            self._stopped = True
            os.close(self._wake_read)
            os.close(self._wake_write)

    def stop(self) -> None:
        """End the drain now (it keeps what the pipes hold)."""
        with self._lock:
            if not self._stopped:
                self._stopped = True
                os.write(self._wake_write, b"x")


def _signal_group(pgid: int, sig: int) -> bool:
    """Send ``sig`` to group ``pgid``; False when it is gone (or not ours)."""
    try:
        os.killpg(pgid, sig)
    except (ProcessLookupError, PermissionError):
        return False
    return True


def stop_process_group(pgid: int, ended: Callable[[], bool], grace: float = 5.0) -> None:
    """SIGTERM the job's process group (srun, the tool, their children), SIGKILL after
    ``grace`` s to what is left. ``pgid`` is the tool's pid (its own session): no new process
    gets it while the group lives. ``ended()`` says whether the tool itself was reaped."""
    if not _signal_group(pgid, signal.SIGTERM):
        return
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        if ended() and not _signal_group(pgid, 0):
            return
        time.sleep(0.01)
    _signal_group(pgid, signal.SIGKILL)


def waitfor(
    process: subprocess.Popen[Any], timeout_in_s: float = -1, discard_output: bool = True, quiet: bool = True
) -> int:
    """Wait for ``process`` to end (no fixed sleep) and return its exit code; ``quiet=False``
    prints ``Waiting .`` and a dot every half second. ``timeout_in_s`` < 0 waits forever; on a
    timeout a ``RuntimeWarning`` is issued and -1 returned (the job goes on), on a non-zero
    exit a warning too. The output is kept for ``communicate()``; ``discard_output=False``
    also prints it.
    """
    deadline = None if timeout_in_s is None or timeout_in_s < 0 else time.monotonic() + timeout_in_s
    if not quiet:
        print("Waiting .", end="", flush=True)
    rc: int | None = None
    while rc is None:
        slice_s = 0.5 if deadline is None else max(0.0, min(0.5, deadline - time.monotonic()))
        try:
            rc = process.wait(timeout=slice_s)
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
        for data, stream in zip(process.communicate(), (sys.stdout, sys.stderr)):
            if data:
                print(data.decode("utf-8", "surrogateescape") if isinstance(data, bytes) else data, end="", file=stream)
    if rc != 0:
        warnings.warn(f"{process.args!r} exited with code {rc}", RuntimeWarning, stacklevel=2)
    return rc

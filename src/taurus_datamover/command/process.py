"""The operating-system side of a running tool: draining its pipes, stopping its group."""

from __future__ import annotations

import os
import select
import signal
import sys
import threading
import time
from collections.abc import Callable
from typing import IO

__all__ = ["MAX_WATCHED_LINES", "OutputDrain", "ProcessOutput", "read_end", "stop_process_group"]

_READ_SIZE = 1 << 16
#: How many stderr lines are looked at for Slurm's own lines (srun's time-limit notice may
#: follow the task's output; a tool that prints more than this is not read for it).
MAX_WATCHED_LINES = 10_000
#: How many chunks are still read from a pipe whose drain was stopped (what it holds then).
_LAST_READS = 64


class OutputDrain:
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


class ProcessOutput:
    """Both pipes of a tool, drained from the start (stderr's lines also go to ``on_line``).

    Both drains end at the end of their pipes, or together when :meth:`stop` is called:
    a byte written to a wake pipe that is never read wakes both for good.
    """

    def __init__(
        self, stdout: IO[bytes], stderr: IO[bytes], on_line: Callable[[str], None], *, echo: bool = False
    ) -> None:
        self._lock = threading.Lock()
        self._stopped = False
        self._wake_read, self._wake_write = os.pipe()
        self.out = OutputDrain(stdout, None, sys.stdout if echo else None, self._wake_read)
        self.err = OutputDrain(stderr, on_line, sys.stderr if echo else None, self._wake_read)
        self.out.thread.start()
        self.err.thread.start()

    @property
    def cut(self) -> bool:
        """True when either pipe was not read to its end (see :meth:`wait`)."""
        return self.out.cut or self.err.cut

    def wait(self, grace: float) -> None:
        """Wait for the end of both pipes, at most ``grace`` s (the tool has ended).

        What the tool wrote is in the pipes and read at once. A process it left behind (a
        daemon) may hold them open for ever: its output is not waited for; what it wrote
        so far is kept, and :attr:`cut` says so.
        """
        deadline = time.monotonic() + grace
        for drain in (self.out, self.err):
            drain.thread.join(max(0.0, deadline - time.monotonic()))
        if self.out.thread.is_alive() or self.err.thread.is_alive():
            self.stop()
        self.out.thread.join()
        self.err.thread.join()
        with self._lock:  # no later stop() may write to a closed (reused) fd
            self._stopped = True
            for fd in (self._wake_read, self._wake_write):
                os.close(fd)

    def stop(self) -> None:
        """End both drains now (they keep what the pipes hold)."""
        with self._lock:
            if self._stopped:
                return
            self._stopped = True
            os.write(self._wake_write, b"x")


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except (ProcessLookupError, PermissionError):
        return False
    return True


def stop_process_group(pgid: int, ended: Callable[[], bool], grace: float = 5.0) -> None:
    """SIGTERM the job's process group (srun, the tool and the children they started),
    SIGKILL after ``grace`` s to whatever of it is left, the tool or a child of it.

    ``pgid`` is the tool's pid (it was started in a session of its own), which cannot be
    given to a new process while any member of the group lives, so the group is still the
    job's after the tool ended; ``ended()`` says whether the tool itself was reaped.
    """
    try:
        os.killpg(pgid, signal.SIGTERM)
    except (ProcessLookupError, PermissionError):
        return
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        if ended() and not _group_alive(pgid):
            return
        time.sleep(0.01)
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def read_end(path: str | None, limit: int) -> str:
    """The last ``limit`` bytes of the file at ``path`` as text, "" when there is none."""
    if path is None:
        return ""
    try:
        with open(path, "rb") as handle:
            handle.seek(0, os.SEEK_END)
            handle.seek(max(0, handle.tell() - limit))
            return handle.read().decode("utf-8", "surrogateescape")
    except OSError:
        return ""

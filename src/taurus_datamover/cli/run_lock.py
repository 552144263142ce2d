"""One ``ws auto-extend`` at a time per user: an exclusive ``flock`` on a lock file, so two
overlapping runs never extend a workspace twice. The holder writes its pid into it (a run
that gives up says who holds it); the lock dies with its process, so none goes stale.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from taurus_datamover.cli.context import default_site_root
from taurus_datamover.errors import LockTimeout

#: How often a waiting run tries the lock again (seconds).
_POLL = 0.05


def state_dir(environ: os._Environ[str] | dict[str, str] | None = None) -> Path:
    """The user's cache directory of this package (beside the default site), for its state."""
    return default_site_root(environ).parent


def _holder(fd: int) -> str | None:
    try:
        text = os.pread(fd, 64, 0).decode("ascii", "replace").strip()
    except OSError:
        return None
    return text if text.isdigit() else None


@contextmanager
def held_lock(path: Path, timeout: float) -> Iterator[None]:
    """Hold an exclusive ``flock`` on ``path`` for the ``with`` block, waiting up to
    ``timeout`` s for another holder, then :class:`LockTimeout`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    try:
        start = time.monotonic()
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                waited = time.monotonic() - start
                if waited >= timeout:
                    raise LockTimeout(path, round(waited, 1), _holder(fd)) from None
                time.sleep(min(_POLL, max(timeout - waited, 0.0)))
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        try:
            yield
        finally:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)

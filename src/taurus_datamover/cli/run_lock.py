"""One ``ws auto-extend`` at a time per user: an exclusive ``flock`` on a lock file.

Two cron entries, or a slow run that overlaps the next, would otherwise both list the
same due workspaces and extend each twice. The lock file lives in the user's cache
directory (``$XDG_CACHE_HOME/taurus-datamover``, else ``~/.cache/taurus-datamover``), next
to the default emulated site; the holder writes its pid into it, so that a run that gives
up waiting can say who holds it. ``flock`` locks die with their process: a killed run
never leaves a stale lock behind (the file stays, empty of meaning, and is reused).
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

__all__ = ["held_lock", "state_dir"]

#: How often a waiting run tries the lock again (seconds).
_POLL = 0.05


def state_dir(environ: os._Environ[str] | dict[str, str] | None = None) -> Path:
    """The user's cache directory of this package (``$XDG_CACHE_HOME/taurus-datamover``,
    else ``~/.cache/taurus-datamover``: where the default emulated site lives too), for
    per-user state such as the lock."""
    return default_site_root(environ).parent


def _holder(fd: int) -> str | None:
    try:
        text = os.pread(fd, 64, 0).decode("ascii", "replace").strip()
    except OSError:
        return None
    return text if text.isdigit() else None


@contextmanager
def held_lock(path: Path, timeout: float) -> Iterator[None]:
    """Hold an exclusive ``flock`` on ``path`` (created if missing) for the ``with`` block.

    Waits up to ``timeout`` seconds for another holder to finish, then raises
    :class:`LockTimeout` naming the file and the holder's pid.
    """
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

"""``waitfor``: the original package's helper, kept as it was called."""

from __future__ import annotations

import subprocess
import sys
import time
import warnings
from typing import Any


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

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
    """Wait for ``process`` to end and return its exit code (the original package's helper).

    Returns as soon as the process ends (no fixed sleep). With ``quiet=False`` it prints
    ``Waiting .`` and a dot every half second. ``timeout_in_s`` < 0 waits forever; on a
    timeout a ``RuntimeWarning`` is issued and -1 returned (the job goes on). A non-zero
    exit also issues a warning. The output is always kept: ``communicate()`` afterwards
    returns it; with ``discard_output=False`` it is also printed.
    """
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

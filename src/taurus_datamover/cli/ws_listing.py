"""``ws list`` without the object API: one ``ws_list`` run read into plain records.

Found and checked as :class:`~taurus_datamover.Workspace` does (the same functions), read by
``parse_ws_list``'s reader into records with the fields of ``WorkspaceInfo``, written as
pydantic writes the model (:func:`record_json`). A run that is not a plain listing (the tool
failed or printed an error line, an entry names no file system) is left to the object API
(None), which runs the read-only ``ws_list`` again and reports it exactly as before.
"""

from __future__ import annotations

import os
import select
import signal
import sys
import time
from datetime import datetime, timedelta

from taurus_datamover.cli.context import Context
from taurus_datamover.command.tools import WORKSPACE_FAMILY, find_tool
from taurus_datamover.errors import CommandTimeout
from taurus_datamover.parsers.workspaces.common import workspace_error_message
from taurus_datamover.parsers.workspaces.records import ListedWorkspace
from taurus_datamover.parsers.workspaces.ws_list_reader import read_ws_list
from taurus_datamover.workspace.arguments import check_stored_text, filesystem_args
from taurus_datamover.workspace.context import (
    DEFAULT_TIMEOUT,
    tools_time,
    tools_user,
    tools_zone,
)

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any


def listed_records(ctx: Context, filesystem: str | None) -> list[ListedWorkspace] | None:
    """The workspaces of one ``ws_list`` run (``-F filesystem`` when given), or None where
    the object API must answer (see the module text)."""
    path, env, clock = ctx.ws_settings()
    environ: Mapping[str, str] = os.environ if env is None else env
    args = filesystem_args(filesystem)
    ws_list = find_tool(WORKSPACE_FAMILY, "ws_list", path, environ=env)
    argv = [ws_list, *args]
    for position, arg in enumerate(argv[1:], start=1):
        check_stored_text(arg, f"argument {position} of ws_list")
    if ctx.verbosity >= 2:
        print("taurus_datamover: running " + " ".join(argv), file=sys.stderr)
    rc, stdout, stderr = _run(argv, env)
    if rc != 0 or workspace_error_message(stderr) is not None:
        return None
    now = clock() if clock is not None else tools_time(ws_list, environ)
    records = read_ws_list(stdout, tz=tools_zone(environ), now=now, user=tools_user(environ))
    if filesystem is not None:
        return [r if r.filesystem else r._replace(filesystem=filesystem) for r in records]
    return records if all(r.filesystem for r in records) else None


def _run(argv: list[str], env: Mapping[str, str] | None) -> tuple[int, str, str]:
    """Exit code, stdout and stderr of ``argv`` (stdin ``/dev/null``, its own session);
    after :data:`~.context.DEFAULT_TIMEOUT` seconds its process group is stopped as every
    job's is (SIGTERM, then SIGKILL). ``posix_spawn`` and ``poll``: ``subprocess`` costs the
    command more to import than this one run needs."""
    out_r, out_w = os.pipe()
    err_r, err_w = os.pipe()
    read = {out_r: bytearray(), err_r: bytearray()}
    try:
        try:
            pid = os.posix_spawn(
                argv[0],
                argv,
                os.environ if env is None else env,
                file_actions=[
                    (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
                    (os.POSIX_SPAWN_DUP2, out_w, 1),
                    (os.POSIX_SPAWN_DUP2, err_w, 2),
                ],
                setsid=True,
                setsigdef=(signal.SIGPIPE, signal.SIGXFSZ),  # ignored by Python, not by the tool
            )
        finally:
            os.close(out_w)
            os.close(err_w)
        hung = not _drain(read, time.monotonic() + DEFAULT_TIMEOUT)
        if hung:
            from taurus_datamover.command.process import stop_process_group  # only when it hangs

            reaped = False

            def ended() -> bool:
                nonlocal reaped
                reaped = reaped or os.waitpid(pid, os.WNOHANG)[0] == pid
                return reaped

            stop_process_group(pid, ended)
            _drain(read, None)
            if not reaped:
                os.waitpid(pid, 0)
    finally:
        for fd in read:
            os.close(fd)
    out, err = (read[fd].decode("utf-8", "surrogateescape") for fd in (out_r, err_r))
    if hung:
        raise CommandTimeout(argv, DEFAULT_TIMEOUT, stdout=out, stderr=err)
    return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]), out, err


def _drain(read: dict[int, bytearray], deadline: float | None) -> bool:
    """Read the pipes ``read`` holds until each is closed (True) or ``deadline`` passes."""
    poller = select.poll()
    for fd in read:
        poller.register(fd, select.POLLIN)
    open_fds = len(read)
    while open_fds:
        left = None if deadline is None else deadline - time.monotonic()
        if left is not None and left <= 0:
            return False
        for fd, _ in poller.poll(None if left is None else left * 1000):
            data = os.read(fd, 65536)
            if data:
                read[fd] += data
            else:
                poller.unregister(fd)
                open_fds -= 1
    return True


# -- JSON as pydantic writes it ------------------------------------------------------


def record_json(record: ListedWorkspace) -> dict[str, Any]:
    """``record`` as ``WorkspaceInfo(...).model_dump(mode="json")`` gives it."""
    return {name: _json_value(value) for name, value in zip(record._fields, record)}


def _json_value(value: object) -> object:
    if isinstance(value, datetime):
        return iso_datetime(value)
    return iso_duration(value) if isinstance(value, timedelta) else value


def iso_datetime(moment: datetime) -> str:
    """ISO 8601 as pydantic writes it: ``Z`` for a zero offset, offsets in whole minutes."""
    offset = moment.utcoffset()
    if offset is None:
        return moment.isoformat()
    seconds = int(offset.total_seconds())
    if seconds == 0:
        return moment.replace(tzinfo=None).isoformat() + "Z"
    minutes = abs(seconds) // 60
    return (
        f"{moment.replace(tzinfo=None).isoformat()}{'-' if seconds < 0 else '+'}{minutes // 60:02d}:{minutes % 60:02d}"
    )


def iso_duration(delta: timedelta) -> str:
    """ISO 8601 as pydantic writes it: ``P29DT23H``, ``-PT1S``, ``P1Y35D`` (a year is 365 days)."""
    total = delta // timedelta(microseconds=1)
    days, rest = divmod(abs(total), 86_400_000_000)
    seconds, micro = divmod(rest, 1_000_000)
    years, days = divmod(days, 365)
    text = ("-" if total < 0 else "") + "P" + (f"{years}Y" if years else "") + (f"{days}D" if days else "")
    if not (seconds or micro):
        return text if years or days else text + "T0S"
    hours, minutes, seconds = seconds // 3600, seconds // 60 % 60, seconds % 60
    text += "T" + (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "")
    if seconds or micro:
        text += f"{seconds}{f'.{micro:06d}'.rstrip('0') if micro else ''}S"
    return text

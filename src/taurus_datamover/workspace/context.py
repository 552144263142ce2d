"""What a listing of the ``ws_*`` tools is read against: the tools' environment, user,
zone and clock. Standard library only, so that the command line can read a listing
without the job layer (the object API asks the same questions here)."""

from __future__ import annotations

import os
from datetime import datetime, timezone

from taurus_datamover.errors import WorkspaceError
from taurus_datamover.facts import EMULATOR_CLOCK_FILE, EMULATOR_NOW_ENV, EMULATOR_ROOT_ENV, EMULATOR_USER_ENV
from taurus_datamover.parsers.workspaces.posix_tz import zone_from_environment

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing
if TYPE_CHECKING:
    from collections.abc import Mapping
    from pathlib import Path

__all__ = ["DEFAULT_TIMEOUT", "emulated_site_root", "site_clock", "tools_time", "tools_user", "tools_zone"]

#: Seconds an object-API call waits for its tool before stopping it (``CommandTimeout``).
DEFAULT_TIMEOUT = 120.0


#: The zone the tools print wall times in: the ``TZ`` (and ``TZDIR``) of their environment
#: read as glibc reads it.
tools_zone = zone_from_environment


def tools_user(environ: Mapping[str, str]) -> str | None:
    """The user the tools run as: the emulated site's user variable
    (:data:`~taurus_datamover.facts.EMULATOR_USER_ENV`) of their environment, else the
    login name."""
    return environ.get(EMULATOR_USER_ENV) or login_name()


def login_name() -> str | None:
    """The login name as ``getpass.getuser()`` reads it (not importing it, nor termios); None for none."""
    for name in ("LOGNAME", "USER", "LNAME", "USERNAME"):
        if os.environ.get(name):
            return os.environ[name]
    import pwd

    try:
        return pwd.getpwuid(os.getuid()).pw_name
    except KeyError:
        return None


def emulated_site_root(ws_list: str | None, environ: Mapping[str, str]) -> Path | None:
    """The root of the emulated site whose ``ws_list`` (its path; None: not found) this
    is: the environment's :data:`~taurus_datamover.facts.EMULATOR_ROOT_ENV` when the tool
    lies in its ``bin``; else None (a root left in the shell does not make other tools
    follow that site's clock)."""
    from pathlib import Path  # here: the command's listing needs the text alone

    root = _site_root_of(ws_list, environ)
    return None if root is None else Path(root)


def _site_root_of(ws_list: str | None, environ: Mapping[str, str]) -> str | None:
    root = environ.get(EMULATOR_ROOT_ENV)
    if not root or ws_list is None:
        return None
    tools = os.path.realpath(os.path.dirname(ws_list))
    return root if tools == os.path.realpath(os.path.join(root, "bin")) else None


def site_clock(root: str | os.PathLike[str], environ: Mapping[str, str]) -> datetime:
    """The time of the emulated site at ``root`` as its tools see it: the variable
    :data:`~taurus_datamover.facts.EMULATOR_NOW_ENV`, else the site's clock file (the
    format :mod:`taurus_datamover.facts` gives), else now."""
    text = environ.get(EMULATOR_NOW_ENV, "").strip()
    if not text:
        try:
            with open(os.path.join(root, EMULATOR_CLOCK_FILE), encoding="utf-8", errors="replace") as clock:
                text = clock.read().strip()
        except FileNotFoundError:
            return datetime.now(timezone.utc)
    try:
        return datetime.fromtimestamp(float(text), timezone.utc) if text else datetime.now(timezone.utc)
    except (ValueError, OverflowError):  # not a number, or not a time (inf, 1e300)
        pass
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        raise WorkspaceError(f"the emulated site's clock {text!r} is neither epoch seconds nor ISO 8601") from None
    return when if when.tzinfo is not None else when.replace(tzinfo=timezone.utc)


def tools_time(ws_list: str | None, environ: Mapping[str, str]) -> datetime:
    """Now as the tools see it: the clock of the emulated site this ``ws_list`` belongs to
    (:func:`emulated_site_root`, :func:`site_clock`), else this machine's now."""
    root = _site_root_of(ws_list, environ)
    return site_clock(root, environ) if root is not None else datetime.now(timezone.utc)

"""What every emulated ws_* tool needs: the site's config, user, clock and output format."""

from __future__ import annotations

import grp
import os
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

from taurus_datamover.emulator import clock
from taurus_datamover.emulator.config import SiteConfig, load_site_config, resolve_user
from taurus_datamover.emulator.ws import formats_v1, formats_v2
from taurus_datamover.emulator.ws.db import Database, WsEntry
from taurus_datamover.emulator.ws.formats import WsFormat
from taurus_datamover.emulator.ws.options import Opt, OptionError, Parsed, parse
from taurus_datamover.facts import WORKSPACE_NAME_RULE

GROUP_ENV = "TAURUS_EMULATOR_GROUP"  # overrides the emulated user's primary group
NAME_RE = re.compile(WORKSPACE_NAME_RULE)
#: v1's optparse tools answer a bad command line with their usage line and the error (exit 2).
_OPTPARSE_USAGE = {"ws_list": formats_v1.LIST_USAGE, "ws_find": formats_v1.FIND_USAGE}


class ToolExit(Exception):
    """The tool ends now with exit code ``code`` (what it had to say is said)."""

    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code


def _primary_group() -> str:
    try:
        return os.environ.get(GROUP_ENV) or grp.getgrgid(os.getgid()).gr_name
    except KeyError:
        return str(os.getgid())


@dataclass
class Site:
    """One tool run's view of the site at ``root``."""

    root: Path
    cfg: SiteConfig
    user: str
    group: str
    now: float
    fmt: WsFormat

    @property
    def v2(self) -> bool:
        return self.fmt.NAME == "v2"

    @property
    def now_int(self) -> int:
        """``time(NULL)``: what the C++ tools see."""
        return int(self.now)

    def ws_id(self, name: str) -> str:
        return f"{self.user}-{name}"

    def db(self, fs: str) -> Database:
        cfg = self.cfg.filesystems[fs]
        return Database(cfg.database, cfg.deleted)

    @property
    def filesystems(self) -> list[str]:
        """The file systems in the tools' order: v1 the config's, v2 (a sorted map) the default, then by name."""
        default, names = self.cfg.default_filesystem, list(self.cfg.filesystems)
        return [default, *sorted(fs for fs in names if fs != default)] if self.v2 else names

    @property
    def is_admin(self) -> bool:
        """v2: root and the config's ``admins`` see full ids and may pick a user (``-u``)."""
        return self.user == "root" or self.user in self.cfg.admins

    def entry(self, db: Database, ws_id: str) -> WsEntry:
        """The entry *ws_id* of *db*; an unreadable one ends the tool, its file named."""
        try:
            return db.read(ws_id)
        except (OSError, ValueError):
            self.end("unreadable_entry", path=db.file(ws_id))

    def filesystems_with(self, ws_id: str) -> list[str]:
        return [fs for fs in self.filesystems if self.db(fs).exists(ws_id)]

    def chosen_filesystems(self, opts: Parsed, refusal: str, *, fatal: bool = True) -> list[str]:
        """The file system of ``-F``, else all; an unknown one says *refusal* and ends the
        tool with its exit code (not *fatal*: goes on with none)."""
        fs = opts.get("filesystem")
        if fs is None or fs in self.cfg.filesystems:
            return self.filesystems if fs is None else [fs]
        code = self.say(refusal)
        if fatal:
            raise ToolExit(code)
        return []

    def filesystem_for(self, opts: Parsed, name: str, *, search: bool) -> str:
        """``-F``'s file system, else (v2 with *search*) the only one holding *name*, else the default."""
        fs = opts.get("filesystem")
        if fs is not None:
            return fs if fs in self.cfg.filesystems else self.end("bad_filesystem")
        found = self.filesystems_with(self.ws_id(name)) if search and self.v2 else []
        if len(found) > 1:
            self.end("ambiguous", count=len(found))
        return found[0] if found else self.cfg.default_filesystem

    def say(self, key: str, **values: object) -> int:
        """Print the format's text for *key* on stderr (none: silent, exit 0); return its exit code."""
        text, code = self.fmt.MESSAGES.get(key, ("", 0))
        if text:
            print(text.format(**values), file=sys.stderr)
        return code

    def end(self, key: str, **values: object) -> NoReturn:
        raise ToolExit(self.say(key, **values))

    def out(self, text: str) -> None:
        sys.stdout.write(text)

    def help(self, tool: str) -> int:
        text, to_stderr, code = self.fmt.HELP[tool]
        (sys.stderr if to_stderr else sys.stdout).write(text)
        return code

    def usage(self, tool: str) -> int:
        """A command line without what *tool* needs: its usage (v1: the help), exit code 1."""
        if tool not in self.fmt.USAGE:
            return self.help(tool) or 1
        text, code = self.fmt.USAGE[tool]
        sys.stderr.write(text)
        return code

    def start(
        self,
        tool: str,
        argv: Sequence[str],
        opts: Sequence[Opt],
        positional: Sequence[str] = (),
        *,
        allow_repeat: bool = False,
        no_positionals: bool = False,
    ) -> Parsed:
        """Parse *argv* as *tool* does; ``--help``, ``--version`` and a bad command line end
        the tool (:class:`ToolExit`) as the real one ends."""
        try:
            parsed = parse(argv, opts, positional, allow_repeat=allow_repeat)
        except OptionError as exc:
            raise ToolExit(self._refuse_command_line(tool, exc)) from None
        if no_positionals and parsed.positionals:
            raise ToolExit(self.usage(tool))
        if "help" in parsed:
            raise ToolExit(self.help(tool))
        if "version" in parsed:
            self.out(self.fmt.VERSION[tool][0])
            raise ToolExit(self.fmt.VERSION[tool][1])
        return parsed

    def require_v2(self, tool: str) -> None:
        """End *tool* (exit code 2) on a v1 site: hpc-workspace 1.6.0 has no such tool."""
        if not self.v2:
            print(f"{tool}: not a tool of the emulated hpc-workspace v1", file=sys.stderr)
            raise ToolExit(2)

    def _refuse_command_line(self, tool: str, error: OptionError) -> int:
        if not self.v2 and tool in _OPTPARSE_USAGE:
            text = str(error).replace("unrecognised option", "no such option:").replace("'", "")
            print(f"{_OPTPARSE_USAGE[tool]}\n\n{tool}: error: {text}", file=sys.stderr)
            return 2
        if tool == "ws_restore":  # its usage: the help without the closing remark
            return self.usage(tool)
        return self.help(tool) or (2 if tool == "ws_register" and not self.v2 else 1)


def open_site(root: Path) -> Site:
    """Load the site at *root* for one tool run."""
    cfg = load_site_config(root)
    fmt: WsFormat = formats_v2 if cfg.ws_format == "v2" else formats_v1
    return Site(root=root, cfg=cfg, user=resolve_user(cfg), group=_primary_group(), now=clock.now(root), fmt=fmt)

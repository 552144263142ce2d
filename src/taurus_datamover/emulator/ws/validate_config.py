"""Emulated v2 ``ws_validate_config [--config FILE]``: print the site's config as v2 reads it.

The settings of ``site.json`` on stdout in the real tool's layout and words (``--config``
only changes the name it reports), ``info:`` lines on stderr; the modes and owners of
spaces and databases are not checked (an emulated site belongs to whoever runs it).
"""

from __future__ import annotations

import json
import sys

from taurus_datamover.emulator.ws.context import Site
from taurus_datamover.emulator.ws.options import OptionError, options, parse

_OPTS = options("help/h config=")
_USAGE = "Usage: ws_validate_config [filename]\n"
_TABLE = "\nOptions:\n  -h [ --help ]         produce help message\n  --config arg          config file\n\n"


def _config_lines(site: Site) -> list[str]:
    cfg = site.cfg
    mail = [f"{key}: {getattr(cfg, key)}" for key in ("smtphost", "mail_from") if getattr(cfg, key)]
    return [
        f"clustername: {cfg.clustername}",
        *mail,
        f"default: {cfg.default_filesystem}",
        f"maxduration: {cfg.max_duration}",
        f"durationdefault: {cfg.duration_default}",
        f"reminderdefault: {cfg.reminder_default}",
        f"maxextensions: {cfg.max_extensions}",
        f"dbuid: {cfg.dbuid}",
        f"dbgid: {cfg.dbgid}",
        f"admins: {json.dumps(cfg.admins)}",
        f"adminmail: {json.dumps(cfg.adminmail)}",
        "No expirerlogpath found, continuing",
    ]


def _filesystem_lines(site: Site, fs: str) -> list[str]:
    cfg = site.cfg.filesystems[fs]
    keeptime, release = cfg.keeptime, site.cfg.release_keeptime_of(fs)
    lines = [
        f"deleted: {cfg.deleted}",
        f"spaces: {json.dumps(cfg.spaces, separators=(', ', ': '))}",
        f"spaceselection: {cfg.space_selection}",
        f"workspace database directory: {cfg.database}",
        "No groupdefault found, continuing",
        "No userdefault found, continuing",
        "No user_acl found, continuing",
        "No group_acl found, continuing",
        f"keeptime: {keeptime}",
        f"releasekeeptime: {release}",
    ]
    if keeptime < release:
        lines.append("keeptime < releasekeeptime, continuing")
    lines += [
        f"maxduration: {site.cfg.max_duration_of(fs)}",
        f"maxextensions: {site.cfg.max_extensions_of(fs)}",
        *(f"{key}: {str(getattr(cfg, key)).lower()}" for key in ("allocatable", "extendable", "restorable")),
    ]
    return ["    " + line for line in lines]


def ws_validate_config(site: Site, argv: list[str]) -> int:
    site.require_v2("ws_validate_config")
    try:
        opts = parse(argv, _OPTS, ("filename",))
    except OptionError:
        sys.stderr.write(_USAGE)
        site.out(_TABLE)
        return 1
    if "help" in opts:
        sys.stderr.write(_USAGE)
        site.out(_TABLE + "this command is used to validate a config file\n")
        return 0
    print(f"info: validating config from {opts.get('config') or ''}", file=sys.stderr)
    for key, setting in (("smtphost", "<name>"), ("mail_from", "<mail>")):
        if not getattr(site.cfg, key):
            print(
                f"warning: No {key} found, beware: no reminder and error mails can be send. "
                f'Please add "{key}: {setting}" clause to toplevel',
                file=sys.stderr,
            )
    lines = _config_lines(site)
    if site.cfg.default_filesystem not in site.cfg.filesystems:
        upto = next(i for i, line in enumerate(lines) if line.startswith("default: "))
        site.out("".join(line + "\n" for line in lines[: upto + 1]))
        print("error: default workspace is not defined as workspace in the file", file=sys.stderr)
        return 1
    site.out("".join(line + "\n" for line in lines))
    for fs in sorted(site.cfg.filesystems):
        print(f"info: checking config for filesystem {fs}", file=sys.stderr)
        site.out("".join(line + "\n" for line in _filesystem_lines(site, fs)))
    print("info: config is valid!", file=sys.stderr)
    return 0

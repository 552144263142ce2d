"""Texts of hpc-workspace 1.6.0 (v1), as captured from the real tools and as ZIH documents.

The C++ tools (ws_allocate, ws_release, ws_restore) say ``Info:``/``Error:`` on stderr and
print their help on stdout with exit code 1; the Python tools use optparse. The help texts
of ws_allocate, ws_release and ws_list are the captured ones byte for byte.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from taurus_datamover.emulator.ws.formats import EntryView, RestoreView, ctime, messages
from taurus_datamover.emulator.ws.options import HELP_ROWS, boost_help, boost_table

NAME = "v1"
VERSION_TEXT = "workspace version 1.6.0\n"

#: Situation -> (stderr text, exit code); v1 says nothing where v2 has more to say (a missing key).
MESSAGES: Mapping[str, tuple[str, int]] = messages(r"""
illegal_name               1 Error: Illegal workspace name, use characters and numbers, -,. and _ only!
mail_without_reminder      1 Error: You can't use the mailaddress (-m) without the reminder (-r) option.
bad_filesystem             1 Error: please specify an existing filesystem with -F!
duration_too_long          0 Error: Duration longer than allowed for this workspace\n       setting to allowed maximum of {max}
duration_too_long_ext      0 Error: Duration longer than allowed for this workspace\n       setting to allowed maximum of {max}
creating                   0 Info: creating workspace.
reusing                    0 Info: reusing workspace.
extending                  0 Info: extending workspace.
remaining                  0 remaining extensions  : {extensions}\nremaining time in days: {days}
extend_missing           255 Error: workspace does not exist, can not be extended!
no_more_extensions       255 Error: no more extensions.
not_extendable           255 Error: workspaces can not be extended in this filesystem.
not_allocatable          255 Error: this workspace can not be used for allocation.
mkdir_failed             255 Error: could not create workspace directory!
release_missing          255 Error: workspace does not exist!
unreadable_entry         255 Error: could not read file <{path}>
delete_data_start          0 Info: deleting files in workspace as --delete-data was given
restore_bad_owner          0 Error: only root can do this 1{user}{first}
restore_missing            0 Error: workspace does not exist.
restore_target_missing     1 Error: target workspace does not exist!
restore_not_restorable     1 Error: it is not possible to restore workspaces in this filesystem.
restore_move_failed        0 Error: moving data failed, database entry kept!
restore_ok                 0 Info: restore successful, database entry removed.
find_bad_fs              255 Error: no such filesystem.
find_missing             255 Error: no such workspace
find_no_name             255 Usage: ws_find [options] [workspacename]
list_bad_fs              255 Error: no such filesystem.
register_bad_fs          255 Error: no such filesystem.
register_no_dir          255 Usage: ws_register [options] directory
ical_no_mail               1 Error: You can't use the ws_send_ical without a mailadress (-m).
ical_bad_mail              1 Error: Invalid email address, abort
ical_missing               1 Warning: no workspace {name} found, please check the name
ical_ambiguous             0 Error: multiple workspaces found, use the -F option to specify Filesystem
ical_sent                  0 Info: Success: Calendar invitation sent to {mail}
""")

_ALLOCATE_HELP = boost_help(
    "Usage: ws_allocate: [options] workspace_name duration",
    [
        *HELP_ROWS,
        ("-d [ --duration ] arg", "duration in days"),
        ("-n [ --name ] arg", "workspace name"),
        ("-F [ --filesystem ] arg", "filesystem"),
        ("-r [ --reminder ] arg", "reminder to be sent n days before expiration"),
        ("-m [ --mailaddress ] arg", "mailaddress to send reminder to"),
        ("-x [ --extension ]", "extend workspace"),
        ("-u [ --username ] arg", "username"),
        ("-g [ --group ]", "group workspace"),
        ("-G [ --groupname ] arg", "groupname"),
        ("-c [ --comment ] arg", "comment"),
    ],
)
_RELEASE_HELP = boost_help(
    "Usage:ws_release: [options] workspace_name",
    [*HELP_ROWS, ("-n [ --name ] arg", "workspace name"), ("-F [ --filesystem ] arg", "filesystem"),
     ("--delete-data", "delete all data, workspace can NOT BE RECOVERED")],
)  # fmt: skip

RESTORE_USAGE = "ws_restore: [options] workspace_name target_name | -l"
RESTORE_TABLE = boost_table(
    [
        *HELP_ROWS,
        ("-l [ --list ]", "list restorable workspaces"),
        ("-b [ --brief ]", "do not show unavailability date in list"),
        ("-n [ --name ] arg", "workspace name"),
        ("-t [ --target ] arg", "existing target workspace name"),
        ("-F [ --filesystem ] arg", "filesystem"),
        ("-u [ --username ] arg", "username"),
    ]
)
_RESTORE_HELP = (
    f"Usage:{RESTORE_USAGE}\n\n{RESTORE_TABLE}\n"
    "attention: the workspace_name argument is as printed by ws_restore -l not as printed by ws_list!\n"
)

LIST_USAGE = "Usage: ws_list [options] [pattern]"
FIND_USAGE = "Usage: ws_find [options] [workspacename]"
REGISTER_USAGE = "Usage: ws_register [options] directory"
ICAL_USAGE = "Usage: ws_send_ical [options] workspace_name mailaddress"


def _optparse_help(usage: str, filesystem: str, *rows: str, version: bool = True) -> str:
    """An optparse help: ``--version`` (if *version*), ``-h``, ``-F`` (*filesystem*), *rows*."""
    head = "  --version             show program's version number and exit\n" if version else ""
    return (
        f"{usage}\n\nOptions:\n{head}  -h, --help            show this help message and exit\n"
        f"  -F FILESYSTEM, --filesystem=FILESYSTEM\n                        {filesystem}\n"
        + "".join(f"  {row}\n" for row in rows)
    )


_FLAGS = ("g also list group workspaces", "l list available filesystems", "s only show names of workspaces",
          "N sort by name", "C sort by creation", "R sort by remaining time", "r revert sorting order",
          "t terse output format", "v verbose output format", "a for compatibility")  # fmt: skip
_LIST_HELP = _optparse_help(
    LIST_USAGE, "filesystem to list workspaces from", *(f"-{row[0]}{' ' * 20}{row[2:]}" for row in _FLAGS)
)
_FIND_HELP = _optparse_help(
    FIND_USAGE, "filesystem to search workspace in", "-l, --list            list valid filesystem names"
)
_REGISTER_HELP = _optparse_help(REGISTER_USAGE, "filesystem to search workspaces in", version=False)
_ICAL_HELP = _optparse_help(
    ICAL_USAGE,
    "filesystem of the workspace",
    "-m MAIL, --mail=MAIL  mail address to send the invitation to",
    version=False,
)

HELP: Mapping[str, tuple[str, bool, int]] = {
    "ws_allocate": (_ALLOCATE_HELP, False, 1),
    "ws_release": (_RELEASE_HELP, False, 1),
    "ws_restore": (_RESTORE_HELP, False, 1),
    "ws_list": (_LIST_HELP, False, 0),
    "ws_find": (_FIND_HELP, False, 0),
    "ws_register": (_REGISTER_HELP, False, 0),
    "ws_send_ical": (_ICAL_HELP, False, 0),
}

#: ``--version`` exits as the help does (the C++ tools 1, the Python ones 0).
VERSION: Mapping[str, tuple[str, int]] = {tool: (VERSION_TEXT, code) for tool, (_, _, code) in HELP.items()}

USAGE: Mapping[str, tuple[str, int]] = {}


def short_id(ws_id: str) -> str:
    """v1 shows the id after the first ``-`` (the user name removed, if it has no dash)."""
    return ws_id[ws_id.find("-") + 1 :]


def _line(key: str, value: object) -> str:
    # Python's print(4*' ', 'key :', value) puts one more space: 5 in all.
    return f"     {key} : {value}\n"


def list_entry(view: EntryView, *, terse: bool, verbose: bool, permissions: bool) -> str:
    """The v1 ``ws_list`` block (``bin/ws_list`` printentry of 1.6.0)."""
    del permissions  # v1 has no -P
    if verbose:
        terse = False
    entry = view.entry
    out = [f"id: {short_id(view.ws_id)}\n", _line("workspace directory ", entry.workspace)]
    if view.now > entry.expiration:
        out.append(_line("remaining time      ", "expired"))
    else:
        remaining = entry.expiration - view.now
        days = int(remaining / 86400)
        hours = int((remaining % 86400) / 3600)
        out.append(_line("remaining time      ", f"{days} days {hours} hours"))
    if not terse:
        if entry.comment:
            out.append(_line("comment             ", entry.comment))
        out.append(_line("creation time       ", ctime(view.creation)))
        out.append(_line("expiration date     ", ctime(entry.expiration)))
        out.append(_line("filesystem name     ", view.fs))
        if entry.group:
            out.append(_line("group               ", entry.group))
    out.append(_line("available extensions", entry.extensions))
    if verbose:
        if entry.group:
            out.append(_line("group               ", entry.group))
        out.append(_line("acctcode            ", entry.acctcode))
        out.append(_line("reminder            ", ctime(entry.expiration - entry.reminder * 86400)))
        if entry.mailaddress:
            out.append(_line("mailaddress         ", entry.mailaddress))
    return "".join(out)


def restore_listing(groups: Sequence[tuple[str, Sequence[RestoreView]]], brief: bool) -> str:
    """v1 ``ws_restore -l``: ``fs:`` for every file system, ids, tab + ``unavailable since``."""
    out: list[str] = []
    for fs, views in groups:
        out.append(f"{fs}:\n")
        for view in views:
            out.append(f"{view.deleted_id}\n")
            if not brief:
                out.append(f"\tunavailable since {ctime(view.stamp)}\n")
    return "".join(out)

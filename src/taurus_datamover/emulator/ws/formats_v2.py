"""Texts of hpc-workspace v2 (holgerBerger/hpc-workspace-v2).

Diagnostics are spdlog lines (``info:``/``warning:``/``error:``, never coloured) on
stderr; help goes to stderr with exit code 0. The help texts of ws_allocate, ws_find,
ws_list, ws_release and ws_restore, the usage of a bare ``ws_allocate`` and the
``--version`` banner are the real 2.0.0 outputs (``fixtures/hpc-workspace-v2-real``); those
of ws_register and ws_send_ical follow the same boost layout but were not captured.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from taurus_datamover.emulator.ws.formats import EntryView, RestoreView, cdiv, ctime, messages
from taurus_datamover.emulator.ws.options import HELP_ROWS, boost_help

NAME = "v2"
VERSION_NUMBER = "2.0.0"

#: Situation -> (stderr text, exit code). ws_restore: "return" in the real code is exit 0.
MESSAGES: Mapping[str, tuple[str, int]] = messages(r"""
illegal_name               1 error: Illegal workspace name, use ASCII characters and numbers, '-','.' and '_' only!
mail_without_reminder      1 error: You can't use the mailaddress (-m) without the reminder (-r) or extensions (-x) option.
bad_filesystem           254 error: You are not allowed to use the specified filesystem!
duration_too_long          0 error: Duration longer than allowed for this workspace\nerror:   setting to allowed maximum of {max}
duration_too_long_ext      0 error: Duration longer than allowed for this workspace.\nerror: setting to allowed maximum of {max}
creating                   0 info: creating workspace.
ignoring_username          0 info: Ignoring username option.
duration_from_userconfig   0 info: reading duration from userconfig
duration_zero              0 info: setting duration to 0
reused_mail                0 info: reused mail address {mail}
reusing                    0 info: reusing workspace
extending                  0 info: extending workspace
remaining                  0 remaining extensions  : {extensions}\nremaining time in days: {days}
extend_missing           255 error: workspace does not exist, can not be extended!
no_more_extensions       254 error: no more extensions!
not_extendable           255 error: workspace can not be extended in this filesystem.
not_allocatable          254 error: this workspace can not be used for allocation.
mkdir_failed             255 error: could not create workspace directory <{path}>!
ambiguous                255 error: aborting, there is {count} workspaces with that name, please use -F to specify filesystem
changed_mail               0 info: changed mail address to {mail}
changed_reminder           0 info: changed reminder setting.
changed_comment            0 info: changed comment.
reminder_after_expiry      0 warning: reminder is only sent after workspace expiry!
reminder_local_user        0 info: could not read email from users config ~/.ws_user.conf.\ninfo: reminder email will be sent to local user account
release_missing          255 error: Non-existent workspace given.
unreadable_entry         255 error: could not read file <{path}>
released                   0 info: workspace {name} released.
release_recoverable        0 info: workspace is still recoverable as --delete-data was not given.
delete_data_start          0 info: deleting workspace as --delete-data was given\ninfo: you have 5 seconds to interrupt with CTRL-C to prevent deletion
delete_data_done           0 info: workspace {name} and data deleted, can not be restored.\ninfo: workspace is not recoverable as --delete-data was given.
restore_bad_owner          0 error: only root can do this, or invalid workspace name!
restore_not_root         255 error: only root can do that. 2
restore_bad_fs             0 error: invalid filesystem given.
restore_missing            1 error: workspace to restore does not exist!
restore_not_unique         1 error: id {name} is not unique, please give filesystem with -F!
restore_target_missing     0 error: target does not exist!
restore_not_restorable     0 error: it is not possible to restore workspaces in this filesystem.
restore_move_failed        0 error: moving data failed, database entry kept! -1
restore_delete_start       0 info: deleting files as --delete-data was given\ninfo: you have 5 seconds to interrupt with CTRL-C to prevent deletion
restore_delete_done        0 info: delete successful, database entry removed.
restore_ok                 0 info: restore successful, database entry removed.
find_bad_fs              253 error: invalid filesystem given.
find_missing             255 error: workspace not found!
find_no_name             252 error: no workspace name given!
list_bad_fs                0 error: invalid filesystem given.
register_bad_fs          253 error: invalid filesystem given.
ical_no_mail               1 error: You can't use the ws_send_ical without a mailadress (-m).
ical_bad_mail              1 error: Invalid email address, abort
ical_missing               1 warning: no workspace {name} found, please check the name
ical_ambiguous             0 error: multiple workspaces found, use the -F option to specify Filesystem
ical_sent                  0 info: Success: Calendar invitation sent to {mail}
""")


_CONFIG = [("--config arg", "config file")]
_FS = ("-F [ --filesystem ] arg", "filesystem")
_NAME = ("-n [ --name ] arg", "workspace name")
_USER = ("-u [ --username ] arg", "username")
_ONLY_USER = ("-u [ --username ] arg", "only show workspaces for selected user")
_DELETE_DATA = ("--delete-data", "delete all data, workspace can NOT BE RECOVERED!")
_SORTING = [
    ("-N [ --name ]", "sort by name"),
    ("-C [ --creation ]", "sort by creation date"),
    ("-R [ --remaining ]", "sort by remaining time"),
    ("-r [ --reverted ]", "revert sort"),
]
#: boost's line break in a long description: a newline, then the column of the descriptions.
_WRAP = "\n" + " " * 29
_WRAP_LIST = "\n" + " " * 34

_HELP_ALLOCATE = boost_help(
    "Usage: ws_allocate [options] workspace_name duration",
    [
        *HELP_ROWS,
        ("-d [ --duration ] arg", "duration in days"),
        _NAME,
        ("-F [ --filesystem ] arg", f"filesystem name (see ws_list -l for possible {_WRAP}values)"),
        ("-r [ --reminder ] arg", "reminder to be sent <arg> days before expiration"),
        ("-m [ --mailaddress ] arg", "mailaddress to send reminder to"),
        ("-x [ --extension ]", f"extend workspace (can change mailaddress, reminder{_WRAP}and comment as well)"),
        _USER,
        ("-g [ --groupreadable ] arg", f"for group <arg> readable workspace, current group {_WRAP}if none given"),
        ("-G [ --groupwritable ] arg", f"for group <arg> writable workspace, current group {_WRAP}if none given"),
        ("-c [ --comment ] arg", "comment"),
        *_CONFIG,
    ],
)
_HELP_FIND = boost_help(
    "Usage: ws_find [options] name",
    [
        *HELP_ROWS,
        ("-F [ --filesystem ] arg", "filesystem to search workspaces in"),
        ("-g [ --group ]", "enable search for group workspaces"),
        _ONLY_USER,
        ("-n [ --name ] arg", "workspace name to search for"),
        *_CONFIG,
    ],
)
_HELP_LIST = boost_help(
    "Usage: ws_list [options] [pattern]",
    [
        *HELP_ROWS,
        ("-F [ --filesystem ] arg", "filesystem to list workspaces from"),
        ("-g [ --group ]", "enable listing of group workspaces"),
        ("-l [ --listfilesystems ]", "list available filesystems"),
        ("-L [ --listfilesystemdetails ]", "list available filesystems with details"),
        ("-s [ --short ]", "short listing, only workspace names"),
        _ONLY_USER,
        ("-e [ --expired ]", "show expired workspaces"),
        *_SORTING,
        ("-t [ --terse ]", "terse listing"),
        ("-T [ --table ]", "table format"),
        *_CONFIG,
        ("-p [ --pattern ] arg", "pattern matching name (glob syntax)"),
        ("-P [ --permissions ]", "list permissions of workspace directory"),
        ("-v [ --verbose ]", "verbose listing"),
        (
            "-n [ --threads ] arg (=0)",
            f"number of threads to use (default: {_WRAP_LIST}hardware_concurrency, override with {_WRAP_LIST}WS_THREADS env var)",
        ),
    ],
    gap="  ",
)
_HELP_RELEASE = boost_help(
    "Usage: ws_release [options] workspace_name\n", [*HELP_ROWS, _NAME, _FS, _USER, *_CONFIG, _DELETE_DATA]
)
_HELP_RESTORE = (
    boost_help(
        "Usage: ws_restore [options] workspace_name target_name | -l [pattern] | --delete-data workspace-name",
        [
            *HELP_ROWS,
            ("-l [ --list ]", "list restorable workspaces"),
            ("-b [ --brief ]", "do not show unavailability date in list"),
            _NAME,
            ("-t [ --target ] arg", "existing target workspace name"),
            _FS,
            *_CONFIG,
            _USER,
            _DELETE_DATA,
        ],
    )
    + "attention: the workspace_name argument is as printed by ws_restore -l not as printed by ws_list!\n"
)

#: Every v2 tool prints its help on stderr and exits 0.
HELP: Mapping[str, tuple[str, bool, int]] = {
    tool: (text, True, 0)
    for tool, text in {
        "ws_allocate": _HELP_ALLOCATE,
        "ws_release": _HELP_RELEASE,
        "ws_restore": _HELP_RESTORE,
        "ws_list": _HELP_LIST,
        "ws_find": _HELP_FIND,
        "ws_register": boost_help(
            "Usage: ws_register [options] DIRECTORY", [*HELP_ROWS, _FS, ("-d [ --directory ] arg", "directory"), *_CONFIG]
        ),
        "ws_send_ical": boost_help(
            "Usage: ws_send_ical [options] workspace_name mailaddress",
            [*HELP_ROWS, _FS, ("-m [ --mail ] arg", "your mail address to send to"), ("-n [ --name ] arg", "workspace name"),
             *_CONFIG],
        ),
        "ws_stat": boost_help(
            "Usage: ws_stat [options] [pattern]",
            [
                *HELP_ROWS,
                ("-F [ --filesystem ] arg", "filesystem to list workspaces from"),
                _ONLY_USER,
                ("-g [ --groupname ]", "enable listing of group workspaces"),
                *_CONFIG,
                ("-p [ --pattern ] arg", "pattern matching name (glob syntax)"),
                *_SORTING,
                ("-v [ --verbose ]", "verbose listing"),
                ("-t [ --threads ] arg (=0)", "threads for parallel operation (default: hardware_concurrency)"),
            ],
        ),
        "ws_expirer": boost_help(
            "Usage: ws_expirer [options]\n",
            [
                *HELP_ROWS,
                ("-F [ --filesystems ] arg", "filesystems/workspaces to delete from, comma separated"),
                ("-s [ --space ] arg", "path of a single space that should be deleted"),
                ("-c [ --cleaner ]", "no dry-run mode"),
                ("-M [ --summary-mail ]", "send summary mail to admin after run"),
                ("--config arg", "path to configfile"),
            ],
        ),
    }.items()
}  # fmt: skip

USAGE: Mapping[str, tuple[str, int]] = {
    "ws_allocate": (_HELP_ALLOCATE.replace("Usage: ws_allocate ", "Usage: ws_allocate: ", 1), 1),
    "ws_restore": (_HELP_RESTORE.rsplit("attention:", 1)[0], 1),
    "ws_list": (_HELP_LIST, 1),
    "ws_find": (_HELP_FIND, 1),
}

#: The libraries the build names: (in ``--version``, in the expirer's start line, version).
_LIBRARIES = (
    ("yaml-cpp", "yaml-cpp", "0.9.0"), ("rapidyaml (ryml)", "ryaml", "0.15.2"), ("fmt", "fmt", "12.2.0"),
    ("spdlog", "spdlog", "1.13.0"), ("Microsoft GSL", "gsl", "4.2.2"), ("libcurl", "curl", "7.88.1"),
    ("bshoshany-thread-pool", "thread-pool", "5.1.0"),
)  # fmt: skip
#: ``utils::getVersion()``, in the expirer's start line (``{tool}`` is the tool's name).
_SHORT_NAMES = ", ".join(f"{short}: {v}" for _, short, v in _LIBRARIES)
VERSION_SUMMARY = f"{{tool}} version {VERSION_NUMBER} (DB reader: RapidYAML, {_SHORT_NAMES})"
#: What ``--version`` prints after ``<tool> version 2.0.0``.
_VERSION_DETAILS = (
    "DB YAML reader: RapidYAML\nDependency versions:\n"
    + "".join(f"  {name}: {v}\n" for name, _, v in _LIBRARIES)
    + "Build flags: WS_CAPA=true\nRuntime flags: isusermode=true, issetuid=false, hascaps=false\n"
)

VERSION: Mapping[str, tuple[str, int]] = {
    tool: (f"{tool} version {VERSION_NUMBER}\n{_VERSION_DETAILS}", 0) for tool in (*HELP, "ws_validate_config")
}


def short_id(ws_id: str) -> str:
    """v2 (HEAD) shows ordinary users the text after the **last** ``-``."""
    return ws_id[ws_id.rfind("-") + 1 :]


def days_hours(seconds: int) -> str:
    """``N days, M hours`` with C truncation (negative parts when past)."""
    days = cdiv(seconds, 86400)
    return f"{days} days, {cdiv(seconds - days * 86400, 3600)} hours"


def _line(key: str, value: object) -> str:
    return f"    {key:<21}: {value}\n"


def list_entry(view: EntryView, *, terse: bool, verbose: bool, permissions: bool) -> str:
    """The v2 ``ws_list`` block (``Id:``, 4-space indent, ``N days, M hours``)."""
    entry = view.entry
    now = int(view.now)
    out = [f"Id: {view.shown_id or short_id(view.ws_id)}\n", _line("workspace directory", entry.workspace)]
    if view.until_deletion is not None:
        out.append(_line("remaining time", "released" if entry.released else "expired"))
        out.append(_line("until deletion", days_hours(max(0, view.until_deletion - now))))
    else:
        out.append(_line("remaining time", days_hours(entry.expiration - now)))
    if not terse:
        if entry.comment:
            out.append(_line("comment", entry.comment))
        if view.creation > 0:
            out.append(_line("creation time", ctime(view.creation)))
        out.append(_line("expiration time", ctime(entry.expiration)))
        if entry.expired > 0:
            out.append(_line("expired time", ctime(entry.expired)))
        if entry.released > 0:
            out.append(_line("release time", ctime(entry.released)))
        if entry.group:
            out.append(_line("group", entry.group))
        out.append(_line("filesystem name", view.fs))
    out.append(_line("available extensions", entry.extensions))
    if verbose:
        out.append(_line("reminder", ctime(entry.expiration - entry.reminder * 86400)))
        if entry.mailaddress:
            out.append(_line("mailaddress", entry.mailaddress))
    if permissions:
        out.append(_line("permissions", view.permissions))
    return "".join(out)


def table_header(terse: bool) -> str:
    """The two header lines of ``ws_list -T``."""
    columns = [("ID", 30), ("PATH", 50), *([] if terse else [("EXPIRATION", 25), ("EXTENSIONS", 10)]), ("REMAINING", 9)]
    return " ".join(f"{name:<{width}}" for name, width in columns) + "\n" + " ".join("=" * w for _, w in columns) + "\n"


def table_row(view: EntryView, terse: bool) -> str:
    """One ``ws_list -T`` row (long ids and paths wrap onto their own line)."""
    ident = view.shown_id or short_id(view.ws_id)
    path = view.entry.workspace
    end = view.entry.expiration if view.until_deletion is None else view.until_deletion
    days = cdiv(end - int(view.now), 86400)  # under -e: days until the data is deleted
    text = f"{ident:<30} "
    if len(ident) > 30:
        text += "\n" + " " * 31
    text += f"{path:<50} "
    if len(path) > 50:
        text += "\n" + " " * 82
    if terse:
        return text + f"{days:<9}\n"
    return text + f"{ctime(view.entry.expiration):<25} {view.entry.extensions:<10} {days:<9}\n"


def restore_listing(groups: Sequence[tuple[str, Sequence[RestoreView]]], brief: bool) -> str:
    """v2 ``ws_restore -l``: per id, tab-indented ``key : value`` lines unless *brief*."""
    out: list[str] = []
    for _fs, views in groups:
        for view in views:
            out.append(f"{view.deleted_id}\n")
            if brief:
                continue
            until = view.stamp + view.keeptime * 86400
            out.append(f"\tunavailable since : {ctime(view.stamp)}\n")
            out.append(f"\trestorable until  : {ctime(until)} ({days_hours(until - int(view.now))})\n")
            out.append(f"\tin filesystem     : {view.fs}\n")
    return "".join(out)

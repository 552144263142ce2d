"""Arguments of the ``ws_*`` tools, checked before any tool runs.

Names (of workspaces, file systems, groups, released ids) follow hpc-workspace's rules
(:mod:`taurus_datamover.facts`), so that a typo or an injected option (``-x``, ``a/b``)
never reaches a tool: a :class:`WorkspaceError` with no argv.

``ws_list`` prints every stored argument back raw, one field per line: a newline in a
comment (``"x\\nid: evil"``) would read as a field or a workspace, an escape sequence drive
the terminal, a byte that is not UTF-8 break every later listing. So no argument may hold a
control character (C0, ``DEL``, C1), a line or paragraph separator or a lone surrogate: a
:class:`WorkspaceArgumentError`, and no tool runs.
"""

from __future__ import annotations

import re

from taurus_datamover.errors import WorkspaceArgumentError, WorkspaceError
from taurus_datamover.facts import (
    FILESYSTEM_NAME_RULE,
    MAX_WORKSPACE_NAME_LENGTH,
    RELEASED_ID_RULE,
    WORKSPACE_NAME_RULE,
)

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing
if TYPE_CHECKING:
    from taurus_datamover.workspace.allocated import AllocationOptions

__all__ = [
    "allocation_args",
    "check_days",
    "check_filesystem_name",
    "check_released_id",
    "check_stored_text",
    "check_workspace_name",
    "filesystem_args",
    "first_forbidden",
]

_ILLEGAL_NAME = "Illegal workspace name, use ASCII characters and numbers, '-','.' and '_' only!"
#: Unicode categories refused: controls, line/paragraph separators, lone surrogates.
_FORBIDDEN_CATEGORIES = frozenset({"Cc", "Zl", "Zp", "Cs"})


def check_workspace_name(name: object) -> str:
    """``name`` if hpc-workspace accepts it as a workspace name, else a
    :class:`WorkspaceError` in the tools' wording. Every name that passes lists back
    (listings are read by the directory ``<user>-<name>``); refused besides: names longer
    than :data:`~taurus_datamover.facts.MAX_WORKSPACE_NAME_LENGTH`, which the tools create
    but cannot release or restore (the released entry's file name would pass 255 bytes)."""
    _matching(WORKSPACE_NAME_RULE, name, f"{_ILLEGAL_NAME} (got {name!r})")
    if len(str(name)) > MAX_WORKSPACE_NAME_LENGTH:
        raise WorkspaceError(
            f"workspace name of {len(str(name))} characters: at most {MAX_WORKSPACE_NAME_LENGTH}, "
            "so that its released entry `<user>-<name>-<unix time>` fits in a file name"
        )
    return str(name)


def check_filesystem_name(filesystem: object) -> str:
    """``filesystem`` if it looks like a file system name, else a :class:`WorkspaceError`."""
    return _matching(FILESYSTEM_NAME_RULE, filesystem, f"not a file system name: {filesystem!r}")


def check_released_id(released_id: object) -> str:
    """``released_id`` if it has the shape ``ws_restore -l`` prints (``user-name-1700000000``),
    else a :class:`WorkspaceError`."""
    what = "not a released workspace id (`user-name-timestamp` as `ws_restore -l` prints it)"
    return _matching(RELEASED_ID_RULE, released_id, f"{what}: {released_id!r}")


def _matching(rule: str, value: object, refusal: str) -> str:
    if not isinstance(value, str) or re.fullmatch(rule, value) is None:  # compiled once, by re's cache
        raise WorkspaceError(refusal)
    return value


def check_days(days: object, what: str = "days", least: int = 1) -> int:
    """``days`` if a whole number of at least ``least``, else a :class:`WorkspaceArgumentError`."""
    if isinstance(days, bool) or not isinstance(days, int) or days < least:
        raise WorkspaceArgumentError(f"{what} must be a whole number of at least {least}, not {days!r}")
    return days


def filesystem_args(filesystem: str | None) -> list[str]:
    """``-F FILESYSTEM`` (the name checked), or nothing for the default file system."""
    return [] if filesystem is None else ["-F", check_filesystem_name(filesystem)]


def allocation_args(options: AllocationOptions) -> list[str | int]:
    """The ``ws_allocate`` arguments of ``options`` except ``-F``, each checked."""
    args: list[str | int] = []
    if options.get("reminder") is not None:
        args += ["-r", check_days(options.get("reminder"), "reminder", least=0)]
    if options.get("mail") is not None:
        args.append(f"--mailaddress={check_stored_text(options.get('mail'), 'mail')}")
    if options.get("comment") is not None:
        args.append(f"--comment={check_stored_text(options.get('comment'), 'comment')}")
    group = options.get("group")
    if group is True:
        args.append("-g")
    elif isinstance(group, str):
        args.append(f"-G{_matching(FILESYSTEM_NAME_RULE, group, f'not a group name: {group!r}')}")
    elif group not in (None, False):
        raise WorkspaceArgumentError(f"group must be a bool or a group name, not {group!r}")
    return args


def first_forbidden(text: str) -> int | None:
    """The index of the first character of ``text`` that may not reach the tools, or None."""
    if text.isascii() and text.isprintable():  # the usual case, without unicodedata
        return None
    import unicodedata

    for index, char in enumerate(text):
        if unicodedata.category(char) in _FORBIDDEN_CATEGORIES:
            return index
    return None


def check_stored_text(value: object, what: str) -> str:
    """``value`` (``str``, or ``bytes`` as UTF-8) as text if the tools can store and print it
    back unchanged, else a :class:`WorkspaceArgumentError` naming it ``what`` (``"comment"``)."""
    if isinstance(value, bytes):
        text = value.decode("utf-8", "surrogateescape")
    elif isinstance(value, str):
        text = value
    else:
        raise WorkspaceArgumentError(f"{what} must be text, not {type(value).__name__}")
    index = first_forbidden(text)
    if index is None:
        return text
    char = text[index]
    if 0xD800 <= ord(char) <= 0xDFFF:  # Cs
        problem = f"a byte that is not UTF-8 (0x{ord(char) - 0xDC00:02X})"
    else:
        problem = f"the control character U+{ord(char):04X}"
    raise WorkspaceArgumentError(
        f"{what} holds {problem} at position {index} ({text!r}): hpc-workspace stores "
        "it and ws_list prints it back raw, where it would break or forge the listing; "
        "nothing was run"
    )

"""What the command prints: one JSON document for scripts (the models' ``model_dump``),
aligned tables for people, one-line errors; tables and errors escape control characters
as ``ls -b`` does (:func:`shown`), so a file name cannot drive the terminal. Nothing here
loads pydantic or the job layer.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterable, Sequence
from datetime import datetime

from taurus_datamover.cli.durations import format_duration
from taurus_datamover.errors import ToolError, ToolNotFoundError, WorkspaceError

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing
if TYPE_CHECKING:
    from typing import Any

    from taurus_datamover.models.workspaces import WorkspaceInfo
    from taurus_datamover.parsers.workspaces.records import ListedWorkspace

# the expressions are compiled on first use (re's cache): a listing needs none of them
#: stderr lines of srun that carry no information (``--pty`` without a terminal).
_NOISE = ("ioctl(TIOCGWINSZ)", "Not using a pseudo-terminal")
#: srun's report of the task's exit code: the exit code says that already.
_TASK_EXIT = r"srun: error: \S+: task \d+: "


def tool_noise(text: str) -> str:
    """``text`` without srun's harmless ``--pty`` complaints."""
    lines = text.splitlines(keepends=True)
    return "".join(line for line in lines if not any(n in line for n in _NOISE))


def _jsonable(value: Any) -> Any:
    if hasattr(value, "model_dump"):  # a pydantic model
        return value.model_dump(mode="json")
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value


#: A lone surrogate: a byte of a name that is not UTF-8 (Python's ``surrogateescape``).
_SURROGATE = "[\ud800-\udfff]"


def json_text(value: Any) -> str:
    """``value`` as JSON that is valid UTF-8 whatever the names hold: a byte that is not
    UTF-8 (a lone surrogate in the model) is written as ``\\udcXX``, so ``json.loads``
    gives the exact name back and distinct names stay distinct."""
    import json  # here: the tables never need it

    text = json.dumps(_jsonable(value), indent=2, ensure_ascii=False)
    return re.sub(_SURROGATE, lambda match: f"\\u{ord(match.group()):04x}", text)


def print_json(value: Any) -> None:
    """Print ``value`` (a model, a list of models, or plain data) as one JSON document."""
    sys.stdout.write(json_text(value) + "\n")
    sys.stdout.flush()


_C_ESCAPES = {"\a": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\v": "\\v", "\\": "\\\\"}
#: Unicode categories shown as escapes: controls, format (bidi overrides), separators of
#: lines and paragraphs, surrogates, private use and unassigned.
_HIDDEN = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"})


def shown(text: str) -> str:
    """*text* safe for a terminal, escaped as GNU ``ls -b`` does: C escapes, ``\\ooo`` for
    each UTF-8 byte of another control or invisible character and each byte not UTF-8."""
    if text.isprintable() and "\\" not in text:
        return text
    import unicodedata

    out: list[str] = []
    for char in text:
        code = ord(char)
        if char in _C_ESCAPES:
            out.append(_C_ESCAPES[char])
        elif 0xDC80 <= code <= 0xDCFF:  # surrogateescape: one raw byte
            out.append(f"\\{code - 0xDC00:03o}")
        elif char == " " or unicodedata.category(char) not in _HIDDEN:
            out.append(char)
        else:
            out.extend(f"\\{byte:03o}" for byte in char.encode("utf-8", "surrogatepass"))
    return "".join(out)


def print_table(
    headers: Sequence[str], rows: Iterable[Sequence[str]], *, right: Iterable[int] = (), raw: Iterable[int] = ()
) -> None:
    """Print ``rows`` under ``headers``, aligned (``right``: right-aligned columns), each cell
    :func:`shown` but those of the ``raw`` columns (the command's own colours)."""
    keep, align_right = set(raw), set(right)
    data = [list(headers), *[[c if i in keep else shown(c) for i, c in enumerate(r)] for r in rows]]
    widths = [max(len(row[i]) for row in data) for i in range(len(headers))]
    last = len(headers) - 1
    for row in data:
        cells = [
            cell.rjust(widths[i]) if i in align_right else (cell if i == last else cell.ljust(widths[i]))
            for i, cell in enumerate(row)
        ]
        sys.stdout.write("  ".join(cells).rstrip() + "\n")


def when(value: datetime | None) -> str:
    """A time as ``YYYY-MM-DD HH:MM`` in its own zone (``-`` for None)."""
    return "-" if value is None else value.strftime("%Y-%m-%d %H:%M")


def remaining(info: WorkspaceInfo | ListedWorkspace) -> str:
    """The remaining time of a workspace, short (``expired`` once expired)."""
    return "expired" if info.expired else format_duration(info.remaining)


def counted(number: int | None, noun: str) -> str:
    """``1 extension``, ``3 extensions``, ``0 extensions`` (``? extensions`` for None)."""
    if number is None:
        return f"? {noun}s"
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def nothing_listed(verbosity: int, what: str) -> int:
    """Say ``no WHAT`` on stderr (unless ``-q``) for an empty listing; the exit code 0."""
    if verbosity >= 0:
        print(f"no {what}", file=sys.stderr)
    return 0


#: A tool's own message prefix that the command's ``error:`` would repeat.
_TOOL_PREFIX = r"(?i)^(?:error|fatal)\s*:\s*"


def hint_for(exc: BaseException) -> str | None:
    """What to do about ``exc``, when the command knows (a missing tool, a missing rsync)."""
    if isinstance(exc, ToolNotFoundError):
        family = "ws" if exc.tool.startswith("ws_") else "datamover"
        return (
            f"hint: on a machine without the ZIH tools, try the emulated site: taurus-datamover --emulate ...; "
            f"where the tools are installed elsewhere, name their directory with TAURUS_{family.upper()}_PATH "
            f"(or --{family}-path)"
        )
    if isinstance(exc, ToolError) and exc.argv and os.path.basename(exc.argv[0]) == "dtrsync":
        if exc.returncode == 127 or "rsync: No such file" in exc.stderr or "rsync: not found" in exc.stderr:
            return "hint: dtrsync runs rsync on the data-transfer node; install rsync there (on the emulated site: on this machine)"
    return None


def error_line(exc: BaseException) -> str:
    """One line describing ``exc`` (a tool failure: with its last meaningful stderr line)."""
    if isinstance(exc, ToolError) and not isinstance(exc, WorkspaceError):
        message = exc.message
        said = [
            line.strip()
            for line in tool_noise(exc.stderr).splitlines()
            if line.strip() and re.match(_TASK_EXIT, line.strip()) is None
        ]
        said = [line for line in said if line not in message]
        if said:
            message = f"{message}: {said[-1]}"
        return shown(" ".join(message.split()))
    if isinstance(exc, ToolError):
        return shown(re.sub(_TOOL_PREFIX, "", " ".join(exc.message.split())))
    text = str(exc) or type(exc).__name__
    return shown(" ".join(text.split()))

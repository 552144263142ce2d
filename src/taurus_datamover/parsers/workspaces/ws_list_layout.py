"""How each generation of ``ws_list`` prints a block: its keys in order, their fields,
and the expression that matches a block in the exact layout whole.

See :mod:`~.ws_list_reader` for the rules of the layout and how a block is read.
"""

from __future__ import annotations

import re
from functools import cached_property
from operator import itemgetter

from taurus_datamover.parsers.workspaces.common import split_lines

#: An id as the tools print it: a name, ``user-name``, a timestamp, or empty (v2 HEAD
#: prints the text after the last ``-``, which is empty for a name ending in ``-``).
_ID = r"[A-Za-z0-9._-]*"
#: The header line that starts a block.
HEADER = re.compile(rf"(id|Id):(?: ({_ID}))?")
KEY_WIDTH = 21
COMPLETE_AT = "available extensions"
REQUIRED = ("workspace directory", "remaining time", COMPLETE_AT)
#: Keys only the full (not terse) form prints, and the ones it always prints then.
FULL_ONLY = frozenset(
    {"comment", "creation time", "expiration date", "expiration time", "expired time"}
    | {"release time", "filesystem name"}
)


# key as printed -> (field, kind of value)
KEYS = {
    "workspace directory": ("path", "text"),
    "remaining time": ("remaining_text", "remaining"),
    "comment": ("comment", "text"),
    "creation time": ("created", "time"),
    "expiration date": ("expires", "time"),
    "expiration time": ("expires", "time"),
    "expired time": ("expired_at", "time"),
    "release time": ("released_at", "time"),
    "group": ("group", "optional"),
    "filesystem name": ("filesystem", "text"),
    "available extensions": ("extensions_left", "int"),
    "acctcode": ("acctcode", "optional"),
    "reminder": ("reminder", "time"),
    "mailaddress": ("mail", "optional"),
    "permissions": ("permissions", "text"),
    "until deletion": ("until_deletion", "days_hours"),
}


#: The groups of :attr:`Layout.block`, in the one order :attr:`Layout.pick` gives them in
#: for both generations (``group2``: v1 ``-v``'s second group line).
BLOCK_FIELDS = (
    *("id", "path", "remaining_text", "until_deletion", "comment", "created", "expires", "expired_at"),
    *("released_at", "group", "group2", "filesystem", "extensions_left", "acctcode", "reminder", "mail"),
    "permissions",
)
_EOL = r"(?:\n|\Z)"
_NEXT_HEADER = rf"(?=(?:id|Id):(?: {_ID})? *{_EOL}|\Z)"


#: ``N days, M hours`` (v1 without the comma)
_DAYS_HOURS = "-?[0-9]{1,12} days,? -?[0-9]{1,12} hours"


class Layout:
    """How one generation prints a block; ``prefixes`` maps the exact start of a known
    key's line (indent, key padded to the colon) to the key, so one look-up reads it."""

    def __init__(
        self, *, generation: int, indent: str, order: tuple[str, ...], after_comment: frozenset[str], expires_key: str
    ) -> None:
        self.generation = generation
        self.indent = indent
        self.order = order
        self.after_comment = after_comment
        self.expires_key = expires_key
        self.prefixes = {f"{indent}{key:<{KEY_WIDTH}}:": key for key in order}
        self.places = {key: tuple(i for i, k in enumerate(order) if k == key) for key in order}
        self.width = len(indent) + KEY_WIDTH + 1  # a key line's text up to the blank after the colon

    @cached_property
    def block(self) -> re.Pattern[str]:
        """A whole block in the exact layout: the header, each key's line in order (the required
        ones always; a value after one blank, in the group of its field's name, ``<field>2`` for
        a key printed twice), a one-line comment, and the next header or the end of the text.
        Compiled on first use: that costs more than reading a short listing line by line."""
        after = "|".join(re.escape(f"{self.indent}{key:<{KEY_WIDTH}}:") for key in self.after_comment)
        lines: list[str] = []
        for key in self.order:
            line = re.escape(f"{self.indent}{key:<{KEY_WIDTH}}:")
            name = KEYS[key][0]
            if f"<{name}>" in "".join(lines):
                name += "2"  # v1 -v prints the group twice
            if key == "remaining time":
                line += rf" (?P<remaining_text>expired|released|{_DAYS_HOURS}){_EOL}"
            elif key == "until deletion":
                line += f" (?P<until_deletion>{_DAYS_HOURS}){_EOL}"
            elif key == COMPLETE_AT:
                line += rf" (?P<extensions_left>[0-9]{{1,18}}){_EOL}"
            else:
                line += rf" (?P<{name}>[^\r\n]*){_EOL}"
                if key == "comment":
                    line += rf"(?=(?:{after})(?: |\n|\Z))"
            lines.append(line if key in REQUIRED else f"(?:{line})?")
        head = "id" if self.generation == 1 else "Id"
        return re.compile(rf"{head}:(?: (?P<id>{_ID}))? *\n" + "".join(lines) + _NEXT_HEADER)

    @cached_property
    def pick(self) -> itemgetter[tuple[int, ...]]:
        """A match's ``groups()`` and one ``None`` after them to :data:`BLOCK_FIELDS` (the
        ``None`` for a field this generation does not print)."""
        index = self.block.groupindex
        return itemgetter(*(index.get(name, self.block.groups + 1) - 1 for name in BLOCK_FIELDS))


_V1 = Layout(
    generation=1,
    indent=" " * 5,
    order=(
        "workspace directory",
        "remaining time",
        "comment",
        "creation time",
        "expiration date",
        "filesystem name",
        "group",
        "available extensions",
        "group",  # -v prints it again
        "acctcode",
        "reminder",
        "mailaddress",
    ),
    after_comment=frozenset({"creation time"}),
    expires_key="expiration date",
)
_V2 = Layout(
    generation=2,
    indent=" " * 4,
    order=(
        "workspace directory",
        "remaining time",
        "until deletion",
        "comment",
        "creation time",
        "expiration time",
        "expired time",
        "release time",
        "group",
        "filesystem name",
        "available extensions",
        "reminder",
        "mailaddress",
        "permissions",
    ),
    after_comment=frozenset({"creation time", "expiration time"}),
    expires_key="expiration time",
)
LAYOUTS = {"id": _V1, "Id": _V2}


def listing_generation(text: str) -> int | None:
    """1 or 2 when ``text`` is a ``ws_list`` block listing of that generation (its first
    header is ``id:`` or ``Id:``), else None (empty, ``-s``, ``-T`` or other text)."""
    for raw in split_lines(text):
        if raw.strip():
            header = HEADER.fullmatch(raw.rstrip(" "))
            return LAYOUTS[header.group(1)].generation if header is not None else None
    return None

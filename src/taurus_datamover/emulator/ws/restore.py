"""Emulated ``ws_restore``: list released workspaces, or move one into another workspace.

``-l`` lists the ``<user>-*`` ids of every deleted area (v1: a ``fs:`` header for each;
v2: ``-l [PATTERN]``, admins of every user or ``-u USER``). ``[-F fs] ID TARGET`` moves the
data into ``<target workspace>/<ID>`` and drops the entry; v2's ``--delete-data ID``
deletes it (no 5 s pause). v2 keeps 2.0.0's order of checks, texts and exit codes (many
refusals exit 0, as the real code returns; a missing or ambiguous id exits 1).
"""

from __future__ import annotations

import fnmatch
import os
import random
import re
import shutil
import stat
import sys
from pathlib import Path

from taurus_datamover.emulator.ws import formats_v1, formats_v2
from taurus_datamover.emulator.ws.context import NAME_RE, Site
from taurus_datamover.emulator.ws.db import Database
from taurus_datamover.emulator.ws.formats import RestoreView
from taurus_datamover.emulator.ws.options import Parsed, options

_OPTS = options("help/h version/V list/l brief/b name/n= target/t= filesystem/F= username/u=")
_V2_EXTRA = options("config= delete-data")
_START = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]?")
_BAD = re.compile(r"[^A-Za-z0-9._-]")


def list_released(site: Site, filesystems: list[str], owner: str, pattern: str, brief: bool) -> int:
    """``ws_restore -l``: the released ids of *owner* (a glob) whose name matches *pattern*."""
    groups: list[tuple[str, list[RestoreView]]] = []
    for fs in filesystems:
        keeptime = site.cfg.filesystems[fs].keeptime
        ids = sorted(
            i for i in site.db(fs).trash.ids(f"{owner}-*") if fnmatch.fnmatchcase(i.partition("-")[2], pattern)
        )
        groups.append((fs, [RestoreView(i, fs, keeptime, site.now) for i in ids]))
    site.out(site.fmt.restore_listing(groups, brief))
    return 0


def _move_back(site: Site, db: Database, source: Path, destination: Path) -> int:
    """Move released *source* to *destination* (never over one), drop its DB entry; the tool's exit code."""
    try:
        if destination.exists():
            raise OSError(f"{destination} exists")
        source.rename(destination)
    except OSError:
        return site.say("restore_move_failed")
    db.trash.remove(source.name)
    return site.say("restore_ok")


def ws_restore(site: Site, argv: list[str]) -> int:
    opts = site.start("ws_restore", argv, _OPTS + _V2_EXTRA if site.v2 else _OPTS, ("name", "target"))
    if site.v2:
        return _restore_v2(site, opts)
    if "list" in opts:  # v1 lists every file system (``-F`` and a pattern are ignored)
        return list_released(site, site.filesystems, site.user, "*", "brief" in opts)
    name, target = opts.get("name"), opts.get("target")
    if name is None or target is None:  # v1 says so on stdout, followed by the usage
        line = "Error: neither workspace nor -l specified." if name is None else "Error: no target given."
        site.out(f"{line}\n{formats_v1.RESTORE_USAGE}\n{formats_v1.RESTORE_TABLE}\n")
        return 1
    if NAME_RE.fullmatch(name) is None or NAME_RE.fullmatch(target) is None:
        return site.say("illegal_name")
    if not name.startswith(site.user + "-"):
        return site.say("restore_bad_owner", user=site.user, first=name.split("-")[0])
    fs = site.filesystem_for(opts, name, search=False)
    db = site.db(fs)
    with db.locked():
        if not site.cfg.filesystems[fs].restorable:
            return site.say("restore_not_restorable")
        target_id = site.ws_id(target)
        if not db.exists(target_id):
            return site.say("restore_target_missing")
        if not db.trash.exists(name):
            return site.say("restore_missing")
        if not _human_v1():
            return 0
        source = Path(site.entry(db.trash, name).workspace).parent / site.cfg.filesystems[fs].deleted / name
        return _move_back(site, db, source, Path(site.entry(db, target_id).workspace) / name)


def _refuse_v2(words: str, *, table_to_stdout: bool = False) -> int:
    """v2's usage error: the words and the usage line on stderr, then the option table."""
    usage, _, rest = formats_v2.HELP["ws_restore"][0].partition("\n")
    table = rest.rsplit("attention:", 1)[0].strip("\n")
    print(f"error: {words}\n{usage}", file=sys.stderr)
    (sys.stdout if table_to_stdout else sys.stderr).write(f"\n{table}\n\n")
    return 1


def _restore_v2(site: Site, opts: Parsed) -> int:
    """v2 ``ws_restore`` with the parsed *opts*, in the real tool's order of checks."""
    name, target = opts.get("name"), opts.get("target")
    listing = "list" in opts
    if name is None and not listing:
        return _refuse_v2("neither workspace nor -l specified.")
    if name is not None and not listing:
        if target is None and "delete-data" not in opts:
            return _refuse_v2("no target given.", table_to_stdout=True)
        if _START.fullmatch(name[:2]) is None or _BAD.search(name):
            print("error: Illegal workspace name, use characters and numbers, -,. and _ only!", file=sys.stderr)
            return 1
    user_opt = opts.get("username") or ""
    if listing:  # an unknown -F: its error, then the (empty) listing
        owner = (user_opt or "*") if site.is_admin else site.user
        shown = site.chosen_filesystems(opts, "restore_bad_fs", fatal=False)
        return list_released(site, shown, owner, opts.get("name") or "*", "brief" in opts)
    assert name is not None
    if user_opt and user_opt != site.user and site.user != "root":
        return site.say("restore_not_root")
    owner = user_opt or site.user
    if site.user != "root" and not name.startswith(site.user + "-"):
        return site.say("restore_bad_owner")
    if not _human_v2():
        return 0
    filesystems = site.chosen_filesystems(opts, "restore_bad_fs")
    hits = [fs for fs in filesystems if site.db(fs).trash.exists(name)]
    if len(hits) > 1:
        code = site.say("restore_not_unique", name=name)
        for fs in hits:
            print(f"error:  {name} is in {fs}", file=sys.stderr)
        return code
    if not hits or not name.startswith(owner + "-"):
        return site.say("restore_missing")
    if not site.cfg.filesystems[hits[0]].restorable:
        return site.say("restore_not_restorable")
    db = site.db(hits[0])
    with db.locked():
        trash = Path(site.entry(db.trash, name).workspace).parent / site.cfg.filesystems[hits[0]].deleted
        if "delete-data" in opts:
            site.say("restore_delete_start")
            shutil.rmtree(trash / name, ignore_errors=True)
            db.trash.remove(name)
            return site.say("restore_delete_done")
        target_path = _target_path(site, filesystems, f"{owner}-{target}")
        if target_path is None:
            return site.say("restore_target_missing")
        return _move_back(site, db, trash / name, target_path / name)


def _target_path(site: Site, filesystems: list[str], ws_id: str) -> Path | None:
    """The directory of the user's active workspace *ws_id* (first file system that has it)."""
    for fs in filesystems:
        try:
            return Path(site.db(fs).read(ws_id).workspace)
        except (OSError, ValueError):
            continue
    return None


#: Environment variable naming the word v2's "are you human" test asks about.
WORD_ENV = "TAURUS_EMULATOR_RUH_WORD"

_CATEGORIES: tuple[tuple[str, ...], ...] = tuple(
    tuple(words.split(", "))
    for words in (
        "Dog, Cat, Elephant, Lion, Tiger, Cow, Horse, Monkey, Snake, Eagle, Bear, Wolf, Fox, Deer, Rabbit, "
        "Squirrel, Pig, Chicken, Duck, Fish, Shark, Whale, Dolphin, Frog, Butterfly",
        "Apple, Banana, Orange, Strawberry, Blueberry, Watermelon, Mango, Pineapple, Grapes, Avocado, Tomato, "
        "Potato, Carrot, Broccoli, Spinach, Onion, Garlic, Cucumber, Bell pepper, Lettuce, Corn, Green beans, "
        "Peas, Asparagus, Zucchini",
        "Car, House, Tree, Book, Computer, Phone, Chair, Table, Shirt, Pants, Shoes, Hat, Door, Window, Wall, "
        "Floor, Ceiling, Lightbulb, Pen, Paper, Clock, Television, Radio, Cloud, Rock",
    )
)


def _human_v1() -> bool:
    """The real v1 check, only when a person can answer (stdin is a terminal)."""
    if not sys.stdin.isatty():
        return True
    word = "".join(random.choice("bdfgklmnprstvz") + random.choice("aeiou") for _ in range(5))
    sys.stdout.write(f"to verify that you are human, please type '{word}': ")
    sys.stdout.flush()
    if sys.stdin.readline().strip() != word:
        return False
    sys.stdout.write("you are human\n")
    return True


def _unattended() -> bool:
    """stdin is ``/dev/null``-like (or closed): nobody can ever answer."""
    if sys.stdin is None:
        return True
    try:
        fd = sys.stdin.fileno()
    except (OSError, ValueError):
        return False  # a Python stream without a descriptor: read it
    try:
        mode = os.fstat(fd).st_mode
    except OSError:
        return True
    return stat.S_ISCHR(mode) and not os.isatty(fd)


def _human_v2() -> bool:
    """v2's test: ``Is 'WORD' an [0] Animal, ...?`` on stdout, passed when stdin's line starts
    with the digit of the word's category. :data:`WORD_ENV` names the word (so a replay can
    answer); a ``/dev/null``-like or unreadable stdin passes (the real tool would exit 0
    silently, as every library call that cannot answer is a no-op: a deliberate difference)."""
    word = os.environ.get(WORD_ENV, "")
    category = next((i for i, words in enumerate(_CATEGORIES) if word in words), None)
    if category is None:
        category = random.randrange(len(_CATEGORIES))
        word = random.choice(_CATEGORIES[category][:24])
    sys.stdout.write(
        f"Is '{word}' an [0] Animal, [1] Fruit or Vegetable or [2] Object or [3] Person? <type 0/1/2/3 + enter> :"
    )
    sys.stdout.flush()
    if _unattended():
        return True
    try:
        return sys.stdin.readline()[:1] == str(category)
    except OSError:
        return True

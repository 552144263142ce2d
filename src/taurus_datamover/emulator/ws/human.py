"""v2 ``ws_restore``'s "are you human" test: a word, its category typed back on stdin.

The real tool asks ``Is 'WORD' an [0] Animal, ...?`` on stdout and passes when the first
character of stdin's line is the category's digit. For unattended use,
``TAURUS_EMULATOR_RUH_WORD`` names the word (so a replay can answer), and a ``/dev/null``
or unreadable stdin passes (the real tool would exit 0 silently: every library call that
cannot answer would be a no-op; a deliberate difference).
"""

from __future__ import annotations

import os
import random
import stat
import sys

#: Environment variable naming the word the test asks about.
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


def _question() -> tuple[str, int]:
    """The word to ask about and the digit of its category."""
    wanted = os.environ.get(WORD_ENV, "")
    for category, words in enumerate(_CATEGORIES):
        if wanted in words:
            return wanted, category
    category = random.randrange(len(_CATEGORIES))
    return random.choice(_CATEGORIES[category][:24]), category


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


def human_test() -> bool:
    """Ask the question on stdout and check the answer from stdin."""
    word, category = _question()
    sys.stdout.write(
        f"Is '{word}' an [0] Animal, [1] Fruit or Vegetable or [2] Object or [3] Person? <type 0/1/2/3 + enter> :"
    )
    sys.stdout.flush()
    if _unattended():
        return True
    try:
        line = sys.stdin.readline()
    except OSError:
        return True  # stdin cannot be read at all (see the module notes)
    return line[:1] == str(category)

"""The emulator's one-file-per-workspace DB: text round trip and concurrent writers."""

from __future__ import annotations

import threading
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from taurus_datamover.emulator.ws.db import Database, WsEntry, dump_entry, parse_entry

_text = st.text(st.characters(codec="utf-8"), max_size=40)
_int = st.integers(min_value=0, max_value=2**40)


@given(
    workspace=_text.filter(lambda t: t.strip() == t and t != ""),
    comment=_text,
    mail=_text,
    group=_text,
    numbers=st.tuples(_int, _int, _int, _int, _int),
)
def test_entry_text_round_trip(
    workspace: str,
    comment: str,
    mail: str,
    group: str,
    numbers: tuple[int, int, int, int, int],
) -> None:
    creation, expiration, extensions, reminder, released = numbers
    entry = WsEntry(
        workspace=workspace,
        creation=creation,
        expiration=expiration,
        extensions=extensions,
        reminder=reminder,
        mailaddress=mail,
        group=group,
        released=released,
        comment=comment,
    )
    assert parse_entry(dump_entry(entry)) == entry


def test_entry_text_looks_like_hpc_workspace() -> None:
    text = dump_entry(WsEntry(workspace="/ws/u-a", creation=1, expiration=2, extensions=3, comment="x: y"))
    assert text == (
        "workspace: /ws/u-a\ncreation: 1\nexpiration: 2\nextensions: 3\nacctcode: ''\n"
        "reminder: 0\nmailaddress: ''\ncomment: 'x: y'\n"
    )


def test_concurrent_writers_never_lose_an_update(tmp_path: Path) -> None:
    db = Database(tmp_path / "db", ".removed")
    db.write("u-a", WsEntry(workspace="/w", creation=0, expiration=0, extensions=0))

    def bump() -> None:
        for _ in range(25):
            with db.locked():
                entry = db.read("u-a")
                entry.extensions += 1
                db.write("u-a", entry)

    threads = [threading.Thread(target=bump) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert db.read("u-a").extensions == 100
    assert db.ids("u-*") == ["u-a"]

"""rsync's escaping of names, for tests that write the lines rsync would print."""

from __future__ import annotations


def encode_rsync_name(name: bytes) -> str:
    """How rsync prints ``name`` in the C locale (the inverse of ``decode_rsync_name``):
    bytes below 32 (but tab), 127 and above as ``\\#ooo``, a ``\\`` before ``#ddd`` too."""
    out: list[str] = []
    for i, byte in enumerate(name):
        escape_backslash = (
            byte == 0x5C
            and name[i + 1 : i + 2] == b"#"
            and len(name) >= i + 5
            and all(0x30 <= b <= 0x39 for b in name[i + 2 : i + 5])
        )
        if escape_backslash or (byte != 0x09 and (byte < 0x20 or byte >= 0x7F)):
            out.append(f"\\#{byte:03o}")
        else:
            out.append(chr(byte))
    return "".join(out)

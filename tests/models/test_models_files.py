"""FileEntry stores what ls printed; what follows from it is computed, and dumps round-trip."""

from __future__ import annotations

import copy
import json
import pickle

import pytest
from pydantic import BaseModel, ValidationError

from taurus_datamover.models.files import EntryType, FileEntry, TimePrecision


def _entry(**fields: object) -> FileEntry:
    base: dict[str, object] = {
        "name": "f",
        "mode": "-rwsr-xr-T",
        "links": 1,
        "mtime_precision": TimePrecision.DAY,
        "line": "x",
    }
    return FileEntry.model_validate({**base, **fields})


def test_derived_values_are_computed_from_mode_and_marker() -> None:
    e = _entry(marker="+")
    assert (e.type, e.permissions, e.acl, e.selinux, e.is_dir) == (EntryType.FILE, 0o5754, True, False, False)
    d = _entry(mode="drwxr-sr-x", marker=".")
    assert (d.type, d.permissions, d.acl, d.selinux, d.is_dir) == (EntryType.DIRECTORY, 0o2755, False, True, True)


def test_dump_shows_the_derived_values_and_validates_back() -> None:
    e = _entry(marker="+")
    dumped = e.model_dump(mode="json")
    assert (dumped["type"], dumped["permissions"], dumped["acl"], dumped["selinux"]) == ("file", 0o5754, True, False)
    assert FileEntry.model_validate(dumped) == e
    assert FileEntry.model_validate_json(e.model_dump_json()) == e


def test_stored_fields_only_are_compared_and_validated() -> None:
    assert "type" not in FileEntry.model_fields and "permissions" not in FileEntry.model_fields
    assert _entry() == _entry() and hash(_entry()) == hash(_entry())
    with pytest.raises(ValidationError):
        _entry(mode="-rw-r--r-Q")  # not a mode ls prints: the derived values could not be read
    with pytest.raises(ValidationError):
        _entry(marker="*")


def test_copy_is_validated_unbound_and_the_owner_is_not_compared() -> None:
    owner = object()
    e = _entry().bind(owner)
    assert e.bound_owner is owner and e == _entry() and hash(e) == hash(_entry())
    copied = e.model_copy(update={"name": "g"})
    assert (copied.name, copied.mode, copied.bound_owner) == ("g", e.mode, None)
    with pytest.raises(ValidationError):
        e.model_copy(update={"links": "many"})


def test_pickle_and_copy_keep_the_fields_and_drop_the_owner() -> None:
    e = _entry(size_text="5").bind(object())
    for other in (pickle.loads(pickle.dumps(e)), copy.copy(e)):
        assert other == e and other.bound_owner is None


def test_a_slotted_dataclass_with_the_model_api() -> None:
    e = _entry(size_text="5")
    assert not isinstance(e, BaseModel) and not hasattr(e, "__dict__")
    assert list(FileEntry.model_fields)[:3] == ["name", "directory", "mode"]
    schema = FileEntry.model_json_schema(mode="serialization")
    assert {"name", "type", "permissions"} <= set(schema["properties"])
    assert e.model_dump(include={"name", "size"}) == {"name": "f", "size": 5}
    assert "<th style='text-align:left'>size_text</th>" in e._repr_html_() and "line" not in e._repr_html_()


@pytest.mark.parametrize(
    ("mode", "size_text", "size", "device"),
    [
        ("-rw-r--r--", "1234", 1234, None),
        ("-rw-r--r--", "1,2K", None, None),  # rounded: no size in bytes
        ("-rw-r--r--", "١٢", None, None),  # not ASCII digits: ls never prints these
        ("brw-rw----", "8, 1", None, (8, 1)),
        ("-rw-r--r--", "8, 1", None, None),  # not a device
        ("crw-------", "8,1", None, None),
        ("crw-------", None, None, None),
    ],
)
def test_size_and_device_are_computed_from_the_size_column(
    mode: str, size_text: str | None, size: int | None, device: tuple[int, int] | None
) -> None:
    e = _entry(mode=mode, size_text=size_text)
    assert (e.size, e.device) == (size, device)
    dumped = e.model_dump(mode="json")
    assert (dumped["size"], dumped["device"]) == (size, None if device is None else list(device))
    assert FileEntry.model_validate(dumped) == e == FileEntry.model_validate_json(e.model_dump_json())


def test_a_computed_value_the_stored_fields_do_not_give_is_refused() -> None:
    with pytest.raises(ValidationError, match="size"):
        _entry(size=5)  # no size_text: size would silently be None
    with pytest.raises(ValidationError, match="type"):
        _entry(type="directory")  # the mode says file
    with pytest.raises(ValidationError, match="device"):
        FileEntry.model_validate_json(
            _entry(size_text="5").model_dump_json().replace('"device":null', '"device":[1,2]')
        )
    assert _entry(size_text="5", size=5, type="file").size == 5  # agreeing values are fine


def test_copy_updates_stored_fields_only() -> None:
    e = _entry(size_text="5")
    assert e.model_copy(update={"size_text": "7"}).size == 7
    with pytest.raises(TypeError, match="size"):
        e.model_copy(update={"size": 7})
    with pytest.raises(TypeError, match="colour"):
        e.model_copy(update={"colour": "red"})


def test_an_older_dump_of_a_device_validates() -> None:
    # before size and device were computed, a device's size_text was None and device stored
    old = {**_entry(mode="crw-------").model_dump(mode="json"), "size_text": None, "device": [8, 1]}
    for e in (FileEntry.model_validate(old), FileEntry.model_validate_json(json.dumps(old))):
        assert (e.device, e.size_text, e.size) == ((8, 1), "8, 1", None)


@pytest.mark.parametrize("device", [[8], [8, 1, 2], 5, "ab", [None, None], ["8", "x"]])
def test_a_malformed_device_on_input_is_a_validation_error(device: object) -> None:
    with pytest.raises(ValidationError, match="device"):
        FileEntry.model_validate({**_entry(mode="crw-------").model_dump(), "size_text": None, "device": device})

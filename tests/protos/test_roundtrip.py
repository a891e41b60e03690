"""Every message of every proto package survives serialize -> parse with all fields set."""

from __future__ import annotations

import importlib

import pytest
from google.protobuf import descriptor as d
from google.protobuf.message import Message

from protos import generate

MODULES = [importlib.import_module(f"protos.{p.stem}_pb2") for p in generate.proto_files()]


def _all_messages(desc: d.Descriptor) -> list[d.Descriptor]:
    out = [desc]
    for nested in desc.nested_types:
        if not nested.GetOptions().map_entry:
            out.extend(_all_messages(nested))
    return out


MESSAGES = [
    m
    for mod in MODULES
    for top in mod.DESCRIPTOR.message_types_by_name.values()
    for m in _all_messages(top)
]

_SCALARS = {
    d.FieldDescriptor.TYPE_BOOL: True,
    d.FieldDescriptor.TYPE_STRING: "s\u00e9",
    d.FieldDescriptor.TYPE_BYTES: b"\x00\xffk",
    d.FieldDescriptor.TYPE_DOUBLE: 1.5,
    d.FieldDescriptor.TYPE_FLOAT: 2.5,
}


def _sample(field: d.FieldDescriptor, depth: int) -> object:
    if field.type == d.FieldDescriptor.TYPE_ENUM:
        return field.enum_type.values[-1].number
    if field.type in _SCALARS:
        return _SCALARS[field.type]
    if field.cpp_type in (d.FieldDescriptor.CPPTYPE_INT32, d.FieldDescriptor.CPPTYPE_INT64):
        return -7
    return 7  # unsigned and fixed


def _fill(msg: Message, depth: int = 0) -> None:
    for field in msg.DESCRIPTOR.fields:
        if field.containing_oneof is not None and field.containing_oneof.fields[0] is not field:
            continue  # set only the first member of each oneof
        is_repeated = field.is_repeated
        if field.message_type is not None:
            if field.message_type.GetOptions().map_entry:
                val_field = field.message_type.fields_by_name["value"]
                target = getattr(msg, field.name)
                if val_field.message_type is not None:
                    if depth < 3:
                        _fill(target["k"], depth + 1)
                else:
                    target["k"] = _sample(val_field, depth)
            elif depth < 3:
                sub = getattr(msg, field.name).add() if is_repeated else getattr(msg, field.name)
                _fill(sub, depth + 1)
                if not is_repeated and not sub.ListFields():
                    sub.SetInParent()
        elif is_repeated:
            getattr(msg, field.name).extend([_sample(field, depth), _sample(field, depth)])
        else:
            setattr(msg, field.name, _sample(field, depth))


@pytest.mark.parametrize("desc", MESSAGES, ids=lambda m: m.full_name)
def test_message_round_trips_through_the_wire(desc: d.Descriptor) -> None:
    mod = next(m for m in MODULES if m.DESCRIPTOR is desc.file)
    cls = mod
    for part in desc.full_name[len(desc.file.package) + 1 :].split("."):
        cls = getattr(cls, part)
    original = cls()
    _fill(original)
    wire = original.SerializeToString()
    parsed = cls.FromString(wire)
    assert parsed == original
    assert parsed.SerializeToString() == wire
    if desc.fields:
        assert wire, f"{desc.full_name} serialized to nothing although it has fields"


def test_round_trip_covers_every_package() -> None:
    packages = {m.file.package for m in MESSAGES}
    assert packages == {
        "metapb",
        "errorpb",
        "kvrpcpb",
        "import_sstpb",
        "import_kvpb",
        "pdpb",
        "flashload.coordinator.v1",
    }

"""The committed generated modules are exactly what ``python -m protos.generate`` produces."""

from protos import generate


def test_generated_modules_match_the_proto_sources() -> None:
    assert generate.stale_files() == [], "run: python -m protos.generate"


def test_every_proto_source_has_its_three_modules() -> None:
    names = set(generate.committed())
    for proto in generate.proto_files():
        stem = proto.stem
        assert {f"{stem}_pb2.py", f"{stem}_pb2.pyi", f"{stem}_pb2_grpc.py"} <= names

"""The committed generated code is exactly what scripts/gen_proto.py makes from proto/."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GENERATED = ROOT / "server" / "worldstream" / "v1"


def _load_generator():
    spec = importlib.util.spec_from_file_location("gen_proto", ROOT / "scripts" / "gen_proto.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["gen_proto"] = module
    spec.loader.exec_module(module)
    return module


def test_regenerating_the_python_code_changes_nothing(tmp_path):
    pytest.importorskip("grpc_tools", reason="grpcio-tools (the [test] extra) is needed")
    _load_generator().generate(tmp_path)
    produced = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*.py*"))
    assert produced, "the generator wrote nothing"
    for relative in produced:
        committed = ROOT / "server" / relative
        assert committed.exists(), f"{relative} is generated but not committed"
        assert committed.read_bytes() == (tmp_path / relative).read_bytes(), (
            f"{relative} differs from the generator's output: run scripts/gen_proto.py"
        )


def test_the_proto_follows_the_api_rules_the_clients_rely_on():
    text = (ROOT / "proto" / "worldstream" / "v1" / "worldstream.proto").read_text()
    assert "package worldstream.v1;" in text
    assert 'option csharp_namespace = "WorldStream.V1";' in text
    # Engine code generators choke on these.
    assert "optional " not in text.replace("// ", "").split("syntax")[1]
    assert "google/protobuf/any.proto" not in text
    from worldstream.v1 import worldstream_pb2 as pb

    for enum in pb.DESCRIPTOR.enum_types_by_name.values():
        assert enum.values[0].number == 0 and enum.values[0].name.endswith("_UNSPECIFIED")
    service = pb.DESCRIPTOR.services_by_name["WorldStream"]
    inputs = [m.input_type.name for m in service.methods]
    outputs = [m.output_type.name for m in service.methods]
    assert len(set(inputs)) == len(inputs) and len(set(outputs)) == len(outputs)
    for method in service.methods:
        assert method.input_type.name == f"{method.name}Request"
        assert method.output_type.name == f"{method.name}Response"

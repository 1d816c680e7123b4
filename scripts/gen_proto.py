"""Generate the Python gRPC code from proto/ into server/worldstream/v1/.

The generated files are committed; tests/test_proto_generation.py proves that running this
script changes nothing, so they are never hand-edited. grpcio-tools is pinned in pyproject.toml
because its version is stamped into the output.

    python scripts/gen_proto.py [--out DIR]
"""

from __future__ import annotations

import argparse
import sys
from importlib import resources
from pathlib import Path

from grpc_tools import protoc

ROOT = Path(__file__).resolve().parent.parent
PROTO_ROOT = ROOT / "proto"
PROTOS = ["worldstream/v1/worldstream.proto"]


def generate(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    well_known = resources.files("grpc_tools") / "_proto"
    args = [
        "grpc_tools.protoc",
        f"-I{PROTO_ROOT}",
        f"-I{well_known}",
        f"--python_out={out}",
        f"--pyi_out={out}",
        f"--grpc_python_out={out}",
        *PROTOS,
    ]
    # protoc resolves proto paths relative to the include roots; run from the proto root so
    # that the file names recorded in the descriptors are the same on every machine.
    code = protoc.main(args)
    if code != 0:
        raise SystemExit(f"protoc failed with exit code {code}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "server")
    args = parser.parse_args(argv)
    generate(args.out)


if __name__ == "__main__":
    sys.exit(main())

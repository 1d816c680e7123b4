#!/usr/bin/env bash
# Generates the C# message types and the gRPC client of proto/worldstream/v1/worldstream.proto
# into Runtime/Generated/ (or OUT_DIR). The output is committed and never edited by hand;
# tests/test_unity_core.py regenerates it into a temp dir and demands identical bytes.
#
#   unity_client/gen_proto.sh [OUT_DIR]
#
# Tools: protoc 3.21.12 (Debian bookworm `protobuf-compiler`, with the well-known types from
# `libprotobuf-dev`) and grpc_csharp_plugin 1.51.1 (the version of Debian's gRPC; Debian does not
# package the C# plugin: take it from the Grpc.Tools 2.51.0 NuGet package or build it with
# Tools~/build_grpc_csharp_plugin.sh). Other versions write slightly different code.
# PROTOC and GRPC_CSHARP_PLUGIN override where they are found.
#
# Exit status: 0 both files written; 3 protoc is missing (nothing written); 4 the gRPC plugin is
# missing (only the messages written).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
out="${1:-$here/Runtime/Generated}"
protoc="${PROTOC:-$(command -v protoc || true)}"
plugin="${GRPC_CSHARP_PLUGIN:-$(command -v grpc_csharp_plugin || true)}"

if [[ -z "$protoc" ]]; then
  echo "protoc not found: apt-get install protobuf-compiler libprotobuf-dev" >&2
  exit 3
fi
mkdir -p "$out"
# Run from the proto root with a relative file name so that the generated descriptors name the
# file the same way on every machine.
cd "$root/proto"
"$protoc" --csharp_out="$out" worldstream/v1/worldstream.proto
if [[ -z "$plugin" ]]; then
  echo "grpc_csharp_plugin not found: wrote the messages only (set GRPC_CSHARP_PLUGIN)" >&2
  exit 4
fi
# Client only: the package never serves, and the server stubs would pull in more of Grpc.Core.
"$protoc" --plugin=protoc-gen-grpc="$plugin" --grpc_out="$out" --grpc_opt=no_server \
  worldstream/v1/worldstream.proto

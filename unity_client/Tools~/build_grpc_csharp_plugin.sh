#!/usr/bin/env bash
# Builds grpc_csharp_plugin from gRPC's source, for machines without the Grpc.Tools NuGet
# package (Debian packages gRPC 1.51.1 but not its C# plugin).
#
#   Tools~/build_grpc_csharp_plugin.sh GRPC_SOURCE [OUT]
#
# GRPC_SOURCE holds src/compiler/csharp_generator.cc: a checkout of gRPC v1.51.1, or the
# grpc_root/ folder of PyPI's grpcio-tools 1.51.1 source distribution, which carries the same
# compiler sources. Needs g++ and Debian's libprotoc-dev (protoc 3.21.12). OUT defaults to
# ./grpc_csharp_plugin; then run GRPC_CSHARP_PLUGIN=OUT unity_client/gen_proto.sh.
set -euo pipefail

source_dir="${1:?usage: build_grpc_csharp_plugin.sh GRPC_SOURCE [OUT]}"
out="${2:-$PWD/grpc_csharp_plugin}"
for file in src/compiler/csharp_generator.cc src/compiler/csharp_plugin.cc; do
  if [[ ! -f "$source_dir/$file" ]]; then
    echo "$source_dir has no $file: point at a gRPC source tree" >&2
    exit 2
  fi
done
cd "$source_dir"
g++ -std=c++17 -O1 -I. -Iinclude src/compiler/csharp_generator.cc src/compiler/csharp_plugin.cc \
  -o "$out" -lprotoc -lprotobuf -pthread
echo "built $out"

#!/usr/bin/env bash
# Compiles the package's engine-side C# (Runtime with its generated code, Editor, Samples~, the
# test assemblies) with Mono's compiler against the stand-ins of Tests/StandIns~ (UnityEngine,
# UnityEditor, Google.Protobuf, Grpc.*, YetAnotherHttpHandler, gsplat, NUnit), each assembly as
# its .asmdef defines it, in every configuration of UNITY_EDITOR, the package's #if symbols and
# its optional packages. Nothing is run: the stand-ins only carry the real signatures.
#
#   unity_client/Tests/compile_engine_code.sh [--package DIR] [--only ASSEMBLY]
#
# Exit status: 0 every compile succeeded; 2 a compile failed or an assembly reference does not
# resolve; 3 mcs (Debian: mono-devel) or python3 is missing.
set -euo pipefail

if ! command -v mcs >/dev/null 2>&1; then
  echo "mcs not found: install Mono's compiler (Debian: mono-devel)" >&2
  exit 3
fi
if ! command -v python3 >/dev/null 2>&1; then
  echo "python3 not found" >&2
  exit 3
fi
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
exec python3 "$(dirname "$here")/Tools~/compile_engine_code.py" "$@"

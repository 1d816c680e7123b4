#!/usr/bin/env bash
# Compiles Runtime/Core and the shared test cases with Mono's C# compiler and runs them against
# the repository's golden vectors (tests/vectors). Installs Debian's mono-mcs when mcs is
# missing.
#
#   unity_client/Tests/run_core_tests.sh [--bench] [--filter=TEXT]
#
# Exit status: 0 all cases passed; 1 a case failed (or none ran); 2 the build failed;
# 3 mcs is missing and could not be installed.
# WORLDSTREAM_RAW_VECTORS (set by tests/test_unity_core.py) adds the server-written WSRF cases.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
package="$(dirname "$here")"
vectors="$(dirname "$package")/tests/vectors"

if ! command -v mcs >/dev/null 2>&1 || ! command -v mono >/dev/null 2>&1; then
  echo "mcs not found: installing mono-mcs with apt-get" >&2
  if [[ "$(id -u)" -ne 0 ]] || ! command -v apt-get >/dev/null 2>&1 \
    || ! { DEBIAN_FRONTEND=noninteractive apt-get install -y -q mono-mcs >/dev/null 2>&1 \
      || { apt-get update -q >/dev/null 2>&1 \
        && DEBIAN_FRONTEND=noninteractive apt-get install -y -q mono-mcs >/dev/null 2>&1; }; }; then
    echo "cannot install mono-mcs (needs root and apt-get): install it and run again" >&2
    exit 3
  fi
fi

build="$(mktemp -d)"
trap 'rm -rf "$build"' EXIT
# C# 7.2 is mcs's newest level and a subset of Unity's 7.3; warnings are errors so that the
# Core stays clean under both compilers.
if ! mcs -langversion:7.2 -warnaserror+ -nologo -target:library -out:"$build/WorldStream.Core.dll" \
  "$package"/Runtime/Core/*.cs; then
  echo "Runtime/Core does not compile" >&2
  exit 2
fi
if ! mcs -langversion:7.2 -warnaserror+ -nologo -target:exe -out:"$build/core-tests.exe" \
  -r:"$build/WorldStream.Core.dll" "$here"/Editor/Cases/*.cs "$here"/Mono~/*.cs; then
  echo "the test cases do not compile" >&2
  exit 2
fi
cd "$build"
exec mono core-tests.exe "$vectors" "$@"

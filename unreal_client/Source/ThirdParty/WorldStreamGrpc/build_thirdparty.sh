#!/usr/bin/env bash
# Builds what the WorldStreamGrpc module links, for the platform this runs on: gRPC (with its
# protobuf, abseil, re2, c-ares and upb) against the engine's own OpenSSL and zlib, then
# WorldStreamCore against that gRPC, all as static libraries with the engine's C++ runtime.
# Installs the headers into include/ and the libraries into lib/<Platform>/ beside this script.
#
#   build_thirdparty.sh --engine /path/to/UE_5.3 [--grpc v1.51.1] [--jobs 8] [--work DIR]
#
# Run it on each platform you ship (Win64 from Git Bash with Visual Studio 2022 installed, Linux,
# Mac). It needs git, cmake >= 3.16, a network connection for gRPC's sources, and ~6 GB of disk;
# a build takes 20-60 minutes. See unreal_client/README.md, Install.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
core="$(cd "$here/../../WorldStreamCore" && pwd)"
engine=""
grpc_tag="v1.51.1"
jobs="$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 4)"
work="${TMPDIR:-/tmp}/worldstream-thirdparty"

while [ $# -gt 0 ]; do
  case "$1" in
    --engine) engine="$2"; shift 2 ;;
    --grpc) grpc_tag="$2"; shift 2 ;;
    --jobs) jobs="$2"; shift 2 ;;
    --work) work="$2"; shift 2 ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
if [ -z "$engine" ] || [ ! -d "$engine/Engine/Source/ThirdParty" ]; then
  echo "give the engine's root with --engine (the directory holding Engine/)" >&2
  exit 2
fi
third="$engine/Engine/Source/ThirdParty"

case "$(uname -s)" in
  Linux) platform=Linux ;;
  Darwin) platform=Mac ;;
  MINGW*|MSYS*|CYGWIN*) platform=Win64 ;;
  *) echo "unsupported host $(uname -s)" >&2; exit 2 ;;
esac

# The engine's OpenSSL and zlib: the newest version directory that has the headers. Their
# layouts differ between engine versions, so the libraries are found by name below it.
find_root() {  # name header
  local best=""
  for dir in "$third/$1"/*/; do
    if find "$dir" -path "*/$2" -print -quit 2>/dev/null | grep -q .; then best="$dir"; fi
  done
  [ -n "$best" ] || { echo "no $1 with $2 under $third/$1" >&2; exit 2; }
  echo "${best%/}"
}
openssl_root="$(find_root OpenSSL include/openssl/ssl.h)"
zlib_root="$(find_root zlib zlib.h)"
find_file() {  # root pattern
  find "$1" -path "*$platform*" -name "$2" -print -quit 2>/dev/null || true
}

cmake_args=(
  -DCMAKE_BUILD_TYPE=Release
  -DCMAKE_CXX_STANDARD=17
  -DCMAKE_POSITION_INDEPENDENT_CODE=ON
  -DBUILD_SHARED_LIBS=OFF
)
case "$platform" in
  Win64)
    # The engine links the release DLL C runtime (/MD).
    cmake_args+=(-G "Visual Studio 17 2022" -A x64 -DCMAKE_MSVC_RUNTIME_LIBRARY=MultiThreadedDLL)
    ssl_lib="$(find_file "$openssl_root" 'libssl*.lib')"
    crypto_lib="$(find_file "$openssl_root" 'libcrypto*.lib')"
    zlib_lib="$(find_file "$zlib_root" 'zlibstatic*.lib')"
    ;;
  Mac)
    cmake_args+=(-DCMAKE_OSX_DEPLOYMENT_TARGET=11.0 "-DCMAKE_OSX_ARCHITECTURES=arm64;x86_64")
    ssl_lib="$(find_file "$openssl_root" 'libssl.a')"
    crypto_lib="$(find_file "$openssl_root" 'libcrypto.a')"
    zlib_lib="$(find_file "$zlib_root" 'libz.a')"
    ;;
  Linux)
    # The engine builds with its own clang and libc++ (LINUX_MULTIARCH_ROOT, set by the engine's
    # Linux toolchain installer): libraries built with the system's libstdc++ would not link.
    toolchain="${LINUX_MULTIARCH_ROOT:?set LINUX_MULTIARCH_ROOT to the Linux toolchain of the engine}/x86_64-unknown-linux-gnu"
    libcxx="$third/Unix/LibCxx"
    flags="--sysroot=$toolchain -nostdinc++ -I$libcxx/include -I$libcxx/include/c++/v1"
    cmake_args+=(
      "-DCMAKE_C_COMPILER=$toolchain/bin/clang"
      "-DCMAKE_CXX_COMPILER=$toolchain/bin/clang++"
      "-DCMAKE_SYSROOT=$toolchain"
      "-DCMAKE_C_FLAGS=--sysroot=$toolchain"
      "-DCMAKE_CXX_FLAGS=$flags"
      "-DCMAKE_EXE_LINKER_FLAGS=-fuse-ld=lld -nodefaultlibs -L$libcxx/lib/Unix/x86_64-unknown-linux-gnu -lc++ -lc++abi -lm -lc -lgcc_s -lgcc -lpthread"
    )
    ssl_lib="$(find_file "$openssl_root" 'libssl.a')"
    crypto_lib="$(find_file "$openssl_root" 'libcrypto.a')"
    zlib_lib="$(find_file "$zlib_root" 'libz*.a')"
    ;;
esac
for lib in "$ssl_lib" "$crypto_lib" "$zlib_lib"; do
  [ -n "$lib" ] || { echo "the engine's OpenSSL or zlib library for $platform was not found" >&2; exit 2; }
done

mkdir -p "$work"
prefix="$work/install-$platform"
if [ ! -d "$work/grpc" ]; then
  git clone --depth 1 --branch "$grpc_tag" --recurse-submodules --shallow-submodules \
    https://github.com/grpc/grpc "$work/grpc"
fi

# gRPC with everything bundled except TLS and zlib, which come from the engine.
cmake -S "$work/grpc" -B "$work/build-grpc-$platform" "${cmake_args[@]}" \
  -DCMAKE_INSTALL_PREFIX="$prefix" \
  -DgRPC_INSTALL=ON -DgRPC_BUILD_TESTS=OFF -DgRPC_BUILD_CSHARP_EXT=OFF \
  -DgRPC_BUILD_GRPC_CSHARP_PLUGIN=OFF -DgRPC_BUILD_GRPC_NODE_PLUGIN=OFF \
  -DgRPC_BUILD_GRPC_OBJECTIVE_C_PLUGIN=OFF -DgRPC_BUILD_GRPC_PHP_PLUGIN=OFF \
  -DgRPC_BUILD_GRPC_PYTHON_PLUGIN=OFF -DgRPC_BUILD_GRPC_RUBY_PLUGIN=OFF \
  -DgRPC_SSL_PROVIDER=package -DOPENSSL_ROOT_DIR="$openssl_root" \
  -DOPENSSL_INCLUDE_DIR="$(dirname "$(dirname "$(find "$openssl_root" -path '*include/openssl/ssl.h' -print -quit)")")" \
  -DOPENSSL_SSL_LIBRARY="$ssl_lib" -DOPENSSL_CRYPTO_LIBRARY="$crypto_lib" \
  -DgRPC_ZLIB_PROVIDER=package -DZLIB_INCLUDE_DIR="$(dirname "$(find "$zlib_root" -name zlib.h -print -quit)")" \
  -DZLIB_LIBRARY="$zlib_lib" \
  -DgRPC_PROTOBUF_PROVIDER=module -DgRPC_ABSL_PROVIDER=module -DgRPC_CARES_PROVIDER=module \
  -DgRPC_RE2_PROVIDER=module -DABSL_PROPAGATE_CXX_STD=ON
cmake --build "$work/build-grpc-$platform" --config Release --parallel "$jobs"
cmake --install "$work/build-grpc-$platform" --config Release

# WorldStreamCore against it: the same toolchain, no tests.
cmake -S "$core" -B "$work/build-core-$platform" "${cmake_args[@]}" \
  -DCMAKE_INSTALL_PREFIX="$prefix" -DCMAKE_PREFIX_PATH="$prefix" \
  -DWORLDSTREAM_BUILD_TESTS=OFF -DWORLDSTREAM_SANITIZER_TESTS=OFF \
  -DWORLDSTREAM_PROTO_DIR="$(cd "$core/../../../proto" && pwd)"
cmake --build "$work/build-core-$platform" --config Release --parallel "$jobs"
cmake --install "$work/build-core-$platform" --config Release

# What the module links: every static library of the prefix except the engine's own (OpenSSL
# and zlib stay the engine's) and the code generators' support library.
rm -rf "$here/lib/$platform" "$here/include/worldstream"
mkdir -p "$here/lib/$platform" "$here/include"
cp -R "$prefix/include/worldstream" "$here/include/"
case "$platform" in Win64) pattern='*.lib' ;; *) pattern='*.a' ;; esac
find "$prefix/lib" -maxdepth 1 -name "$pattern" ! -name '*protoc*' ! -name '*grpc_plugin_support*' \
  -exec cp {} "$here/lib/$platform/" \;
echo "WorldStreamGrpc for $platform: $(ls "$here/lib/$platform" | wc -l) libraries in $here/lib/$platform"

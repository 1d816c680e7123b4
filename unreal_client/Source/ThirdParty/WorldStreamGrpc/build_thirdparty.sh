#!/usr/bin/env bash
# Builds what the WorldStreamGrpc module links, for one platform: gRPC (with its protobuf,
# abseil, re2, c-ares and upb) against the engine's own OpenSSL and zlib, then WorldStreamCore
# against that gRPC, all as static libraries with the engine's C++ runtime. Installs the headers
# into include/ and the libraries into lib/<Platform>/ beside this script (or under --out).
#
#   build_thirdparty.sh --engine /path/to/UE_5.x [--grpc v1.51.1] [--jobs 8] [--work DIR] [--out DIR]
#   build_thirdparty.sh --engine /path/to/UE_5.x --resolve-only [--platform Win64|Linux|Mac]
#
# --resolve-only finds every input (the engine's OpenSSL and zlib, the compilers and tools, the
# output layout), prints them as key=value lines and builds nothing; a missing or ambiguous
# input stops it with exit status 2 and a line naming it. Run a build on each platform you ship
# (Win64 from Git Bash with Visual Studio 2022, Linux, Mac); it needs git, cmake >= 3.16,
# network access for gRPC's sources and ~6 GB of disk, and takes 20-60 minutes.
# See unreal_client/README.md, Install.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
core="$(cd "$here/../../WorldStreamCore" && pwd)"
engine=""
grpc_tag="v1.51.1"
jobs="$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 4)"
work="${TMPDIR:-/tmp}/worldstream-thirdparty"
out="$here"
platform=""
resolve_only=0

fail() {
  echo "build_thirdparty.sh: $*" >&2
  exit 2
}

while [ $# -gt 0 ]; do
  case "$1" in
    --engine) engine="${2:?--engine needs a directory}"; shift 2 ;;
    --grpc) grpc_tag="${2:?--grpc needs a tag}"; shift 2 ;;
    --jobs) jobs="${2:?--jobs needs a number}"; shift 2 ;;
    --work) work="${2:?--work needs a directory}"; shift 2 ;;
    --out) out="${2:?--out needs a directory}"; shift 2 ;;
    --platform) platform="${2:?--platform needs Win64, Linux or Mac}"; shift 2 ;;
    --resolve-only) resolve_only=1; shift ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) fail "unknown argument: $1" ;;
  esac
done

case "$(uname -s)" in
  Linux) host=Linux ;;
  Darwin) host=Mac ;;
  MINGW*|MSYS*|CYGWIN*) host=Win64 ;;
  *) host="$(uname -s)" ;;
esac
platform="${platform:-$host}"
case "$platform" in
  Win64|Linux|Mac) ;;
  *) fail "unsupported platform $platform (Win64, Linux or Mac)" ;;
esac
if [ "$platform" != "$host" ] && [ "$resolve_only" -eq 0 ]; then
  fail "libraries for $platform are built on $platform (this host is $host); --platform other than the host's is for --resolve-only"
fi

[ -n "$engine" ] || fail "give the engine's root with --engine (the directory holding Engine/)"
[ -d "$engine/Engine/Source/ThirdParty" ] || fail "$engine is not an engine root: no Engine/Source/ThirdParty"
engine="$(cd "$engine" && pwd)"
third="$engine/Engine/Source/ThirdParty"

need_file() {  # path what
  [ -f "$1" ] || fail "$2 not found: $1"
}
need_dir() {  # path what
  [ -d "$1" ] || fail "$2 not found: $1"
}

# The engine's version, for the record and to refuse engines older than the plugin supports.
build_version="$engine/Engine/Build/Build.version"
need_file "$build_version" "the engine's Build.version"
version_field() {  # name
  sed -n "s/.*\"$1\"[[:space:]]*:[[:space:]]*\([0-9][0-9]*\).*/\1/p" "$build_version" | head -n 1
}
major="$(version_field MajorVersion)"
minor="$(version_field MinorVersion)"
patch="$(version_field PatchVersion)"
[ -n "$major" ] && [ -n "$minor" ] || fail "$build_version holds no MajorVersion/MinorVersion"
if [ "$major" -lt 5 ] || { [ "$major" -eq 5 ] && [ "$minor" -lt 3 ]; }; then
  fail "the plugin needs UE 5.3 or later; $engine is $major.$minor"
fi

# Which version directory of an engine third-party library the engine itself links: the one
# its own <Module>.Build.cs names (OpenSSL.Build.cs of UE 5.3.1 and 5.4.3: Path.Combine(...,
# "OpenSSL", "1.1.1t"); of 5.5.1: OpenSSLVersion = "1.1.1t"; zlib.Build.cs: Version = "1.2.13"
# in 5.3, "1.3" in 5.4 and 5.5). Older directories stay beside it (5.3 keeps zlib/v1.2.8), so "the newest
# directory with headers" would pick a library the engine does not link.
rules_version() {  # module
  local rules="$third/$1/$1.Build.cs" candidates found="" count=0 v
  need_file "$rules" "the engine's $1 rules"
  candidates="$(grep -o '"[0-9][0-9]*\(\.[0-9][0-9]*\)\{1,3\}[a-z]\{0,1\}"' "$rules" | tr -d '"' | sort -u)"
  for v in $candidates; do
    if [ -d "$third/$1/$v" ]; then
      found="$found $v"
      count=$((count + 1))
    fi
  done
  [ "$count" -ne 0 ] || fail "$rules names no version directory that exists under $third/$1 (names:$(echo "" $candidates))"
  [ "$count" -eq 1 ] || fail "$rules names several version directories under $third/$1 (${found# }); cannot tell which the engine links"
  echo "${found# }"
}
openssl_version="$(rules_version OpenSSL)"
zlib_version="$(rules_version zlib)"
openssl_dir="$third/OpenSSL/$openssl_version"
zlib_dir="$third/zlib/$zlib_version"

# The paths below are those the engine's OpenSSL.Build.cs and zlib.Build.cs hand the linker
# (read in 5.3.1, 5.4.3 and 5.5.1), Release always: the engine links the release C runtime
# (/MD) in every configuration unless bDebugBuildsActuallyUseDebugCRT, and so does this build.
# Win64 keeps its OpenSSL under VS2015: GetVisualStudioCompilerVersionName() returns "2015"
# for VS2022 (UEBuildWindows.cs).
linux_arch=x86_64-unknown-linux-gnu
zlib_include="$zlib_dir/include"
case "$platform" in
  Win64)
    openssl_include="$openssl_dir/include/Win64/VS2015"
    openssl_libs="$openssl_dir/lib/Win64/VS2015/Release"
    ssl_lib="$openssl_libs/libssl.lib"
    crypto_lib="$openssl_libs/libcrypto.lib"
    zlib_lib="$zlib_dir/lib/Win64/Release/zlibstatic.lib"
    ;;
  Linux)
    openssl_include="$openssl_dir/include/Unix"
    openssl_libs="$openssl_dir/lib/Unix/$linux_arch"
    ssl_lib="$openssl_libs/libssl.a"
    crypto_lib="$openssl_libs/libcrypto.a"
    zlib_lib="$zlib_dir/lib/Unix/$linux_arch/Release/libz.a"
    ;;
  Mac)
    openssl_include="$openssl_dir/include/Mac"
    openssl_libs="$openssl_dir/lib/Mac"
    ssl_lib="$openssl_libs/libssl.a"
    crypto_lib="$openssl_libs/libcrypto.a"
    zlib_lib="$zlib_dir/lib/Mac/Release/libz.a"
    ;;
esac
need_file "$openssl_include/openssl/ssl.h" "OpenSSL $openssl_version headers for $platform"
need_file "$ssl_lib" "OpenSSL $openssl_version libssl (Release) for $platform"
need_file "$crypto_lib" "OpenSSL $openssl_version libcrypto (Release) for $platform"
need_file "$zlib_include/zlib.h" "zlib $zlib_version headers"
need_file "$zlib_lib" "zlib $zlib_version library (Release) for $platform"

tool() {  # command-or-path what
  local found
  found="$(command -v "$1" 2>/dev/null)" || fail "$2 not found: $1"
  echo "$found"
}
cmake_bin="$(tool "${CMAKE:-cmake}" cmake)"
git_bin="$(tool "${GIT:-git}" git)"

# Linux: the engine compiles with its own clang against its own libc++, and so must these
# libraries. The toolchain is where UnrealBuildTool looks (LinuxPlatformSDK.cs):
# LINUX_MULTIARCH_ROOT, else the in-tree SDK named by Engine/Config/Linux/Linux_SDK.json.
if [ "$platform" = Linux ]; then
  toolchain_root="${LINUX_MULTIARCH_ROOT:-}"
  if [ -z "$toolchain_root" ]; then
    sdk_json="$engine/Engine/Config/Linux/Linux_SDK.json"
    need_file "$sdk_json" "LINUX_MULTIARCH_ROOT is not set, and the engine's Linux SDK version file"
    sdk_version="$(sed -n 's/.*"MainVersion"[[:space:]]*:[[:space:]]*"\([^"]*\)".*/\1/p' "$sdk_json" | head -n 1)"
    [ -n "$sdk_version" ] || fail "$sdk_json names no MainVersion"
    toolchain_root="$engine/Engine/Extras/ThirdPartyNotUE/SDKs/HostLinux/Linux_x64/$sdk_version"
    need_dir "$toolchain_root" "LINUX_MULTIARCH_ROOT is not set, and the engine's in-tree Linux toolchain ($sdk_version)"
  fi
  toolchain="$toolchain_root/$linux_arch"
  need_file "$toolchain/bin/clang" "the engine's Linux toolchain clang"
  need_file "$toolchain/bin/clang++" "the engine's Linux toolchain clang++"
  need_file "$toolchain/bin/ld.lld" "the engine's Linux toolchain lld"
  need_file "$toolchain/bin/llvm-ar" "the engine's Linux toolchain llvm-ar"
  libcxx="$third/Unix/LibCxx"
  libcxx_include="$libcxx/include/c++/v1"
  libcxx_libs="$libcxx/lib/Unix/$linux_arch"
  need_dir "$libcxx_include" "the engine's libc++ headers"
  need_file "$libcxx_libs/libc++.a" "the engine's libc++"
  need_file "$libcxx_libs/libc++abi.a" "the engine's libc++abi"
fi

proto_dir="$(cd "$core/../../.." && pwd)/proto"
need_file "$proto_dir/worldstream/v1/worldstream.proto" "the worldstream proto"
prefix="$work/install-$platform"
out_include="$out/include"
out_lib="$out/lib/$platform"

if [ "$resolve_only" -eq 1 ]; then
  echo "engine=$engine"
  echo "engine.version=$major.$minor.${patch:-0}"
  echo "platform=$platform"
  echo "openssl.version=$openssl_version"
  echo "openssl.include=$openssl_include"
  echo "openssl.ssl=$ssl_lib"
  echo "openssl.crypto=$crypto_lib"
  echo "zlib.version=$zlib_version"
  echo "zlib.include=$zlib_include"
  echo "zlib.library=$zlib_lib"
  echo "tool.cmake=$cmake_bin"
  echo "tool.git=$git_bin"
  case "$platform" in
    Win64) echo "cmake.generator=Visual Studio 17 2022" ;;
    Mac) echo "cmake.generator=Unix Makefiles (Xcode's clang)" ;;
    Linux)
      echo "cmake.generator=Unix Makefiles"
      echo "compiler.c=$toolchain/bin/clang"
      echo "compiler.cxx=$toolchain/bin/clang++"
      echo "linker=$toolchain/bin/ld.lld"
      echo "archiver=$toolchain/bin/llvm-ar"
      echo "libcxx.include=$libcxx_include"
      echo "libcxx.lib=$libcxx_libs"
      ;;
  esac
  echo "grpc.tag=$grpc_tag"
  echo "grpc.source=$work/grpc"
  echo "proto=$proto_dir"
  echo "work=$work"
  echo "prefix=$prefix"
  echo "out.include=$out_include"
  echo "out.lib=$out_lib"
  exit 0
fi

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
    ;;
  Mac)
    cmake_args+=(-DCMAKE_OSX_DEPLOYMENT_TARGET=11.0 "-DCMAKE_OSX_ARCHITECTURES=arm64;x86_64")
    ;;
  Linux)
    # UnrealBuildTool's own system include paths for libc++ (LinuxToolChain.cs).
    flags="--sysroot=$toolchain -nostdinc++ -isystem $libcxx/include -isystem $libcxx_include"
    cmake_args+=(
      "-DCMAKE_C_COMPILER=$toolchain/bin/clang"
      "-DCMAKE_CXX_COMPILER=$toolchain/bin/clang++"
      "-DCMAKE_AR=$toolchain/bin/llvm-ar"
      "-DCMAKE_SYSROOT=$toolchain"
      "-DCMAKE_C_FLAGS=--sysroot=$toolchain"
      "-DCMAKE_CXX_FLAGS=$flags"
      "-DCMAKE_EXE_LINKER_FLAGS=-fuse-ld=lld -nodefaultlibs -L$libcxx_libs -lc++ -lc++abi -lm -lc -lgcc_s -lgcc -lpthread"
    )
    ;;
esac

# Git Bash's /c/... paths mean nothing to the native CMake of Windows: hand it C:/... ones.
if [ "$platform" = Win64 ] && command -v cygpath >/dev/null 2>&1; then
  for var in openssl_dir openssl_include ssl_lib crypto_lib zlib_include zlib_lib prefix proto_dir; do
    eval "$var=\"\$(cygpath -m \"\$$var\")\""
  done
fi

# CMake's FindOpenSSL under MSVC ignores OPENSSL_SSL_LIBRARY and OPENSSL_CRYPTO_LIBRARY: it
# searches for SSL_EAY_* and LIB_EAY_* under OPENSSL_ROOT_DIR's lib/, where the engine keeps
# nothing. Presetting those cache entries (Release for both configurations) is what makes it
# take the engine's libraries there; elsewhere the OPENSSL_* entries are used as given.
openssl_args=(
  -DgRPC_SSL_PROVIDER=package -DOPENSSL_USE_STATIC_LIBS=TRUE
  "-DOPENSSL_ROOT_DIR=$openssl_dir" "-DOPENSSL_INCLUDE_DIR=$openssl_include"
  "-DOPENSSL_SSL_LIBRARY=$ssl_lib" "-DOPENSSL_CRYPTO_LIBRARY=$crypto_lib"
)
if [ "$platform" = Win64 ]; then
  openssl_args+=(
    "-DSSL_EAY_RELEASE=$ssl_lib" "-DSSL_EAY_DEBUG=$ssl_lib"
    "-DLIB_EAY_RELEASE=$crypto_lib" "-DLIB_EAY_DEBUG=$crypto_lib"
  )
fi

mkdir -p "$work"
if [ ! -d "$work/grpc" ]; then
  "$git_bin" clone --depth 1 --branch "$grpc_tag" --recurse-submodules --shallow-submodules \
    https://github.com/grpc/grpc "$work/grpc"
fi

# gRPC with everything bundled except TLS and zlib, which come from the engine.
"$cmake_bin" -S "$work/grpc" -B "$work/build-grpc-$platform" "${cmake_args[@]}" \
  -DCMAKE_INSTALL_PREFIX="$prefix" \
  -DgRPC_INSTALL=ON -DgRPC_BUILD_TESTS=OFF -DgRPC_BUILD_CSHARP_EXT=OFF \
  -DgRPC_BUILD_GRPC_CSHARP_PLUGIN=OFF -DgRPC_BUILD_GRPC_NODE_PLUGIN=OFF \
  -DgRPC_BUILD_GRPC_OBJECTIVE_C_PLUGIN=OFF -DgRPC_BUILD_GRPC_PHP_PLUGIN=OFF \
  -DgRPC_BUILD_GRPC_PYTHON_PLUGIN=OFF -DgRPC_BUILD_GRPC_RUBY_PLUGIN=OFF \
  "${openssl_args[@]}" \
  -DgRPC_ZLIB_PROVIDER=package "-DZLIB_INCLUDE_DIR=$zlib_include" "-DZLIB_LIBRARY=$zlib_lib" \
  -DgRPC_PROTOBUF_PROVIDER=module -DgRPC_ABSL_PROVIDER=module -DgRPC_CARES_PROVIDER=module \
  -DgRPC_RE2_PROVIDER=module -DABSL_PROPAGATE_CXX_STD=ON
"$cmake_bin" --build "$work/build-grpc-$platform" --config Release --parallel "$jobs"
"$cmake_bin" --install "$work/build-grpc-$platform" --config Release

# WorldStreamCore against it: the same toolchain, no tests.
"$cmake_bin" -S "$core" -B "$work/build-core-$platform" "${cmake_args[@]}" \
  -DCMAKE_INSTALL_PREFIX="$prefix" -DCMAKE_PREFIX_PATH="$prefix" \
  -DWORLDSTREAM_BUILD_TESTS=OFF -DWORLDSTREAM_SANITIZER_TESTS=OFF \
  -DWORLDSTREAM_PROTO_DIR="$proto_dir"
"$cmake_bin" --build "$work/build-core-$platform" --config Release --parallel "$jobs"
"$cmake_bin" --install "$work/build-core-$platform" --config Release

# What the module links: every static library of the prefix except the engine's own (OpenSSL
# and zlib stay the engine's) and the code generators' support library.
rm -rf "$out_lib" "$out_include/worldstream"
mkdir -p "$out_lib" "$out_include"
cp -R "$prefix/include/worldstream" "$out_include/"
case "$platform" in Win64) pattern='*.lib' ;; *) pattern='*.a' ;; esac
find "$prefix/lib" -maxdepth 1 -name "$pattern" ! -name '*protoc*' ! -name '*grpc_plugin_support*' \
  -exec cp {} "$out_lib/" \;
echo "WorldStreamGrpc for $platform: $(find "$out_lib" -maxdepth 1 -type f | wc -l | tr -d ' ') libraries in $out_lib"

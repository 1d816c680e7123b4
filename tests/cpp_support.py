"""What the C++ parts (the Unreal core, the native bench clients) need to build here."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path


def missing_cpp_tools() -> str | None:
    """Why C++ against gRPC cannot be built here, or None."""
    for tool in ("cmake", "protoc", "grpc_cpp_plugin"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed (scripts/setup installs it on Debian)"
    if not any(shutil.which(c) for c in ("c++", "g++", "clang++")):
        return "no C++ compiler (scripts/setup installs g++ on Debian)"
    headers = [Path(p) / "grpcpp" / "grpcpp.h" for p in ("/usr/include", "/usr/local/include")]
    has_pkg = (
        shutil.which("pkg-config")
        and subprocess.run(["pkg-config", "--exists", "grpc++"], check=False).returncode == 0
    )
    if not has_pkg and not any(h.exists() for h in headers):
        return "gRPC++ development files are missing (Debian: libgrpc++-dev)"
    return None

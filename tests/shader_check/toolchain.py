"""Where glslangValidator and spirv-val are, and what they are."""

from __future__ import annotations

import shutil
import subprocess
from functools import cache


def missing_shader_tools() -> str | None:
    """Why shaders cannot be checked here, or None."""
    for tool, package in (("glslangValidator", "glslang-tools"), ("spirv-val", "spirv-tools")):
        if shutil.which(tool) is None:
            return f"{tool} is not installed (Debian: apt-get install {package})"
    return None


@cache
def tool_versions() -> str:
    """One line naming both tools' versions, for messages."""
    glslang = subprocess.run(
        ["glslangValidator", "--version"], capture_output=True, text=True, check=False
    ).stdout.splitlines()
    spirv = subprocess.run(
        ["spirv-val", "--version"], capture_output=True, text=True, check=False
    ).stdout.splitlines()
    return f"{glslang[0] if glslang else 'glslang ?'}; {spirv[0] if spirv else 'spirv-val ?'}"

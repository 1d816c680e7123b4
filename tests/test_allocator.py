"""A serving process gives large freed buffers back to the system (api/allocator.py)."""

from __future__ import annotations

import ctypes.util
import subprocess
import sys

import pytest

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux") or ctypes.util.find_library("c") is None,
    reason="glibc's allocator only",
)

# After one 16 MiB array is freed, glibc serves the next arrays below 16 MiB from its heap; 100
# arrays of 4 MiB with small blocks between them are then kept after they are freed.
SCRIPT = """
import sys, numpy as np
from worldstream.api.allocator import return_large_blocks
def rss():
    return int(open('/proc/self/statm').read().split()[1]) * 4096
if sys.argv[1] == "fixed" and not return_large_blocks():
    sys.exit(3)
big = np.ones(16 << 20, np.uint8)
del big
base = rss()
blocks, pins = [], []
for _ in range(100):
    blocks.append(np.ones(4 << 20, np.uint8))
    pins.append(np.ones(64, np.uint8).tobytes() * 10)
del blocks
print((rss() - base) >> 20)
"""


def _kept_mib(mode: str) -> int:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, mode], capture_output=True, text=True, timeout=60
    )
    if done.returncode == 3:
        pytest.skip("the C library is not glibc")
    assert done.returncode == 0, done.stderr
    return int(done.stdout)


def test_freed_arrays_go_back_to_the_system_once_the_threshold_is_fixed():
    assert _kept_mib("dynamic") > 200  # the control: glibc's own behaviour keeps them
    assert _kept_mib("fixed") < 20

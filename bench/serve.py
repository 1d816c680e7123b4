"""`worldstream serve` of this checkout as its own process, for the benches that need one."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
from pathlib import Path


def start_serve(
    data_dir: Path, auth: bool, env: dict[str, str] | None = None
) -> tuple[subprocess.Popen, str]:
    """The server on a free loopback port, and its address once it says it serves. `env` is
    added to this process's environment (e.g. WORLDSTREAM_TOKENS)."""
    full = {**os.environ, **(env or {}), "PYTHONUNBUFFERED": "1"}
    server_dir = Path(__file__).resolve().parents[1] / "server"
    full["PYTHONPATH"] = f"{server_dir}{os.pathsep}{full.get('PYTHONPATH', '')}"
    command = [sys.executable, "-m", "worldstream", "serve", "--port", "0"]
    command += ["--auth", "on" if auth else "off", "--data-dir", str(data_dir)]
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=full
    )
    assert process.stderr is not None
    for line in process.stderr:
        match = re.search(r"serving on \S+:(\d+)", line)
        if match:
            # Keep reading its log so the pipe never fills and stalls the server.
            threading.Thread(target=process.stderr.read, daemon=True).start()
            return process, f"127.0.0.1:{match.group(1)}"
    raise SystemExit("the server did not start")

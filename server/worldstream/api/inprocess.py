"""A server on a background thread of this process: the CLI's --data-dir mode and the tests.

Clients still talk to it over a real gRPC channel on loopback, so in-process and remote use run
exactly the same code paths. All in-process servers share one event loop thread: gRPC's asyncio
poller is process-wide and does not outlive the loop it was bound to.
"""

from __future__ import annotations

import asyncio
import threading
from dataclasses import replace

from worldstream.api.config import ServerConfig
from worldstream.api.server import RunningServer, start_server

_loop: asyncio.AbstractEventLoop | None = None
_loop_lock = threading.Lock()


def _shared_loop() -> asyncio.AbstractEventLoop:
    global _loop
    with _loop_lock:
        if _loop is None:
            _loop = asyncio.new_event_loop()
            threading.Thread(target=_loop.run_forever, name="ws-server", daemon=True).start()
        return _loop


class ServerThread:
    def __init__(self, config: ServerConfig) -> None:
        self.config = replace(config, host="127.0.0.1")
        self.port = 0
        self._running: RunningServer | None = None

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self) -> ServerThread:
        future = asyncio.run_coroutine_threadsafe(start_server(self.config), _shared_loop())
        self._running = future.result(timeout=60)
        self.port = self._running.port
        return self

    def stop(self, grace: float | None = 1.0) -> None:
        if self._running is not None:
            running, self._running = self._running, None
            asyncio.run_coroutine_threadsafe(running.stop(grace), _shared_loop()).result(60)

    def __enter__(self) -> ServerThread:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

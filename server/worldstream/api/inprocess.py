"""A server on a background thread of this process: the CLI's --data-dir mode and the tests.

Clients still talk to it over a real gRPC channel on loopback, so in-process and remote use run
exactly the same code paths.
"""

from __future__ import annotations

import asyncio
import threading
from dataclasses import replace

from worldstream.api.config import ServerConfig
from worldstream.api.server import RunningServer, start_server


class ServerThread:
    def __init__(self, config: ServerConfig) -> None:
        self.config = replace(config, host="127.0.0.1", port=config.port)
        self.port = 0
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, name="ws-server", daemon=True
        )
        self._running: RunningServer | None = None

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self) -> ServerThread:
        self._thread.start()
        future = asyncio.run_coroutine_threadsafe(start_server(self.config), self._loop)
        self._running = future.result(timeout=60)
        self.port = self._running.port
        return self

    def stop(self, grace: float | None = 1.0) -> None:
        if self._running is not None:
            asyncio.run_coroutine_threadsafe(self._running.stop(grace), self._loop).result(60)
            self._running = None
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop.close()

    def __enter__(self) -> ServerThread:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

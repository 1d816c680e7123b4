"""A client that vanishes without closing its connection (a laptop gone to sleep, a dropped
network) is found by the server's keepalive pings, and its stream frees its session."""

from __future__ import annotations

import select
import socket
import threading
import time

import pytest

from conftest import fresh_server
from worldstream.client import Client, ClientError


class FreezableRelay:
    """A TCP relay to `target` that can stop moving bytes while keeping both connections open:
    to the server, a peer that has gone silent, not one that has closed."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.address = f"127.0.0.1:{self.listener.getsockname()[1]}"
        self.frozen = threading.Event()
        self.closed = threading.Event()
        self.sockets: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self.closed.is_set():
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            self.sockets += [client, upstream]
            threading.Thread(target=self._pump, args=(client, upstream), daemon=True).start()

    def _pump(self, a: socket.socket, b: socket.socket) -> None:
        peers = {a: b, b: a}
        while not self.closed.is_set():
            if self.frozen.is_set():
                time.sleep(0.05)  # read nothing, send nothing, close nothing
                continue
            ready, _, _ = select.select([a, b], [], [], 0.05)
            for source in ready:
                try:
                    data = source.recv(65536)
                    if not data:
                        return
                    peers[source].sendall(data)
                except OSError:
                    return

    def close(self) -> None:
        self.closed.set()
        self.listener.close()
        for s in self.sockets:
            s.close()


def test_a_client_gone_silent_loses_its_stream_and_frees_its_session(tmp_path, photo):
    config = dict(
        keepalive_s=0.5,
        keepalive_timeout_s=0.5,
        max_sessions_per_tenant=1,
        generate_on_demand=False,
    )
    with fresh_server(tmp_path, **config) as server, Client(server.address) as direct:
        world = direct.create_world(photo)
        host, port = server.address.rsplit(":", 1)
        relay = FreezableRelay((host, int(port)))
        try:
            with Client(relay.address) as distant:
                stream = distant.explore(world.name)
                assert stream.next(timeout=20).WhichOneof("response") == "header"
                # The tenant's one session is taken.
                with pytest.raises(ClientError) as refused:
                    direct.explore(world.name).next(timeout=20)
                assert refused.value.reason == "SESSION_LIMIT_REACHED"
                relay.frozen.set()
                frozen_at = time.monotonic()
                while True:
                    try:
                        with direct.explore(world.name) as again:
                            assert again.next(timeout=20).WhichOneof("response") == "header"
                        break
                    except ClientError as error:
                        assert error.reason == "SESSION_LIMIT_REACHED"
                        waited = time.monotonic() - frozen_at
                        assert waited < 10, "the silent client's session was never freed"
                        time.sleep(0.1)
                # Two pings' time, give or take the stream's own teardown.
                assert time.monotonic() - frozen_at >= 0.5
                stream.cancel()
        finally:
            relay.close()

"""Building, running and stopping the gRPC server."""

from __future__ import annotations

import asyncio
import logging
import signal

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection

from worldstream.api.config import ServerConfig
from worldstream.api.servicer import WorldStreamServicer
from worldstream.store.store import Store
from worldstream.v1 import worldstream_pb2 as pb
from worldstream.v1 import worldstream_pb2_grpc as pb_grpc
from worldstream.world.worlds import Worlds, WorldSettings

SERVICE_NAME = pb.DESCRIPTOR.services_by_name["WorldStream"].full_name
log = logging.getLogger("worldstream.server")


class RunningServer:
    """A started server and what it owns; `stop` releases all of it."""

    def __init__(self, server: grpc.aio.Server, port: int, servicer, store: Store, health_servicer):
        self.server = server
        self.port = port
        self.servicer = servicer
        self.store = store
        self.health = health_servicer

    async def stop(self, grace: float | None) -> None:
        await self.health.enter_graceful_shutdown()
        await self.server.stop(grace)
        self.servicer.shutdown()
        self.store.close()


async def create_server(config: ServerConfig) -> tuple[grpc.aio.Server, int]:
    """Build and start a server; returns it and the bound port (tests pass port 0)."""
    running = await start_server(config)
    return running.server, running.port


def check_depth_model(config: ServerConfig) -> None:
    """Load the configured depth model once, so a missing or broken file stops the start.

    Raises the loader's InvalidArgument (DEPTH_MODEL_NOT_FOUND, DEPTH_MODEL_INVALID, ...) or
    FailedPrecondition (DEPTH_RUNTIME_MISSING); each message names the file. Without this the
    first CreateWorld would be the one to find out, long after the operator walked away.
    """
    if not config.depth_model:
        return
    from worldstream.generate.depth.onnx import OnnxDepth

    model = OnnxDepth(config.depth_model, kind=config.depth_kind)  # type: ignore[arg-type]
    log.info(
        "depth model %s: %s output (from %s), on %s",
        model.path,
        model.kind,
        model.kind_source,
        ", ".join(model.providers),
    )


async def start_server(config: ServerConfig) -> RunningServer:
    # Before anything is opened, so a failure leaves nothing to close; off the event loop, which
    # in-process servers share.
    await asyncio.to_thread(check_depth_model, config)
    store = Store(config.data_dir)
    settings = WorldSettings(
        photo_limits=config.photo_limits, generator_options=config.generator_options
    )
    worlds = Worlds(store, settings)
    server = grpc.aio.server(
        options=[
            ("grpc.max_receive_message_length", config.max_receive_message_bytes),
            ("grpc.max_send_message_length", config.max_send_message_bytes),
            ("grpc.so_reuseport", 0),
        ]
    )
    servicer = WorldStreamServicer(worlds, config)
    pb_grpc.add_WorldStreamServicer_to_server(servicer, server)
    health_servicer = health.aio.HealthServicer()
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
    reflection.enable_server_reflection(
        (SERVICE_NAME, health.SERVICE_NAME, reflection.SERVICE_NAME), server
    )
    port = server.add_insecure_port(f"{config.host}:{config.port}")
    if port == 0:
        raise OSError(f"could not bind {config.host}:{config.port}")
    await server.start()
    for service in ("", SERVICE_NAME):
        await health_servicer.set(service, health_pb2.HealthCheckResponse.SERVING)
    log.info("serving %s on %s:%d (data in %s)", SERVICE_NAME, config.host, port, config.data_dir)
    return RunningServer(server, port, servicer, store, health_servicer)


async def serve(config: ServerConfig, on_ready=None) -> None:
    """Run until SIGINT or SIGTERM, then stop gracefully: health NOT_SERVING, calls drained."""
    running = await start_server(config)
    if on_ready is not None:
        on_ready(running.port)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    log.info("shutting down (grace %.1f s)", config.grace_seconds)
    await running.stop(config.grace_seconds)

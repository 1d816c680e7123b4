"""Building, running and stopping the gRPC server."""

from __future__ import annotations

import asyncio
import gc
import logging
import signal

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection

from worldstream.api.allocator import return_large_blocks
from worldstream.api.auth import AuthInterceptor
from worldstream.api.config import ServerConfig, is_loopback
from worldstream.api.request_gate import RequestGate
from worldstream.api.servicer import WorldStreamServicer
from worldstream.errors import InvalidArgument
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
        self.request_gate: RequestGate | None = None  # the reads of request bodies in flight

    async def stop(self, grace: float | None) -> None:
        await self.health.enter_graceful_shutdown()
        await self.server.stop(grace)
        self.servicer.shutdown()
        self.store.close()


async def create_server(config: ServerConfig) -> tuple[grpc.aio.Server, int]:
    """Build and start a server; returns it and the bound port (tests pass port 0)."""
    running = await start_server(config)
    return running.server, running.port


def keepalive_options(config: ServerConfig) -> list[tuple[str, int]]:
    """gRPC channel arguments for the server's keepalive (ServerConfig.keepalive_s)."""
    return [
        ("grpc.keepalive_time_ms", round(config.keepalive_s * 1000)),
        ("grpc.keepalive_timeout_ms", round(config.keepalive_timeout_s * 1000)),
        # Recent gRPC also times every ping out on its own (a minute by default).
        ("grpc.http2.ping_timeout_ms", round(config.keepalive_timeout_s * 1000)),
        # gRPC stops pinging after two pings with no data between them by default: an idle
        # stream (a camera standing still) would then never be checked again.
        ("grpc.http2.max_pings_without_data", 0),
        # Clients' own keepalive pings, at most this often, also while they have no call open;
        # more often is "too many pings" and closes their connection.
        ("grpc.keepalive_permit_without_calls", 1),
        (
            "grpc.http2.min_recv_ping_interval_without_data_ms",
            round(config.min_client_ping_interval_s * 1000),
        ),
    ]


def check_depth_model(config: ServerConfig) -> None:
    """Load the configured depth model once, so a missing or broken file stops the start.

    Raises the loader's InvalidArgument (DEPTH_MODEL_NOT_FOUND, DEPTH_MODEL_INVALID, ...) or
    FailedPrecondition (DEPTH_RUNTIME_MISSING); each message names the file. Without this the
    first CreateWorld would be the one to find out, long after the operator walked away.
    """
    if not config.depth_model:
        return
    from worldstream.generate.depth.onnx import shared_model

    # Loaded into the shared cache: the first world's generator finds it there.
    model = shared_model(config.depth_model, kind=config.depth_kind)  # type: ignore[arg-type]
    log.info(
        "depth model %s: %s output (from %s), on %s",
        model.path,
        model.kind,
        model.kind_source,
        ", ".join(model.providers),
    )


def check_security(config: ServerConfig) -> grpc.ServerCredentials | None:
    """Refuse a start that would leave the server open or broken: authentication on with no
    token (AUTH_NO_TOKENS), unreadable TLS files (TLS_CONFIG_INVALID). Returns the TLS
    credentials, or None for plaintext."""
    if config.auth_enabled and not config.tokens:
        raise InvalidArgument(
            "AUTH_NO_TOKENS",
            f"authentication is on (listening on {config.host}) but no token is configured: "
            "give --tokens FILE or WORLDSTREAM_TOKENS (docs/security.md), or --auth off to "
            "run without authentication",
        )
    if config.tls_cert is None or config.tls_key is None:
        return None
    try:
        cert = config.tls_cert.read_bytes()
        key = config.tls_key.read_bytes()
    except OSError as exc:
        raise InvalidArgument(
            "TLS_CONFIG_INVALID", f"cannot read the TLS certificate or key: {exc}"
        ) from exc
    if b"-----BEGIN" not in cert or b"CERTIFICATE-----" not in cert:
        raise InvalidArgument("TLS_CONFIG_INVALID", f"{config.tls_cert} is not a PEM certificate")
    if b"-----BEGIN" not in key or b"PRIVATE KEY-----" not in key:
        raise InvalidArgument("TLS_CONFIG_INVALID", f"{config.tls_key} is not a PEM private key")
    return grpc.ssl_server_credentials([(key, cert)])


def _log_security(config: ServerConfig) -> None:
    tls = "TLS" if config.tls_enabled else "plaintext"
    if config.auth_enabled:
        # Tenants only: tokens are never logged.
        log.info(
            "authentication on: %d tokens for tenants %s; %s",
            len(config.tokens),
            ", ".join(sorted(config.tokens.tenants)),
            tls,
        )
        if not config.tls_enabled and not is_loopback(config.host):
            log.warning(
                "tokens travel in plaintext: give --tls-cert and --tls-key, or put a TLS "
                "proxy in front of this server"
            )
    else:
        log.info("authentication off: every call acts for the local tenant; %s", tls)
        if not is_loopback(config.host):
            log.warning(
                "authentication is off on %s: anyone who reaches it has every world", config.host
            )


async def start_server(config: ServerConfig) -> RunningServer:
    # Before anything is opened, so a failure leaves nothing to close; off the event loop, which
    # in-process servers share.
    credentials = check_security(config)
    await asyncio.to_thread(check_depth_model, config)
    store = Store(config.data_dir)
    try:
        return await _start(config, store, credentials)
    except BaseException:
        store.close()
        raise


async def _start(
    config: ServerConfig, store: Store, credentials: grpc.ServerCredentials | None
) -> RunningServer:
    settings = WorldSettings(
        photo_limits=config.photo_limits,
        generator_options=config.generator_options,
        max_worlds_per_tenant=config.max_worlds_per_tenant,
        creation_memory_bytes=config.creation_memory_bytes,
    )
    worlds = Worlds(store, settings)
    gate = RequestGate(config.max_request_reads_per_tenant, config.max_uploads_per_tenant)
    server = grpc.aio.server(
        interceptors=[AuthInterceptor(config.tokens if config.auth_enabled else None, gate)],
        options=[
            ("grpc.max_receive_message_length", config.max_receive_message_bytes),
            ("grpc.http2.bdp_probe", int(config.http2_bdp_probe)),
            ("grpc.max_send_message_length", config.max_send_message_bytes),
            ("grpc.so_reuseport", 0),
            *keepalive_options(config),
        ],
    )
    servicer = WorldStreamServicer(worlds, config)
    pb_grpc.add_WorldStreamServicer_to_server(servicer, server)
    health_servicer = health.aio.HealthServicer()
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
    reflection.enable_server_reflection(
        (SERVICE_NAME, health.SERVICE_NAME, reflection.SERVICE_NAME), server
    )
    address = f"{config.host}:{config.port}"
    try:
        if credentials is None:
            port = server.add_insecure_port(address)
        else:
            port = server.add_secure_port(address, credentials)
    except RuntimeError as exc:  # grpc refuses a certificate or key it cannot use
        servicer.shutdown()
        raise InvalidArgument(
            "TLS_CONFIG_INVALID",
            f"could not listen with TLS (is the key the certificate's?): {exc}",
        ) from exc
    if port == 0:
        servicer.shutdown()
        raise OSError(f"could not bind {address}")
    await server.start()
    store.lock.note(f"{config.host}:{port}")  # a refused second owner names it
    for service in ("", SERVICE_NAME):
        await health_servicer.set(service, health_pb2.HealthCheckResponse.SERVING)
    log.info("serving %s on %s:%d (data in %s)", SERVICE_NAME, config.host, port, config.data_dir)
    _log_security(config)
    running = RunningServer(server, port, servicer, store, health_servicer)
    running.request_gate = gate
    return running


def freeze_startup_objects() -> None:
    """Leave what the server has built by now out of every later garbage collection.

    The modules, the servicer and the libraries' functions and classes live as long as the
    process and are most of what the collector tracks (~260 k objects): each full collection
    walked them all, stopping every stream for ~100 ms (the 99th-percentile latency under load,
    bench/RESULTS.md). Collected first, so that no garbage is frozen with them.
    """
    gc.collect()
    gc.freeze()


async def serve(config: ServerConfig, on_ready=None) -> None:
    """Run until SIGINT or SIGTERM, then stop gracefully: health NOT_SERVING, calls drained."""
    return_large_blocks()  # a serving process owns its allocator (api/allocator.py)
    running = await start_server(config)
    freeze_startup_objects()
    if on_ready is not None:
        on_ready(running.port)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    log.info("shutting down (grace %.1f s)", config.grace_seconds)
    await running.stop(config.grace_seconds)

"""Server configuration: one dataclass, every field defaulted and explained."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from pathlib import Path

from worldstream.api.tokens import TokenTable
from worldstream.generate.base import GeneratorOptions
from worldstream.generate.photo import PhotoLimits
from worldstream.session.view_plan import DEFAULT_MAX_SSE_PX
from worldstream.store.store import default_data_dir

MiB = 1024 * 1024
DEPTH_KIND_CHOICES = ("auto", "metric", "relative", "inverse")


def is_loopback(host: str) -> bool:
    """True for an address only this machine can reach (localhost, 127.0.0.0/8, ::1)."""
    name = host.strip("[]")
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class ServerConfig:
    host: str = "127.0.0.1"
    """Address to listen on; 0.0.0.0 or [::] for every interface."""
    port: int = 50051
    """TCP port; 0 picks a free one (tests)."""
    data_dir: Path = field(default_factory=default_data_dir)
    """Catalog and world files."""
    photo_limits: PhotoLimits = field(default_factory=PhotoLimits)
    """Upload bytes, decoded pixels, minimum side, decode memory (estimated from the header) of
    a photo, and the largest working side a creation may ask for (generate/photo.py)."""
    max_receive_message_bytes: int = 32 * MiB
    """Largest request message; above the photo limit so oversize photos get a precise reason."""
    max_send_message_bytes: int = 4 * MiB
    """Largest response message: gRPC's default receive limit, so clients need no settings."""
    tile_chunk_bytes: int = 1 * MiB
    """Largest TileChunk.data on the Explore stream."""
    export_chunk_bytes: int = 1 * MiB
    """Largest ExportChunk.data."""
    default_splat_budget: int = 2_000_000
    """Splat budget of a session whose client sends 0."""
    max_splat_budget: int = 50_000_000
    default_credit_bytes: int = 8 * MiB
    """In-flight payload bytes of a session whose client sends 0."""
    max_credit_bytes: int = 256 * MiB
    max_held_tiles: int = 100_000
    """Largest resume manifest a client may send."""
    max_sse_px: float = DEFAULT_MAX_SSE_PX
    """Screen-space error, in pixels, above which a tile is refined to a finer level (2, chosen
    by measuring what the client's picture loses: session/view_plan.py)."""
    payload_cache_bytes: int = 256 * MiB
    """Encoded tile payloads kept in memory for every session to share."""
    generate_on_demand: bool = True
    """Generate views ahead of a streaming camera where the world does not cover them yet."""
    generation_workers: int = 1
    """Generation jobs that run at once; more queue (they are CPU-bound)."""
    max_page_size: int = 100
    creation_workers: int = 2
    """World creations that run at once; more queue."""
    creation_memory_bytes: int = 1280 * MiB
    """Memory all creations running at once may hold, decode included (world/budget.py): a
    creation reserves its estimate before it starts and waits while others hold the rest."""
    io_workers: int = 4
    """Threads for catalog reads, loading and encoding for streams, and reading export files."""
    export_workers: int = 2
    """Threads that load worlds for export and write export files, apart from `io_workers` so
    a catalog read never waits behind an export."""
    max_exports_per_tenant: int = 4
    """ExportWorld calls a tenant may have running at once (each holds an open file and a
    chunk); EXPORT_LIMIT_REACHED above it."""
    grace_seconds: float = 5.0
    """How long shutdown waits for calls in flight."""
    keepalive_s: float = 60.0
    """How often the server pings a connection whose peer has sent nothing meanwhile. A client
    that vanished without closing its connection (a laptop gone to sleep, a network gone) does
    not answer, and its streams end after `keepalive_timeout_s` more, freeing their sessions;
    without the ping they would stay open until the operating system gives up (hours)."""
    keepalive_timeout_s: float = 20.0
    """How long a ping may go unanswered before the connection is closed."""
    min_client_ping_interval_s: float = 10.0
    """Clients may ping this often (to find a server that vanished) without being refused; the
    Python, Unreal and Unity clients ping every 30 s."""
    depth_model: str = ""
    """ONNX monocular depth model for the classic generator; "" = its weight-free layout prior.
    Loaded once when the server starts, so a bad file stops the start (docs/depth-models.md)."""
    depth_kind: str = "auto"
    """What the depth model outputs: auto (its metadata, then its file name), metric, relative
    or inverse."""
    # -- security (docs/security.md) --------------------------------------------------------
    auth: bool | None = None
    """Require a bearer token on every call but health checks. None (the default): on unless
    `host` is a loopback address, so a server reachable from the network is never open."""
    tokens: TokenTable = field(default_factory=TokenTable)
    """Bearer tokens and their tenants (only their SHA-256 is held; the repr shows neither)."""
    tls_cert: Path | None = None
    """PEM certificate chain; with `tls_key`, the server speaks TLS only."""
    tls_key: Path | None = None
    """PEM private key of `tls_cert`."""
    max_worlds_per_tenant: int = 1000
    """Worlds a tenant may own (any state); WORLD_LIMIT_REACHED above it."""
    max_sessions_per_tenant: int = 64
    """Explore streams a tenant may have open at once; SESSION_LIMIT_REACHED above it."""
    max_creations_per_tenant: int = 8
    """CreateWorld jobs a tenant may have running or queued at once (each holds its photo, up
    to 20 MiB, until it runs; a job counts until it ends, even if its caller left);
    CREATION_LIMIT_REACHED above it."""
    max_generation_jobs: int = 64
    """Generation jobs queued or running server-wide; beyond it no new region is generated
    (GENERATION_QUEUE_FULL) until jobs end."""
    max_generation_jobs_per_tenant: int = 16
    """A tenant's share of `max_generation_jobs` (a quarter), so that one tenant's clients cannot
    fill the queue for everyone (GENERATION_QUEUE_FULL with the tenant named). A queued job that
    no session wants any more is cancelled and frees its place."""
    max_world_splats: int = 2_000_000
    """Splats generation on demand grows a world to; a world at it streams as it is
    (WORLD_GROWTH_LIMIT warning). Without it one client grew a world to 5.4 million splats
    (a 2.4 GB server) in 150 s."""
    max_tenant_splats: int = 8_000_000
    """Splats all of a tenant's worlds together may hold before generation grows none of them
    (WORLD_GROWTH_LIMIT warning naming the tenant)."""
    explore_start_timeout_s: float = 10.0
    """How long an Explore stream may stay open without its `start`; it then ends with
    START_TIMEOUT and its session slot is free again (a stream that never starts would hold one
    of the tenant's `max_sessions_per_tenant` slots for as long as its connection lives)."""
    max_view_updates_per_s: float = 120.0
    """Camera updates per second a session may send, as a token bucket holding one second's
    worth (api/ratelimit.py); views beyond it are coalesced (only the latest applies, once the
    rate allows) and warned about once per second (VIEW_RATE_LIMITED). Enforced by the Explore
    stream (api/explore.py)."""
    max_request_reads_per_tenant: int = 4
    """Request messages of one tenant the server reads at once (api/request_gate.py); more
    wait, unread. gRPC reads a whole message (up to `max_receive_message_bytes`) into memory
    before a handler runs, so this bounds what a tenant's calls hold while they are read."""
    max_uploads_per_tenant: int = 2
    """CreateWorld requests of one tenant being received at once (slots of their own, so a slow
    upload holds up none of the tenant's other calls); UPLOAD_LIMIT_REACHED above it."""
    http2_bdp_probe: bool = False
    """gRPC's bandwidth-delay probing, which grows the flow-control window every stream of a
    connection is given. Off: a call not yet read (one waiting for a read slot) holds at most
    the initial window of its request (64 KiB by default) instead of a window grown to
    megabytes; a request being read is still given a window for its whole message. Measured
    in bench/bench_attack_uploads.py (docs/limits.md)."""

    def __post_init__(self) -> None:
        if (self.tls_cert is None) != (self.tls_key is None):
            raise ValueError("tls_cert and tls_key must be given together")
        for name in (
            "max_worlds_per_tenant",
            "max_sessions_per_tenant",
            "max_creations_per_tenant",
            "max_generation_jobs",
            "max_generation_jobs_per_tenant",
            "max_world_splats",
            "max_tenant_splats",
            "max_view_updates_per_s",
            "max_request_reads_per_tenant",
            "max_exports_per_tenant",
            "export_workers",
            "max_uploads_per_tenant",
            "explore_start_timeout_s",
            "keepalive_s",
            "keepalive_timeout_s",
            "min_client_ping_interval_s",
        ):
            if getattr(self, name) <= 0:
                raise ValueError(f"{name} must be positive, got {getattr(self, name)}")
        if self.photo_limits.max_bytes >= self.max_receive_message_bytes:
            raise ValueError("max_receive_message_bytes must exceed the photo byte limit")
        if self.depth_kind not in DEPTH_KIND_CHOICES:
            raise ValueError(
                f"depth_kind must be one of {', '.join(DEPTH_KIND_CHOICES)}; "
                f"got {self.depth_kind!r}"
            )

    @property
    def auth_enabled(self) -> bool:
        return (not is_loopback(self.host)) if self.auth is None else self.auth

    @property
    def tls_enabled(self) -> bool:
        return self.tls_cert is not None and self.tls_key is not None

    @property
    def generator_options(self) -> GeneratorOptions:
        return GeneratorOptions(depth_model=self.depth_model, depth_kind=self.depth_kind)

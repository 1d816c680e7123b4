"""Authentication: each call's bearer token resolves to a tenant, and the call acts for it.

A grpc.aio server interceptor, so every service of the server (WorldStream, reflection) is
covered by one check; only health checking stays open, for load balancers and probes. With
authentication off every call acts for the local tenant. The interceptor also turns a request
that is not a valid protobuf message into INVALID_ARGUMENT (MALFORMED_REQUEST) instead of
gRPC's bare UNKNOWN.
"""

from __future__ import annotations

import inspect
import logging
import traceback
from collections.abc import Sequence
from contextvars import ContextVar
from dataclasses import dataclass

import grpc

from worldstream.api.errors import Unauthenticated, abort
from worldstream.api.request_gate import RequestGate
from worldstream.api.tokens import TokenTable
from worldstream.errors import InvalidArgument, WorldStreamError
from worldstream.store.tenants import LOCAL_TENANT, set_tenant

OPEN_PREFIXES = ("/grpc.health.v1.Health/",)
# Methods whose request carries an upload (a photo): read in slots of their own.
UPLOAD_METHODS = ("/worldstream.v1.WorldStream/CreateWorld",)
log = logging.getLogger("worldstream.auth")


@dataclass
class CallState:
    """What the interceptor learned about one call, for the servicer to read."""

    tenant: str
    malformed: bool = False  # a request message of the call failed to parse


_call: ContextVar[CallState | None] = ContextVar("worldstream_call", default=None)
_MALFORMED = object()


def call_state() -> CallState:
    """The current call's state; a call the interceptor did not see acts for the local tenant."""
    return _call.get() or CallState(LOCAL_TENANT)


def malformed_request() -> InvalidArgument:
    return InvalidArgument("MALFORMED_REQUEST", "a request message is not a valid protobuf message")


def bearer_token(metadata: Sequence[tuple[str, str | bytes]] | None) -> str | None:
    """The token of an `authorization: Bearer <token>` header; None when there is none;
    raises TOKEN_INVALID when the header is there but not of that form."""
    values = [v for k, v in (metadata or ()) if k == "authorization"]
    if not values:
        return None
    value = values[0]
    if isinstance(value, bytes):
        value = value.decode("latin-1")
    scheme, _, token = value.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise Unauthenticated("TOKEN_INVALID", "authorization must be `Bearer <token>`")
    return token


def authenticate(tokens: TokenTable, metadata) -> str:
    """The tenant the call's token stands for; UNAUTHENTICATED otherwise."""
    token = bearer_token(metadata)
    if token is None:
        raise Unauthenticated(
            "TOKEN_MISSING",
            "this server requires a bearer token: send `authorization: Bearer <token>`",
        )
    tenant = tokens.resolve(token)
    if tenant is None:
        raise Unauthenticated("TOKEN_INVALID", "the bearer token is not valid on this server")
    return tenant


class AuthInterceptor(grpc.aio.ServerInterceptor):
    def __init__(self, tokens: TokenTable | None, gate: RequestGate | None = None) -> None:
        """`tokens` None: authentication off, every call acts for the local tenant. `gate`:
        how many request bodies a tenant may have read at once (default: 4 calls, 2 uploads)."""
        self.tokens = tokens
        self.gate = gate or RequestGate(reads_per_tenant=4, uploads_per_tenant=2)

    async def intercept_service(self, continuation, details: grpc.HandlerCallDetails):
        handler = await continuation(details)
        if handler is None or details.method.startswith(OPEN_PREFIXES):
            return handler
        upload = details.method in UPLOAD_METHODS
        if self.tokens is None:
            return _acting(handler, CallState(LOCAL_TENANT), self.gate, upload)
        try:
            tenant = authenticate(self.tokens, details.invocation_metadata)
        except Unauthenticated as exc:
            # Never the token: only which call and why.
            log.info("refused %s: %s", details.method, exc.reason)
            return _denied(handler, exc)
        return _acting(handler, CallState(tenant), self.gate, upload)


# Every handler this interceptor returns takes its requests as a stream, also where the method's
# request is unary. gRPC reads a unary request (up to the 32 MiB receive limit) before it calls
# the handler (grpc/_cython/_cygrpc/aio/server.pyx.pxi, _handle_unary_stream_rpc); a stream
# handler is called first and reads with `context.read()`. So a call that is refused is never
# read, and one that is let in is read when the tenant has a read slot free.
_KINDS = {
    (True, False): grpc.stream_unary_rpc_method_handler,
    (True, True): grpc.stream_stream_rpc_method_handler,
    (False, False): grpc.unary_unary_rpc_method_handler,
    (False, True): grpc.unary_stream_rpc_method_handler,
}


def _handler(handler, behavior, deserializer, request_streaming: bool):
    """A handler answering like `handler`, with another behaviour and deserializer."""
    make = _KINDS[(request_streaming, bool(handler.response_streaming))]
    return make(
        behavior, request_deserializer=deserializer, response_serializer=handler.response_serializer
    )


def _behavior(handler):
    return (
        handler.unary_unary or handler.unary_stream or handler.stream_unary or handler.stream_stream
    )


def _denied(handler, exc: WorldStreamError):
    async def deny(requests, context):
        await abort(context, exc)

    # The request of a caller without credentials is never read.
    return _handler(handler, deny, None, request_streaming=True)


def _forget_frames(exc: BaseException) -> None:
    """Let go of what a failed call's frames hold: the request above all (up to 32 MiB).

    gRPC keeps an aborted call's AbortError for the life of the call, and its traceback reaches
    the call again through the handlers' `context` (call state -> exception -> frame -> context
    -> call state): a cycle, freed only by a garbage collection. The error the call was aborted
    for hangs off it (`__context__`) with the frames it passed through, a creation's worker
    thread among them, whose closure holds the request. So: the locals of every finished frame
    go, and an AbortError forgets the error it was raised for (it is logged before the abort
    where it matters: api/errors.py)."""
    seen: set[int] = set()
    pending: list[BaseException | None] = [exc]
    while pending:
        current = pending.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        traceback.clear_frames(current.__traceback__)  # skips frames still running
        pending += [current.__context__, current.__cause__]
    if isinstance(exc, grpc.aio.AbortError):
        exc.__context__ = exc.__cause__ = None


def _acting(handler, state: CallState, gate: RequestGate, upload: bool):
    behavior = _behavior(handler)
    parse = handler.request_deserializer
    unary_request = not handler.request_streaming

    def deserialize(raw: bytes):
        try:
            return parse(raw) if parse is not None else raw
        except Exception as exc:
            state.malformed = True
            if unary_request:
                return _MALFORMED  # answered by the behaviour below, with a precise status
            # Inside a stream: raised from context.read(), where the servicer's own error
            # handling turns it into INVALID_ARGUMENT.
            raise malformed_request() from exc

    def enter() -> None:
        set_tenant(state.tenant)
        _call.set(state)

    if not unary_request:  # a stream (Explore) reads its own messages, one at a time
        if inspect.isasyncgenfunction(behavior):

            async def request_stream(requests, context):
                enter()
                async for response in behavior(requests, context):
                    yield response

            return _handler(handler, request_stream, deserialize, request_streaming=True)

        async def request_stream_unary(requests, context):
            enter()
            return await behavior(requests, context)

        return _handler(handler, request_stream_unary, deserialize, request_streaming=True)

    async def read_request(context):
        """The one request message, read in one of the tenant's slots; None when the call
        ended before one arrived (gRPC has then answered it, e.g. a message over the limit)."""
        try:
            async with gate.reading(state.tenant, upload):
                request = await context.read()
        except WorldStreamError as exc:  # no slot for an upload: refused unread
            await abort(context, exc)
        return None if request is grpc.aio.EOF else request

    if inspect.isasyncgenfunction(behavior):

        async def streaming(requests, context):
            enter()
            request = await read_request(context)
            if request is None:
                return
            if request is _MALFORMED:
                await abort(context, malformed_request())
                return
            try:
                async for response in behavior(request, context):
                    yield response
            except BaseException as exc:
                del request
                _forget_frames(exc)
                raise

        return _handler(handler, streaming, deserialize, request_streaming=True)

    async def unary(requests, context):
        enter()
        request = await read_request(context)
        if request is None:
            return None
        if request is _MALFORMED:
            await abort(context, malformed_request())
            return None
        try:
            return await behavior(request, context)
        except BaseException as exc:
            del request
            _forget_frames(exc)
            raise

    return _handler(handler, unary, deserialize, request_streaming=True)

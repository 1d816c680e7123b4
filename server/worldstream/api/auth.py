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
from collections.abc import Sequence
from contextvars import ContextVar
from dataclasses import dataclass

import grpc

from worldstream.api.errors import Unauthenticated, abort
from worldstream.api.tokens import TokenTable
from worldstream.errors import InvalidArgument, WorldStreamError
from worldstream.store.tenants import LOCAL_TENANT, set_tenant

OPEN_PREFIXES = ("/grpc.health.v1.Health/",)
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
    def __init__(self, tokens: TokenTable | None) -> None:
        """`tokens` None: authentication off, every call acts for the local tenant."""
        self.tokens = tokens

    async def intercept_service(self, continuation, details: grpc.HandlerCallDetails):
        handler = await continuation(details)
        if handler is None or details.method.startswith(OPEN_PREFIXES):
            return handler
        if self.tokens is None:
            return _acting(handler, CallState(LOCAL_TENANT))
        try:
            tenant = authenticate(self.tokens, details.invocation_metadata)
        except Unauthenticated as exc:
            # Never the token: only which call and why.
            log.info("refused %s: %s", details.method, exc.reason)
            return _denied(handler, exc)
        return _acting(handler, CallState(tenant))


def _handler(handler, behavior, deserializer):
    """A handler of the same kind as `handler` with another behaviour and deserializer."""
    if handler.unary_unary:
        make = grpc.unary_unary_rpc_method_handler
    elif handler.unary_stream:
        make = grpc.unary_stream_rpc_method_handler
    elif handler.stream_unary:
        make = grpc.stream_unary_rpc_method_handler
    else:
        make = grpc.stream_stream_rpc_method_handler
    return make(
        behavior, request_deserializer=deserializer, response_serializer=handler.response_serializer
    )


def _behavior(handler):
    return (
        handler.unary_unary or handler.unary_stream or handler.stream_unary or handler.stream_stream
    )


def _denied(handler, exc: WorldStreamError):
    async def deny(request, context):
        await abort(context, exc)

    # The request of a caller without credentials is never parsed.
    return _handler(handler, deny, lambda raw: None)


def _acting(handler, state: CallState):
    behavior = _behavior(handler)
    parse = handler.request_deserializer
    unary_request = bool(handler.unary_unary or handler.unary_stream)

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

    if inspect.isasyncgenfunction(behavior):

        async def streaming(request, context):
            enter()
            if request is _MALFORMED:
                await abort(context, malformed_request())
                return
            async for response in behavior(request, context):
                yield response

        return _handler(handler, streaming, deserialize)

    async def unary(request, context):
        enter()
        if request is _MALFORMED:
            await abort(context, malformed_request())
            return None
        return await behavior(request, context)

    return _handler(handler, unary, deserialize)

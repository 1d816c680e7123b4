"""Domain errors -> google.rpc.Status with an ErrorInfo, so clients get a code and a reason."""

from __future__ import annotations

import functools
import logging
from collections.abc import AsyncIterator, Callable

import grpc
from google.protobuf import any_pb2
from google.rpc import error_details_pb2, status_pb2
from grpc_status import rpc_status

from worldstream import errors

DOMAIN = "worldstream"
log = logging.getLogger("worldstream.api")


class Unauthenticated(errors.WorldStreamError):
    """The call carries no valid credentials. Only the API layer knows of credentials, so the
    class lives here rather than beside the others in worldstream.errors."""


_CODES: dict[type[errors.WorldStreamError], grpc.StatusCode] = {
    Unauthenticated: grpc.StatusCode.UNAUTHENTICATED,
    errors.InvalidArgument: grpc.StatusCode.INVALID_ARGUMENT,
    errors.NotFound: grpc.StatusCode.NOT_FOUND,
    errors.AlreadyExists: grpc.StatusCode.ALREADY_EXISTS,
    errors.FailedPrecondition: grpc.StatusCode.FAILED_PRECONDITION,
    errors.Unimplemented: grpc.StatusCode.UNIMPLEMENTED,
    errors.ResourceExhausted: grpc.StatusCode.RESOURCE_EXHAUSTED,
    errors.DeadlineExceeded: grpc.StatusCode.DEADLINE_EXCEEDED,
    errors.Internal: grpc.StatusCode.INTERNAL,
}


def to_status(exc: errors.WorldStreamError) -> grpc.Status:
    code = _CODES.get(type(exc), grpc.StatusCode.INTERNAL)
    info = error_details_pb2.ErrorInfo(reason=exc.reason, domain=DOMAIN, metadata=exc.metadata)
    detail = any_pb2.Any()
    detail.Pack(info)
    status = status_pb2.Status(code=code.value[0], message=exc.message, details=[detail])
    return rpc_status.to_status(status)


async def abort(context: grpc.aio.ServicerContext, exc: errors.WorldStreamError) -> None:
    status = to_status(exc)
    await context.abort(status.code, status.details, status.trailing_metadata)


def unexpected(exc: Exception) -> errors.WorldStreamError:
    log.exception("unexpected error")
    return errors.Internal("INTERNAL", f"internal error: {type(exc).__name__}")


def unary(handler: Callable) -> Callable:
    """Turn domain errors raised by a unary handler into statuses; the server keeps serving."""

    @functools.wraps(handler)
    async def wrapper(self, request, context):
        try:
            return await handler(self, request, context)
        except errors.WorldStreamError as exc:
            await abort(context, exc)
        except Exception as exc:  # a bug must cost one call, not the server
            await abort(context, unexpected(exc))

    return wrapper


def streaming(handler: Callable[..., AsyncIterator]) -> Callable[..., AsyncIterator]:
    """The same for handlers that are async generators."""

    @functools.wraps(handler)
    async def wrapper(self, request, context):
        try:
            async for response in handler(self, request, context):
                yield response
        except errors.WorldStreamError as exc:
            await abort(context, exc)
        except Exception as exc:
            await abort(context, unexpected(exc))

    return wrapper

"""Typed errors every layer raises; the API layer maps each class to one gRPC status code.

A leaf module: it imports nothing of ours. `reason` is the UPPER_SNAKE google.rpc.ErrorInfo
reason (listed in docs/errors.md); `metadata` goes into ErrorInfo.metadata.
"""

from __future__ import annotations


class WorldStreamError(Exception):
    """Base class. Subclasses name the kind of failure, not where it happened."""

    def __init__(self, reason: str, message: str, **metadata: object) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message
        self.metadata = {k: str(v) for k, v in metadata.items()}


class InvalidArgument(WorldStreamError):
    """The request is malformed: fixing the request fixes the call."""


class NotFound(WorldStreamError):
    """A named resource does not exist."""


class AlreadyExists(WorldStreamError):
    """A resource with the requested name exists already."""


class FailedPrecondition(WorldStreamError):
    """The request is well-formed but the resource is not in a state that allows it."""


class Unimplemented(WorldStreamError):
    """The request asks for something this server does not offer (yet)."""


class ResourceExhausted(WorldStreamError):
    """A limit or quota was reached."""


class DeadlineExceeded(WorldStreamError):
    """Something the call needed did not happen in the time allowed."""


class Internal(WorldStreamError):
    """A server-side fault; the server keeps serving."""

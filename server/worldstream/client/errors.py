"""RpcError -> ClientError carrying the status code and the ErrorInfo reason."""

from __future__ import annotations

import grpc
from google.rpc import error_details_pb2
from grpc_status import rpc_status


class ClientError(Exception):
    def __init__(self, code: grpc.StatusCode, message: str, reason: str, metadata: dict[str, str]):
        super().__init__(f"{code.name}: {message}" + (f" ({reason})" if reason else ""))
        self.code = code
        self.message = message
        self.reason = reason
        self.metadata = metadata


def from_rpc_error(error: grpc.RpcError) -> ClientError:
    reason, metadata = "", {}
    status = rpc_status.from_call(error) if hasattr(error, "trailing_metadata") else None
    if status is not None:
        for detail in status.details:
            if detail.Is(error_details_pb2.ErrorInfo.DESCRIPTOR):
                info = error_details_pb2.ErrorInfo()
                detail.Unpack(info)
                reason, metadata = info.reason, dict(info.metadata)
    return ClientError(error.code(), error.details() or "", reason, metadata)

"""Domain errors ⇄ gRPC status with ``google.rpc`` details (ErrorInfo, BadRequest)."""

from __future__ import annotations

from dataclasses import dataclass, field

import grpc
from google.rpc import error_details_pb2, status_pb2
from grpc_status import rpc_status

from crm_shared.errors import DomainError, FieldViolation, InvalidArgument

ERROR_DOMAIN = "crm"


def to_grpc_status(error: DomainError) -> grpc.Status:
    status = status_pb2.Status(code=error.grpc_code.value[0], message=error.message)
    # An error may carry ErrorInfo metadata (e.g. ILLEGAL_TRANSITION's from_state / to_state).
    metadata = dict(getattr(error, "metadata", None) or {})
    status.details.add().Pack(
        error_details_pb2.ErrorInfo(reason=error.reason, domain=ERROR_DOMAIN, metadata=metadata))
    if isinstance(error, InvalidArgument):
        bad_request = error_details_pb2.BadRequest(
            field_violations=[
                error_details_pb2.BadRequest.FieldViolation(field=v.field, description=v.description)
                for v in error.violations
            ]
        )
        status.details.add().Pack(bad_request)
    return rpc_status.to_status(status)


@dataclass
class CallError:
    """What a client learns from a failed call."""

    code: grpc.StatusCode
    message: str
    reason: str = ""
    violations: list[FieldViolation] = field(default_factory=list)
    metadata: dict[str, str] = field(default_factory=dict)


def describe_rpc_error(error: grpc.RpcError) -> CallError:
    code = error.code() if hasattr(error, "code") else grpc.StatusCode.UNKNOWN
    message = error.details() if hasattr(error, "details") else str(error)
    result = CallError(code=code, message=message or code.name)
    try:
        status = rpc_status.from_call(error)
    except (ValueError, AttributeError):
        status = None
    if status is None:
        return result
    for detail in status.details:
        if detail.Is(error_details_pb2.ErrorInfo.DESCRIPTOR):
            info = error_details_pb2.ErrorInfo()
            detail.Unpack(info)
            result.reason = info.reason
            result.metadata = dict(info.metadata)
        elif detail.Is(error_details_pb2.BadRequest.DESCRIPTOR):
            bad_request = error_details_pb2.BadRequest()
            detail.Unpack(bad_request)
            result.violations = [
                FieldViolation(field=v.field, description=v.description)
                for v in bad_request.field_violations
            ]
    return result

"""What a page shows when the suite says no: one :class:`Refusal` for a gRPC status, a gateway
problem document or an unreachable service, with the field errors a form puts next to its
fields. Status numbers come from ``crm_shared.errors.HTTP_STATUS_BY_GRPC_CODE`` (one table);
the service's words reach the page in the reader's language (:mod:`crm_console.service_texts`),
its own text is kept in ``service_message`` for the log."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import grpc
from crm_shared.errors import HTTP_STATUS_BY_GRPC_CODE
from crm_shared.grpc.status import describe_rpc_error

from crm_console.service_texts import field_text, message_text


@dataclass
class Refusal(Exception):
    status: int
    message: str
    reason: str = ""
    field_errors: dict[str, str] = field(default_factory=dict)
    """Field path (as the form names its input) → what is wrong with it."""
    service: str = ""
    service_message: str = ""
    """The service's own (English) message, untranslated."""

    def __str__(self) -> str:
        return f"{self.status} {self.message}"

    @classmethod
    def from_rpc_error(cls, service: str, error: grpc.RpcError, *,
                       field_prefix: str = "") -> Refusal:
        described = describe_rpc_error(error)
        errors: dict[str, str] = {}
        for violation in described.violations:
            errors.setdefault(violation.field.removeprefix(field_prefix),
                              field_text(violation.description))
        status = HTTP_STATUS_BY_GRPC_CODE.get(described.code, 500)
        return cls(status=status,
                   message=message_text(status, described.message, described.reason),
                   reason=described.reason, field_errors=errors, service=service,
                   service_message=described.message)

    @classmethod
    def from_problem(cls, status: int, problem: dict[str, Any]) -> Refusal:
        errors = {}
        for item in problem.get("errors") or []:
            errors.setdefault(str(item.get("field", "")), field_text(str(item.get("message", ""))))
        message = str(problem.get("detail") or problem.get("title") or "")
        return cls(status=status, message=message_text(status, message), field_errors=errors,
                   service="gateway", service_message=message)

    @classmethod
    def unavailable(cls, service: str, message: str) -> Refusal:
        return cls(status=503, message=message_text(503, message), service=service,
                   service_message=message)

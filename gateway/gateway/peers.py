"""The gateway's calls to the services: the shared :class:`crm_shared.grpc.peers.Peers`
(lazily connected channels), and :func:`call`, which turns a failure into a problem document."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import grpc
from crm_shared.grpc.peers import Peers
from crm_shared.grpc.status import describe_rpc_error

from gateway.problems import UpstreamCallFailed

Request = TypeVar("Request")
Reply = TypeVar("Reply")

__all__ = ["Peers", "call"]


def call(
    peer: str, method: Callable[[Request], Reply], request: Request, *, field_prefix: str = ""
) -> Reply:
    """Call ``method`` of a stub; a failure becomes :class:`UpstreamCallFailed`.

    ``field_prefix`` is the part of the service's field paths that the HTTP body does not
    have (``customer.`` for ``CreateCustomerRequest.customer``), stripped from violations.
    """
    try:
        return method(request)
    except grpc.RpcError as exc:
        raise UpstreamCallFailed(peer, describe_rpc_error(exc), field_prefix=field_prefix) from exc

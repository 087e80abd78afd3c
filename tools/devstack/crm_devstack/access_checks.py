"""Over real gRPC, every RPC of a service refuses the callers its contract does not name
(``(crm.common.v1.access)``, enforced by ``crm_shared.access``): each service's integration
tests call :func:`refusals` on their in-process api (``crm_devstack.inprocess_api``).

The callers tried for each RPC are those its requirement excludes: a service account with no
scope, one with every scope but the RPC's, and, unless every person may call it, a person
holding every role of ``crm_shared.auth.roles.ROLES`` but the RPC's. Each must get
PERMISSION_DENIED before the handler runs, so an empty request is enough.
"""

from __future__ import annotations

from typing import Any

import grpc
from crm_shared.access import full_method_name, requirement_of
from crm_shared.auth.audiences import audience_of
from crm_shared.auth.roles import ROLES
from crm_shared.auth.scopes import SCOPES
from crm_shared.grpc.client import connect
from google.protobuf import message_factory

__all__ = ["excluded_callers", "refusals"]


def excluded_callers(requirement) -> list[tuple[str, dict[str, Any]]]:
    """(description, token claims) of the callers ``requirement`` refuses."""
    callers = [("a service account without scopes",
                {"roles": ["service"], "scopes": []}),
               ("a service account with every other scope",
                {"roles": ["service"], "scopes": sorted(set(SCOPES) - requirement.scopes)})]
    if not requirement.any_staff:
        callers.append(("a person with every other role",
                        {"roles": sorted(set(ROLES) - requirement.roles), "scopes": []}))
    return callers


def refusals(target: str, service, issuer) -> list[str]:
    """Every (RPC, caller) of ``service`` at ``target`` that its requirement excludes but that
    was not refused PERMISSION_DENIED (empty: all were); tokens come from ``issuer``."""
    wrong: list[str] = []
    channels: dict[tuple[tuple[str, ...], tuple[str, ...]], grpc.Channel] = {}
    # Each token names this service, so it is the access gate that refuses it, not the
    # audience check before it (crm_shared.auth.audiences).
    audience = audience_of(service.full_name.split(".")[1])  # crm.<service>.v1.<Name>

    def channel_of(claims) -> grpc.Channel:
        key = (tuple(claims["roles"]), tuple(claims["scopes"]))
        if key not in channels:
            token = issuer.issue(user_id="u-excluded", username="excluded",
                                 department_path="/hq", data_scope="all", audience=audience,
                                 **claims)
            channels[key] = connect(target, [service], token_provider=lambda: token)
        return channels[key]

    try:
        for method in service.methods:
            name = full_method_name(method)
            request = message_factory.GetMessageClass(method.input_type)()
            response_class = message_factory.GetMessageClass(method.output_type)
            for who, claims in excluded_callers(requirement_of(method)):
                channel = channel_of(claims)
                call = (channel.unary_stream if method.server_streaming else channel.unary_unary)(
                    name, request_serializer=type(request).SerializeToString,
                    response_deserializer=response_class.FromString)
                try:
                    answer = call(request, timeout=10)
                    if method.server_streaming:
                        list(answer)
                    code = grpc.StatusCode.OK
                except grpc.RpcError as error:
                    code = error.code()
                if code is not grpc.StatusCode.PERMISSION_DENIED:
                    wrong.append(f"{name} as {who} ({', '.join(claims['roles'])}; "
                                 f"{', '.join(claims['scopes'])}): {code.name}")
    finally:
        for channel in channels.values():
            channel.close()
    return wrong

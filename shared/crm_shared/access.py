"""Who may call each RPC: the coarse gate before every handler.

Declared once, in the contracts: every RPC of a service carries
``option (crm.common.v1.access) = {...}`` (``protos/crm/common/v1/options.proto``):

* ``any_staff: true``: every signed-in person (the handler shows and changes only the records
  their data scope reaches);
* ``roles: [...]``: the people holding one of these roles (:data:`crm_shared.auth.roles.ROLES`);
* ``scopes: [...]``: the service accounts holding one of these OAuth scopes
  (:data:`crm_shared.auth.scopes.SCOPES`).

A service account (a token with the ``service`` role) is judged by its scopes only: a role
given to it never opens an RPC, so a system gets exactly the scopes its calls need. An RPC that
declares nothing is refused to every caller, so a new RPC is closed until its author says who
may call it (``shared/tests/unit/test_rpc_access.py`` lists every RPC and fails on one that
declares nothing).

The server bootstrap (``crm_shared.grpc.server.GrpcApi``) installs :class:`AccessGuard` inside
authentication (the principal is known) and outside the reference check, so a caller the RPC is
not for learns nothing about the records it names. A refused call is PERMISSION_DENIED and the
handler never runs. Handlers keep their own checks of each record (owner, department subtree,
``all``), which this gate does not replace.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import grpc
from crm.common.v1 import options_pb2
from google.protobuf.descriptor import MethodDescriptor, ServiceDescriptor

from crm_shared.auth.principal import Principal, current_principal
from crm_shared.auth.roles import ROLE_ALIASES
from crm_shared.errors import PermissionDenied
from crm_shared.grpc.interceptors import PUBLIC_METHOD_PREFIXES, wrap_handler


@dataclass(frozen=True)
class Requirement:
    """What an RPC's ``(crm.common.v1.access)`` option says."""

    any_staff: bool = False
    roles: frozenset[str] = frozenset()
    scopes: frozenset[str] = frozenset()

    @property
    def open_to_nobody(self) -> bool:
        return not (self.any_staff or self.roles or self.scopes)

    def describe(self) -> str:
        """One line, for error messages and the listing test."""
        people = ("every person" if self.any_staff
                  else "roles " + ", ".join(sorted(self.roles)) if self.roles else "no person")
        accounts = ("scopes " + ", ".join(sorted(self.scopes)) if self.scopes
                    else "no service account")
        return f"{people}; {accounts}"


def requirement_of(method: MethodDescriptor) -> Requirement | None:
    """The requirement ``method`` declares in the contract, or None when it declares none."""
    options = method.GetOptions()
    if not options.HasExtension(options_pb2.access):
        return None
    access = options.Extensions[options_pb2.access]
    return Requirement(any_staff=access.any_staff, roles=frozenset(access.roles),
                       scopes=frozenset(access.scopes))


def full_method_name(method: MethodDescriptor) -> str:
    """``/crm.customer.v1.CustomerService/GetCustomer``: the name a server sees."""
    return f"/{method.containing_service.full_name}/{method.name}"


def requirements(services: Iterable[ServiceDescriptor]) -> dict[str, Requirement | None]:
    """Full method name → its declared requirement (None: none) of every RPC of ``services``."""
    return {full_method_name(method): requirement_of(method)
            for service in services for method in service.methods}


def allows(requirement: Requirement | None, principal: Principal) -> bool:
    """The rule: people by ``any_staff`` or role (an older role name counts as the role it is
    now, :data:`crm_shared.auth.roles.ROLE_ALIASES`), service accounts by scope only."""
    if requirement is None:
        return False
    if principal.is_service_account:
        return bool(requirement.scopes & principal.scopes)
    held = {ROLE_ALIASES.get(role, role) for role in principal.roles}
    return requirement.any_staff or bool(requirement.roles & held)


def check_access(method: str, table: Mapping[str, Requirement | None]) -> None:
    """Refuse the current caller of ``method`` (PERMISSION_DENIED) unless its requirement in
    ``table`` allows them."""
    requirement = table.get(method)
    principal = current_principal()
    if allows(requirement, principal):
        return
    if requirement is None or requirement.open_to_nobody:
        raise PermissionDenied(f"{method} declares no access requirement; nobody may call it")
    if principal.is_service_account:
        raise PermissionDenied(
            f"this service account needs one of the scopes "
            f"{', '.join(sorted(requirement.scopes)) or '(none: people only)'} for {method}")
    raise PermissionDenied(
        f"{method} needs one of the roles {', '.join(sorted(requirement.roles))}")


class AccessGuard(grpc.ServerInterceptor):
    """Runs :func:`check_access` before the handler of every RPC of ``services`` (the bound
    services' descriptors). A method of another service (health, reflection) passes untouched;
    the server answers UNIMPLEMENTED for one it does not serve."""

    def __init__(self, services: Iterable[ServiceDescriptor]) -> None:
        self.table = requirements(services)

    def intercept_service(self, continuation, handler_call_details):
        handler = continuation(handler_call_details)
        method = handler_call_details.method
        if handler is None or method.startswith(PUBLIC_METHOD_PREFIXES):
            return handler
        table = self.table

        def wrap_unary(behavior):
            def guarded(request, context):
                check_access(method, table)
                return behavior(request, context)

            return guarded

        def wrap_stream(behavior):
            def guarded(request, context):
                check_access(method, table)
                yield from behavior(request, context)

            return guarded

        return wrap_handler(handler, wrap_unary, wrap_stream)

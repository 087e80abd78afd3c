"""Whom an access token is for: its ``aud`` claim (RFC 7519 §4.1.3, RFC 9068 §3) names every
process that may accept it, and each process accepts only a token that names it.

Why not one audience for the whole suite: with a single ``aud`` every service accepted a token
minted for any other, so a credential meant for one narrow purpose (the marketing service's
account, which only sends notifications; a public form's minute-long token) was a bearer
credential at every door, held back only by each RPC's access rule. Naming the services a token
is for stops a leaked narrow token at the first service it was never meant for, before any
RPC's rule is consulted, and a new RPC that declares a scope too widely opens only services the
scope already reaches.

What the gateway's tokens name (:func:`audiences_for`):

* a person's token names the gateway, the console and the five services: a person's request may
  reach any of them, directly (the console calls the services) or forwarded (a service calls
  another with its caller's token, ``crm_shared.grpc.client``);
* a service account's token (role ``service``) names the gateway and only the services whose
  contracts declare one of its scopes (``(crm.common.v1.access).scopes``, the same declaration
  ``crm_shared.access`` enforces): the marketing account (``notification.send``) reaches the
  notification service only, an ERP account (``purchases.write``, ``customers.read``) the sales
  and customer services. Forwarding still works: a call a token's scopes open is a call to a
  service its token names.

Each process verifies with its own name, :func:`audience_of` of its ``service_name``.
"""

from __future__ import annotations

import functools
import importlib
import pkgutil
from collections.abc import Iterable

SERVICES = ("customer", "sales", "ticket", "marketing", "notification")
"""The suite's services, by the name each process runs as (``service_name``)."""


def audience_of(process: str) -> str:
    """The ``aud`` value that names ``process`` (``customer``, ``gateway``, ``console``)."""
    return f"crm-{process}"


GATEWAY = audience_of("gateway")
CONSOLE = audience_of("console")
PEOPLE: tuple[str, ...] = (GATEWAY, CONSOLE, *(audience_of(name) for name in SERVICES))
"""What a person's token names: every front end and every service."""


@functools.cache
def _services_by_scope() -> dict[str, frozenset[str]]:
    """Scope → the services one of whose RPCs declares it, read from the contracts."""
    import crm
    from crm.common.v1 import options_pb2

    found: dict[str, set[str]] = {}
    for module in pkgutil.walk_packages(crm.__path__, "crm."):
        if not module.name.endswith("_pb2"):
            continue
        for service in importlib.import_module(module.name).DESCRIPTOR.services_by_name.values():
            name = service.full_name.split(".")[1]  # crm.<name>.v1.<Service>
            for method in service.methods:
                options = method.GetOptions()
                if options.HasExtension(options_pb2.access):
                    for scope in options.Extensions[options_pb2.access].scopes:
                        found.setdefault(scope, set()).add(name)
    return {scope: frozenset(names) for scope, names in found.items()}


def for_scopes(scopes: Iterable[str]) -> tuple[str, ...]:
    """What a service account's token names: the gateway, and each service a scope opens."""
    by_scope = _services_by_scope()
    services = {name for scope in scopes for name in by_scope.get(scope, ())}
    return (GATEWAY, *(audience_of(name) for name in SERVICES if name in services))


def audiences_for(roles: Iterable[str], scopes: Iterable[str]) -> tuple[str, ...]:
    """The ``aud`` of a token for a caller with these roles and scopes (see the module)."""
    return for_scopes(scopes) if "service" in set(roles) else PEOPLE

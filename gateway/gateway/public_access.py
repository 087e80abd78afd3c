"""The gateway's own principal for its PUBLIC routes (the survey and unsubscribe links, the
web-to-lead and service-request forms, the public knowledge base): a caller with no account
reaches a service only through one of these routes, and the route calls the service as the
gateway, holding exactly the scopes it names.

One helper, so every public route is granted the same way: a token the gateway issues to
itself for a minute (a form's one or two RPCs finish well within it), with the ``service``
role and the data scope ``own`` (no department, no rows of anyone's), whose only power is the
route's scopes (``crm_shared.auth.scopes``), each of which the contracts declare on exactly the
RPCs it opens (``(crm.common.v1.access).scopes``). The service still checks the request's own
authority: a survey or unsubscribe link's signature, a lookup's number and phone.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from crm_shared.auth import DataScope, Principal, principal_scope
from crm_shared.auth.scopes import SCOPES
from flask import current_app

from gateway.peers import call
from gateway.ratelimits import RateLimited, client_address

PUBLIC_TOKEN_TTL_SECONDS = 60
GATEWAY_USER = "gateway"


def as_public(issuer, scopes: Iterable[str]):
    """Run the calls inside this ``with`` as the gateway, holding exactly ``scopes`` for a
    minute. ``issuer`` is the gateway's token issuer (``deps.issuer``)."""
    granted = tuple(sorted(set(scopes)))
    unknown = [scope for scope in granted if scope not in SCOPES]
    if not granted or unknown:  # a typo would otherwise be a route that always says 403
        raise ValueError(f"public routes hold declared scopes only, not {unknown or 'none'}")
    token = issuer.issue(user_id=GATEWAY_USER, username=GATEWAY_USER, roles=["service"],
                         department_path="/", data_scope=DataScope.OWN,
                         ttl_seconds=PUBLIC_TOKEN_TTL_SECONDS, scopes=granted)
    return principal_scope(Principal(user_id=GATEWAY_USER, username=GATEWAY_USER,
                                     roles=frozenset({"service"}), department_path="/",
                                     data_scope=DataScope.OWN, token=token,
                                     scopes=frozenset(granted)))


def call_public(issuer, scopes: Iterable[str], peer: str, method, request, **kwargs):
    """``method(request)`` as the gateway holding exactly ``scopes`` (:func:`as_public`); a
    refusal becomes the problem every route answers with (``gateway.peers.call``, which
    ``kwargs`` go to). What every public route does once it has counted the request
    (:func:`limit_public`)."""
    with as_public(issuer, scopes):
        return call(peer, method, request, **kwargs)


def limit_public(action: str, *, target: str = "") -> None:
    """Count this request of a public route against its client address and, when it names
    one, its target (a ticket number, a phone): ``PUBLIC_RATE_LIMIT_PER_ADDRESS`` and
    ``PUBLIC_RATE_LIMIT_PER_TARGET`` per ``PUBLIC_RATE_LIMIT_WINDOW_SECONDS`` and ``action``, in
    the database counters every worker and replica shares (``gateway.ratelimits``). Over
    either: 429 with ``Retry-After``, before the service is called, so nothing is stored. The
    address is the one ``ProxyFix`` resolved: behind the console, the visitor's."""
    deps = current_app.extensions["crm.gateway"]
    settings = deps.settings
    subjects = {f"public:{action}:address:{client_address()}": settings.public_rate_limit_per_address}
    if target.strip():
        # hashed: the counters' table need not list phones or ticket numbers in clear
        digest = hashlib.sha256(target.strip().lower().encode()).hexdigest()[:32]
        subjects[f"public:{action}:target:{digest}"] = settings.public_rate_limit_per_target
    for subject, limit in subjects.items():
        quota = deps.counters.hit(subject, limit=limit,
                                  window_seconds=settings.public_rate_limit_window_seconds,
                                  leased=False)
        if quota.exceeded:
            raise RateLimited("too many requests; retry later", retry_after=quota.reset_seconds)

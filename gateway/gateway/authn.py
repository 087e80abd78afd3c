"""Who is calling: bearer access tokens checked before anything else of a request runs,
and the public keys that let everyone else check the tokens this gateway issues."""

from __future__ import annotations

from crm_shared.auth import TokenVerifier
from crm_shared.auth.tokens import public_jwks
from crm_shared.errors import PermissionDenied, Unauthenticated
from flask import Flask, current_app, g, request
from opentelemetry import trace

from gateway.endpoints import access_of


class MissingCredentials(Unauthenticated):
    """No bearer token at all (RFC 6750: the challenge then names no error)."""

    www_authenticate = 'Bearer realm="crm"'


def bearer_token() -> str | None:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def install_authentication(app: Flask, verifier: TokenVerifier) -> None:
    """Check the caller of every request against its route's access rule.

    Runs as a ``before_request`` hook: after routing, before the request is validated or the
    view runs. A request that matched no route goes on to its 404/405 unchecked.
    """

    @app.before_request
    def authenticate() -> None:
        if request.endpoint is None or request.method == "OPTIONS":
            return
        access = access_of(current_app.view_functions.get(request.endpoint))
        if access.public:
            return
        token = bearer_token()
        if token is None:
            raise MissingCredentials("this route needs an access token (Authorization: Bearer ...)")
        principal = verifier.verify(token)
        trace.get_current_span().set_attribute("enduser.id", principal.user_id)
        if access.roles and not principal.has_role(*access.roles):
            raise PermissionDenied(
                "this route needs one of the roles " + ", ".join(sorted(access.roles))
            )
        g.principal = principal


def public_jwk(public_key_pem: bytes) -> dict[str, str]:
    """The (first) EC P-256 public key as a JWK, ``kid`` its RFC 7638 thumbprint — the ``kid``
    the runtime's ``TokenIssuer`` puts in every token header."""
    return public_jwks(public_key_pem)[0]

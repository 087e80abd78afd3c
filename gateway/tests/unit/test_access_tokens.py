"""Tokens issued the way the gateway issues them verify with the shared verifier, and only then."""

from __future__ import annotations

import pytest
from crm_shared.auth import DataScope, TokenIssuer, TokenVerifier
from crm_shared.errors import Unauthenticated
from gateway.authn import public_jwk


def make_issuer(keys, **overrides) -> TokenIssuer:
    options = {"issuer": "crm-gateway", "audience": "crm", "ttl_seconds": 900}
    options.update(overrides)
    return TokenIssuer(keys.private.read_bytes(), **options)


def make_verifier(keys) -> TokenVerifier:
    return TokenVerifier(keys.public.read_bytes(), issuer="crm-gateway", audience="crm")


def issue(issuer: TokenIssuer, **overrides) -> str:
    claims = {
        "user_id": "u-1",
        "username": "rep.zhang",
        "roles": ["sales_rep"],
        "department_path": "/hq/sales/east",
        "data_scope": "own",
        "display_name": "张伟",
    }
    claims.update(overrides)
    return issuer.issue(**claims)


def test_issued_token_round_trips_into_the_same_principal(signing_keys):
    principal = make_verifier(signing_keys).verify(issue(make_issuer(signing_keys)))

    assert principal.user_id == "u-1"
    assert principal.username == "rep.zhang"
    assert principal.roles == frozenset({"sales_rep"})
    assert principal.department_path == "/hq/sales/east"
    assert principal.data_scope is DataScope.OWN
    assert principal.display_name == "张伟"


def test_expired_token_is_refused(signing_keys):
    token = issue(make_issuer(signing_keys), ttl_seconds=-60)
    with pytest.raises(Unauthenticated, match="expired"):
        make_verifier(signing_keys).verify(token)


def test_token_signed_with_another_key_is_refused(signing_keys, foreign_keys):
    with pytest.raises(Unauthenticated):
        make_verifier(signing_keys).verify(issue(make_issuer(foreign_keys)))


def test_token_for_another_audience_is_refused(signing_keys):
    with pytest.raises(Unauthenticated):
        make_verifier(signing_keys).verify(issue(make_issuer(signing_keys, audience="erp")))


def test_jwk_describes_the_public_key_that_verifies_the_tokens(signing_keys):
    import jwt

    jwk = public_jwk(signing_keys.public.read_bytes())
    assert jwk["kty"] == "EC" and jwk["crv"] == "P-256" and jwk["alg"] == "ES256"
    key = jwt.PyJWK(jwk).key
    token = issue(make_issuer(signing_keys))
    claims = jwt.decode(token, key, algorithms=["ES256"], audience="crm", issuer="crm-gateway")
    assert claims["sub"] == "u-1"
    # RFC 7638: the thumbprint depends on the key only.
    assert public_jwk(signing_keys.public.read_bytes())["kid"] == jwk["kid"]

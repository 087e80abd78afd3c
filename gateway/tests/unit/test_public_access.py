"""The one principal of the gateway's public routes (gateway.public_access): a minute-long
token of the gateway's own, holding exactly the scopes the route names and nothing else."""

from __future__ import annotations

import time

import jwt
import pytest
from crm_shared.auth import DataScope, TokenIssuer, TokenVerifier, current_principal
from gateway.public_access import PUBLIC_TOKEN_TTL_SECONDS, as_public


def _issuer(keys) -> TokenIssuer:
    return TokenIssuer(
        keys.private.read_bytes(), issuer="crm-gateway", audience="crm", ttl_seconds=900
    )


def test_the_calls_inside_run_as_the_gateway_with_exactly_the_scopes_named(signing_keys):
    with as_public(_issuer(signing_keys), ["surveys.respond"]):
        inside = current_principal()
    verified = TokenVerifier(
        signing_keys.public.read_bytes(), issuer="crm-gateway", audience="crm"
    ).verify(inside.token)

    assert inside.scopes == verified.scopes == frozenset({"surveys.respond"})
    assert verified.user_id == "gateway" and verified.roles == frozenset({"service"})
    assert verified.data_scope is DataScope.OWN
    expiry = jwt.decode(inside.token, options={"verify_signature": False})["exp"]
    assert expiry <= time.time() + PUBLIC_TOKEN_TTL_SECONDS + 1


@pytest.mark.parametrize("scopes", [[], ["surveys.respond", "surveys.answer_everything"]])
def test_a_scope_nobody_declared_or_none_at_all_is_a_programming_error(signing_keys, scopes):
    with pytest.raises(ValueError):
        as_public(_issuer(signing_keys), scopes)

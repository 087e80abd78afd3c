"""Key rotation: issued tokens name their key (``kid``), verifiers hold a key set."""

from __future__ import annotations

import jwt
import pytest
from crm_shared.auth import TokenIssuer, TokenVerifier, generate_signing_key, public_jwks
from crm_shared.errors import Unauthenticated


@pytest.fixture(scope="module")
def keys(tmp_path_factory):
    folder = tmp_path_factory.mktemp("rotation-keys")
    for name in ("old", "new", "other"):
        generate_signing_key(folder / f"{name}.pem", folder / f"{name}.pub")
    return folder


def issuer_of(keys, name: str) -> TokenIssuer:
    return TokenIssuer((keys / f"{name}.pem").read_bytes(), issuer="crm-gateway", audience="crm")


def verifier_of(pem: bytes) -> TokenVerifier:
    return TokenVerifier(pem, issuer="crm-gateway", audience="crm")


def issue(issuer: TokenIssuer, **extra) -> str:
    return issuer.issue(
        user_id="u1",
        username="svc.erp",
        roles=["service"],
        department_path="/hq",
        data_scope="all",
        **extra,
    )


def test_issued_token_names_its_key_by_the_jwk_thumbprint(keys):
    token = issue(issuer_of(keys, "new"))
    header = jwt.get_unverified_header(token)
    assert header["kid"] == public_jwks((keys / "new.pub").read_bytes())[0]["kid"]
    assert header["typ"] == "at+jwt" and header["alg"] == "ES256"


def test_a_key_set_file_verifies_tokens_of_the_old_and_the_new_key(keys):
    key_set = (keys / "new.pub").read_bytes() + (keys / "old.pub").read_bytes()
    verifier = verifier_of(key_set)
    assert verifier.verify(issue(issuer_of(keys, "new"))).user_id == "u1"
    assert verifier.verify(issue(issuer_of(keys, "old"))).user_id == "u1"
    assert [k["kid"] for k in public_jwks(key_set)] == [
        public_jwks((keys / n).read_bytes())[0]["kid"] for n in ("new.pub", "old.pub")
    ]


def test_a_token_whose_kid_is_in_no_trusted_key_is_refused(keys):
    verifier = verifier_of((keys / "new.pub").read_bytes() + (keys / "old.pub").read_bytes())
    with pytest.raises(Unauthenticated, match="unknown signing key"):
        verifier.verify(issue(issuer_of(keys, "other")))


def test_a_forged_kid_does_not_make_a_foreign_signature_valid(keys):
    verifier = verifier_of((keys / "new.pub").read_bytes())
    token = issue(issuer_of(keys, "other"))
    claims = jwt.decode(token, options={"verify_signature": False})
    forged = jwt.encode(
        claims,
        issuer_of(keys, "other")._key,
        algorithm="ES256",
        headers={"typ": "at+jwt", "kid": issuer_of(keys, "new").key_id},
    )
    with pytest.raises(Unauthenticated):
        verifier.verify(forged)


def test_a_token_without_kid_is_accepted_by_a_single_key_and_refused_by_a_key_set(keys):
    token = issue(issuer_of(keys, "old"))
    claims = jwt.decode(token, options={"verify_signature": False})
    legacy = jwt.encode(
        claims, issuer_of(keys, "old")._key, algorithm="ES256", headers={"typ": "at+jwt"}
    )
    assert verifier_of((keys / "old.pub").read_bytes()).verify(legacy).user_id == "u1"
    with pytest.raises(Unauthenticated, match="no kid"):
        verifier_of((keys / "new.pub").read_bytes() + (keys / "old.pub").read_bytes()).verify(
            legacy
        )


def test_scopes_travel_in_the_scope_claim_and_reach_the_principal(keys):
    token = issue(issuer_of(keys, "new"), scopes=["customers.write", "customers.read"])
    assert jwt.decode(token, options={"verify_signature": False})["scope"] == (
        "customers.read customers.write"
    )
    principal = verifier_of((keys / "new.pub").read_bytes()).verify(token)
    assert principal.scopes == frozenset({"customers.read", "customers.write"})
    assert principal.has_scope("customers.read") and principal.is_service_account


def test_a_file_without_a_public_key_is_refused(keys):
    with pytest.raises(ValueError):
        verifier_of(b"not a key")

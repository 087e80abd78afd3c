import time

import jwt
import pytest
from crm_shared.auth import DataScope, TokenIssuer, TokenVerifier, generate_signing_key
from crm_shared.errors import Unauthenticated


@pytest.fixture(scope="module")
def keys(tmp_path_factory):
    folder = tmp_path_factory.mktemp("keys")
    generate_signing_key(folder / "a.pem", folder / "a.pub")
    generate_signing_key(folder / "b.pem", folder / "b.pub")
    return folder


@pytest.fixture
def issuer(keys):
    return TokenIssuer((keys / "a.pem").read_bytes(), issuer="crm-gateway", audience="crm")


@pytest.fixture
def verifier(keys):
    return TokenVerifier((keys / "a.pub").read_bytes(), issuer="crm-gateway", audience="crm")


def _issue(issuer, **overrides):
    claims = {
        "user_id": "u1", "username": "rep.zhang", "roles": ["sales_rep"],
        "department_path": "/hq/sales/east", "data_scope": "own",
    }
    claims.update(overrides)
    return issuer.issue(**claims)


def test_valid_token_yields_the_principal_it_was_issued_for(issuer, verifier):
    principal = verifier.verify(_issue(issuer))
    assert principal.user_id == "u1"
    assert principal.username == "rep.zhang"
    assert principal.roles == frozenset({"sales_rep"})
    assert principal.department_path == "/hq/sales/east"
    assert principal.data_scope is DataScope.OWN


def test_private_key_file_is_owner_only(keys):
    assert (keys / "a.pem").stat().st_mode & 0o077 == 0


def test_expired_token_is_refused(issuer, verifier):
    token = _issue(issuer, ttl_seconds=-60)
    with pytest.raises(Unauthenticated, match="expired"):
        verifier.verify(token)


def test_wrong_audience_is_refused(keys, verifier):
    other = TokenIssuer((keys / "a.pem").read_bytes(), issuer="crm-gateway", audience="erp")
    with pytest.raises(Unauthenticated):
        verifier.verify(_issue(other))


def test_wrong_issuer_is_refused(keys, verifier):
    other = TokenIssuer((keys / "a.pem").read_bytes(), issuer="evil", audience="crm")
    with pytest.raises(Unauthenticated):
        verifier.verify(_issue(other))


def test_token_signed_with_a_foreign_key_is_refused(keys, verifier):
    foreign = TokenIssuer((keys / "b.pem").read_bytes(), issuer="crm-gateway", audience="crm")
    with pytest.raises(Unauthenticated):
        verifier.verify(_issue(foreign))


def test_alg_none_is_refused(verifier):
    now = int(time.time())
    claims = {"iss": "crm-gateway", "aud": "crm", "sub": "u1", "iat": now, "exp": now + 60,
              "roles": ["admin"], "scope_data": "all"}
    token = jwt.encode(claims, None, algorithm="none", headers={"typ": "at+jwt"})
    with pytest.raises(Unauthenticated):
        verifier.verify(token)


def test_hmac_token_keyed_with_the_public_key_is_refused(keys, verifier):
    # The classic algorithm-confusion attack: HS256 "signed" with the public key's bytes.
    now = int(time.time())
    claims = {"iss": "crm-gateway", "aud": "crm", "sub": "u1", "iat": now, "exp": now + 60}
    header = {"alg": "HS256", "typ": "at+jwt"}
    import base64
    import hashlib
    import hmac
    import json

    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    signing_input = f"{b64(json.dumps(header).encode())}.{b64(json.dumps(claims).encode())}"
    signature = hmac.new((keys / "a.pub").read_bytes(), signing_input.encode(), hashlib.sha256)
    with pytest.raises(Unauthenticated):
        verifier.verify(f"{signing_input}.{b64(signature.digest())}")


def test_token_without_access_token_type_is_refused(keys, verifier):
    from cryptography.hazmat.primitives import serialization

    key = serialization.load_pem_private_key((keys / "a.pem").read_bytes(), password=None)
    now = int(time.time())
    claims = {"iss": "crm-gateway", "aud": "crm", "sub": "u1", "iat": now, "exp": now + 60}
    token = jwt.encode(claims, key, algorithm="ES256", headers={"typ": "JWT"})
    with pytest.raises(Unauthenticated, match="typ"):
        verifier.verify(token)


def test_garbage_is_refused(verifier):
    with pytest.raises(Unauthenticated):
        verifier.verify("not-a-token")

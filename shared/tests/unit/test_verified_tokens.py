"""A verifier checks a token's signature once and remembers what it says (issue 17): later
calls with the same token are refused exactly when a first verification would refuse them."""

from unittest import mock

import jwt
import pytest
from crm_shared.auth import TokenIssuer, TokenVerifier, generate_signing_key
from crm_shared.errors import Unauthenticated


@pytest.fixture(scope="module")
def keys(tmp_path_factory):
    folder = tmp_path_factory.mktemp("keys")
    generate_signing_key(folder / "a.pem", folder / "a.pub")
    return folder


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


class VoidBefore:
    """Revocations (pure logic): every token of ``subject`` issued before ``watermark``."""

    def __init__(self) -> None:
        self.watermarks: dict[str, float] = {}

    def check(self, subject: str, issued_at: float) -> None:
        if issued_at < self.watermarks.get(subject, 0.0):
            raise Unauthenticated("access token revoked")


def issue(keys, ttl_seconds: int = 900) -> str:
    issuer = TokenIssuer((keys / "a.pem").read_bytes(), issuer="crm-gateway", audience="crm")
    return issuer.issue(
        user_id="u1",
        username="rep.zhang",
        roles=["sales_rep"],
        department_path="/hq/sales",
        data_scope="own",
        ttl_seconds=ttl_seconds,
    )


def verifier(keys, **options) -> TokenVerifier:
    return TokenVerifier(
        (keys / "a.pub").read_bytes(), issuer="crm-gateway", audience="crm", **options
    )


def test_a_token_s_signature_is_checked_once_for_many_calls(keys):
    token, check = issue(keys), verifier(keys)
    with mock.patch.object(jwt, "decode", wraps=jwt.decode) as decode:
        principals = [check.verify(token) for _ in range(3)]
    assert decode.call_count == 1
    assert {p.user_id for p in principals} == {"u1"}


def test_a_remembered_token_is_refused_once_it_expires(keys):
    token = issue(keys, ttl_seconds=60)
    exp = jwt.decode(token, options={"verify_signature": False})["exp"]
    clock = Clock(exp - 30)
    check = verifier(keys, clock=clock)
    assert check.verify(token).user_id == "u1"
    clock.now = exp + check.leeway + 1
    with pytest.raises(Unauthenticated, match="expired"):
        check.verify(token)


def test_a_remembered_token_is_refused_once_its_user_s_tokens_are_revoked(keys):
    token, revocations = issue(keys), VoidBefore()
    check = verifier(keys, revocations=revocations)
    assert check.verify(token).user_id == "u1"
    revocations.watermarks["u1"] = float("inf")
    with pytest.raises(Unauthenticated, match="revoked"):
        check.verify(token)


def test_a_token_altered_after_one_verified_is_not_taken_for_it(keys):
    token, check = issue(keys), verifier(keys)
    check.verify(token)
    header, payload, signature = token.split(".")
    altered = ".".join(
        (header, payload, signature[:-2] + ("AA" if signature[-2:] != "AA" else "BB"))
    )
    with pytest.raises(Unauthenticated):
        check.verify(altered)


def test_a_full_memory_forgets_expired_then_oldest_tokens_not_all(keys, monkeypatch):
    from crm_shared.auth import tokens

    monkeypatch.setattr(tokens, "VERIFIED_TOKENS_KEPT", 8)
    short = [issue(keys, ttl_seconds=60 + i) for i in range(2)]
    long = [issue(keys, ttl_seconds=3600 + i) for i in range(6)]
    exp = jwt.decode(short[-1], options={"verify_signature": False})["exp"]
    clock = Clock(exp - 30)
    check = verifier(keys, clock=clock)
    for token in [*short, *long]:
        check.verify(token)
    clock.now = exp + check.leeway + 1  # the two short ones have expired
    with mock.patch.object(jwt, "decode", wraps=jwt.decode) as decode:
        check.verify(issue(keys, ttl_seconds=7200))  # the ninth: memory is full
        assert decode.call_count == 1
        for token in long:  # every live token is still remembered: no signature check again
            check.verify(token)
        assert decode.call_count == 1
    assert not set(short) & set(check._verified)

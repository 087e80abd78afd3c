"""Signed access tokens.

ES256 only (pinned on both sides), ``typ: at+jwt`` (RFC 9068), and ``iss``, ``aud``, ``exp``,
``iat``, ``sub`` required. A token with ``alg: none``, another algorithm, another key, another
audience or issuer, or that has expired, is refused with :class:`Unauthenticated`.

Key rotation: the issuer names its key in the header (``kid``, the RFC 7638 thumbprint of the
public key), and a verifier holds a key *set* — a public-key PEM file may hold several keys
(the current one and the previous one), so services accept both while tokens signed with the
old key expire. A token whose ``kid`` is in no key of the set is refused.

Audience: ``aud`` names every process the token is for, and a verifier accepts only a token
that names its own process (:mod:`crm_shared.auth.audiences` says what each token names, and
why). Revocation: a verifier given a :class:`crm_shared.auth.revocations.Revocations` also
refuses a token its subject's last security change (disabled, roles, department, data scope,
password) made void, before its ``exp`` (:mod:`crm_shared.auth.revocations`).
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from crm_shared.auth.audiences import audiences_for
from crm_shared.auth.principal import DataScope, Principal
from crm_shared.errors import Unauthenticated

if TYPE_CHECKING:
    from crm_shared.auth.revocations import Revocations

ALGORITHM = "ES256"
TOKEN_TYPE = "at+jwt"

_PEM_PUBLIC_KEY = re.compile(
    rb"-----BEGIN PUBLIC KEY-----.+?-----END PUBLIC KEY-----", re.DOTALL
)


def _b64url_uint(value: int, length: int) -> str:
    return base64.urlsafe_b64encode(value.to_bytes(length, "big")).rstrip(b"=").decode()


def _jwk_of_key(key) -> dict[str, str]:
    if not isinstance(key, ec.EllipticCurvePublicKey) or key.curve.name != "secp256r1":
        raise ValueError("the JWT public key must be an EC P-256 key (ES256)")
    numbers = key.public_numbers()
    members = {
        "crv": "P-256",
        "kty": "EC",
        "x": _b64url_uint(numbers.x, 32),
        "y": _b64url_uint(numbers.y, 32),
    }
    canonical = json.dumps(members, separators=(",", ":"), sort_keys=True).encode()
    kid = base64.urlsafe_b64encode(hashlib.sha256(canonical).digest()).rstrip(b"=").decode()
    return {**members, "use": "sig", "alg": ALGORITHM, "kid": kid}


def load_public_keys(public_keys_pem: bytes) -> list[ec.EllipticCurvePublicKey]:
    """Every PEM public key in ``public_keys_pem`` (one or more concatenated blocks)."""
    blocks = _PEM_PUBLIC_KEY.findall(public_keys_pem)
    if not blocks:
        raise ValueError("no PEM public key found")
    keys = [serialization.load_pem_public_key(block) for block in blocks]
    for key in keys:
        _jwk_of_key(key)  # refuses a key that is not P-256
    return keys


def public_jwks(public_keys_pem: bytes) -> list[dict[str, str]]:
    """The public key(s) as JWKs (RFC 7517/7518), ``kid`` the RFC 7638 thumbprint."""
    return [_jwk_of_key(key) for key in load_public_keys(public_keys_pem)]


def key_id(public_key) -> str:
    """The ``kid`` of a public key: its RFC 7638 JWK thumbprint."""
    return _jwk_of_key(public_key)["kid"]


def generate_signing_key(private_path: Path, public_path: Path) -> None:
    """Write a new P-256 key pair as PEM files (private one readable by the owner only)."""
    key = ec.generate_private_key(ec.SECP256R1())
    private_path.parent.mkdir(parents=True, exist_ok=True)
    private_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    private_path.chmod(0o600)
    public_path.write_bytes(
        key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )


class TokenIssuer:
    """Signs access tokens. ``audience``, when given, is put in every token as is (a test's
    foreign audience); otherwise each token names what its caller's roles and scopes reach
    (:func:`crm_shared.auth.audiences.audiences_for`)."""

    def __init__(self, private_key_pem: bytes, *, issuer: str,
                 audience: str | Sequence[str] | None = None, ttl_seconds: int = 900):
        self._key = serialization.load_pem_private_key(private_key_pem, password=None)
        self.key_id = key_id(self._key.public_key())
        self.issuer = issuer
        self.audience = audience
        self.ttl_seconds = ttl_seconds

    def issue(
        self,
        *,
        user_id: str,
        username: str,
        roles: list[str] | tuple[str, ...] | frozenset[str],
        department_path: str,
        data_scope: DataScope | str,
        display_name: str = "",
        ttl_seconds: int | None = None,
        scopes: list[str] | tuple[str, ...] | frozenset[str] = (),
        audience: str | Sequence[str] | None = None,
    ) -> str:
        """A signed token; ``audience`` (else the issuer's, else what the roles and scopes
        reach) becomes its ``aud``."""
        issued = time.time()
        now = int(issued)
        audience = audience or self.audience or audiences_for(roles, scopes)
        claims = {
            "iss": self.issuer,
            "aud": audience if isinstance(audience, str) else list(audience),
            "sub": user_id,
            # milliseconds: a token issued just after its user's watermark, in the same second,
            # is not taken for one issued before it (crm_shared.auth.revocations)
            "iat": round(issued, 3),
            "nbf": now,
            "exp": now + (ttl_seconds or self.ttl_seconds),
            "jti": uuid.uuid4().hex,
            "preferred_username": username,
            "name": display_name,
            "roles": sorted(roles),
            "dept": department_path,
            "scope_data": DataScope(data_scope).value,
        }
        if scopes:
            claims["scope"] = " ".join(sorted(set(scopes)))  # RFC 9068 / RFC 8693 form
        return jwt.encode(
            claims,
            self._key,
            algorithm=ALGORITHM,
            headers={"typ": TOKEN_TYPE, "kid": self.key_id},
        )


# How many verified tokens a verifier remembers (a few per signed-in user and service account
# calling this process within a token's lifetime). When full, expired tokens go first, then the
# longest-remembered, down to three quarters: a burst of new tokens must not make every active
# client pay for a signature check again at once.
VERIFIED_TOKENS_KEPT = 4096


class TokenVerifier:
    """Verifies access tokens. A client sends the same token with every call until it expires,
    and checking its ES256 signature is the dearest step of authenticating a call (a large
    share of a unary read's CPU, issue 17), so a token that verified is remembered by its exact
    text with what it says: a later call with it checks again only what can change since -
    its expiry and the revocations - and is refused exactly when a first verification would
    refuse it (the keys, issuer and audience are fixed for the verifier's life)."""

    def __init__(self, public_key_pem: bytes, *, issuer: str, audience: str,
                 leeway_seconds: int = 5, revocations: Revocations | None = None,
                 clock: Callable[[], float] = time.time):
        """``public_key_pem`` holds one PEM public key or several (a key set, for rotation);
        ``audience`` is this process's own name (``audiences.audience_of``): a token must name
        it among its audiences; ``revocations`` (if any) refuses tokens voided before expiry."""
        self._keys = {key_id(key): key for key in load_public_keys(public_key_pem)}
        self.issuer = issuer
        self.audience = audience
        self.leeway = leeway_seconds
        self.revocations = revocations
        self._clock = clock
        # token -> (principal, exp, iat), oldest first; replaced whole when trimmed, so readers
        # need no lock (one trimmer at a time)
        self._verified: dict[str, tuple[Principal, float, float]] = {}
        self._trimming = threading.Lock()

    @classmethod
    def from_file(cls, path: Path, *, issuer: str, audience: str,
                  revocations: Revocations | None = None) -> TokenVerifier:
        return cls(Path(path).read_bytes(), issuer=issuer, audience=audience,
                   revocations=revocations)

    def verify(self, token: str) -> Principal:
        known = self._verified.get(token)
        if known is None:
            known = self._verify_signed(token)
            if len(self._verified) >= VERIFIED_TOKENS_KEPT:
                self._trim()
            self._verified[token] = known
        principal, expires, issued_at = known
        if self._clock() > expires + self.leeway:
            raise Unauthenticated("access token expired")
        if self.revocations is not None:
            self.revocations.check(principal.user_id, issued_at)
        return principal

    def _trim(self) -> None:
        """Forget expired tokens, then the longest-remembered, down to 3/4 of the bound."""
        with self._trimming:
            if len(self._verified) < VERIFIED_TOKENS_KEPT:
                return  # another thread trimmed while this one waited
            now = self._clock()
            live = [(token, known) for token, known in list(self._verified.items())
                    if now <= known[1] + self.leeway]
            self._verified = dict(live[-(VERIFIED_TOKENS_KEPT * 3 // 4):])

    def _verify_signed(self, token: str) -> tuple[Principal, float, float]:
        """The token's principal, ``exp`` and ``iat`` once its signature and claims check."""
        try:
            header = jwt.get_unverified_header(token)
            if header.get("typ") != TOKEN_TYPE:
                raise Unauthenticated("not an access token (typ must be at+jwt)")
            kid = header.get("kid")
            if kid is not None:
                key = self._keys.get(kid)
                if key is None:
                    raise Unauthenticated("invalid access token: unknown signing key (kid)")
            elif len(self._keys) == 1:
                key = next(iter(self._keys.values()))  # tokens issued before kid existed
            else:
                raise Unauthenticated("invalid access token: no kid, and several keys are trusted")
            claims = jwt.decode(
                token,
                key,
                algorithms=[ALGORITHM],
                audience=self.audience,
                issuer=self.issuer,
                leeway=self.leeway,
                options={"require": ["exp", "iat", "iss", "aud", "sub"]},
            )
            principal = Principal(
                user_id=claims["sub"],
                username=claims.get("preferred_username", ""),
                roles=frozenset(claims.get("roles", [])),
                department_path=claims.get("dept", ""),
                data_scope=DataScope(claims.get("scope_data", DataScope.OWN.value)),
                display_name=claims.get("name", ""),
                token=token,
                scopes=frozenset(str(claims.get("scope", "")).split()),
            )
            return principal, float(claims["exp"]), float(claims["iat"])
        except jwt.ExpiredSignatureError:
            raise Unauthenticated("access token expired") from None
        except (jwt.InvalidTokenError, ValueError) as exc:
            raise Unauthenticated(f"invalid access token: {exc}") from None

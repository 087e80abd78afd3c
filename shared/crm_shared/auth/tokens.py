"""Signed access tokens.

ES256 only (pinned on both sides), ``typ: at+jwt`` (RFC 9068), and ``iss``, ``aud``, ``exp``,
``iat``, ``sub`` required. A token with ``alg: none``, another algorithm, another key, another
audience or issuer, or that has expired, is refused with :class:`Unauthenticated`.
"""

from __future__ import annotations

import time
import uuid
from pathlib import Path

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from crm_shared.auth.principal import DataScope, Principal
from crm_shared.errors import Unauthenticated

ALGORITHM = "ES256"
TOKEN_TYPE = "at+jwt"


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
    def __init__(self, private_key_pem: bytes, *, issuer: str, audience: str, ttl_seconds: int = 900):
        self._key = serialization.load_pem_private_key(private_key_pem, password=None)
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
    ) -> str:
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "aud": self.audience,
            "sub": user_id,
            "iat": now,
            "nbf": now,
            "exp": now + (ttl_seconds or self.ttl_seconds),
            "jti": uuid.uuid4().hex,
            "preferred_username": username,
            "name": display_name,
            "roles": sorted(roles),
            "dept": department_path,
            "scope_data": DataScope(data_scope).value,
        }
        return jwt.encode(claims, self._key, algorithm=ALGORITHM, headers={"typ": TOKEN_TYPE})


class TokenVerifier:
    def __init__(self, public_key_pem: bytes, *, issuer: str, audience: str, leeway_seconds: int = 5):
        self._key = serialization.load_pem_public_key(public_key_pem)
        self.issuer = issuer
        self.audience = audience
        self.leeway = leeway_seconds

    @classmethod
    def from_file(cls, path: Path, *, issuer: str, audience: str) -> "TokenVerifier":
        return cls(Path(path).read_bytes(), issuer=issuer, audience=audience)

    def verify(self, token: str) -> Principal:
        try:
            header = jwt.get_unverified_header(token)
            if header.get("typ") != TOKEN_TYPE:
                raise Unauthenticated("not an access token (typ must be at+jwt)")
            claims = jwt.decode(
                token,
                self._key,
                algorithms=[ALGORITHM],
                audience=self.audience,
                issuer=self.issuer,
                leeway=self.leeway,
                options={"require": ["exp", "iat", "iss", "aud", "sub"]},
            )
            return Principal(
                user_id=claims["sub"],
                username=claims.get("preferred_username", ""),
                roles=frozenset(claims.get("roles", [])),
                department_path=claims.get("dept", ""),
                data_scope=DataScope(claims.get("scope_data", DataScope.OWN.value)),
                display_name=claims.get("name", ""),
                token=token,
            )
        except jwt.ExpiredSignatureError:
            raise Unauthenticated("access token expired") from None
        except (jwt.InvalidTokenError, ValueError) as exc:
            raise Unauthenticated(f"invalid access token: {exc}") from None

"""Who is calling: access tokens (RFC 8725 rules), the principal, and record visibility."""

from crm_shared.auth.principal import DataScope, Principal, current_principal, principal_scope
from crm_shared.auth.tokens import (
    TokenIssuer,
    TokenVerifier,
    generate_signing_key,
    public_jwks,
)
from crm_shared.auth.visibility import can_see, visibility_clause

__all__ = [
    "DataScope",
    "Principal",
    "TokenIssuer",
    "TokenVerifier",
    "can_see",
    "current_principal",
    "generate_signing_key",
    "principal_scope",
    "public_jwks",
    "visibility_clause",
]

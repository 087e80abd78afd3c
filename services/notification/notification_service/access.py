"""Who may do what in this service (the caller is the token's principal)."""

from __future__ import annotations

from crm_shared.auth import Principal
from crm_shared.errors import PermissionDenied


def is_operator(principal: Principal) -> bool:
    """Admins and service accounts act on anyone's notifications."""
    return principal.has_role("admin") or principal.is_service_account


def user_of(principal: Principal, named: str, what: str = "notifications") -> str:
    """The user a request is about: the caller's own unless an operator names another."""
    if not named or named == principal.user_id:
        return principal.user_id
    if is_operator(principal):
        return named
    raise PermissionDenied(f"you can read and change only your own {what}")


def require_admin(principal: Principal, what: str) -> None:
    if not principal.has_role("admin"):
        raise PermissionDenied(f"only an administrator can {what}")


def require_operator(principal: Principal, what: str) -> None:
    if not is_operator(principal):
        raise PermissionDenied(f"only an administrator or a service account can {what}")

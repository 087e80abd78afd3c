"""Whose notifications a caller may act on (the caller is the token's principal).

Who may call each RPC at all is declared in the contract (``(crm.common.v1.access)``) and
checked before the handler by the server (``crm_shared.access``): changing templates and rules
and handling dead letters is for admins; ``SendMessages`` for admins and the service accounts
granted ``notification.send``; a customer's export for the privacy roles. A service account is
never an operator here because it is one: it calls only the RPCs its scopes open.
"""

from __future__ import annotations

from crm_shared.auth import Principal
from crm_shared.errors import PermissionDenied

OPERATOR_ROLES = ("admin",)
"""Roles that act on anyone's notifications, preferences and deliveries."""


def is_operator(principal: Principal) -> bool:
    """Admins act on anyone's notifications; everyone else on their own."""
    return principal.has_role(*OPERATOR_ROLES) and not principal.is_service_account


def user_of(principal: Principal, named: str, what: str = "notifications") -> str:
    """The user a request is about: the caller's own unless an operator names another."""
    if not named or named == principal.user_id:
        return principal.user_id
    if is_operator(principal):
        return named
    raise PermissionDenied(f"you can read and change only your own {what}")

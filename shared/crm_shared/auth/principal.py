"""The authenticated caller, carried through a call in a context variable."""

from __future__ import annotations

import contextlib
import contextvars
import enum
from collections.abc import Iterator
from dataclasses import dataclass, field

from crm_shared.errors import Unauthenticated


class DataScope(str, enum.Enum):
    """How much of the company's records a caller may see."""

    OWN = "own"  # records they own
    DEPARTMENT = "department"  # records owned inside their department subtree
    ALL = "all"  # everything


@dataclass(frozen=True)
class Principal:
    user_id: str
    username: str
    roles: frozenset[str]
    department_path: str
    data_scope: DataScope
    display_name: str = ""
    token: str = field(default="", repr=False, compare=False)
    """The raw access token, forwarded to the services this call reaches."""
    scopes: frozenset[str] = frozenset()
    """OAuth scopes granted to a service account (the token's ``scope`` claim)."""

    def has_scope(self, *scopes: str) -> bool:
        return bool(self.scopes.intersection(scopes))

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))

    @property
    def is_service_account(self) -> bool:
        return "service" in self.roles


_current: contextvars.ContextVar[Principal | None] = contextvars.ContextVar(
    "crm_principal", default=None
)


def current_principal(required: bool = True) -> Principal | None:
    principal = _current.get()
    if principal is None and required:
        raise Unauthenticated("this call needs an access token")
    return principal


@contextlib.contextmanager
def principal_scope(principal: Principal | None) -> Iterator[None]:
    token = _current.set(principal)
    try:
        yield
    finally:
        _current.reset(token)

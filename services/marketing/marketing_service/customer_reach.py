"""Which customers a person reaches in marketing, declared once: the customers they see in
segment members, previews, counts, recipients and figures, and the only customers a campaign
or a trigger they create may send to.

The rule is the suite's visibility rule (:mod:`crm_shared.auth.visibility`: one's own
customers, the department subtree's with ``department`` scope, every customer with ``all``)
over the read model's owner and department of each customer, widened to every customer for the
roles of :data:`COMPANY_WIDE_ROLES` only. A department lead who may plan a campaign therefore
reaches the customers of their subtree, never the whole customer base.

A send happens later than the request that planned it (a scheduled launch, a trigger fired by
an event, in the worker, with no user token), so the creator's reach is captured when the
campaign or trigger is created (:meth:`Reach.of`) and stored on it (owner id, department path,
``audience_scope``); the audience is resolved within it at every launch and firing, whoever or
whatever starts it.
"""

from __future__ import annotations

from dataclasses import dataclass

from crm_shared.auth import DataScope, Principal
from crm_shared.auth.visibility import can_see, visibility_clause
from sqlalchemy import ColumnElement, false, select, true

from marketing_service.models import CustomerProfile

COMPANY_WIDE_ROLES = ("marketer",)
"""Roles whose segments, audiences and figures cover every customer whatever their own data
scope: marketers run the company's campaigns (REQUIREMENTS §4). Everybody else, admins and
department leads included, reaches what their data scope shows (admins normally hold ``all``)."""


@dataclass(frozen=True)
class Reach:
    """Whose customers: an owner, their department and a data scope (``all``: everyone)."""

    owner_id: str
    department_path: str
    data_scope: DataScope

    @classmethod
    def of(cls, principal: Principal) -> Reach:
        """The caller's reach: ``all`` for a company-wide role, else their data scope."""
        scope = DataScope.ALL if principal.has_role(*COMPANY_WIDE_ROLES) else principal.data_scope
        return cls(principal.user_id, principal.department_path, scope)

    @classmethod
    def stored(cls, owner_id: str | None, department_path: str | None, scope: str) -> Reach:
        """The reach captured on a campaign or trigger (``audience_scope`` by its word)."""
        return cls(owner_id or "", department_path or "", DataScope(scope))

    @property
    def everyone(self) -> bool:
        return self.data_scope is DataScope.ALL

    def _as_principal(self) -> Principal:
        # An empty department would contain every path: a reach without one is its owner's.
        scope = self.data_scope
        if scope is DataScope.DEPARTMENT and not self.department_path.strip("/"):
            scope = DataScope.OWN
        return Principal(user_id=self.owner_id, username="", roles=frozenset(),
                         department_path=self.department_path, data_scope=scope)

    def clause(self) -> ColumnElement[bool]:
        """The SQL filter of the read model's profiles within reach."""
        if self.everyone:
            return true()
        principal = self._as_principal()
        if principal.data_scope is DataScope.OWN and not self.owner_id:
            return false()  # an owner id "" would match the customers nobody owns yet
        return visibility_clause(principal, CustomerProfile.owner_id,
                                 CustomerProfile.department_path)

    def customers(self, customer_column) -> ColumnElement[bool]:
        """The SQL filter of rows about customers within reach, by their customer id column (a
        customer the read model does not know is out of reach, unless the reach is everyone)."""
        if self.everyone:
            return true()
        return customer_column.in_(select(CustomerProfile.customer_id).where(self.clause()))

    def includes(self, profile: CustomerProfile | None) -> bool:
        """Whether one customer is within reach (unknown to the read model: only for everyone)."""
        if self.everyone:
            return True
        if profile is None:
            return False
        principal = self._as_principal()
        if principal.data_scope is DataScope.OWN and not self.owner_id:
            return False
        return can_see(principal, owner_id=profile.owner_id,
                       department_path=profile.department_path)

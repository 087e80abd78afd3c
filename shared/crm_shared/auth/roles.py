"""The roles a person can hold in the suite, declared once: the administration pages offer
these, and each service decides what a role may do for each call (the services' own role
sets name roles from this list).

``service`` is not here: it marks service accounts, which are made by ``crm-gateway
service-account``, never given to a person.
"""

from __future__ import annotations

ROLES: dict[str, str] = {
    "admin": "Administrator: every record, the suite's configuration",
    "manager": "Manager: leads a department, sees its subtree's records",
    "sales_lead": "Sales lead: the sales team's leads, assignment and reports",
    "sales_rep": "Sales rep: their own leads, customers and deals",
    "agent": "Agent: takes tickets in their department",
    "service_agent": "Service agent: takes calls, may open a ticket for any active customer",
    "service_lead": "Service lead: the service department's queue, escalations and KPIs",
    "marketer": "Marketer: segments, campaigns, triggers and surveys",
    "dpo": "Data protection officer: reveals, exports and erases personal data",
}
"""Role name → what it is for (English; the console translates the name)."""

ROLE_ALIASES: dict[str, str] = {"data_protection_officer": "dpo"}
"""Older role names still honoured for tokens that carry them → the role of :data:`ROLES` they
are now (the contracts' ``(crm.common.v1.access)`` name only the current ones)."""

# Role sets a service decides with and another deployable shows (the console offers a button
# or a list for them). Declared here, once: the service imports the set it enforces, the
# console the set it offers, so the two cannot drift apart.



def _honouring_aliases(current: set[str]) -> frozenset[str]:
    """``current`` role names and the older names (:data:`ROLE_ALIASES`) that now mean them."""
    return frozenset(current | {old for old, now in ROLE_ALIASES.items() if now in current})


REVEAL_ROLES: frozenset[str] = _honouring_aliases({"admin", "dpo"})
"""Who may read a customer's sensitive fields in clear, export and erase personal data, and
read the access log: the roles every personal-data RPC's ``(crm.common.v1.access)`` names
(``shared/tests/unit/test_rpc_access.py`` ties the two), plus their older names for tokens that
carry them. The RPC gate enforces the contracts; the customer service's masking and the console's
Reveal button read this set."""

SALES_REP_ROLES: frozenset[str] = frozenset({"sales_rep", "sales_lead"})
"""Who holds leads: the sales service's rep directory takes users with one of these roles (and
the leads of ``/hq/sales`` departments); the console offers them in assignment rules."""

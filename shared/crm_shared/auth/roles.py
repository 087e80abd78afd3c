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

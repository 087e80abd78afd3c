"""The sidebar: each view module declares its entries (``NAV``) and who they are for.

The roles here only decide what the sidebar offers a person; what they may read or change is
decided by the services for every call, so a hidden page is never the only guard."""

from __future__ import annotations

from dataclasses import dataclass

from crm_shared.auth import Principal

from crm_console.i18n import N_

SALES = frozenset({"sales_rep", "sales_lead", "manager", "admin"})
SALES_LEADS = frozenset({"sales_lead", "manager", "admin"})
SERVICE = frozenset({"agent", "service_agent", "service_lead", "manager", "admin"})
SERVICE_LEADS = frozenset({"service_lead", "manager", "admin"})
MARKETING = frozenset({"marketer", "admin"})
ADMIN = frozenset({"admin"})
EVERYONE: frozenset[str] = frozenset()


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    label: str
    """English message id; shown translated."""
    roles: frozenset[str] = EVERYONE
    """Shown to a principal holding any of these; empty: everyone."""
    order: int = 100
    section: str = ""
    """Message id of the sidebar group (``Sales``, ``Service``…); empty: the top group."""

    def visible_to(self, principal: Principal) -> bool:
        return not self.roles or principal.has_role(*self.roles)


SECTION_ORDER = ("", N_("Sales"), N_("Service"), N_("Marketing"), N_("Reports"),
                 N_("Administration"))

"""The rep directory: who can hold leads, kept from identity events, with the sales profile
(seniority, capacity, availability) that UpdateSalesRep sets.

A user is a rep when they have the role ``sales_rep`` or ``sales_lead``, or lead a department
of the ``/hq/sales`` subtree (team leads take leads too, and may be given them by hand).
Service accounts never are. Identity upserts carry a revision: an older one arriving late is
ignored, so a replay or a reordering never rolls a profile back.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from crm_shared.auth import Principal
from crm_shared.auth.principal import DataScope
from crm_shared.auth.roles import SALES_REP_ROLES
from crm_shared.auth.visibility import in_subtree
from sqlalchemy import select
from sqlalchemy.orm import Session

from sales_service.lead_assignment import RepProfile
from sales_service.models import SalesRep

REP_ROLES = SALES_REP_ROLES  # declared in crm_shared.auth.roles; the console offers these
SALES_ROOT = "/hq/sales"
"""The sales organisation: its department leads are reps, and it is where an unassigned lead
waits when no assignment rule names another department."""
DEFAULT_SENIORITY = "junior"


def qualifies(roles: Iterable[str], *, is_department_lead: bool, department_path: str,
              service_account: bool = False) -> bool:
    """Whether an identity user belongs in the rep directory."""
    if service_account:
        return False
    return bool(REP_ROLES.intersection(roles)) or (
        is_department_lead and in_subtree(department_path, SALES_ROOT))


def new_rep(user_id: str, now: datetime) -> SalesRep:
    return SalesRep(user_id=user_id, username="", display_name="", department_path="",
                    team_lead=False, active=True, seniority=DEFAULT_SENIORITY, max_open_leads=0,
                    available=True, revision=0, update_time=now, updated_by="identity")


def profiles(reps: Iterable[SalesRep], open_counts: dict[str, int]) -> list[RepProfile]:
    return [RepProfile(rep.user_id, rep.department_path, rep.active, rep.available,
                       rep.seniority, rep.max_open_leads, open_counts.get(rep.user_id, 0),
                       rep.last_assign_time, rep.available_again_time) for rep in reps]


def reps_of_group(session: Session, *, department_path: str, user_ids: Iterable[str] = (),
                  lock: bool = False) -> list[SalesRep]:
    """The reps a rule names (its listed users, else its department subtree), locked for the
    assignment's transaction when ``lock`` (two assignments never pick from a stale turn)."""
    query = select(SalesRep)
    listed = list(user_ids)
    if listed:
        query = query.where(SalesRep.user_id.in_(listed))
    else:
        root = department_path.rstrip("/")
        query = query.where((SalesRep.department_path == root)
                            | SalesRep.department_path.startswith(root + "/", autoescape=True))
    if lock:
        query = query.with_for_update()
    return list(session.scalars(query.order_by(SalesRep.user_id)))


def can_manage(principal: Principal, department_path: str) -> bool:
    """Whether the caller may assign leads to (or change the profile of) a rep of
    ``department_path``: an ``all`` scope, or a department scope whose subtree holds it."""
    if principal.data_scope is DataScope.ALL:
        return True
    return principal.data_scope is DataScope.DEPARTMENT and in_subtree(
        department_path, principal.department_path)

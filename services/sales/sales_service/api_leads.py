"""Lead RPCs of ``crm.sales.v1.SalesService``: leads, grading and assignment rules, reps,
assignments and conversion. Mixed into :class:`sales_service.api.SalesServicer`.

Other parts call two hooks on the servicer (mixins share ``self``):
:meth:`LeadRpcs._visible_lead` and :meth:`LeadRpcs._lead_contacted`.
"""

from __future__ import annotations

from datetime import datetime

from crm_shared.auth import Principal
from crm_shared.db import UnitOfWork, utcnow
from crm_shared.errors import NotFound

from sales_service import leads
from sales_service.models import Lead


class LeadRpcs:
    # -- hooks for the other parts ----------------------------------------------------------------

    def _visible_lead(self, uow: UnitOfWork, principal: Principal, lead_id: str) -> Lead:
        """The lead the caller may see, in ``uow``; NOT_FOUND when it does not exist or the
        caller may not see it."""
        lead = leads.get_visible(uow.session, principal, lead_id)
        if lead is None:
            raise NotFound(f"lead {lead_id} not found")
        return lead

    def _lead_contacted(self, uow: UnitOfWork, lead: Lead, *, at: datetime,
                        actor_id: str) -> None:
        """A follow-up with ``lead`` was recorded at ``at`` (in ``uow``): the first one sets
        ``first_contact_time`` and status ``contacted`` and ends the first-contact clock (no
        reminder or escalation fires after it); every one moves ``last_activity_time`` on
        and revives a cold lead. Safe to call for every follow-up."""
        leads.record_contact(lead, at=at, actor_id=actor_id, now=utcnow())

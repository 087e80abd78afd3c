"""Lead RPCs of ``crm.sales.v1.SalesService``: leads, grading and assignment rules, reps,
assignments and conversion. Mixed into :class:`sales_service.api.SalesServicer`."""

from __future__ import annotations


class LeadRpcs:
    pass

"""Activity RPCs of ``crm.sales.v1.SalesService``: follow-up records, manager comments,
follow-up tasks and plans, the sales policy, the follow-up report and the personal-data export.
Mixed into :class:`sales_service.api.SalesServicer`."""

from __future__ import annotations


class ActivityRpcs:
    pass

"""Deal RPCs of ``crm.sales.v1.SalesService``: opportunities, funnel and forecast, quotes,
contracts, payment plans, payments, receivables and purchases, and the deal reports. Mixed into
:class:`sales_service.api.SalesServicer`."""

from __future__ import annotations


class DealRpcs:
    pass

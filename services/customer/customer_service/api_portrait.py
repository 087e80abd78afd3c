"""gRPC methods of ``crm.customer.v1.CustomerService`` for the portrait: classification
policy, portrait, timeline, satisfaction and KPIs. Mixed into
:class:`customer_service.api.CustomerServicer`."""

from __future__ import annotations


class PortraitRpcs:
    """Methods are added here; the servicer in ``api.py`` inherits them."""

"""gRPC methods of ``crm.customer.v1.CustomerService`` for personal data: encrypted fields,
access log, consents, export, erasure, CSV import and export. Mixed into
:class:`customer_service.api.CustomerServicer`."""

from __future__ import annotations


class PersonalDataRpcs:
    """Methods are added here; the servicer in ``api.py`` inherits them."""

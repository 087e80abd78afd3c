"""Limits of the contracts' request fields, declared once: the service enforces them, the gateway
publishes them in its OpenAPI document (and refuses early with the same numbers), and a test
compares the two.

Keyed by the full name of the proto message and the field, so a caller writes
``max_length(ticket_pb2.Ticket, "product")`` and gets the number the ticket service checks.
The copies each side kept before had drifted (the ticket's `product` was 200 in the gateway and
100 in the service; its customer and contact ids 64 and 36; the gateway offered a ticket order
the service refused). Services move their tables here one by one (issue 16); a field without an
entry has no limit declared here yet.
"""

from __future__ import annotations

from google.protobuf.descriptor import Descriptor

ID_LENGTH = 36
"""Length of the ids the services issue: UUIDs as text (`String(36)` columns)."""

REFERENCE_LENGTH = 64
"""Length of a user id, and of another service's record ids stored as references where the
columns are `String(64)` (the sales service's, a customer's source lead and campaign)."""

_MAX_LENGTHS: dict[str, dict[str, int]] = {
    "crm.customer.v1.Customer": {
        "display_name": 200,
        "source_detail": 200,
        "needs": 5000,
        "address": 500,
        "wechat_id": 100,
        "bank_name": 100,
        "primary_contact_id": ID_LENGTH,
        "source_lead_id": REFERENCE_LENGTH,
        "source_campaign_id": REFERENCE_LENGTH,
    },
    "crm.customer.v1.EnterpriseProfile": {
        "legal_name": 200,
        "industry": 100,
        "registration_number": 50,
        "website": 300,
    },
    "crm.customer.v1.IndividualProfile": {"occupation": 100},
    "crm.customer.v1.Contact": {
        "name": 200,
        "job_title": 200,
        "department": 200,
        "wechat_id": 100,
        "notes": 2000,
        "reports_to_contact_id": ID_LENGTH,
    },
    "crm.ticket.v1.Ticket": {
        "title": 300,
        "description": 20_000,
        "product": 100,
        "contact_id": ID_LENGTH,
        "reporter_name": 200,
        "customer_id": ID_LENGTH,
    },
    "crm.sales.v1.Lead": {
        "contact_name": 200,
        "company_name": 300,
        "job_title": 100,
        "phone": 40,
        "email": 254,
        "source_detail": 300,
        "campaign_id": REFERENCE_LENGTH,
        "campaign_variant_id": REFERENCE_LENGTH,
        "need_description": 5000,
        "decision_maker": 200,
        "customer_id": REFERENCE_LENGTH,
    },
    "crm.sales.v1.Activity": {
        "customer_id": REFERENCE_LENGTH,
        "lead_id": REFERENCE_LENGTH,
        "opportunity_id": REFERENCE_LENGTH,
        "contact_id": REFERENCE_LENGTH,
        "contact_name": 200,
        "topic": 200,
        "summary": 20_000,
        "customer_feedback": 20_000,
        "objection": 20_000,
        "next_step": 500,
        "follow_up_task_id": ID_LENGTH,
        "owner_id": REFERENCE_LENGTH,
        "churn_reason": 64,
        "churn_note": 2000,
    },
    "crm.sales.v1.LeadQualification": {
        "need": 2000,
        "budget_note": 500,
        "decision_maker": 200,
        "timeframe": 200,
    },
    "crm.sales.v1.ActivityComment": {"body": 4000},
    "crm.sales.v1.FollowUpTask": {
        "customer_id": REFERENCE_LENGTH,
        "lead_id": REFERENCE_LENGTH,
        "opportunity_id": REFERENCE_LENGTH,
        "owner_id": REFERENCE_LENGTH,
        "title": 200,
        "note": 20_000,
    },
}
"""{message: {field: the most characters a text field may hold}}."""

_ORDERS: dict[str, tuple[str, ...]] = {
    # The first is the default (an empty order_by means it).
    "crm.ticket.v1.ListTicketsRequest": (
        "create_time desc",
        "update_time desc",
        "sla.resolution_due_time",
        "priority",
    ),
}
"""{list request: the values its `order_by` accepts}."""


def _name(message) -> str:
    descriptor = message if isinstance(message, Descriptor) else message.DESCRIPTOR
    return descriptor.full_name


def max_lengths(message) -> dict[str, int]:
    """Every declared text limit of a message (class, instance or descriptor): {field: chars}."""
    return dict(_MAX_LENGTHS.get(_name(message), {}))


def max_length(message, field: str) -> int:
    """The declared limit of one text field; a KeyError names a field without one."""
    try:
        return _MAX_LENGTHS[_name(message)][field]
    except KeyError:
        raise KeyError(f"no length limit declared for {_name(message)}.{field}") from None


def orders(request) -> tuple[str, ...]:
    """The `order_by` values a list request accepts, the default first."""
    return _ORDERS[_name(request)]


def declared_max_lengths() -> dict[str, dict[str, int]]:
    """Every declared text limit: {message full name: {field: chars}} (for the drift test)."""
    return {message: dict(fields) for message, fields in _MAX_LENGTHS.items()}


def declared_orders() -> dict[str, tuple[str, ...]]:
    """Every declared order list: {list request full name: values} (for the drift test)."""
    return dict(_ORDERS)

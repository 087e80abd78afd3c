"""The OAuth scopes a service account can be granted, declared once: the RPCs of the contracts
name them (``(crm.common.v1.access).scopes``, enforced by :mod:`crm_shared.access`), the
gateway grants only these, and ``crm-gateway service-account --scope`` offers them.

A service account is judged by its scopes only (never by its roles), so each system gets
exactly the scopes its calls need. What the suite's own callers hold:

* ``svc.marketing`` (the marketing service's campaign and survey sends): ``notification.send``;
* the gateway's own short-lived token for the public survey form: ``surveys.respond``.

An ERP or e-commerce system that books purchases needs ``purchases.write`` and, because the
sales service checks the customer a purchase names with the caller's token,
``customers.read``.
"""

from __future__ import annotations

SCOPES: dict[str, str] = {
    "customers.read": "Read customers, their contacts, tags, consents and history",
    "customers.write": "Create and change customers, contacts, tags, consents; hand customers over",
    "purchases.read": "Read the purchases every system booked",
    "purchases.write": "Book purchases from an ERP or e-commerce system",
    "campaign_responses.write": "Record customers' responses to any campaign",
    "surveys.respond": "Show a survey link's form and store its answer (the public form)",
    "notification.send": "Send messages to people and customers through the notification service",
}
"""Scope name → what it lets a service account do (English)."""

"""The OAuth scopes a service account can be granted, declared once: the RPCs of the contracts
name them (``(crm.common.v1.access).scopes``, enforced by :mod:`crm_shared.access`), the
gateway grants only these, and ``crm-gateway service-account --scope`` offers them.

A service account is judged by its scopes only (never by its roles), so each system gets
exactly the scopes its calls need. What the suite's own callers hold:

* ``svc.marketing`` (the marketing service's campaign and survey sends): ``notification.send``
  and ``customers.contact_details`` (the address of each message's customer, read as it is
  handed over: events carry phones and e-mails masked), and ``consents.withdraw`` (a customer's
  unsubscribe link or 退订 reply withdraws their marketing consent);
* the gateway's own short-lived token for the public survey form: ``surveys.respond``; for the
  unsubscribe page and the SMS gateway's inbound webhook: ``consents.unsubscribe``;
* the gateway's own short-lived tokens for the public web-to-lead form (``leads.intake``), the
  service-request form (``tickets.intake``), its status lookup (``tickets.status``) and the
  public knowledge base (``kb.read_public``): each public route holds only its own scope.

An ERP or e-commerce system that books purchases needs ``purchases.write`` and, because the
sales service checks the customer a purchase names with the caller's token,
``customers.read``. A campaign a purchase or a public lead names is checked the same way: these
scopes also open the marketing service's ``GetCampaign``, which shows such a caller a running
campaign's id and state, nothing else.
"""

from __future__ import annotations

SCOPES: dict[str, str] = {
    "customers.read": "Read customers, their contacts, tags, consents and history",
    "customers.write": "Create and change customers, contacts, tags, consents; hand customers over",
    "purchases.read": "Read the purchases every system booked",
    "purchases.write": "Book purchases from an ERP or e-commerce system (naming a running "
    "campaign, if any)",
    "campaign_responses.write": "Record customers' responses to any campaign",
    "surveys.respond": "Show a survey link's form and store its answer (the public form)",
    "notification.send": "Send messages to people and customers through the notification service",
    "customers.contact_details": "Read customers' phone and e-mail to send them messages (the "
    "marketing service's sends)",
    "consents.unsubscribe": "Unsubscribe the customer a signed unsubscribe link names, or the "
    "customers texted at a number that replied 退订 (the public unsubscribe page, the SMS "
    "gateway's inbound webhook)",
    "consents.withdraw": "Withdraw a customer's consent (the marketing service, when a customer "
    "unsubscribes)",
    "leads.intake": "Submit a lead from the public web-to-lead form (answers only that it arrived), "
    "naming a campaign that has gone out (running, paused or completed), if any",
    "tickets.intake": "File a ticket from the public service-request form (answers its number), "
    "matching its reporter's phone or e-mail to a customer",
    "tickets.status": "Look up a ticket's state and public replies by its number and the "
    "reporter's phone or e-mail (the public status page)",
    "kb.read_public": "Search and read the knowledge articles marked public (the help centre)",
}
"""Scope name → what it lets a service account do (English)."""

"""What this service holds about one customer, and its erasure.

One selection (:func:`rows_about`) serves both the personal-data export and the erasure, so
what is exported is exactly what is anonymised:

- deliveries addressed to the customer (``Delivery.customer_id``: messages sent to the
  customer's own address);
- inbox entries whose subject is the customer (their title and body were rendered with its
  name), and the deliveries that carried those entries to employees.

What the export shows of them (:func:`exported_text`) never holds a usable survey link: the
link a survey invitation carries is a credential of the customer it was sent to (whoever
holds it answers as them: ``marketing_service.survey_links``), and an export is read by
staff, so each link's token is withheld and the rest of the message is kept.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass

from crm.notification.v1 import notification_pb2
from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from notification_service.models import Delivery, DeliveryAttempt, InboxEntry

SUBJECT_CUSTOMER = "customer"
ERASED = "已删除的客户 / erased customer"
S = notification_pb2.DeliveryStatus
# Not sent yet: after an erasure there is nobody to send them to (the contract's CANCELLED).
UNSENT = (S.DELIVERY_STATUS_PENDING, S.DELIVERY_STATUS_SCHEDULED, S.DELIVERY_STATUS_RETRYING,
          S.DELIVERY_STATUS_FAILED)
SURVEY_LINK_TOKEN = re.compile(r"(/surveys/respond/|/[su]/)[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{20,}")
"""The token of a link that acts in the customer's name: a survey (``…/s/<token>``, the page
customers open, or ``…/api/v1/surveys/respond/<token>``, the gateway's route) or an
unsubscribe link (``…/u/<token>``); a token is ``<payload>.<signature>`` (43 characters; any 20 or more are withheld)."""
WITHHELD_LINK = "[withheld]"


def exported_text(text: str) -> str:
    """``text`` as an export shows it: every survey link's token replaced by
    :data:`WITHHELD_LINK` (the route stays, so the reader sees that a link was sent)."""
    return SURVEY_LINK_TOKEN.sub(lambda match: match.group(1) + WITHHELD_LINK, text or "")


@dataclass
class CustomerRows:
    deliveries: list[Delivery]
    inbox_entries: list[InboxEntry]

    def __len__(self) -> int:
        return len(self.deliveries) + len(self.inbox_entries)


def rows_about(session: Session, customer_ids: Iterable[str]) -> CustomerRows:
    """Every row that concerns one of ``customer_ids``, oldest first."""
    ids = sorted(set(customer_ids) - {""})
    if not ids:
        return CustomerRows([], [])
    entries = list(session.scalars(
        select(InboxEntry)
        .where(InboxEntry.subject_type == SUBJECT_CUSTOMER, InboxEntry.subject_id.in_(ids))
        .order_by(InboxEntry.create_time, InboxEntry.id)))
    about = Delivery.customer_id.in_(ids)
    if entries:
        about = or_(about, Delivery.notification_id.in_([e.id for e in entries]))
    deliveries = list(session.scalars(
        select(Delivery).where(about).order_by(Delivery.create_time, Delivery.id)))
    return CustomerRows(deliveries, entries)


def erase(session: Session, customer_ids: Iterable[str]) -> int:
    """Anonymise every personal value of :func:`rows_about`; keep ids, times and statuses.
    Returns the number of rows anonymised. Running it again changes nothing more."""
    rows = rows_about(session, customer_ids)
    for entry in rows.inbox_entries:
        entry.title = entry.body = ERASED
    for delivery in rows.deliveries:
        delivery.subject = delivery.body = ERASED
        delivery.payload_json = _erased_payload(delivery.payload_json)
        if delivery.customer_id:
            # Sent to the customer's own address: that address is theirs, and so are the
            # errors that quote it.
            delivery.address = ""
            delivery.last_error = ""
            if delivery.status in UNSENT:
                delivery.status, delivery.next_attempt_time = S.DELIVERY_STATUS_CANCELLED, None
            session.execute(update(DeliveryAttempt).where(
                DeliveryAttempt.delivery_id == delivery.id, DeliveryAttempt.error != "")
                .values(error=""))
    return len(rows)


def _erased_payload(payload_json: str) -> str:
    """The webhook payload without the rendered texts (it repeats the title and body)."""
    try:
        payload = json.loads(payload_json or "{}")
    except ValueError:
        return "{}"
    notification = payload.get("notification") if isinstance(payload, dict) else None
    if not isinstance(notification, dict):
        return "{}"
    for key in ("title", "body"):
        if key in notification:
            notification[key] = ERASED
    return json.dumps({"notification": notification}, ensure_ascii=False, sort_keys=True)

"""Writing and reading the in-app inbox. Never commits: the caller's unit of work does."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from crm_shared.db import utcnow
from crm_shared.errors import FieldViolation, InvalidArgument
from crm_shared.grpc.paging import keyset_page
from notification_service import templates
from notification_service.models import InboxEntry, Recipient


def deliver_to_inbox(
    session: Session,
    *,
    recipient_id: str,
    category: str,
    subject_type: str,
    subject_id: str,
    source_event_id: str,
    values: dict[str, str],
) -> InboxEntry:
    recipient = session.get(Recipient, recipient_id)
    locale = recipient.locale if recipient is not None else templates.DEFAULT_LOCALE
    title, body = templates.render(category, locale, **values)
    entry = InboxEntry(
        id=str(uuid.uuid4()),
        recipient_id=recipient_id,
        category=category,
        title=title,
        body=body,
        subject_type=subject_type,
        subject_id=subject_id,
        source_event_id=source_event_id,
        create_time=utcnow(),
    )
    session.add(entry)
    session.flush()
    return entry


def list_inbox(
    session: Session, recipient_id: str, *, page_size: int, page_token: str, unread_only: bool
) -> tuple[list[InboxEntry], str]:
    query = select(InboxEntry).where(InboxEntry.recipient_id == recipient_id)
    if unread_only:
        query = query.where(InboxEntry.read_time.is_(None))
    return keyset_page(
        session, query, created_column=InboxEntry.create_time, id_column=InboxEntry.id,
        page_size=page_size, page_token=page_token,
    )


def unread_count(session: Session, recipient_id: str) -> int:
    return session.scalar(
        select(func.count())
        .select_from(InboxEntry)
        .where(InboxEntry.recipient_id == recipient_id, InboxEntry.read_time.is_(None))
    )


def mark_read(session: Session, recipient_id: str, *, ids: list[str], everything: bool) -> int:
    if not ids and not everything:
        raise InvalidArgument(FieldViolation("ids", "name the notifications to mark, or set all"))
    query = update(InboxEntry).where(
        InboxEntry.recipient_id == recipient_id, InboxEntry.read_time.is_(None)
    )
    if not everything:
        query = query.where(InboxEntry.id.in_(ids))
    return session.execute(query.values(read_time=utcnow())).rowcount

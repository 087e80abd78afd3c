"""Writing and reading the in-app inbox. Never commits: the caller's unit of work does."""

from __future__ import annotations

import json
import uuid
from datetime import datetime

from crm.notification.v1 import notification_pb2
from crm_shared.db import utcnow
from crm_shared.errors import FieldViolation, InvalidArgument, NotFound
from crm_shared.grpc.paging import keyset_page
from crm_shared.timestamps import to_timestamp
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from notification_service.models import InboxEntry


def deliver_to_inbox(
    session: Session,
    *,
    recipient_id: str,
    category: str,
    title: str,
    body: str,
    subject_type: str,
    subject_id: str,
    source_event_id: str,
    priority: int = 0,
    source_service: str = "",
    source_event_name: str = "",
    locale: str = "",
    data: dict[str, str] | None = None,
) -> InboxEntry:
    entry = InboxEntry(
        id=str(uuid.uuid4()),
        recipient_id=recipient_id,
        category=category,
        title=title[:300],
        body=body,
        subject_type=subject_type,
        subject_id=subject_id,
        source_event_id=source_event_id,
        create_time=utcnow(),
        priority=priority,
        action_url=f"/{subject_type}s/{subject_id}" if subject_type and subject_id else "",
        source_service=source_service,
        source_event_name=source_event_name,
        locale=locale,
        data_json=json.dumps(data or {}, ensure_ascii=False),
    )
    session.add(entry)
    session.flush()
    return entry


def get_entry(session: Session, recipient_id: str, entry_id: str) -> InboxEntry:
    entry = session.get(InboxEntry, entry_id)
    if entry is None or entry.recipient_id != recipient_id:
        raise NotFound(f"notification {entry_id} not found")
    return entry


def list_inbox(
    session: Session,
    recipient_id: str,
    *,
    page_size: int,
    page_token: str,
    unread_only: bool,
    category: str = "",
    subject_type: str = "",
    subject_id: str = "",
) -> tuple[list[InboxEntry], str]:
    query = select(InboxEntry).where(InboxEntry.recipient_id == recipient_id)
    if unread_only:
        query = query.where(InboxEntry.read_time.is_(None))
    if category:
        query = query.where(InboxEntry.category == category)
    if subject_type:
        query = query.where(InboxEntry.subject_type == subject_type)
    if subject_id:
        query = query.where(InboxEntry.subject_id == subject_id)
    return keyset_page(
        session, query, created_column=InboxEntry.create_time, id_column=InboxEntry.id,
        page_size=page_size, page_token=page_token,
    )


def unread_by_category(session: Session, recipient_id: str, category: str = "") -> dict[str, int]:
    query = (
        select(InboxEntry.category, func.count())
        .where(InboxEntry.recipient_id == recipient_id, InboxEntry.read_time.is_(None))
        .group_by(InboxEntry.category)
    )
    if category:
        query = query.where(InboxEntry.category == category)
    return {name: count for name, count in session.execute(query)}


def mark_read(
    session: Session,
    recipient_id: str,
    *,
    ids: list[str],
    everything: bool,
    max_create_time: datetime | None = None,
) -> int:
    """Mark the named (or all) unread entries; with ``max_create_time`` only those created up
    to then, so "mark what I have seen" leaves what arrived since unread."""
    if not ids and not everything:
        raise InvalidArgument(FieldViolation("ids", "name the notifications to mark, or set all"))
    query = update(InboxEntry).where(
        InboxEntry.recipient_id == recipient_id, InboxEntry.read_time.is_(None)
    )
    if not everything:
        query = query.where(InboxEntry.id.in_(ids))
    if max_create_time is not None:
        query = query.where(InboxEntry.create_time <= max_create_time)
    return session.execute(query.values(read_time=utcnow())).rowcount


def to_proto(entry: InboxEntry) -> notification_pb2.Notification:
    return notification_pb2.Notification(
        id=entry.id,
        recipient_id=entry.recipient_id,
        category=entry.category,
        title=entry.title,
        body=entry.body,
        subject_type=entry.subject_type,
        subject_id=entry.subject_id,
        source_event_id=entry.source_event_id,
        create_time=to_timestamp(entry.create_time),
        read=entry.read_time is not None,
        read_time=to_timestamp(entry.read_time),
        priority=entry.priority,
        action_url=entry.action_url,
        source_service=entry.source_service,
        source_event_name=entry.source_event_name,
        locale=entry.locale,
        data=json.loads(entry.data_json or "{}"),
    )

"""Attachments of customers and contacts: rows here, bytes in the attachment store
(``crm_shared.attachments``; design in ``docs/attachments.md``).

The object is written before its row is committed: a failed commit leaves an object no row
names (harmless, and never served), never a row without its bytes. A delete and an erasure
remove the row and then the object in the same unit of work, so a failing store rolls the rows
back and the call can be repeated (deleting a missing object is no error).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from crm.common.v1 import attachments_pb2
from crm_shared.attachments import ObjectStore, Upload
from crm_shared.db import utcnow
from crm_shared.timestamps import to_timestamp
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from customer_service.models import Attachment

SERVICE_PREFIX = "customer/"
THUMBNAIL_SUFFIX = ".thumbnail.png"
RECORD_TYPES = ("customer", "contact")


def keys_of(row: Attachment) -> list[str]:
    return [row.storage_key] + ([row.storage_key + THUMBNAIL_SUFFIX] if row.has_thumbnail else [])


def store(
    session: Session,
    objects: ObjectStore,
    upload: Upload,
    *,
    customer_id: str,
    record_type: str,
    record_id: str,
    actor_id: str,
    request_id: str | None,
) -> Attachment:
    attachment_id = str(uuid.uuid4())
    row = Attachment(
        id=attachment_id,
        customer_id=customer_id,
        record_type=record_type,
        record_id=record_id,
        file_name=upload.file_name,
        content_type=upload.content_type,
        size_bytes=len(upload.content),
        sha256=upload.sha256,
        has_thumbnail=upload.thumbnail is not None,
        storage_key=f"{SERVICE_PREFIX}{customer_id}/{attachment_id}",
        uploaded_by=actor_id,
        create_time=utcnow(),
        request_id=request_id,
    )
    objects.put(row.storage_key, upload.content, upload.content_type)
    if upload.thumbnail is not None:
        objects.put(row.storage_key + THUMBNAIL_SUFFIX, upload.thumbnail, "image/png")
    session.add(row)
    session.flush()
    return row


def remove(session: Session, objects: ObjectStore, row: Attachment) -> None:
    session.delete(row)
    session.flush()
    for key in keys_of(row):
        objects.delete(key)


def erase(session: Session, objects: ObjectStore, customer_ids: Iterable[str]) -> int:
    """Delete every attachment of these customers (rows and objects); the number deleted."""
    rows = list(session.scalars(select(Attachment).where(Attachment.customer_id.in_(customer_ids))))
    if not rows:
        return 0
    session.execute(
        delete(Attachment)
        .where(Attachment.id.in_([row.id for row in rows]))
        .execution_options(synchronize_session=False)
    )
    for row in rows:
        for key in keys_of(row):
            objects.delete(key)
    return len(rows)


def to_proto(row: Attachment) -> attachments_pb2.Attachment:
    return attachments_pb2.Attachment(
        id=row.id,
        customer_id=row.customer_id,
        record_type=row.record_type,
        record_id=row.record_id,
        file_name=row.file_name,
        content_type=row.content_type,
        size_bytes=row.size_bytes,
        sha256=row.sha256,
        has_thumbnail=row.has_thumbnail,
        uploaded_by=row.uploaded_by,
        create_time=to_timestamp(row.create_time),
    )

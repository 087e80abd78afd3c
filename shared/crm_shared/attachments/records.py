"""An owning service's attachment rows: the table's columns (a mixin for its ``attachments``
model), and storing, streaming, deleting and erasing them with their objects.

The object is written before its row is committed: a failed commit leaves an object no row
names (harmless, never served), never a row without its bytes. A delete and an erasure remove
the rows and then the objects in the same unit of work, so a failing store rolls the rows back
and the call can be repeated (deleting a missing object is no error). Keys are chosen here
(``<service>/<customer id>/<attachment id>``), never by a caller.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator
from datetime import datetime

from crm.common.v1 import attachments_pb2
from sqlalchemy import BigInteger, Boolean, String, delete, or_, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from crm_shared.attachments.intake import Upload
from crm_shared.attachments.stores import ObjectMissing, ObjectStore
from crm_shared.db import UtcDateTime, utcnow
from crm_shared.timestamps import to_timestamp

THUMBNAIL_SUFFIX = ".thumbnail.png"


class AttachmentRow:
    """The columns of a service's ``attachments`` table (mixed into its model with its Base);
    ``customer_id`` lets the customer's erasure find them. Migrations create the same."""

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    customer_id: Mapped[str] = mapped_column(String(36), index=True)
    record_type: Mapped[str] = mapped_column(String(20))
    """``customer``, ``contact``, ``ticket``, ``follow_up``, ``quote``, ``contract``."""
    record_id: Mapped[str] = mapped_column(String(36), index=True)
    file_name: Mapped[str] = mapped_column(String(255), info={"personal": True})  # 张三名片.jpg
    content_type: Mapped[str] = mapped_column(String(100))
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    has_thumbnail: Mapped[bool] = mapped_column(Boolean, default=False)
    storage_key: Mapped[str] = mapped_column(String(200))
    uploaded_by: Mapped[str] = mapped_column(String(64))
    create_time: Mapped[datetime] = mapped_column(UtcDateTime)
    request_id: Mapped[str | None] = mapped_column(String(64), unique=True)


def keys_of(row: AttachmentRow) -> list[str]:
    return [row.storage_key] + ([row.storage_key + THUMBNAIL_SUFFIX] if row.has_thumbnail else [])


def store(
    session: Session,
    objects: ObjectStore,
    model: type[AttachmentRow],
    upload: Upload,
    *,
    service: str,
    customer_id: str,
    record_type: str,
    record_id: str,
    actor_id: str,
    request_id: str | None,
) -> AttachmentRow:
    attachment_id = str(uuid.uuid4())
    row = model(
        id=attachment_id,
        customer_id=customer_id,
        record_type=record_type,
        record_id=record_id,
        file_name=upload.file_name,
        content_type=upload.content_type,
        size_bytes=len(upload.content),
        sha256=upload.sha256,
        has_thumbnail=upload.thumbnail is not None,
        storage_key=f"{service}/{customer_id}/{attachment_id}",
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


def chunks_of(
    objects: ObjectStore, row: AttachmentRow, *, thumbnail: bool
) -> Iterator[attachments_pb2.AttachmentChunk] | None:
    """The download's chunks, the first one saying what the file is; None when the object is
    gone (erased or deleted since the row was read) or the row has no thumbnail. Call it after
    the visibility check, inside the transaction (it reads the row and opens the object), and
    send the chunks after it closed (a slow reader then holds no database connection)."""
    if thumbnail and not row.has_thumbnail:
        return None
    key = row.storage_key + (THUMBNAIL_SUFFIX if thumbnail else "")
    try:
        data = objects.chunks(key)
    except ObjectMissing:
        return None
    first = attachments_pb2.AttachmentChunk(
        content_type="image/png" if thumbnail else row.content_type,
        file_name=row.file_name,
        size_bytes=0 if thumbnail else row.size_bytes,
    )
    return _numbered(first, data)


def _numbered(first, data: Iterator[bytes]) -> Iterator[attachments_pb2.AttachmentChunk]:
    sent = False
    for piece in data:
        if not sent:
            first.data = piece
            yield first
            sent = True
        else:
            yield attachments_pb2.AttachmentChunk(data=piece)
    if not sent:  # an empty object still tells the client what it is
        yield first


def remove(session: Session, objects: ObjectStore, row: AttachmentRow) -> None:
    session.delete(row)
    session.flush()
    for key in keys_of(row):
        objects.delete(key)


def erase(
    session: Session,
    objects: ObjectStore,
    model: type[AttachmentRow],
    customer_ids: Iterable[str],
    *,
    record_ids: Iterable[str] = (),
) -> int:
    """Delete every attachment of these customers (and of ``record_ids``: the service's records
    about them, attached before they named the customer), rows and objects; the number
    deleted."""
    rows = list(
        session.scalars(
            select(model).where(
                or_(
                    model.customer_id.in_(list(customer_ids)), model.record_id.in_(list(record_ids))
                )
            )
        )
    )
    if not rows:
        return 0
    session.execute(
        delete(model)
        .where(model.id.in_([row.id for row in rows]))
        .execution_options(synchronize_session=False)
    )
    for row in rows:
        for key in keys_of(row):
            objects.delete(key)
    return len(rows)


def to_proto(row: AttachmentRow) -> attachments_pb2.Attachment:
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

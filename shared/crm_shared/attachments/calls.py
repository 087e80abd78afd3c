"""The bodies of an owning service's four attachment RPCs (create, list, download, delete), so
each service writes only how to find its record and who may see it.

The service passes ``find_record(session, principal, request)`` (the record an upload names,
checked with its own "visible record or NOT_FOUND" rule; a :class:`Target`) and
``find_row(session, principal, request, for_update)`` (an attachment whose record the caller
may see, else NOT_FOUND). Everything else — the upload's field checks, the idempotency key,
the object and its row, paging, streaming after the transaction, deleting — is here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from crm.common.v1 import attachments_pb2
from google.protobuf import empty_pb2
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from crm_shared.attachments import records
from crm_shared.attachments.intake import check_upload
from crm_shared.attachments.stores import ObjectStore
from crm_shared.auth import current_principal
from crm_shared.errors import FieldViolation, InvalidArgument, NotFound
from crm_shared.grpc.fields import refuse_unsupported, request_id_violations
from crm_shared.grpc.paging import keyset_page, page_size_of
from crm_shared.repeated_requests import earlier_request


@dataclass(frozen=True)
class Target:
    """The record an upload is attached to, and the customer it is about (for erasure; "" for a
    record about nobody yet)."""

    customer_id: str
    record_type: str
    record_id: str


@dataclass(frozen=True)
class AttachmentCalls:
    """One owning service's attachment RPCs over its ``model`` (an ``AttachmentRow`` table);
    ``service`` is the first part of its object keys, ``record_field`` the request field
    naming the record (``customer_id``, ``ticket_id``)."""

    service: str
    model: type
    record_field: str

    def create(
        self,
        database,
        objects: ObjectStore,
        request,
        find_record: Callable[..., Target],
        *,
        more_fields: frozenset[str] = frozenset(),
    ) -> attachments_pb2.Attachment:
        principal = current_principal()
        refuse_unsupported(
            request, {self.record_field, "file_name", "content", "request_id", *more_fields}
        )
        upload, violations = check_upload(request.file_name, request.content)
        violations = request_id_violations(request.request_id) + violations
        if not getattr(request, self.record_field):
            violations.insert(0, FieldViolation(self.record_field, "is required"))
        if violations:
            raise InvalidArgument(violations)
        try:
            with database.unit_of_work() as uow:
                earlier = self._earlier(uow.session, principal, request.request_id)
                target = find_record(uow.session, principal, request)
                if earlier is not None:
                    return records.to_proto(earlier)
                row = records.store(
                    uow.session,
                    objects,
                    self.model,
                    upload,
                    service=self.service,
                    customer_id=target.customer_id,
                    record_type=target.record_type,
                    record_id=target.record_id,
                    actor_id=principal.user_id,
                    request_id=request.request_id or None,
                )
                return records.to_proto(row)
        except IntegrityError:
            # The same request raced itself: the first one's attachment is the answer.
            with database.unit_of_work(readonly=True) as uow:
                earlier = self._earlier(uow.session, principal, request.request_id)
                if earlier is None:
                    raise
                return records.to_proto(earlier)

    def _earlier(self, session, principal, request_id: str):
        return earlier_request(
            session, self.model, request_id, principal.user_id, creator="uploaded_by"
        )

    def page(self, database, request, check: Callable, where, *, more_fields=frozenset()):
        """(attachments, next page token) of the rows ``where`` selects, newest first, after
        ``check(session, principal)`` (the record is visible, else NOT_FOUND)."""
        principal = current_principal()
        refuse_unsupported(request, {"page_size", "page_token", self.record_field, *more_fields})
        if not getattr(request, self.record_field):
            raise InvalidArgument(FieldViolation(self.record_field, "is required"))
        page_size = page_size_of(request.page_size)
        with database.unit_of_work(readonly=True) as uow:
            check(uow.session, principal)
            rows, next_token = keyset_page(
                uow.session,
                select(self.model).where(*where),
                created_column=self.model.create_time,
                id_column=self.model.id,
                page_size=page_size,
                page_token=request.page_token,
            )
            return [records.to_proto(row) for row in rows], next_token

    def download(
        self, database, objects: ObjectStore, request, find_row: Callable
    ) -> Iterator[attachments_pb2.AttachmentChunk]:
        principal = current_principal()
        refuse_unsupported(request, {"id", "thumbnail", self.record_field})
        with database.unit_of_work(readonly=True) as uow:
            row = find_row(uow.session, principal, request, False)
            chunks = records.chunks_of(objects, row, thumbnail=request.thumbnail)
        # Sent after the transaction closed: a slow reader holds no database connection.
        if chunks is None:  # no thumbnail, or erased or deleted since the row was read
            raise NotFound(f"attachment {request.id} not found")
        yield from chunks

    def delete(self, database, objects: ObjectStore, request, find_row: Callable):
        principal = current_principal()
        refuse_unsupported(request, {"id", self.record_field})
        with database.unit_of_work() as uow:
            row = find_row(uow.session, principal, request, True)
            records.remove(uow.session, objects, row)
        return empty_pb2.Empty()

"""Comments and service records on tickets (mixed into the servicer in :mod:`ticket_service.api`).

Both are written on a ticket the caller can see, with a history entry on the ticket; a public
comment by someone other than the reporter is the ticket's first response.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from crm.ticket.v1 import events_pb2, ticket_pb2
from crm_shared.auth import current_principal
from crm_shared.db import utcnow
from crm_shared.errors import FieldViolation, NotFound
from crm_shared.grpc.fields import request_id_violations, unsupported_fields
from crm_shared.grpc.paging import keyset_page, keyset_page_by, page_size_of
from crm_shared.repeated_requests import earlier_request
from crm_shared.timestamps import from_timestamp
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ticket_service import sla, sla_policies, tickets
from ticket_service.models import ServiceRecordEntry, Ticket, TicketCommentRecord
from ticket_service.validation import refuse
from ticket_service.views import VISIBILITIES, comment_to_proto, service_record_to_proto

MAX_TEXT = 20000
CLOCK_SKEW = timedelta(minutes=5)


def _text(value: str, field: str, *, needed: bool = False) -> list[FieldViolation]:
    if needed and not value.strip():
        return [FieldViolation(field, "is required")]
    if len(value) > MAX_TEXT:
        return [FieldViolation(field, f"must be at most {MAX_TEXT} characters")]
    return []


class ActivityRpcs:
    """Comments and service records."""

    def CreateTicketComment(self, request, context):
        principal = current_principal()
        data = request.comment
        violations = unsupported_fields(request, {"comment", "request_id"})
        violations += unsupported_fields(data, {"ticket_id", "body", "visibility"},
                                         prefix="comment.",
                                         ignored={"id", "author_id", "create_time"})
        violations += _text(data.ticket_id, "comment.ticket_id", needed=True)
        violations += _text(data.body, "comment.body", needed=True)
        violations += request_id_violations(request.request_id)
        refuse(violations)
        visibility = VISIBILITIES.name(data.visibility) or "internal"
        try:
            with self.database.unit_of_work() as uow:
                earlier = earlier_request(uow.session, TicketCommentRecord, request.request_id,
                                          principal.user_id, creator="author_id")
                if earlier is not None:
                    return comment_to_proto(earlier)
                ticket = tickets.get_visible(uow.session, principal, data.ticket_id)
                if ticket is None:
                    raise NotFound(f"ticket {data.ticket_id} not found")
                now = utcnow()
                comment = TicketCommentRecord(
                    ticket_id=ticket.id, author_id=principal.user_id, body=data.body.strip(),
                    visibility=visibility, create_time=now, request_id=request.request_id or None)
                uow.session.add(comment)
                if visibility == "public" and principal.user_id != ticket.created_by:
                    sla.record_first_response(ticket, now)
                tickets.record(uow.session, ticket, "commented", now, principal.user_id,
                               reason=f"{visibility} comment")
                tickets.touch(ticket, now, principal.user_id)
                uow.session.flush()
                return comment_to_proto(comment)
        except IntegrityError:
            if not request.request_id:
                raise
            with self.database.unit_of_work(readonly=True) as uow:
                earlier = uow.session.scalars(select(TicketCommentRecord).where(
                    TicketCommentRecord.request_id == request.request_id)).first()
                if earlier is None or earlier.author_id != principal.user_id:
                    raise
                return comment_to_proto(earlier)

    def ListTicketComments(self, request, context):
        principal = current_principal()
        refuse(unsupported_fields(request, {"page_size", "page_token", "ticket_id",
                                                 "visibility"}))
        with self.database.unit_of_work(readonly=True) as uow:
            ticket = tickets.get_visible(uow.session, principal, request.ticket_id)
            if ticket is None:
                raise NotFound(f"ticket {request.ticket_id} not found")
            query = select(TicketCommentRecord).where(TicketCommentRecord.ticket_id == ticket.id)
            if request.visibility:
                query = query.where(
                    TicketCommentRecord.visibility == VISIBILITIES.name(request.visibility))
            rows, token = keyset_page_by(uow.session, query, order_column=TicketCommentRecord.id,
                                  id_column=TicketCommentRecord.id, descending=False,
                                  page_size=page_size_of(request.page_size),
                                  page_token=request.page_token)
            return ticket_pb2.ListTicketCommentsResponse(
                comments=[comment_to_proto(row) for row in rows], next_page_token=token)

    def CreateServiceRecord(self, request, context):
        principal = current_principal()
        data = request.service_record
        violations = unsupported_fields(request, {"service_record", "request_id"})
        violations += unsupported_fields(
            data, {"ticket_id", "actions_taken", "customer_feedback", "next_plan", "service_time"},
            prefix="service_record.",
            ignored={"id", "customer_id", "author_id", "late", "create_time"})
        violations += _text(data.ticket_id, "service_record.ticket_id", needed=True)
        violations += _text(data.actions_taken, "service_record.actions_taken", needed=True)
        violations += _text(data.customer_feedback, "service_record.customer_feedback")
        violations += _text(data.next_plan, "service_record.next_plan")
        violations += request_id_violations(request.request_id)
        now = utcnow()
        service_time = from_timestamp(data.service_time) if data.HasField("service_time") else now
        if service_time > now + CLOCK_SKEW:
            violations.append(FieldViolation("service_record.service_time",
                                             "must not be in the future"))
        refuse(violations)
        with self.database.unit_of_work() as uow:
            earlier = earlier_request(uow.session, ServiceRecordEntry, request.request_id,
                                      principal.user_id, creator="author_id")
            if earlier is not None:
                return service_record_to_proto(earlier)
            ticket = tickets.get_visible(uow.session, principal, data.ticket_id)
            if ticket is None:
                raise NotFound(f"ticket {data.ticket_id} not found")
            window = sla_policies.ticket_policy(uow.session).service_record_within
            entry = ServiceRecordEntry(
                id=str(uuid.uuid4()), ticket_id=ticket.id, customer_id=ticket.customer_id,
                author_id=principal.user_id, actions_taken=data.actions_taken.strip(),
                customer_feedback=data.customer_feedback.strip(), next_plan=data.next_plan.strip(),
                service_time=service_time, late=now - service_time > window, create_time=now,
                request_id=request.request_id or None)
            uow.session.add(entry)
            tickets.record(uow.session, ticket, "service_recorded", now, principal.user_id,
                           reason=data.actions_taken.strip()[:200])
            tickets.touch(ticket, now, principal.user_id)
            uow.session.flush()
            created = service_record_to_proto(entry)
            uow.emit(events_pb2.ServiceRecordCreated(
                service_record=created, ticket_number=ticket.number,
                department_path=ticket.department_path), key=ticket.id)
            return created

    def ListServiceRecords(self, request, context):
        principal = current_principal()
        refuse(unsupported_fields(request, {"page_size", "page_token", "ticket_id",
                                                 "customer_id"}))
        query = (select(ServiceRecordEntry)
                 .join(Ticket, Ticket.id == ServiceRecordEntry.ticket_id)
                 .where(tickets.ticket_visibility(principal)))
        if request.ticket_id:
            query = query.where(ServiceRecordEntry.ticket_id == request.ticket_id)
        if request.customer_id:
            query = query.where(ServiceRecordEntry.customer_id == request.customer_id)
        with self.database.unit_of_work(readonly=True) as uow:
            rows, token = keyset_page(
                uow.session, query, created_column=ServiceRecordEntry.create_time,
                id_column=ServiceRecordEntry.id, page_size=page_size_of(request.page_size),
                page_token=request.page_token)
            return ticket_pb2.ListServiceRecordsResponse(
                service_records=[service_record_to_proto(row) for row in rows],
                next_page_token=token)

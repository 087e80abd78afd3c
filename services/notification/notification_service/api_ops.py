"""Operations over gRPC: dead letters, notification KPIs and the personal-data export.

Dead letters are the worker's dead-lettered events (a handler kept failing on them), parked
in its dead-letter queue by the shared runtime; listing and replaying reuse
:mod:`crm_shared.events.deadletters`. Replayed and discarded ones are kept in
``dead_letter_resolutions`` for audit, since they leave the queue.
"""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta

from crm.common.v1 import privacy_pb2, reporting_pb2, types_pb2

# The events this service consumes, imported so their names resolve in the descriptor pool.
from crm.customer.v1 import events_pb2 as _customer_events  # noqa: F401
from crm.identity.v1 import events_pb2 as _identity_events  # noqa: F401
from crm.notification.v1 import notification_pb2
from crm.sales.v1 import events_pb2 as _sales_events  # noqa: F401
from crm.ticket.v1 import events_pb2 as _ticket_events  # noqa: F401
from crm_shared.auth import DataScope, current_principal
from crm_shared.auth.visibility import in_subtree
from crm_shared.db import utcnow
from crm_shared.errors import (
    FieldViolation,
    InvalidArgument,
    NotFound,
    Unavailable,
)
from crm_shared.events import deadletters, wire
from crm_shared.grpc.paging import page_size_of
from crm_shared.timestamps import to_timestamp
from google.protobuf import json_format, struct_pb2
from google.protobuf.descriptor_pool import Default as default_pool
from sqlalchemy import and_, func, select

from notification_service import customer_data, deliveries, inbox
from notification_service.access import is_operator
from notification_service.models import DeadLetterResolution, Delivery, Recipient

SERVICE = "notification"
D = notification_pb2.DeadLetterState
S = notification_pb2.DeliveryStatus
SENT_CHANNELS = (types_pb2.DELIVERY_CHANNEL_EMAIL, types_pb2.DELIVERY_CHANNEL_WEBHOOK)


def _routing_key(event_type: str) -> str:
    """The event name of a full proto name, from its contract option (when loaded here)."""
    try:
        return wire.event_name(default_pool().FindMessageTypeByName(event_type))
    except (KeyError, ValueError):
        return ""


def _parked_to_proto(letter: deadletters.DeadLetter) -> notification_pb2.DeadLetter:
    headers = {str(k): str(v) for k, v in (letter.properties.headers or {}).items()
               if isinstance(v, (str, int, float, bool))}
    parts = letter.event_type.split(".")
    source = parts[1] if len(parts) > 3 else ""
    return notification_pb2.DeadLetter(
        id=letter.event_id, queue=letter.queue, exchange=f"{source}.events" if source else "",
        routing_key=_routing_key(letter.event_type), event_id=letter.event_id,
        event_type=letter.event_type, payload=letter.body.decode("utf-8", "replace"),
        headers=headers, error=letter.error, attempt_count=letter.attempts,
        state=D.DEAD_LETTER_STATE_PARKED,
    )


def _resolved_to_proto(row: DeadLetterResolution) -> notification_pb2.DeadLetter:
    return notification_pb2.DeadLetter(
        id=row.event_id, queue=row.queue, routing_key=row.routing_key, event_id=row.event_id,
        event_type=row.event_type, payload=row.payload, error=row.error,
        attempt_count=row.attempt_count, state=row.state,
        resolve_time=to_timestamp(row.resolve_time), resolved_by=row.resolved_by,
        discard_reason=row.discard_reason,
    )


def _period(report_range: types_pb2.DateRange) -> tuple[datetime, datetime]:
    try:
        start = date.fromisoformat(report_range.start_date)
        end = date.fromisoformat(report_range.end_date)
    except ValueError:
        raise InvalidArgument(FieldViolation("period", "needs start_date and end_date as YYYY-MM-DD")) from None
    if end < start:
        raise InvalidArgument(FieldViolation("period.end_date", "is before start_date"))
    tz = utcnow().tzinfo
    return (datetime.combine(start, time(0), tzinfo=tz),
            datetime.combine(end + timedelta(days=1), time(0), tzinfo=tz))


def _record(resource_type: str, resource_id: str, create_time, update_time,
            data: dict) -> privacy_pb2.PersonalDataRecord:
    return privacy_pb2.PersonalDataRecord(
        resource_type=resource_type, resource_id=resource_id,
        audit=types_pb2.AuditStamp(create_time=to_timestamp(create_time),
                                   update_time=to_timestamp(update_time)),
        data=json_format.ParseDict(json.loads(json.dumps(data)), struct_pb2.Struct()))


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


class OpsRpcs:
    """Mixed into the servicer; expects ``self.database`` and ``self.settings``."""

    def _amqp_url(self) -> str:
        if self.settings is None or not getattr(self.settings, "amqp_url", ""):
            raise Unavailable("dead letters need the message broker (AMQP_URL)")
        return self.settings.amqp_url

    # -- dead letters ------------------------------------------------------------------------

    def ListDeadLetters(self, request, context):
        size = page_size_of(request.page_size)
        offset = int(request.page_token) if request.page_token.isdigit() else 0
        if request.page_token and not request.page_token.isdigit():
            raise InvalidArgument(FieldViolation("page_token", "is not a token this service issued"))
        state = request.state or D.DEAD_LETTER_STATE_PARKED
        if state == D.DEAD_LETTER_STATE_PARKED:
            letters = [_parked_to_proto(letter)
                       for letter in deadletters.list_dead_letters(self._amqp_url(), SERVICE)]
        else:
            with self.database.unit_of_work(readonly=True) as uow:
                letters = [_resolved_to_proto(row) for row in uow.session.scalars(
                    select(DeadLetterResolution).where(DeadLetterResolution.state == state)
                    .order_by(DeadLetterResolution.resolve_time.desc()))]
        letters = [letter for letter in letters
                   if (not request.queue or letter.queue == request.queue)
                   and (not request.routing_key or letter.routing_key == request.routing_key)]
        page = letters[offset:offset + size]
        token = str(offset + size) if offset + size < len(letters) else ""
        return notification_pb2.ListDeadLettersResponse(dead_letters=page, next_page_token=token)

    def GetDeadLetter(self, request, context):
        with self.database.unit_of_work(readonly=True) as uow:
            row = uow.session.get(DeadLetterResolution, request.id) if request.id else None
            if row is not None:
                return _resolved_to_proto(row)
        for letter in deadletters.list_dead_letters(self._amqp_url(), SERVICE):
            if letter.event_id == request.id:
                return _parked_to_proto(letter)
        raise NotFound(f"dead letter {request.id} not found")

    def ReplayDeadLetter(self, request, context):
        principal = current_principal()
        taken = deadletters.replay_dead_letters(self._amqp_url(), SERVICE, {request.id})
        return self._resolve(taken, request.id, D.DEAD_LETTER_STATE_REPLAYED, principal.user_id)

    def DiscardDeadLetter(self, request, context):
        principal = current_principal()
        if not request.reason.strip():
            raise InvalidArgument(FieldViolation("reason", "is required"))
        taken = deadletters.discard_dead_letters(self._amqp_url(), SERVICE, {request.id})
        return self._resolve(taken, request.id, D.DEAD_LETTER_STATE_DISCARDED, principal.user_id,
                             reason=request.reason.strip()[:500])

    def _resolve(self, taken, event_id, state, user_id, reason: str = ""):
        if not taken:
            raise NotFound(f"no parked dead letter {event_id}")
        letter = taken[0]
        # The broker operation is done; only now a (short) transaction records it.
        with self.database.unit_of_work() as uow:
            row = uow.session.get(DeadLetterResolution, event_id)
            if row is None:
                row = DeadLetterResolution(event_id=event_id)
                uow.session.add(row)
            row.queue, row.routing_key = letter.queue, _routing_key(letter.event_type)
            row.event_type, row.payload = letter.event_type, letter.body.decode("utf-8", "replace")
            row.error, row.attempt_count = letter.error, letter.attempts
            row.state, row.resolve_time, row.resolved_by = state, utcnow(), user_id
            row.discard_reason = reason
            uow.session.flush()
            return _resolved_to_proto(row)

    # -- KPIs --------------------------------------------------------------------------------

    def GetNotificationKpis(self, request, context):
        principal = current_principal()
        start, end = _period(request.period)
        where = [Delivery.create_time >= start, Delivery.create_time < end]
        scope_path = request.department_path
        if is_operator(principal) or principal.data_scope is DataScope.ALL:
            pass
        elif principal.data_scope is DataScope.DEPARTMENT:
            if not scope_path or not in_subtree(scope_path, principal.department_path):
                scope_path = principal.department_path
        else:
            where.append(Delivery.recipient_id == principal.user_id)
        if scope_path:
            root = scope_path.rstrip("/")
            members = select(Recipient.user_id).where(
                (Recipient.department_path == root)
                | Recipient.department_path.startswith(root + "/", autoescape=True))
            where.append(Delivery.recipient_id.in_(members))
        # Counted by the database, and only the delivered ones' two times read for the
        # percentiles: loading every delivery of the period took most of a second with a
        # few thousand (the dashboard's "Refresh figures" asks every time).
        sent = Delivery.channel.in_(SENT_CHANNELS)
        is_delivered = and_(sent, Delivery.status == S.DELIVERY_STATUS_DELIVERED)
        with self.database.unit_of_work(readonly=True) as uow:
            total, sent_count, delivered, failed, suppressed = uow.session.execute(
                select(func.count(), func.count().filter(sent), func.count().filter(is_delivered),
                       func.count().filter(and_(sent, Delivery.status == S.DELIVERY_STATUS_FAILED)),
                       func.count().filter(Delivery.suppress_reason == "duplicate"))
                .where(*where)).one()
            latencies = [(done - created).total_seconds() for done, created in uow.session.execute(
                select(Delivery.deliver_time, Delivery.create_time)
                .where(*where, is_delivered, Delivery.deliver_time.is_not(None)))]
        settled = delivered + failed

        def kpi(key, name, value, unit, higher, sample):
            return reporting_pb2.Kpi(key=key, display_name=name, value=value, unit=unit,
                                     higher_is_better=higher, sample_size=sample)

        return reporting_pb2.KpiReport(
            period=request.period, department_path=request.department_path,
            kpis=[
                kpi("delivery_success_rate", "Delivery success rate",
                    delivered / settled if settled else 0.0, "ratio", True, settled),
                kpi("delivery_latency_seconds_p50", "Delivery latency p50",
                    _percentile(latencies, 0.5), "s", False, len(latencies)),
                kpi("delivery_latency_seconds_p99", "Delivery latency p99",
                    _percentile(latencies, 0.99), "s", False, len(latencies)),
                kpi("duplicates_suppressed", "Duplicates suppressed", float(suppressed),
                    "count", False, total),
                kpi("dead_letters", "Deliveries given up", float(failed), "count", False,
                    sent_count),
            ],
            compute_time=to_timestamp(utcnow()), source_service=SERVICE,
        )

    # -- personal data -----------------------------------------------------------------------

    def ExportCustomerData(self, request, context):
        # Who may call it at all (the privacy roles) is the contract's, checked before this.
        principal = current_principal()
        if not request.customer_id:
            raise InvalidArgument(FieldViolation("customer_id", "is required"))
        if not self.customer_visibility.sees(principal, request.customer_id):
            # Like every read, only what the caller may see (the customer service tells).
            raise NotFound(f"customer {request.customer_id} not found")
        with self.database.unit_of_work(readonly=True) as uow:
            rows = customer_data.rows_about(uow.session, [request.customer_id])
            records = []
            for row in rows.deliveries:
                data = json_format.MessageToDict(deliveries.to_proto(row),
                                                 preserving_proto_field_name=True)
                if row.customer_id:
                    # In clear: the export is for the subject, and this is their own address
                    # (a notification about them went to an employee, whose address stays masked).
                    data["recipient_address"] = row.address
                data["body"] = customer_data.exported_text(row.body)
                data["subject"] = customer_data.exported_text(row.subject)
                records.append(_record("message_delivery", row.id, row.create_time,
                                       row.update_time, data))
            for entry in rows.inbox_entries:
                data = json_format.MessageToDict(inbox.to_proto(entry),
                                                 preserving_proto_field_name=True)
                for key in ("title", "body"):
                    if key in data:
                        data[key] = customer_data.exported_text(data[key])
                records.append(_record("notification", entry.id, entry.create_time,
                                       entry.create_time, data))
        return privacy_pb2.PersonalDataExport(
            customer_id=request.customer_id, source_service=SERVICE,
            generate_time=to_timestamp(utcnow()), records=records)

"""gRPC servicer of ``crm.ticket.v1.TicketService``: translation between proto and domain.

Ticket lifecycle, routing and transfers live here; comments and service records in
:mod:`ticket_service.api_activity`, routing rules and agents in :mod:`ticket_service.api_routing`;
set-up and read models (SLA policies, calendars, ticket policy, call-backs, knowledge, KPIs)
come from :class:`ticket_service.api_setup.SetupRpcs`.

Every method opens one unit of work: the change, its history entries and its event (outbox)
commit together. A ticket the caller may not see is NOT_FOUND, exactly as if it did not exist.
"""

from __future__ import annotations

import contextlib
import random
import uuid
from collections.abc import Callable
from datetime import UTC, datetime

from crm.common.v1 import types_pb2
from crm.ticket.v1 import events_pb2, ticket_pb2, ticket_pb2_grpc
from crm_shared import list_exports
from crm_shared.attachments import store_from_settings
from crm_shared.auth import Principal, current_principal
from crm_shared.db import Database, UnitOfWork, utcnow
from crm_shared.errors import (
    Conflict,
    FieldViolation,
    InvalidArgument,
    NotFound,
)
from crm_shared.field_limits import orders
from crm_shared.grpc.fields import refuse_unsupported, request_id_violations, unsupported_fields
from crm_shared.grpc.paging import keyset_page_by, page_size_of
from crm_shared.grpc.server import ServiceBinding
from crm_shared.references import TICKET, Referenced
from crm_shared.repeated_requests import earlier_request
from crm_shared.settings import ApiSettings
from crm_shared.spreadsheet_cells import CHINESE_LOCALE, encode_table
from crm_shared.telemetry import current_traceparent, within_trace_of
from crm_shared.timestamps import from_timestamp
from sqlalchemy import case, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from ticket_service import (
    callbacks,
    knowledge,
    lifecycle,
    routing,
    sla,
    sla_policies,
    ticket_table,
    tickets,
)
from ticket_service.api_activity import ActivityRpcs
from ticket_service.api_attachments import AttachmentRpcs
from ticket_service.api_public import PublicRpcs
from ticket_service.api_routing import RoutingRpcs
from ticket_service.api_setup import SetupRpcs
from ticket_service.api_targets import ServiceTargetRpcs
from ticket_service.customers import NO_CUSTOMER, CustomerDirectory, CustomerFacts
from ticket_service.models import (
    KnowledgeArticle,
    RoutingDecisionRecord,
    Ticket,
    TicketHistoryEntry,
)
from ticket_service.validation import descriptive_violations, required
from ticket_service.views import (
    CHANNELS,
    HISTORY_KINDS,
    PRIORITIES,
    STATES,
    TYPES,
    decision_to_proto,
    etag_of,
    event_view,
    history_to_proto,
    ticket_for_event,
    ticket_to_proto,
)

CREATE_FIELDS = {"type", "category", "title", "description", "channel", "product", "keywords",
                 "priority", "customer_id", "contact_id", "reporter_name", "reporter_phone",
                 "reporter_email", "external_ids"}
UPDATE_FIELDS = {"title", "description", "category", "product", "keywords", "contact_id",
                 "reporter_name", "reporter_phone", "reporter_email", "external_ids"}
OUTPUT_ONLY_FIELDS = {"id", "number", "priority_reason", "state", "customer_value_class",
                      "customer_at_risk", "department_path", "assignee_id", "account_manager_id",
                      "sla", "resolution", "transfer_count", "reopen_count", "escalation_level",
                      "satisfaction_score", "create_time", "update_time", "route_time",
                      "first_response_time", "resolve_time", "confirm_time", "close_time",
                      "last_activity_time", "created_by", "updated_by", "etag", "history",
                      "routing_decisions"}
LIST_FILTERS = {"page_size", "page_token", "query", "states", "types", "priorities",
                "department_path", "assignee_id", "customer_id", "account_manager_id", "category",
                "sla_breached", "min_create_time", "max_create_time", "order_by"}
# Orders ListTickets pages by (keyset over the order's value and the id): (value, descending,
# the value of a row). `sla.resolution_due_time` is the queue's order: the most urgent first,
# tickets without a resolution clock last; `priority` puts urgent tickets first. The names are
# declared once in crm_shared.field_limits, which the gateway publishes: ORDERS is built from
# that list, so a declared order without a sort here fails at import, not in a client's request.
NO_DUE_TIME = datetime(9999, 1, 1, tzinfo=UTC)
_DUE_ORDER = func.coalesce(Ticket.resolution_due_time, NO_DUE_TIME).label("due_order")
_PRIORITY_RANK = {name: len(routing.PRIORITIES) - index
                  for index, name in enumerate(routing.PRIORITIES)}  # urgent highest
_PRIORITY_ORDER = case(_PRIORITY_RANK, value=Ticket.priority, else_=0).label("priority_order")
_SORTS = {
    "create_time desc": (Ticket.create_time, True, None),
    "update_time desc": (Ticket.update_time, True, None),
    "sla.resolution_due_time": (_DUE_ORDER, False,
                                lambda row: row.resolution_due_time or NO_DUE_TIME),
    "priority": (_PRIORITY_ORDER, True, lambda row: _PRIORITY_RANK.get(row.priority, 0)),
}
_DECLARED_ORDERS = orders(ticket_pb2.ListTicketsRequest)
ORDERS = {"": _SORTS[_DECLARED_ORDERS[0]], **{name: _SORTS[name] for name in _DECLARED_ORDERS}}
# ExportTicketsRequest: ListTickets' filters (not its paging) and the file's shape.
EXPORT_FIELDS = (LIST_FILTERS - {"page_size", "page_token"}) | list_exports.FILE_FIELDS
# Who exported which tickets' reporter contacts: the service's audit trail of personal data.
AUDIT_LOG = list_exports.audit_log("ticket_service")


def _list_selection(principal, request):
    """The conditions and the order (value, descending, sort value) of ListTickets' and
    ExportTickets' selection: the caller's visibility and the request's filters."""
    order = " ".join(request.order_by.split())
    if order not in ORDERS:
        raise InvalidArgument(FieldViolation(
            "order_by", "supported: " + ", ".join(f"`{o}`" for o in ORDERS if o)))
    where = [tickets.ticket_visibility(principal)]
    query = request.query.strip()
    if query:
        where.append(or_(Ticket.number.icontains(query, autoescape=True),
                         Ticket.title.icontains(query, autoescape=True),
                         Ticket.description.icontains(query, autoescape=True)))
    for field, names, column in (("states", STATES, Ticket.state),
                                 ("types", TYPES, Ticket.type),
                                 ("priorities", PRIORITIES, Ticket.priority)):
        values = [names.name(value) for value in getattr(request, field)]
        if values:
            if not all(values):
                raise InvalidArgument(FieldViolation(field, "holds an unspecified value"))
            where.append(column.in_(values))
    if request.department_path:
        root = request.department_path.rstrip("/")
        where.append(or_(Ticket.department_path == root,
                         Ticket.department_path.startswith(root + "/", autoescape=True)))
    for field in ("assignee_id", "customer_id", "account_manager_id", "category"):
        if getattr(request, field):
            where.append(getattr(Ticket, field) == getattr(request, field))
    if request.HasField("sla_breached"):
        breached = or_(Ticket.first_response_breached.is_(True),
                       Ticket.resolution_breached.is_(True))
        where.append(breached if request.sla_breached else ~breached)
    if request.HasField("min_create_time"):
        where.append(Ticket.create_time >= from_timestamp(request.min_create_time))
    if request.HasField("max_create_time"):
        where.append(Ticket.create_time < from_timestamp(request.max_create_time))
    return where, ORDERS[order]


def keywords_of(given, title: str, description: str) -> list[str]:
    """The given keywords, then the known ones found in the text, each once."""
    seen: dict[str, None] = {}
    for word in [*(w.strip() for w in given), *routing.found_keywords(f"{title}\n{description}")]:
        seen.setdefault(word, None)
    return list(seen)


def check_etag(ticket: Ticket, etag: str) -> None:
    if etag and etag != etag_of(ticket):
        raise Conflict(f"ticket {ticket.id} changed since it was read (etag {etag} is stale)")


def solved_case_draft(ticket: Ticket, actor_id: str, now: datetime) -> KnowledgeArticle:
    """A draft knowledge article (solved case) written from a resolved ticket."""
    chinese = any("\u4e00" <= char <= "\u9fff" for char in ticket.title + ticket.description)
    article = KnowledgeArticle(id=str(uuid.uuid4()), view_count=0, use_count=0, version=1,
                               created_by=actor_id, updated_by=actor_id, create_time=now,
                               update_time=now)
    knowledge.apply(article, knowledge.ArticleInput(
        kind="solved_case", title=ticket.title, category=ticket.category, product=ticket.product,
        body=f"{ticket.description}\n\n---\n\n{ticket.resolution}",
        keywords=list(ticket.keywords or [])[:knowledge.MAX_KEYWORDS], ticket_types=[ticket.type],
        source_ticket_id=ticket.id, locale="zh-CN" if chinese else "en-US",
        state=knowledge.DRAFT, department_path=ticket.department_path))
    return article


Change = Callable[[UnitOfWork, Ticket, Principal, datetime], Callable[[ticket_pb2.Ticket], object]]


class TicketServicer(SetupRpcs, ActivityRpcs, RoutingRpcs, PublicRpcs, ServiceTargetRpcs,
                     AttachmentRpcs, ticket_pb2_grpc.TicketServiceServicer):
    def __init__(
        self,
        database: Database,
        settings: ApiSettings | None = None,
        *,
        rng: random.Random | None = None,
        customers: CustomerDirectory | None = None,
    ) -> None:
        self.database = database
        self.settings = settings
        self.rng = rng or random.Random()
        address = getattr(settings, "customer_addr", None)
        if customers is None and address:
            customers = CustomerDirectory(
                address, timeout_seconds=getattr(settings, "customer_lookup_timeout_seconds", 2.0))
        self.customers = customers
        """None: no customer service configured (tests of other parts); routing goes without."""

    # -- helpers ----------------------------------------------------------------------------------

    def _customer_facts(self, customer_id: str) -> CustomerFacts:
        if not customer_id:
            return NO_CUSTOMER
        if self.customers is None:
            return CustomerFacts(known=False, note="customer service not configured")
        return self.customers.facts(customer_id)

    def _change(self, action: str, ticket_id: str, etag: str, change: Change, *,
                touch: bool = True):
        """Load the visible ticket, check its etag, apply ``change`` and emit the event it
        builds from the ticket after the change — all in one unit of work, inside a span
        ``ticket.<action>`` that continues the ticket's trace (linked to this request's)."""
        principal = current_principal()
        now = utcnow()
        try:
            with self.database.unit_of_work() as uow, contextlib.ExitStack() as span:
                ticket = self._visible(uow, principal, ticket_id)
                span.enter_context(within_trace_of(ticket.trace_parent or "", f"ticket.{action}",
                                                   {"crm.ticket.id": ticket.id}))
                check_etag(ticket, etag)
                build_event = change(uow, ticket, principal, now)
                if touch:
                    tickets.touch(ticket, now, principal.user_id)
                uow.session.flush()
                after = ticket_to_proto(ticket)
                if build_event is not None:
                    uow.emit(build_event(ticket_for_event(after)), key=ticket.id)
            return after
        except StaleDataError as exc:
            raise Conflict(f"ticket {ticket_id} was changed by someone else meanwhile; "
                           "read it again") from exc

    def referenced_ticket(self, ticket_id: str) -> Referenced | None:
        """The look-up of ``crm_shared.references`` for a ticket being changed: the ticket as
        the caller may see it, with the customer it names (a new contact must be one of that
        customer's); None when it is not the caller's to see."""
        with self.database.unit_of_work(readonly=True) as uow:
            ticket = tickets.get_visible(uow.session, current_principal(), ticket_id)
            if ticket is None:
                return None
            return Referenced(owner_id="", department_path=ticket.department_path, active=True,
                              belongs_to_id=ticket.customer_id or "")

    @staticmethod
    def _visible(uow: UnitOfWork, principal: Principal, ticket_id: str) -> Ticket:
        ticket = tickets.get_visible(uow.session, principal, ticket_id)
        if ticket is None:
            raise NotFound(f"ticket {ticket_id} not found")
        return ticket

    # -- create -----------------------------------------------------------------------------------

    def CreateTicket(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"ticket", "request_id"})
        data = request.ticket
        violations = unsupported_fields(data, CREATE_FIELDS, prefix="ticket.",
                                        ignored=OUTPUT_ONLY_FIELDS)
        if not TYPES.name(data.type):
            violations.append(FieldViolation("ticket.type", "is required"))
        violations += descriptive_violations(data, CREATE_FIELDS)
        if not data.customer_id and not (data.reporter_phone or data.reporter_email):
            violations.append(FieldViolation(
                "ticket.customer_id", "is required unless the reporter's phone or e-mail is given"))
        if data.priority and not PRIORITIES.name(data.priority):
            violations.append(FieldViolation("ticket.priority", "is not a known priority"))
        if data.channel and not CHANNELS.name(data.channel):
            violations.append(FieldViolation("ticket.channel", "is not a known channel"))
        violations += request_id_violations(request.request_id)
        if violations:
            raise InvalidArgument(violations)

        with self.database.unit_of_work(readonly=True) as uow:
            earlier = earlier_request(uow.session, Ticket, request.request_id, principal.user_id)
            if earlier is not None:
                return ticket_to_proto(earlier)
        # Asked before the transaction opens: a slow peer must not hold the write lock.
        facts = self._customer_facts(data.customer_id)
        try:
            with self.database.unit_of_work() as uow:
                created = self._create(uow, principal, data, request.request_id, facts)
            return created
        except IntegrityError:
            # Two retries of one request raced; the other one won. Answer with its result.
            with self.database.unit_of_work(readonly=True) as uow:
                earlier = earlier_request(uow.session, Ticket, request.request_id,
                                          principal.user_id)
                if earlier is None:
                    raise
                return ticket_to_proto(earlier)

    def _create(self, uow: UnitOfWork, principal: Principal, data: ticket_pb2.Ticket,
                request_id: str, facts: CustomerFacts) -> ticket_pb2.Ticket:
        session = uow.session
        now = utcnow()
        title, description = data.title.strip(), data.description.strip()
        keywords = keywords_of(data.keywords, title, description)
        category = data.category or routing.infer_category(
            "\n".join([title, description, *keywords]))
        ticket = Ticket(
            id=str(uuid.uuid4()),
            number=tickets.next_number(session, now),
            type=TYPES.name(data.type),
            category=category,
            title=title,
            description=description,
            channel=CHANNELS.name(data.channel),
            product=data.product.strip(),
            keywords=keywords,
            priority=PRIORITIES.name(data.priority) or "normal",
            priority_reason="",
            state="new",
            customer_id=data.customer_id or None,
            contact_id=data.contact_id or None,
            reporter_name=data.reporter_name.strip() or None,
            reporter_phone=data.reporter_phone.strip() or None,
            reporter_email=data.reporter_email.strip().lower() or None,
            customer_value_class=facts.value_class,
            customer_at_risk=facts.at_risk,
            department_path="",
            assignee_id=None,
            account_manager_id=facts.owner_id or None,
            transfer_count=0,
            reopen_count=0,
            escalation_level=0,
            external_ids=dict(data.external_ids),
            create_time=now,
            update_time=now,
            last_activity_time=now,
            created_by=principal.user_id,
            updated_by=principal.user_id,
            request_id=request_id or None,
            trace_parent=current_traceparent() or None,
            first_response_breached=False,
            resolution_breached=False,
            sla_paused_seconds=0,
        )
        session.add(ticket)
        tickets.record(session, ticket, "created", now, principal.user_id, to_state="new")
        session.flush()
        uow.emit(events_pb2.TicketCreated(ticket=event_view(ticket),
                                          actor_id=principal.user_id), key=ticket.id)

        # Routing: priority by the ticket policy, department by the rules, agent by load.
        policy = sla_policies.ticket_policy(session)
        before = ticket.priority
        ticket.priority, ticket.priority_reason = routing.raised_priority(
            before, value_class=facts.value_class, at_risk=facts.at_risk,
            raise_value_classes=policy.raise_priority_value_classes,
            raise_when_at_risk=policy.raise_priority_when_at_risk)
        if facts.at_risk and facts.risk_reason and ticket.priority_reason:
            ticket.priority_reason += f" ({facts.risk_reason})"
        if ticket.priority != before:
            tickets.record(session, ticket, "priority_changed", now, None, from_priority=before,
                           to_priority=ticket.priority, reason=ticket.priority_reason)
        tickets.change_state(session, ticket, "route", now, None)
        decision = tickets.apply_routing(
            session, ticket, kind="initial", placement=tickets.place_by_rules(session, ticket),
            now=now, rng=self.rng, actor_id="", facts=facts, priority_before=before)
        sla.start_clock(session, ticket)
        session.flush()
        routed = ticket_to_proto(ticket)
        uow.emit(events_pb2.TicketRouted(ticket=ticket_for_event(routed),
                                         decision=decision_to_proto(decision)), key=ticket.id)
        return routed

    # -- read -------------------------------------------------------------------------------------

    def GetTicket(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"id", "view"})
        with self.database.unit_of_work(readonly=True) as uow:
            ticket = self._visible(uow, principal, request.id)
            message = ticket_to_proto(ticket)
            if request.view == ticket_pb2.TICKET_VIEW_FULL:
                message.history.extend(history_to_proto(entry) for entry in uow.session.scalars(
                    select(TicketHistoryEntry).where(TicketHistoryEntry.ticket_id == ticket.id)
                    .order_by(TicketHistoryEntry.id)))
                message.routing_decisions.extend(
                    decision_to_proto(decision) for decision in uow.session.scalars(
                        select(RoutingDecisionRecord)
                        .where(RoutingDecisionRecord.ticket_id == ticket.id)
                        .order_by(RoutingDecisionRecord.id)))
            return message

    def ListTickets(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, LIST_FILTERS)
        where, (order_value, descending, sort_value) = _list_selection(principal, request)
        with self.database.unit_of_work(readonly=True) as uow:
            rows, next_token = keyset_page_by(
                uow.session, select(Ticket).where(*where), order_column=order_value,
                id_column=Ticket.id, descending=descending,
                page_size=page_size_of(request.page_size), page_token=request.page_token,
                sort_value=sort_value)
            total = uow.session.scalar(select(func.count()).select_from(Ticket).where(*where))
            return ticket_pb2.ListTicketsResponse(
                tickets=[ticket_to_proto(row) for row in rows], next_page_token=next_token,
                total_size=total)

    def ExportTickets(self, request, context):
        """Stream the visible tickets as CSV (a page per chunk) or .xlsx (the workbook once every
        row is in), selected like ListTickets. A page holding reporter contact columns is written
        to the audit log before any of its bytes are sent."""
        principal = current_principal()
        refuse_unsupported(request, EXPORT_FIELDS)
        columns, violations = list_exports.file_violations(request, ticket_table.COLUMNS)
        if violations:
            raise InvalidArgument(violations)
        where, (order_value, descending, sort_value) = _list_selection(principal, request)
        audit = list_exports.auditor(
            AUDIT_LOG, "tickets exported with reporter contact details",
            actor_id=principal.user_id, method="/crm.ticket.v1.TicketService/ExportTickets",
            fields=[column for column in columns if column in ticket_table.PERSONAL_COLUMNS],
            purpose=request.access_purpose, ids_key="ticket_ids")

        pages = list_exports.pages_of(
            self.database, select(Ticket).where(*where), order_column=order_value,
            id_column=Ticket.id, descending=descending, sort_value=sort_value,
            row_of=lambda row: ticket_table.row_of(row, columns, request.locale),
            audit=audit)
        for data, written in encode_table(
                ticket_table.header_of(columns, request.locale), pages,
                xlsx=request.format == types_pb2.TABLE_FORMAT_XLSX,
                sheet_title=ticket_table.SHEET_TITLES[request.locale == CHINESE_LOCALE],
                for_reader=bool(request.locale)):
            yield ticket_pb2.ExportTicketsChunk(data=data, row_count=written)

    def ListTicketHistory(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"page_size", "page_token", "ticket_id", "kinds"})
        kinds = [HISTORY_KINDS.name(kind) for kind in request.kinds]
        if not all(kinds):
            raise InvalidArgument(FieldViolation("kinds", "holds an unspecified value"))
        with self.database.unit_of_work(readonly=True) as uow:
            ticket = self._visible(uow, principal, request.ticket_id)
            query = select(TicketHistoryEntry).where(TicketHistoryEntry.ticket_id == ticket.id)
            if kinds:
                query = query.where(TicketHistoryEntry.kind.in_(kinds))
            rows, token = keyset_page_by(uow.session, query, order_column=TicketHistoryEntry.id,
                                  id_column=TicketHistoryEntry.id, descending=False,
                                  page_size=page_size_of(request.page_size),
                                  page_token=request.page_token)
            return ticket_pb2.ListTicketHistoryResponse(
                entries=[history_to_proto(row) for row in rows], next_page_token=token)

    def ListRoutingDecisions(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"page_size", "page_token", "ticket_id"})
        with self.database.unit_of_work(readonly=True) as uow:
            ticket = self._visible(uow, principal, request.ticket_id)
            query = select(RoutingDecisionRecord).where(
                RoutingDecisionRecord.ticket_id == ticket.id)
            rows, token = keyset_page_by(uow.session, query, order_column=RoutingDecisionRecord.id,
                                  id_column=RoutingDecisionRecord.id, descending=False,
                                  page_size=page_size_of(request.page_size),
                                  page_token=request.page_token)
            return ticket_pb2.ListRoutingDecisionsResponse(
                routing_decisions=[decision_to_proto(row) for row in rows], next_page_token=token)

    # -- update -----------------------------------------------------------------------------------

    def UpdateTicket(self, request, context):
        refuse_unsupported(request, {"ticket", "update_mask"})
        data = request.ticket
        paths = set(request.update_mask.paths)
        violations = []
        if not paths:
            violations.append(FieldViolation("update_mask", "must name the fields to change"))
        for path in sorted(paths - UPDATE_FIELDS):
            violations.append(FieldViolation("update_mask", f"`{path}` cannot be updated"))
        violations += descriptive_violations(data, paths & UPDATE_FIELDS)
        if violations:
            raise InvalidArgument(violations)

        def change(uow, ticket, principal, now):
            for path in sorted(paths):
                value = getattr(data, path)
                if path == "keywords":
                    value = [word.strip() for word in value]
                elif path == "external_ids":
                    value = dict(value)
                elif path in ("contact_id", "reporter_name", "reporter_phone", "reporter_email"):
                    value = value.strip() or None
                else:
                    value = value.strip()
                setattr(ticket, path, value)
            tickets.record(uow.session, ticket, "updated", now, principal.user_id,
                           reason="changed: " + ", ".join(sorted(paths)))
            # the contract has no event for descriptive changes

        return self._change("update", data.id, data.etag, change)

    # -- routing, assignment, transfer ------------------------------------------------------------

    def RouteTicket(self, request, context):
        refuse_unsupported(request, {"id", "department_path", "reason", "etag"})
        target = request.department_path.strip()

        def change(uow, ticket, principal, now):
            previous = ticket.department_path
            if target:
                self._check_department(uow, target, "department_path")
                placement = tickets.Placement(target, None, [], False, f"routed by hand -> {target}")
                kind = "manual"
            else:
                placement = tickets.place_by_rules(uow.session, ticket)
                kind = "reroute"
            tickets.change_state(uow.session, ticket, "route", now, principal.user_id,
                                 request.reason)
            decision = tickets.apply_routing(
                uow.session, ticket, kind=kind, placement=placement, now=now, rng=self.rng,
                actor_id=principal.user_id, reason=request.reason.strip())
            if ticket.sla_policy_id is None and ticket.first_response_due_time is None:
                sla.start_clock(uow.session, ticket)
            return lambda after: events_pb2.TicketRouted(
                ticket=after, previous_department_path=previous,
                decision=decision_to_proto(decision), actor_id=principal.user_id)

        return self._change("route", request.id, request.etag, change)

    def AssignTicket(self, request, context):
        refuse_unsupported(request, {"id", "assignee_id", "reason", "etag"})

        def change(uow, ticket, principal, now):
            lifecycle.next_state("assign", ticket.state)
            previous = ticket.assignee_id or ""
            placement = tickets.Placement(ticket.department_path, None, [], False,
                                          f"within {ticket.department_path}")
            decision = tickets.apply_routing(
                uow.session, ticket, kind="reassign", placement=placement, now=now, rng=self.rng,
                actor_id=principal.user_id, assignee_id=request.assignee_id.strip(),
                history_kind=None, reason=request.reason.strip())
            manual = bool(request.assignee_id.strip())
            return lambda after: events_pb2.TicketAssigned(
                ticket=after, previous_assignee_id=previous,
                decision=None if manual else decision_to_proto(decision),
                actor_id=principal.user_id if manual else "")

        return self._change("assign", request.id, request.etag, change)

    def TransferTicket(self, request, context):
        refuse_unsupported(request, {"id", "department_path", "reason", "assignee_id",
                                     "request_id", "etag"})
        target = request.department_path.strip()
        violations = required(target, "department_path") + required(request.reason,
                                                                     "reason")
        if target and not tickets.valid_department_path(target):
            violations.append(FieldViolation("department_path", "must be a path like /hq/tech"))
        violations += request_id_violations(request.request_id)
        if violations:
            raise InvalidArgument(violations)
        if request.request_id:
            principal = current_principal()
            with self.database.unit_of_work(readonly=True) as uow:
                ticket = self._visible(uow, principal, request.id)
                if ticket.transfer_request_id == request.request_id:
                    return ticket_to_proto(ticket)  # a retry of the transfer that happened

        def change(uow, ticket, principal, now):
            self._check_department(uow, target, "department_path")
            if target == ticket.department_path:
                raise InvalidArgument(FieldViolation(
                    "department_path", f"the ticket is already in {target}"))
            previous = ticket.department_path
            tickets.change_state(uow.session, ticket, "transfer", now, principal.user_id,
                                 request.reason.strip())
            ticket.transfer_count += 1
            ticket.transfer_request_id = request.request_id or None
            placement = tickets.Placement(target, None, [], False,
                                          f"transferred {previous} -> {target}")
            decision = tickets.apply_routing(
                uow.session, ticket, kind="transfer", placement=placement, now=now, rng=self.rng,
                actor_id=principal.user_id, assignee_id=request.assignee_id.strip(),
                history_kind="transferred", reason=request.reason.strip())
            return lambda after: events_pb2.TicketTransferred(
                ticket=after, from_department_path=previous, to_department_path=target,
                reason=request.reason.strip(), decision=decision_to_proto(decision),
                actor_id=principal.user_id)

        return self._change("transfer", request.id, request.etag, change)

    @staticmethod
    def _check_department(uow: UnitOfWork, path: str, field: str) -> None:
        if not tickets.valid_department_path(path):
            raise InvalidArgument(FieldViolation(field, "must be a path like /hq/tech"))
        if not tickets.is_known_department(uow.session, path):
            raise InvalidArgument(FieldViolation(field, f"{path} is not a known department"))

    # -- lifecycle --------------------------------------------------------------------------------

    def StartTicket(self, request, context):
        refuse_unsupported(request, {"id", "reason", "etag"})

        def change(uow, ticket, principal, now):
            tickets.change_state(uow.session, ticket, "start", now, principal.user_id,
                                 request.reason.strip())
            sla.record_first_response(ticket, now)
            return lambda after: events_pb2.TicketStarted(ticket=after, actor_id=principal.user_id)

        return self._change("start", request.id, request.etag, change)

    def HoldTicket(self, request, context):
        refuse_unsupported(request, {"id", "reason", "etag"})
        if not request.reason.strip():
            raise InvalidArgument(FieldViolation("reason", "must say what is awaited"))

        def change(uow, ticket, principal, now):
            tickets.change_state(uow.session, ticket, "hold", now, principal.user_id,
                                 request.reason.strip())
            sla.pause(ticket, now)
            return lambda after: events_pb2.TicketHeld(ticket=after, reason=request.reason.strip(),
                                                       actor_id=principal.user_id)

        return self._change("hold", request.id, request.etag, change)

    def ResumeTicket(self, request, context):
        refuse_unsupported(request, {"id", "reason", "etag"})

        def change(uow, ticket, principal, now):
            tickets.change_state(uow.session, ticket, "resume", now, principal.user_id,
                                 request.reason.strip())
            sla.resume(uow.session, ticket, now)
            return lambda after: events_pb2.TicketResumed(ticket=after, actor_id=principal.user_id)

        return self._change("resume", request.id, request.etag, change)

    def ResolveTicket(self, request, context):
        refuse_unsupported(request, {"id", "resolution", "create_knowledge_article", "etag"})
        if not request.resolution.strip():
            raise InvalidArgument(FieldViolation("resolution", "is required"))

        def change(uow, ticket, principal, now):
            before = ticket.state
            tickets.change_state(uow.session, ticket, "resolve", now, principal.user_id)
            if before == "waiting_on_customer":
                sla.resume(uow.session, ticket, now)
            ticket.resolution = request.resolution.strip()
            ticket.resolve_time = now
            sla.record_first_response(ticket, now)
            sla.record_resolution(ticket, now)
            uow.session.flush()
            if request.create_knowledge_article:
                uow.session.add(solved_case_draft(ticket, principal.user_id, now))
            task = callbacks.open_for_resolved_ticket(uow.session, ticket, now, uow.emit)
            task_id = task.id if task is not None else ""
            return lambda after: events_pb2.TicketResolved(
                ticket=after, actor_id=principal.user_id, callback_task_id=task_id)

        return self._change("resolve", request.id, request.etag, change)

    def ConfirmTicket(self, request, context):
        refuse_unsupported(request, {"id", "reason", "etag"})

        def change(uow, ticket, principal, now):
            tickets.change_state(uow.session, ticket, "confirm", now, principal.user_id,
                                 request.reason.strip())
            ticket.confirm_time = now
            return lambda after: events_pb2.TicketConfirmed(ticket=after,
                                                            actor_id=principal.user_id)

        return self._change("confirm", request.id, request.etag, change)

    def CloseTicket(self, request, context):
        refuse_unsupported(request, {"id", "reason", "etag"})

        def change(uow, ticket, principal, now):
            tickets.change_state(uow.session, ticket, "close", now, principal.user_id,
                                 request.reason.strip())
            ticket.close_time = now
            return lambda after: events_pb2.TicketClosed(ticket=after, actor_id=principal.user_id,
                                                         auto_closed=False)

        return self._change("close", request.id, request.etag, change)

    def ReopenTicket(self, request, context):
        refuse_unsupported(request, {"id", "reason", "etag"})
        if not request.reason.strip():
            raise InvalidArgument(FieldViolation("reason", "must say why the ticket is reopened"))

        def change(uow, ticket, principal, now):
            before = tickets.change_state(uow.session, ticket, "reopen", now, principal.user_id,
                                          request.reason.strip())
            ticket.reopen_count += 1
            ticket.close_time = None
            ticket.confirm_time = None
            callbacks.cancel_for_ticket(uow.session, ticket.id, now)
            return lambda after: events_pb2.TicketReopened(
                ticket=after, previous_state=STATES.value(before),
                reason=request.reason.strip(), actor_id=principal.user_id)

        return self._change("reopen", request.id, request.etag, change)

    def EscalateTicket(self, request, context):
        refuse_unsupported(request, {"id", "reason"})
        if not request.reason.strip():
            raise InvalidArgument(FieldViolation("reason", "is required"))

        def change(uow, ticket, principal, now):
            lifecycle.next_state("escalate", ticket.state)
            lead = tickets.department_lead(uow.session, ticket.department_path)
            ticket.escalation_level = 2
            ticket.escalate_time = now
            tickets.record(uow.session, ticket, "escalated", now, principal.user_id,
                           reason=request.reason.strip(), to_assignee_id=lead or None)
            return lambda after: events_pb2.TicketEscalated(
                ticket=after, escalated_to_user_id=lead, reason=request.reason.strip(),
                manual=True, actor_id=principal.user_id)

        return self._change("escalate", request.id, "", change)

    def ChangeTicketPriority(self, request, context):
        refuse_unsupported(request, {"id", "priority", "reason"})
        violations = []
        if not PRIORITIES.name(request.priority):
            violations.append(FieldViolation("priority", "is required"))
        violations += required(request.reason, "reason")
        if violations:
            raise InvalidArgument(violations)
        target = PRIORITIES.name(request.priority)

        def change(uow, ticket, principal, now):
            lifecycle.next_state("change_priority", ticket.state)
            before = ticket.priority
            if before == target:
                raise InvalidArgument(FieldViolation("priority", f"the ticket is already {target}"))
            ticket.priority = target
            ticket.priority_reason = f"changed by hand: {request.reason.strip()}"
            tickets.record(uow.session, ticket, "priority_changed", now, principal.user_id,
                           from_priority=before, to_priority=target, reason=request.reason.strip())
            if ticket.department_path:
                sla.start_clock(uow.session, ticket)
            return lambda after: events_pb2.TicketPriorityChanged(
                ticket=after, previous_priority=PRIORITIES.value(before),
                reason=request.reason.strip(), actor_id=principal.user_id)

        return self._change("change_priority", request.id, "", change)


def build_bindings(database: Database, settings: ApiSettings | None = None, *,
                   rng: random.Random | None = None) -> list[ServiceBinding]:
    """``settings`` is the api process's configuration (the customer service's address, ...);
    tests may omit it (no customer lookups then) and pass a seeded ``rng`` for routing ties."""
    servicer = TicketServicer(database, settings, rng=rng)
    # Where attachment bytes live: the settings' store (TicketApiSettings), else the
    # environment's (ATTACHMENT_STORE..., the local folder by default).
    servicer.attachment_store = store_from_settings(settings)
    # A ticket naming a customer or contact is checked with the caller's token
    # (crm_shared.references); without a customer service it cannot be: refused UNAVAILABLE.
    # A ticket being changed is looked up here (its customer, for a new contact).
    references = {**(servicer.customers.lookups if servicer.customers else {}),
                  TICKET: servicer.referenced_ticket}
    return [
        ServiceBinding(
            descriptor=ticket_pb2.DESCRIPTOR.services_by_name["TicketService"],
            servicer=servicer,
            add_to_server=ticket_pb2_grpc.add_TicketServiceServicer_to_server,
            references=references,
        )
    ]




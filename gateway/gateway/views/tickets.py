"""``/api/v1/tickets``: REST over ``crm.ticket.v1.TicketService`` (translation only).

Tickets, their lifecycle transitions (one ``POST /{id}/<verb>`` per RPC), comments, service
records, history, routing decisions and the ticket KPIs (knowledge suggestions for a ticket
are with the knowledge routes, :mod:`gateway.views.knowledge`); the schemas
are in :mod:`gateway.views.ticket_schemas`. The ticket service validates the data, applies the
caller's visibility (it sees the forwarded token) and refuses illegal transitions
(FAILED_PRECONDITION → 409 through the one status table); its field violations come back as
this API's field errors, in the body's terms.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from crm.common.v1 import types_pb2
from crm.ticket.v1 import ticket_pb2, ticket_pb2_grpc
from crm_shared.auth import current_principal
from crm_shared.protojson import enum_number, from_json, to_json
from crm_shared.timestamps import to_timestamp
from flask_openapi3 import APIBlueprint, Tag
from pydantic import BaseModel

from gateway.endpoints import operation
from gateway.idempotency import current_key
from gateway.peers import call
from gateway.views import json_response, table_exports
from gateway.views.customers import idempotency_request_id
from gateway.views.ticket_schemas import (
    AssignBody,
    CommentCreate,
    CommentListQuery,
    EscalateBody,
    KpiQuery,
    NoteBody,
    PriorityBody,
    ReasonBody,
    ResolveBody,
    RouteBody,
    RoutingDecisionPage,
    ServiceRecord,
    ServiceRecordCreate,
    ServiceRecordPage,
    Ticket,
    TicketComment,
    TicketCommentPage,
    TicketCreate,
    TicketExportQuery,
    TicketFilterQuery,
    TicketHistory,
    TicketHistoryQuery,
    TicketKpis,
    TicketListQuery,
    TicketPage,
    TicketPageQuery,
    TicketPath,
    TicketUpdate,
    TicketViewQuery,
    TransferBody,
    all_fields,
    sent_fields,
)

PEER = "ticket"
SERVICE = ticket_pb2.DESCRIPTOR.services_by_name["TicketService"]
COLLECTION = "/api/v1/tickets"
EXPORT_RESPONSE = table_exports.export_response(
    "tickets", "工单编号,标题,状态\r\nT20261207-0001,快递三天未送达,处理中\r\n"
)


def ticket_stub(deps) -> ticket_pb2_grpc.TicketServiceStub:
    return deps.peers.stub(PEER, SERVICE, ticket_pb2_grpc.TicketServiceStub)


def from_proto(ticket: ticket_pb2.Ticket) -> Ticket:
    return Ticket.model_validate(to_json(ticket))


def selection(query: TicketFilterQuery, request):
    """``request`` (ListTicketsRequest or ExportTicketsRequest) with the query's filters."""
    request.query = query.query
    request.states.extend(enum_number(ticket_pb2.TicketState.DESCRIPTOR, s) for s in query.state)
    request.types.extend(enum_number(ticket_pb2.TicketType.DESCRIPTOR, t) for t in query.type)
    request.priorities.extend(
        enum_number(ticket_pb2.TicketPriority.DESCRIPTOR, p) for p in query.priority
    )
    request.department_path = query.department_path
    request.assignee_id = query.assignee_id
    request.customer_id = query.customer_id
    request.account_manager_id = query.account_manager_id
    request.category = query.category
    request.order_by = query.order_by
    if query.sla_breached is not None:
        request.sla_breached = query.sla_breached
    if query.created_after is not None:
        request.min_create_time.CopyFrom(to_timestamp(query.created_after))
    if query.created_before is not None:
        request.max_create_time.CopyFrom(to_timestamp(query.created_before))
    return request


# --- routes ---------------------------------------------------------------------------------


def register(app, deps) -> None:
    api = APIBlueprint("tickets", __name__, abp_tags=[Tag(name="tickets")])

    def stub() -> ticket_pb2_grpc.TicketServiceStub:
        return ticket_stub(deps)

    def ticket_reply(method: str, request, *, field_prefix: str = ""):
        found = call(PEER, getattr(stub(), method), request, field_prefix=field_prefix)
        return json_response(from_proto(found))

    @operation(
        api,
        "post",
        COLLECTION,
        operation_id="createTicket",
        summary="Create a ticket; it is routed to a department and an agent at once",
        responses={201: Ticket},
        calls_services=True,
        creates=True,
        response_headers={201: ["Location"]},
    )
    def create_ticket(body: TicketCreate):
        request = ticket_pb2.CreateTicketRequest(
            ticket=from_json(all_fields(body), ticket_pb2.Ticket()),
            request_id=idempotency_request_id(current_principal().user_id, current_key()),
        )
        created = call(PEER, stub().CreateTicket, request, field_prefix="ticket.")
        return json_response(
            from_proto(created), status=201, headers={"Location": f"{COLLECTION}/{created.id}"}
        )

    @operation(
        api,
        "get",
        COLLECTION,
        operation_id="listTickets",
        summary="List the tickets the caller may see",
        description="Filters combine with AND; `state`, `type` and `priority` may repeat "
        "(`?state=routed&state=in_progress`). Tickets come in the `basic` view.",
        responses={200: TicketPage},
        calls_services=True,
    )
    def list_tickets(query: TicketListQuery):
        request = selection(query, ticket_pb2.ListTicketsRequest())
        request.page_size = query.page_size or 0
        request.page_token = query.page_token
        page = call(PEER, stub().ListTickets, request)
        return json_response(
            TicketPage(
                tickets=[from_proto(t) for t in page.tickets],
                next_page_token=page.next_page_token,
                total_size=page.total_size,
            )
        )

    @operation(
        api,
        "get",
        f"{COLLECTION}/export",
        operation_id="exportTickets",
        summary="Download the tickets the caller may see as CSV or .xlsx",
        description="The list's filters and order apply. An export with a reporter's name, "
        "phone or e-mail among its columns is written to the ticket service's audit log.",
        responses={200: EXPORT_RESPONSE},
        calls_services=True,
    )
    def export_tickets(query: TicketExportQuery):
        request = selection(query, ticket_pb2.ExportTicketsRequest())
        request.columns.extend(query.columns)
        request.access_purpose = query.access_purpose
        request.format = enum_number(types_pb2.TableFormat.DESCRIPTOR, query.format)
        # No default from the caller's profile: an integration parsing the keys gets the same
        # file whatever its account's language (as the customer export).
        request.locale = query.locale or ""
        return table_exports.download(
            deps,
            PEER,
            SERVICE,
            ticket_pb2_grpc.TicketServiceStub,
            "ExportTickets",
            request,
            file_format=query.format,
            file_name="tickets",
        )

    @operation(
        api,
        "get",
        f"{COLLECTION}/kpis",
        operation_id="getTicketKpis",
        summary="Ticket KPIs for a period and department subtree",
        responses={200: TicketKpis},
        calls_services=True,
    )
    def ticket_kpis(query: KpiQuery):
        report = call(
            PEER,
            stub().GetTicketKpis,
            ticket_pb2.GetTicketKpisRequest(
                period=types_pb2.DateRange(
                    start_date=query.start_date.isoformat(), end_date=query.end_date.isoformat()
                ),
                department_path=query.department_path,
                group_by_department=query.group_by_department,
            ),
        )
        return json_response(TicketKpis.model_validate(to_json(report)))

    @operation(
        api,
        "get",
        f"{COLLECTION}/<ticket_id>",
        operation_id="getTicket",
        summary="Get a ticket with its history and routing reasons",
        responses={200: Ticket},
        calls_services=True,
    )
    def get_ticket(path: TicketPath, query: TicketViewQuery):
        view = ticket_pb2.TICKET_VIEW_FULL if query.view == "full" else ticket_pb2.TICKET_VIEW_BASIC
        return ticket_reply("GetTicket", ticket_pb2.GetTicketRequest(id=path.ticket_id, view=view))

    @operation(
        api,
        "patch",
        f"{COLLECTION}/<ticket_id>",
        operation_id="updateTicket",
        summary="Change a ticket's descriptive fields",
        responses={200: Ticket},
        calls_services=True,
    )
    def update_ticket(path: TicketPath, body: TicketUpdate):  # type: ignore[valid-type]
        changes = sent_fields(body)
        ticket = from_json(changes, ticket_pb2.Ticket(id=path.ticket_id))
        request = ticket_pb2.UpdateTicketRequest(ticket=ticket)
        request.update_mask.paths.extend(sorted(changes))
        return ticket_reply("UpdateTicket", request, field_prefix="ticket.")

    # --- transitions: POST /{id}/<verb>, each one RPC ------------------------------------------

    def transition(
        verb: str,
        rpc: str,
        request_class,
        body_model: type[BaseModel],
        summary: str,
        *,
        extra: Callable[[], dict[str, Any]] | None = None,
    ) -> None:
        def view(path: TicketPath, body):
            request = request_class(id=path.ticket_id, **(extra() if extra else {}))
            return ticket_reply(rpc, from_json(all_fields(body), request))

        view.__name__ = f"{verb}_ticket"
        view.__annotations__ = {"path": TicketPath, "body": body_model}
        operation(
            api,
            "post",
            f"{COLLECTION}/<ticket_id>/{verb}",
            operation_id=f"{verb}Ticket",
            summary=summary,
            responses={200: Ticket},
            calls_services=True,
        )(view)

    transition(
        "route",
        "RouteTicket",
        ticket_pb2.RouteTicketRequest,
        RouteBody,
        "Route the ticket again, by the rules or to a named department",
    )
    transition(
        "assign",
        "AssignTicket",
        ticket_pb2.AssignTicketRequest,
        AssignBody,
        "Assign the ticket to an agent of its department",
    )
    transition(
        "transfer",
        "TransferTicket",
        ticket_pb2.TransferTicketRequest,
        TransferBody,
        "Transfer the ticket to another department, with a reason",
        extra=lambda: {"request_id": str(uuid.uuid4())},
    )
    transition(
        "start",
        "StartTicket",
        ticket_pb2.StartTicketRequest,
        NoteBody,
        "Start work on the ticket (routed → in progress)",
    )
    transition(
        "hold",
        "HoldTicket",
        ticket_pb2.HoldTicketRequest,
        ReasonBody,
        "Wait on the customer (in progress → waiting on customer); the SLA clock pauses",
    )
    transition(
        "resume",
        "ResumeTicket",
        ticket_pb2.ResumeTicketRequest,
        NoteBody,
        "Resume work after the customer answered",
    )
    transition(
        "resolve",
        "ResolveTicket",
        ticket_pb2.ResolveTicketRequest,
        ResolveBody,
        "Resolve the ticket; creates the account manager's call-back task",
    )
    transition(
        "confirm",
        "ConfirmTicket",
        ticket_pb2.ConfirmTicketRequest,
        NoteBody,
        "Record the customer's confirmation (resolved → confirmed)",
    )
    transition(
        "close",
        "CloseTicket",
        ticket_pb2.CloseTicketRequest,
        NoteBody,
        "Close and archive the ticket; triggers the satisfaction survey",
    )
    transition(
        "reopen",
        "ReopenTicket",
        ticket_pb2.ReopenTicketRequest,
        ReasonBody,
        "Reopen a resolved, confirmed or closed ticket",
    )
    transition(
        "escalate",
        "EscalateTicket",
        ticket_pb2.EscalateTicketRequest,
        EscalateBody,
        "Escalate the ticket to the department lead",
    )
    transition(
        "priority",
        "ChangeTicketPriority",
        ticket_pb2.ChangeTicketPriorityRequest,
        PriorityBody,
        "Change the ticket's priority; SLA due times are recomputed",
    )

    # --- what hangs off a ticket -----------------------------------------------------------

    @operation(
        api,
        "get",
        f"{COLLECTION}/<ticket_id>/history",
        operation_id="listTicketHistory",
        summary="The ticket's history: transitions, routing, transfers, SLA events; oldest first",
        responses={200: TicketHistory},
        calls_services=True,
    )
    def list_history(path: TicketPath, query: TicketHistoryQuery):
        page = call(
            PEER,
            stub().ListTicketHistory,
            ticket_pb2.ListTicketHistoryRequest(
                ticket_id=path.ticket_id,
                page_size=query.page_size or 0,
                page_token=query.page_token,
                kinds=[enum_number(ticket_pb2.TicketHistoryKind.DESCRIPTOR, k) for k in query.kind],
            ),
        )
        return json_response(TicketHistory.model_validate(to_json(page)))

    @operation(
        api,
        "get",
        f"{COLLECTION}/<ticket_id>/routing-decisions",
        operation_id="listTicketRoutingDecisions",
        summary="Why the ticket went where it went: rule, candidates, reasons; oldest first",
        responses={200: RoutingDecisionPage},
        calls_services=True,
    )
    def list_routing_decisions(path: TicketPath, query: TicketPageQuery):
        page = call(
            PEER,
            stub().ListRoutingDecisions,
            ticket_pb2.ListRoutingDecisionsRequest(
                ticket_id=path.ticket_id,
                page_size=query.page_size or 0,
                page_token=query.page_token,
            ),
        )
        return json_response(RoutingDecisionPage.model_validate(to_json(page)))

    @operation(
        api,
        "get",
        f"{COLLECTION}/<ticket_id>/comments",
        operation_id="listTicketComments",
        summary="The ticket's comments, oldest first",
        responses={200: TicketCommentPage},
        calls_services=True,
    )
    def list_comments(path: TicketPath, query: CommentListQuery):
        page = call(
            PEER,
            stub().ListTicketComments,
            ticket_pb2.ListTicketCommentsRequest(
                ticket_id=path.ticket_id,
                page_size=query.page_size or 0,
                page_token=query.page_token,
                visibility=enum_number(ticket_pb2.CommentVisibility.DESCRIPTOR, query.visibility),
            ),
        )
        return json_response(TicketCommentPage.model_validate(to_json(page)))

    @operation(
        api,
        "post",
        f"{COLLECTION}/<ticket_id>/comments",
        operation_id="createTicketComment",
        summary="Comment on the ticket; an agent's first public reply is the first response",
        responses={201: TicketComment},
        calls_services=True,
        creates=True,
    )
    def create_comment(path: TicketPath, body: CommentCreate):
        comment = from_json(all_fields(body), ticket_pb2.TicketComment(ticket_id=path.ticket_id))
        created = call(
            PEER,
            stub().CreateTicketComment,
            ticket_pb2.CreateTicketCommentRequest(
                comment=comment,
                request_id=idempotency_request_id(current_principal().user_id, current_key()),
            ),
            field_prefix="comment.",
        )
        return json_response(TicketComment.model_validate(to_json(created)), status=201)

    @operation(
        api,
        "get",
        f"{COLLECTION}/<ticket_id>/service-records",
        operation_id="listTicketServiceRecords",
        summary="The ticket's service records, newest first",
        responses={200: ServiceRecordPage},
        calls_services=True,
    )
    def list_service_records(path: TicketPath, query: TicketPageQuery):
        page = call(
            PEER,
            stub().ListServiceRecords,
            ticket_pb2.ListServiceRecordsRequest(
                ticket_id=path.ticket_id,
                page_size=query.page_size or 0,
                page_token=query.page_token,
            ),
        )
        return json_response(ServiceRecordPage.model_validate(to_json(page)))

    @operation(
        api,
        "post",
        f"{COLLECTION}/<ticket_id>/service-records",
        operation_id="createTicketServiceRecord",
        summary="Record a service: what was done, the customer's feedback, the next plan",
        responses={201: ServiceRecord},
        calls_services=True,
        creates=True,
    )
    def create_service_record(path: TicketPath, body: ServiceRecordCreate):
        record = from_json(all_fields(body), ticket_pb2.ServiceRecord(ticket_id=path.ticket_id))
        created = call(
            PEER,
            stub().CreateServiceRecord,
            ticket_pb2.CreateServiceRecordRequest(
                service_record=record,
                request_id=idempotency_request_id(current_principal().user_id, current_key()),
            ),
            field_prefix="service_record.",
        )
        return json_response(ServiceRecord.model_validate(to_json(created)), status=201)

    app.register_api(api)

"""The ticket service's configuration and follow-up work over REST: routing rules
(``/api/v1/routing-rules``), SLA policies (``/api/v1/sla-policies``), business calendars
(``/api/v1/business-calendars``), agents (``/api/v1/agents``), the ticket policy
(``/api/v1/ticket-policy``) and call-back tasks (``/api/v1/callback-tasks``); the schemas are
in :mod:`gateway.views.ticket_setup_schemas`.

Who may change what is the ticket service's decision (it sees the caller's token); its
refusals come back through the one status table.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from crm.ticket.v1 import ticket_pb2
from crm_shared.auth import current_principal
from crm_shared.protojson import enum_number, from_json, to_json
from flask import Response
from flask_openapi3 import APIBlueprint, Tag
from pydantic import BaseModel

from gateway.endpoints import operation
from gateway.idempotency import current_key
from gateway.peers import call
from gateway.views import json_response
from gateway.views.customers import idempotency_request_id
from gateway.views.ticket_schemas import TicketPageQuery, all_fields, sent_fields
from gateway.views.ticket_setup_schemas import (
    Agent,
    AgentListQuery,
    AgentPage,
    AgentPath,
    AgentUpdate,
    BusinessCalendar,
    BusinessCalendarCreate,
    BusinessCalendarPage,
    BusinessCalendarUpdate,
    CalendarPath,
    CallbackCompletion,
    CallbackTask,
    CallbackTaskListQuery,
    CallbackTaskPage,
    CallbackTaskPath,
    PublicHolidayFill,
    PublicHolidayFillResult,
    RoutingRule,
    RoutingRuleCreate,
    RoutingRuleListQuery,
    RoutingRulePage,
    RoutingRuleUpdate,
    RulePath,
    SlaPolicy,
    SlaPolicyCreate,
    SlaPolicyListQuery,
    SlaPolicyPage,
    SlaPolicyPath,
    SlaPolicyUpdate,
    TicketPolicy,
    TicketPolicyPut,
)
from gateway.views.tickets import PEER, ticket_stub

# --- routes ---------------------------------------------------------------------------------


def declare(api, method: str, rule: str, view: Callable, hints: dict[str, Any], **kwargs) -> None:
    """Declare a view built in a loop: its parameter models are given as ``hints``."""
    view.__annotations__ = hints
    operation(api, method, rule, calls_services=True, **kwargs)(view)


def register_crud(
    api,
    deps,
    *,
    collection: str,
    id_name: str,
    noun: str,
    field: str,
    message,
    rpc_noun: str,
    plural_rpc_noun: str,
    create_model: type[BaseModel],
    update_model: type,
    path_model: type[BaseModel],
    model: type[BaseModel],
    page_model: type[BaseModel],
    list_query: type[BaseModel],
    list_filters: Callable[[Any], dict[str, Any]],
) -> None:
    """Create, list, get, patch and delete of one configuration resource."""

    def stub():
        return ticket_stub(deps)

    def request_of(rpc: str):
        return getattr(ticket_pb2, f"{rpc}Request")

    op_noun = rpc_noun[0].lower() + rpc_noun[1:]
    prefix = f"{field}."
    member = f"{collection}/<{id_name}>"

    def create(body):
        created = call(
            PEER,
            getattr(stub(), f"Create{rpc_noun}"),
            request_of(f"Create{rpc_noun}")(
                **{field: from_json(all_fields(body), message())},
                request_id=idempotency_request_id(current_principal().user_id, current_key()),
            ),
            field_prefix=prefix,
        )
        return json_response(
            model.model_validate(to_json(created)),
            status=201,
            headers={"Location": f"{collection}/{created.id}"},
        )

    def list_all(query):
        page = call(
            PEER,
            getattr(stub(), f"List{plural_rpc_noun}"),
            request_of(f"List{plural_rpc_noun}")(
                page_size=query.page_size or 0, page_token=query.page_token, **list_filters(query)
            ),
        )
        return json_response(page_model.model_validate(to_json(page)))

    def get(path):
        found = call(
            PEER,
            getattr(stub(), f"Get{rpc_noun}"),
            request_of(f"Get{rpc_noun}")(id=getattr(path, id_name)),
        )
        return json_response(model.model_validate(to_json(found)))

    def update(path, body):
        changes = sent_fields(body)
        request = request_of(f"Update{rpc_noun}")(
            **{field: from_json(changes, message(id=getattr(path, id_name)))}
        )
        request.update_mask.paths.extend(sorted(changes))
        updated = call(PEER, getattr(stub(), f"Update{rpc_noun}"), request, field_prefix=prefix)
        return json_response(model.model_validate(to_json(updated)))

    def delete(path):
        call(
            PEER,
            getattr(stub(), f"Delete{rpc_noun}"),
            request_of(f"Delete{rpc_noun}")(id=getattr(path, id_name)),
        )
        return Response(status=204)

    for view, verb in (
        (create, "create"),
        (list_all, "list"),
        (get, "get"),
        (update, "update"),
        (delete, "delete"),
    ):
        view.__name__ = f"{verb}_{op_noun}"
    declare(
        api,
        "post",
        collection,
        create,
        {"body": create_model},
        operation_id=f"create{rpc_noun}",
        summary=f"Create {noun}",
        responses={201: model},
        creates=True,
        response_headers={201: ["Location"]},
    )
    declare(
        api,
        "get",
        collection,
        list_all,
        {"query": list_query},
        operation_id=f"list{plural_rpc_noun}",
        summary=f"List the {noun}s",
        responses={200: page_model},
    )
    declare(
        api,
        "get",
        member,
        get,
        {"path": path_model},
        operation_id=f"get{rpc_noun}",
        summary=f"Get {noun}",
        responses={200: model},
    )
    declare(
        api,
        "patch",
        member,
        update,
        {"path": path_model, "body": update_model},
        operation_id=f"update{rpc_noun}",
        summary=f"Change {noun}",
        responses={200: model},
    )
    declare(
        api,
        "delete",
        member,
        delete,
        {"path": path_model},
        operation_id=f"delete{rpc_noun}",
        summary=f"Delete {noun}",
        responses={204: None},
    )


def register(app, deps) -> None:
    api = APIBlueprint("ticket_setup", __name__, abp_tags=[Tag(name="ticket set-up")])

    def stub():
        return ticket_stub(deps)

    register_crud(
        api,
        deps,
        collection="/api/v1/routing-rules",
        id_name="rule_id",
        noun="a routing rule",
        field="rule",
        message=ticket_pb2.RoutingRule,
        rpc_noun="RoutingRule",
        plural_rpc_noun="RoutingRules",
        create_model=RoutingRuleCreate,
        update_model=RoutingRuleUpdate,
        path_model=RulePath,
        model=RoutingRule,
        page_model=RoutingRulePage,
        list_query=RoutingRuleListQuery,
        list_filters=lambda q: {
            "target_department_path": q.target_department_path,
            **({} if q.enabled is None else {"enabled": q.enabled}),
        },
    )
    register_crud(
        api,
        deps,
        collection="/api/v1/sla-policies",
        id_name="policy_id",
        noun="an SLA policy",
        field="policy",
        message=ticket_pb2.SlaPolicy,
        rpc_noun="SlaPolicy",
        plural_rpc_noun="SlaPolicies",
        create_model=SlaPolicyCreate,
        update_model=SlaPolicyUpdate,
        path_model=SlaPolicyPath,
        model=SlaPolicy,
        page_model=SlaPolicyPage,
        list_query=SlaPolicyListQuery,
        list_filters=lambda q: {
            "ticket_type": enum_number(ticket_pb2.TicketType.DESCRIPTOR, q.ticket_type)
        },
    )
    register_crud(
        api,
        deps,
        collection="/api/v1/business-calendars",
        id_name="calendar_id",
        noun="a business calendar",
        field="calendar",
        message=ticket_pb2.BusinessCalendar,
        rpc_noun="BusinessCalendar",
        plural_rpc_noun="BusinessCalendars",
        create_model=BusinessCalendarCreate,
        update_model=BusinessCalendarUpdate,
        path_model=CalendarPath,
        model=BusinessCalendar,
        page_model=BusinessCalendarPage,
        list_query=TicketPageQuery,
        list_filters=lambda q: {},
    )

    @operation(
        api,
        "post",
        "/api/v1/business-calendars/<calendar_id>/public-holidays",
        operation_id="fillPublicHolidays",
        summary="Add a year's Chinese public holidays and make-up working days to a calendar",
        description="Days the calendar already lists are kept as they are: filling twice changes nothing.",
        responses={200: PublicHolidayFillResult},
        calls_services=True,
    )
    def fill_public_holidays(path: CalendarPath, body: PublicHolidayFill):
        filled = call(
            PEER,
            stub().FillPublicHolidays,
            ticket_pb2.FillPublicHolidaysRequest(calendar_id=path.calendar_id, year=body.year),
        )
        return json_response(PublicHolidayFillResult.model_validate(to_json(filled)))

    @operation(
        api,
        "get",
        "/api/v1/agents",
        operation_id="listAgents",
        summary="Agents with their skills, availability and load",
        responses={200: AgentPage},
        calls_services=True,
    )
    def list_agents(query: AgentListQuery):
        request = ticket_pb2.ListAgentsRequest(
            page_size=query.page_size or 0,
            page_token=query.page_token,
            department_path=query.department_path,
            skill=query.skill,
        )
        if query.available is not None:
            request.available = query.available
        return json_response(
            AgentPage.model_validate(to_json(call(PEER, stub().ListAgents, request)))
        )

    @operation(
        api,
        "get",
        "/api/v1/agents/<user_id>",
        operation_id="getAgent",
        summary="An agent's service profile",
        responses={200: Agent},
        calls_services=True,
    )
    def get_agent(path: AgentPath):
        found = call(PEER, stub().GetAgent, ticket_pb2.GetAgentRequest(user_id=path.user_id))
        return json_response(Agent.model_validate(to_json(found)))

    @operation(
        api,
        "patch",
        "/api/v1/agents/<user_id>",
        operation_id="updateAgent",
        summary="Change an agent's skills, capacity or availability",
        responses={200: Agent},
        calls_services=True,
    )
    def update_agent(path: AgentPath, body: AgentUpdate):  # type: ignore[valid-type]
        changes = sent_fields(body)
        request = ticket_pb2.UpdateAgentRequest(
            agent=from_json(changes, ticket_pb2.Agent(user_id=path.user_id))
        )
        request.update_mask.paths.extend(sorted(changes))
        updated = call(PEER, stub().UpdateAgent, request, field_prefix="agent.")
        return json_response(Agent.model_validate(to_json(updated)))

    @operation(
        api,
        "get",
        "/api/v1/ticket-policy",
        operation_id="getTicketPolicy",
        summary="The ticket policy: priority raising, call-back and record windows, auto-close",
        responses={200: TicketPolicy},
        calls_services=True,
    )
    def get_policy():
        found = call(PEER, stub().GetTicketPolicy, ticket_pb2.GetTicketPolicyRequest())
        return json_response(TicketPolicy.model_validate(to_json(found)))

    @operation(
        api,
        "put",
        "/api/v1/ticket-policy",
        operation_id="replaceTicketPolicy",
        summary="Replace the ticket policy",
        responses={200: TicketPolicy},
        calls_services=True,
    )
    def put_policy(body: TicketPolicyPut):
        values = all_fields(body)
        request = ticket_pb2.UpdateTicketPolicyRequest(
            policy=from_json(values, ticket_pb2.TicketPolicy())
        )
        request.update_mask.paths.extend(sorted(TicketPolicyPut.model_fields))
        updated = call(PEER, stub().UpdateTicketPolicy, request, field_prefix="policy.")
        return json_response(TicketPolicy.model_validate(to_json(updated)))

    @operation(
        api,
        "get",
        "/api/v1/callback-tasks",
        operation_id="listCallbackTasks",
        summary="Call-back tasks after resolved tickets, earliest due first",
        responses={200: CallbackTaskPage},
        calls_services=True,
    )
    def list_callback_tasks(query: CallbackTaskListQuery):
        page = call(
            PEER,
            stub().ListCallbackTasks,
            ticket_pb2.ListCallbackTasksRequest(
                page_size=query.page_size or 0,
                page_token=query.page_token,
                assignee_id=query.assignee_id,
                department_path=query.department_path,
                states=[
                    enum_number(ticket_pb2.CallbackTaskState.DESCRIPTOR, s) for s in query.state
                ],
                ticket_id=query.ticket_id,
            ),
        )
        return json_response(CallbackTaskPage.model_validate(to_json(page)))

    @operation(
        api,
        "get",
        "/api/v1/callback-tasks/<task_id>",
        operation_id="getCallbackTask",
        summary="A call-back task",
        responses={200: CallbackTask},
        calls_services=True,
    )
    def get_callback_task(path: CallbackTaskPath):
        found = call(
            PEER, stub().GetCallbackTask, ticket_pb2.GetCallbackTaskRequest(id=path.task_id)
        )
        return json_response(CallbackTask.model_validate(to_json(found)))

    @operation(
        api,
        "post",
        "/api/v1/callback-tasks/<task_id>/complete",
        operation_id="completeCallbackTask",
        summary="Record the call-back's result (resolved / satisfied / needs follow-up)",
        responses={200: CallbackTask},
        calls_services=True,
    )
    def complete_callback_task(path: CallbackTaskPath, body: CallbackCompletion):
        done = call(
            PEER,
            stub().CompleteCallbackTask,
            ticket_pb2.CompleteCallbackTaskRequest(
                id=path.task_id,
                result=enum_number(ticket_pb2.CallbackResult.DESCRIPTOR, body.result),
                note=body.note,
                reopen_ticket=body.reopen_ticket,
            ),
        )
        return json_response(CallbackTask.model_validate(to_json(done)))

    app.register_api(api)

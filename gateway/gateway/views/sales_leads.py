"""REST over gRPC: leads, lead rules, reps and conversion (/api/v1/leads, /api/v1/sales/...).

Translation only: the sales service validates, applies the caller's visibility (it sees the
forwarded token: someone else's lead is 404) and refuses what the lead's state forbids (409);
its field violations come back as this API's field errors, in the body's terms. The schemas
are in :mod:`gateway.views.sales_leads_schemas`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from crm.common.v1 import types_pb2
from crm.sales.v1 import sales_pb2, sales_pb2_grpc
from crm_shared.auth import current_principal
from crm_shared.protojson import enum_number, from_json, to_json
from crm_shared.timestamps import to_timestamp
from flask import Response
from flask_openapi3 import APIBlueprint, Tag

from gateway.endpoints import operation
from gateway.idempotency import current_key
from gateway.peers import call
from gateway.views import json_response, table_exports
from gateway.views.customers import idempotency_request_id
from gateway.views.sales_leads_schemas import (
    AssignmentRule,
    AssignmentRuleCreate,
    AssignmentRulePage,
    AssignmentRuleUpdate,
    GradingRule,
    GradingRuleCreate,
    GradingRuleListQuery,
    GradingRulePage,
    GradingRuleUpdate,
    Lead,
    LeadAssignBody,
    LeadAssigned,
    LeadAssignmentPage,
    LeadAssignmentQuery,
    LeadConversion,
    LeadConvertBody,
    LeadCreate,
    LeadDisqualifyBody,
    LeadExportQuery,
    LeadFilterQuery,
    LeadGradeBody,
    LeadListQuery,
    LeadPage,
    LeadPageQuery,
    LeadPath,
    LeadUpdate,
    RepListQuery,
    RepPath,
    RuleListQuery,
    RulePath,
    SalesRep,
    SalesRepPage,
    SalesRepUpdate,
    convert_request,
)
from gateway.views.ticket_schemas import all_fields, sent_fields

PEER = "sales"
SERVICE = sales_pb2.DESCRIPTOR.services_by_name["SalesService"]
LEADS = "/api/v1/leads"
GRADING_RULES = "/api/v1/sales/grading-rules"
ASSIGNMENT_RULES = "/api/v1/sales/assignment-rules"
REPS = "/api/v1/sales/reps"
ASSIGNMENTS = "/api/v1/sales/lead-assignments"


LEAD_EXPORT_RESPONSE = table_exports.export_response(
    "leads", "线索编号,公司名称,状态\r\nL20260302-0012,上海某某科技有限公司,已分配\r\n")


def lead_selection(query: LeadFilterQuery, request):
    """``request`` (ListLeadsRequest or ExportLeadsRequest) with the query's filters."""
    request.query = query.query
    request.statuses.extend(enum_number(sales_pb2.LeadStatus.DESCRIPTOR, s) for s in query.status)
    request.grades.extend(enum_number(sales_pb2.LeadGrade.DESCRIPTOR, g) for g in query.grade)
    request.owner_id = query.owner_id
    request.department_path = query.department_path
    request.source = enum_number(types_pb2.SourceChannel.DESCRIPTOR, query.source)
    request.campaign_id = query.campaign_id
    request.customer_id = query.customer_id
    request.has_duplicates = query.has_duplicates
    request.order_by = query.order_by
    if query.first_contact_overdue is not None:
        request.first_contact_overdue = query.first_contact_overdue
    return request


def _request_id() -> str:
    return idempotency_request_id(current_principal().user_id, current_key())


def register(app, deps) -> None:
    api = APIBlueprint("sales_leads", __name__, abp_tags=[Tag(name="leads")])

    def stub() -> sales_pb2_grpc.SalesServiceStub:
        return deps.peers.stub(PEER, SERVICE, sales_pb2_grpc.SalesServiceStub)

    def lead_reply(rpc: str, request, *, status: int = 200, field_prefix: str = "",
                   headers: dict[str, str] | None = None):
        found = call(PEER, getattr(stub(), rpc), request, field_prefix=field_prefix)
        return json_response(Lead.model_validate(to_json(found)), status=status, headers=headers)

    # --- leads --------------------------------------------------------------------------------

    @operation(api, "post", LEADS, operation_id="createLead",
               summary="Create a lead: source labelled, duplicates found, graded and assigned",
               responses={201: Lead}, calls_services=True, creates=True,
               response_headers={201: ["Location"]})
    def create_lead(body: LeadCreate):
        request = sales_pb2.CreateLeadRequest(lead=from_json(all_fields(body), sales_pb2.Lead()),
                                              request_id=_request_id())
        created = call(PEER, stub().CreateLead, request, field_prefix="lead.")
        return json_response(Lead.model_validate(to_json(created)), status=201,
                             headers={"Location": f"{LEADS}/{created.id}"})

    @operation(api, "get", LEADS, operation_id="listLeads",
               summary="List the leads the caller may see",
               description="Filters combine with AND; `status` and `grade` may repeat.",
               responses={200: LeadPage}, calls_services=True)
    def list_leads(query: LeadListQuery):
        request = lead_selection(query, sales_pb2.ListLeadsRequest(
            page_size=query.page_size or 0, page_token=query.page_token))
        page = call(PEER, stub().ListLeads, request)
        return json_response(LeadPage.model_validate(to_json(page)))

    @operation(api, "get", f"{LEADS}/export", operation_id="exportLeads",
               summary="Download the leads the caller may see as CSV or .xlsx",
               description="The list's filters and order apply. An export with a contact's "
               "name, phone or e-mail among its columns is written to the sales audit log.",
               responses={200: LEAD_EXPORT_RESPONSE}, calls_services=True)
    def export_leads(query: LeadExportQuery):
        request = lead_selection(query, sales_pb2.ExportLeadsRequest(
            columns=query.columns, access_purpose=query.access_purpose,
            format=enum_number(types_pb2.TableFormat.DESCRIPTOR, query.format),
            # No default from the caller's profile: an integration parsing the keys gets the
            # same file whatever its account's language (as the customer export).
            locale=query.locale or ""))
        return table_exports.download(deps, PEER, SERVICE, sales_pb2_grpc.SalesServiceStub,
                                      "ExportLeads", request, file_format=query.format,
                                      file_name="leads")

    @operation(api, "get", f"{LEADS}/<lead_id>", operation_id="getLead",
               summary="Get a lead", responses={200: Lead}, calls_services=True)
    def get_lead(path: LeadPath):
        return lead_reply("GetLead", sales_pb2.GetLeadRequest(id=path.lead_id))

    @operation(api, "patch", f"{LEADS}/<lead_id>", operation_id="updateLead",
               summary="Change a lead's fields; what grading reads re-grades it",
               responses={200: Lead}, calls_services=True)
    def update_lead(path: LeadPath, body: LeadUpdate):  # type: ignore[valid-type]
        changes = sent_fields(body)
        etag = changes.pop("etag", "")
        request = sales_pb2.UpdateLeadRequest(
            lead=from_json(changes, sales_pb2.Lead(id=path.lead_id, etag=etag)))
        request.update_mask.paths.extend(sorted(changes))
        return lead_reply("UpdateLead", request, field_prefix="lead.")

    @operation(api, "post", f"{LEADS}/<lead_id>/grade", operation_id="gradeLead",
               summary="Grade the lead by hand (it stays), or re-grade it by the rules",
               responses={200: Lead}, calls_services=True)
    def grade_lead(path: LeadPath, body: LeadGradeBody):
        return lead_reply("GradeLead", from_json(all_fields(body),
                                                 sales_pb2.GradeLeadRequest(id=path.lead_id)))

    @operation(api, "post", f"{LEADS}/<lead_id>/assign", operation_id="assignLead",
               summary="Assign the lead to a rep, or by the assignment rules",
               responses={200: LeadAssigned}, calls_services=True)
    def assign_lead(path: LeadPath, body: LeadAssignBody):
        request = from_json(all_fields(body), sales_pb2.AssignLeadRequest(
            id=path.lead_id, request_id=_request_id()))
        answer = call(PEER, stub().AssignLead, request)
        return json_response(LeadAssigned.model_validate(to_json(answer)))

    @operation(api, "get", f"{LEADS}/<lead_id>/assignments", operation_id="listLeadAssignments",
               summary="The lead's assignment decisions with their candidates, newest first",
               responses={200: LeadAssignmentPage}, calls_services=True)
    def list_lead_assignments(path: LeadPath, query: LeadPageQuery):
        page = call(PEER, stub().ListLeadAssignments, sales_pb2.ListLeadAssignmentsRequest(
            lead_id=path.lead_id, page_size=query.page_size or 0, page_token=query.page_token))
        return json_response(LeadAssignmentPage.model_validate(to_json(page)))

    @operation(api, "post", f"{LEADS}/<lead_id>/convert", operation_id="convertLead",
               summary="Convert the lead into a customer and an opportunity (idempotent)",
               description="The customer is created in the customer service with the caller's "
               "rights; converting again answers with the same customer and opportunity. 503 when "
               "the customer service cannot be reached: nothing was converted, try again.",
               responses={200: LeadConversion}, calls_services=True)
    def convert_lead(path: LeadPath, body: LeadConvertBody):
        request = from_json(convert_request(body), sales_pb2.ConvertLeadRequest(
            lead_id=path.lead_id, request_id=_request_id()))
        answer = call(PEER, stub().ConvertLead, request)
        return json_response(LeadConversion.model_validate(to_json(answer)))

    @operation(api, "post", f"{LEADS}/<lead_id>/disqualify", operation_id="disqualifyLead",
               summary="Disqualify the lead with a reason", responses={200: Lead},
               calls_services=True)
    def disqualify_lead(path: LeadPath, body: LeadDisqualifyBody):
        return lead_reply("DisqualifyLead", sales_pb2.DisqualifyLeadRequest(
            id=path.lead_id, reason=body.reason))

    @operation(api, "get", ASSIGNMENTS, operation_id="listAssignments",
               summary="Assignment decisions of the leads the caller may see, newest first",
               responses={200: LeadAssignmentPage}, calls_services=True)
    def list_assignments(query: LeadAssignmentQuery):
        request = sales_pb2.ListLeadAssignmentsRequest(
            page_size=query.page_size or 0, page_token=query.page_token, lead_id=query.lead_id,
            assignee_id=query.assignee_id)
        if query.start_time is not None:
            request.start_time.CopyFrom(to_timestamp(query.start_time))
        if query.end_time is not None:
            request.end_time.CopyFrom(to_timestamp(query.end_time))
        page = call(PEER, stub().ListLeadAssignments, request)
        return json_response(LeadAssignmentPage.model_validate(to_json(page)))

    # --- grading and assignment rules ---------------------------------------------------------

    def rules(collection: str, noun: str, rpc_noun: str, plural: str, message,
              create_model, update_model, model, page_model,
              list_query: type[RuleListQuery] = RuleListQuery) -> None:
        member = f"{collection}/<rule_id>"

        def request_of(rpc: str):
            return getattr(sales_pb2, f"{rpc}Request")

        def create(body):
            created = call(PEER, getattr(stub(), f"Create{rpc_noun}"),
                           request_of(f"Create{rpc_noun}")(
                               rule=from_json(all_fields(body), message()),
                               request_id=_request_id()), field_prefix="rule.")
            return json_response(model.model_validate(to_json(created)), status=201,
                                 headers={"Location": f"{collection}/{created.id}"})

        def list_all(query: RuleListQuery):
            request = request_of(f"List{plural}")(page_size=query.page_size or 0,
                                                  page_token=query.page_token)
            if query.enabled is not None:
                request.enabled = query.enabled
            if getattr(query, "subject", None):  # the grading rules: leads' or prospects'
                request.subject = enum_number(sales_pb2.GradingSubject.DESCRIPTOR, query.subject)
            page = call(PEER, getattr(stub(), f"List{plural}"), request)
            return json_response(page_model.model_validate(to_json(page)))

        def get(path: RulePath):
            found = call(PEER, getattr(stub(), f"Get{rpc_noun}"),
                         request_of(f"Get{rpc_noun}")(id=path.rule_id))
            return json_response(model.model_validate(to_json(found)))

        def update(path: RulePath, body):
            changes = sent_fields(body)
            request = request_of(f"Update{rpc_noun}")(
                rule=from_json(changes, message(id=path.rule_id)))
            request.update_mask.paths.extend(sorted(changes))
            updated = call(PEER, getattr(stub(), f"Update{rpc_noun}"), request,
                           field_prefix="rule.")
            return json_response(model.model_validate(to_json(updated)))

        def delete(path: RulePath):
            call(PEER, getattr(stub(), f"Delete{rpc_noun}"),
                 request_of(f"Delete{rpc_noun}")(id=path.rule_id))
            return Response(status=204)

        op_noun = rpc_noun[0].lower() + rpc_noun[1:]
        declared: list[tuple[Callable, str, str, str, dict[str, Any], dict[int, Any], str]] = [
            (create, "create", "post", collection, {"body": create_model}, {201: model},
             f"Create a {noun}"),
            (list_all, "list", "get", collection, {"query": list_query}, {200: page_model},
             f"List the {noun}s in evaluation order"),
            (get, "get", "get", member, {"path": RulePath}, {200: model}, f"Get a {noun}"),
            (update, "update", "patch", member, {"path": RulePath, "body": update_model},
             {200: model}, f"Change a {noun}"),
            (delete, "delete", "delete", member, {"path": RulePath}, {204: None},
             f"Delete a {noun}"),
        ]
        for view, verb, method, rule, hints, responses, summary in declared:
            view.__name__ = f"{verb}_{op_noun}"
            view.__annotations__ = dict(hints)
            operation_id = f"list{plural}" if verb == "list" else f"{verb}{rpc_noun}"
            operation(api, method, rule, operation_id=operation_id, summary=summary,
                      responses=responses, calls_services=True, creates=verb == "create",
                      response_headers={201: ["Location"]} if verb == "create" else None)(view)

    rules(GRADING_RULES, "lead grading rule", "LeadGradingRule", "LeadGradingRules",
          sales_pb2.LeadGradingRule, GradingRuleCreate, GradingRuleUpdate, GradingRule,
          GradingRulePage, GradingRuleListQuery)
    rules(ASSIGNMENT_RULES, "lead assignment rule", "AssignmentRule", "AssignmentRules",
          sales_pb2.AssignmentRule, AssignmentRuleCreate, AssignmentRuleUpdate, AssignmentRule,
          AssignmentRulePage)

    # --- sales reps ---------------------------------------------------------------------------

    @operation(api, "get", REPS, operation_id="listSalesReps",
               summary="The sales reps the caller may see, with their load",
               responses={200: SalesRepPage}, calls_services=True)
    def list_reps(query: RepListQuery):
        request = sales_pb2.ListSalesRepsRequest(
            page_size=query.page_size or 0, page_token=query.page_token,
            department_path=query.department_path,
            seniority=enum_number(sales_pb2.RepSeniority.DESCRIPTOR, query.seniority))
        if query.available is not None:
            request.available = query.available
        page = call(PEER, stub().ListSalesReps, request)
        return json_response(SalesRepPage.model_validate(to_json(page)))

    @operation(api, "get", f"{REPS}/<user_id>", operation_id="getSalesRep",
               summary="A rep's sales profile", responses={200: SalesRep}, calls_services=True)
    def get_rep(path: RepPath):
        found = call(PEER, stub().GetSalesRep, sales_pb2.GetSalesRepRequest(user_id=path.user_id))
        return json_response(SalesRep.model_validate(to_json(found)))

    @operation(api, "patch", f"{REPS}/<user_id>", operation_id="updateSalesRep",
               summary="Change a rep's seniority, capacity or availability",
               responses={200: SalesRep}, calls_services=True)
    def update_rep(path: RepPath, body: SalesRepUpdate):  # type: ignore[valid-type]
        changes = sent_fields(body)
        request = sales_pb2.UpdateSalesRepRequest(
            sales_rep=from_json(changes, sales_pb2.SalesRep(user_id=path.user_id)))
        request.update_mask.paths.extend(sorted(changes))
        updated = call(PEER, stub().UpdateSalesRep, request, field_prefix="sales_rep.")
        return json_response(SalesRep.model_validate(to_json(updated)))

    app.register_api(api)

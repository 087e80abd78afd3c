"""The write matrix: a write naming a record its caller may not see stores and publishes nothing.

Next to the read matrices (each service's "visibility matrix" tests), this one walks every write
of the suite that names a customer or a contact of the customer service — the records another
service owns, checked with the caller's own token by ``crm_shared.references`` or by the
writing service's own read model — against the whole suite as processes, over gRPC (straight
to the service) and over REST (through the gateway).

A customer belongs to ``rep.zhang`` (/hq/sales/east). Each caller below may not see it:

* ``rep.li``: a rep of another team, data scope ``own``;
* ``tech.lead``: the lead of another department, data scope ``department``;
* ``agent.wang``: a service agent (they may open a *ticket* for any active customer: the
  service desk's explicit rule, ``crm_shared.references.SERVICE_DESK_ROLES``);
* ``marketer.chen``: a marketer (marketing reaches every customer: ``COMPANY_WIDE_ROLES``, so
  they may invite any customer to a survey);
* ``svc.marketing``: a service account without the scope of any of these writes.

Each gets NOT_FOUND, PERMISSION_DENIED, or INVALID_ARGUMENT with a field violation on the
referencing field (REST: 404, 403, 422 naming the field); the table the write stores into
gets no row naming the record, and the service's outbox (what its relay publishes) gets no
message naming it. A contact, moreover, must belong to the customer the write names.

The RPC list is derived from the contracts: a new write whose request has a ``customer_id`` or
``contact_id`` field fails :func:`test_every_write_naming_a_customer_or_contact_is_in_the_matrix`
until it gets a row here or a commented exemption. The same service's own records a write names
(an opportunity of rep.zhang's for a quote, a contract, a follow-up record or task; a ticket
about his customer in another department for a service record) have tables of their own, not
yet derived. An update that changes only a record's contact is checked against the customer
the stored record names (``CONTACT_UPDATES``). Who works on a customer or an opportunity
with its owner (team selling) is changed by the owner's line only: the collaborator writes of
the customer and sales services are in that table too (``CUSTOMER_COLLABORATOR_WRITES``,
``OPPORTUNITY_WRITES``).

The other kinds of record the issue names have a table of their own, derived the same way
(``RECORD_WRITES``; :func:`test_every_write_naming_a_campaign_segment_survey_rule_or_notification_is_in_the_matrix`):
every write on a segment, campaign or survey of marketer.chen's, on one of the company's
routing, assignment, grading or notification rules, or marking another person's notification
read, and every write naming such a record (a campaign's segments and survey, a trigger's
segment, an invitation's or improvement item's survey, a response's campaign, the campaign a
lead, a deal or a purchase is attributed to). A survey that does not exist is refused to the
very callers who may name a real one (``MISSING_SURVEY_WRITES``), and the systems that record
from outside (the public lead form, an ERP) may name a running campaign only. Webhooks are no
record of their own: a person's webhook is part of their notification preferences, which only
they (or an operator) may change (``PERSONAL_WRITES``).
"""

from __future__ import annotations

import dataclasses
import sqlite3
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import grpc
import pytest
from crm.common.v1 import approvals_pb2, collaborators_pb2, types_pb2
from crm.customer.v1 import customer_pb2, customer_pb2_grpc
from crm.marketing.v1 import marketing_pb2, marketing_pb2_grpc
from crm.notification.v1 import notification_pb2, notification_pb2_grpc
from crm.sales.v1 import sales_pb2, sales_pb2_grpc
from crm.ticket.v1 import ticket_pb2, ticket_pb2_grpc
from crm_devstack.suite import SERVICES
from crm_devstack.waiting import wait_until
from crm_shared.grpc.status import describe_rpc_error
from google.protobuf.descriptor import FieldDescriptor
from google.protobuf.field_mask_pb2 import FieldMask
from google.protobuf.timestamp_pb2 import Timestamp

pytestmark = pytest.mark.e2e

OWNER = "rep.zhang"
SERVICE_ACCOUNT = "svc.marketing"
CALLERS = ("rep.li", "tech.lead", "agent.wang", "marketer.chen", SERVICE_ACCOUNT)
REFUSED = {grpc.StatusCode.NOT_FOUND: 404, grpc.StatusCode.PERMISSION_DENIED: 403,
           grpc.StatusCode.INVALID_ARGUMENT: 422}
REFUSED_TO_ACCOUNT = {**REFUSED, grpc.StatusCode.UNAUTHENTICATED: 401}
"""A service account's token is for the services it calls (its audience): another service
refuses it before anything else."""


def _refusals(caller: str) -> dict:
    return REFUSED_TO_ACCOUNT if caller == SERVICE_ACCOUNT else REFUSED
STUBS = {"customer": customer_pb2_grpc.CustomerServiceStub,
         "sales": sales_pb2_grpc.SalesServiceStub, "ticket": ticket_pb2_grpc.TicketServiceStub,
         "marketing": marketing_pb2_grpc.MarketingServiceStub,
         "notification": notification_pb2_grpc.NotificationServiceStub}
PACKAGES = {"customer": "crm.customer.v1.CustomerService",
            "sales": "crm.sales.v1.SalesService", "ticket": "crm.ticket.v1.TicketService",
            "marketing": "crm.marketing.v1.MarketingService",
            "notification": "crm.notification.v1.NotificationService"}


def _day(offset: int) -> str:
    return (date.today() + timedelta(days=offset)).isoformat()


def _an_hour_ago() -> datetime:
    return datetime.now(UTC) - timedelta(hours=1)


def _timestamp(moment: datetime) -> Timestamp:
    stamp = Timestamp()
    stamp.FromDatetime(moment)
    return stamp


def _cny(minor: int) -> types_pb2.Money:
    return types_pb2.Money(currency_code="CNY", amount_minor=minor)


# -- the suite's records and callers ----------------------------------------------------------

@dataclass
class Records:
    customer: str  # rep.zhang's
    contact: str  # a contact of that customer
    other_customer: str  # another of rep.zhang's customers
    li_customer: str  # rep.li's own customer
    li_lead: str  # a lead rep.li owns (to convert onto rep.zhang's customer)
    survey: str  # an active survey of marketer.chen's
    opportunity: str  # rep.zhang's, of his customer
    ticket: str  # about his customer, opened by tech.zhao and routed to /hq/product
    segment: str = ""  # marketer.chen's, matching nobody
    campaign: str = ""  # marketer.chen's draft, to that segment
    notification: str = ""  # an inbox entry of rep.li's (the lead assigned to him)
    li_opportunity: str = ""  # rep.li's, of his customer
    rules: dict[str, str] = field(default_factory=dict)  # the company's seeded rules, by table
    owner_user: str = ""  # rep.zhang's user id (his notification preferences and webhook)
    tokens: dict[str, str] = field(default_factory=dict)
    approval_request: str = ""  # rep.zhang's 15 % quote waiting for his lead's approval
    customer_approval_request: str = ""  # a bank account of his waiting for his lead's approval


def _ok(response, status=201):
    assert response.status == status, response
    return response.body


def _new_customer(http, token: str, name: str) -> str:
    return _ok(http.call("POST", "/api/v1/customers", {
        "type": "enterprise", "display_name": name,
        "enterprise": {"legal_name": name, "industry": "retail"}}, token))["id"]


def _service_account_token(running_suite) -> str:
    secret = running_suite.suite.service_secrets["marketing"].read_text().strip()
    return _ok(running_suite.http.call("POST", "/api/v1/auth/token", {
        "grant_type": "client_credentials", "client_id": SERVICE_ACCOUNT,
        "client_secret": secret}), 200)["access_token"]


def _db(running_suite, service: str) -> sqlite3.Connection:
    url = running_suite.config.database_url(service)
    assert url.startswith("sqlite:///"), "this test reads the devstack's SQLite databases"
    return sqlite3.connect(url.removeprefix("sqlite:///"))


def _scalar(running_suite, service: str, sql: str, *args):
    connection = _db(running_suite, service)
    try:
        return connection.execute(sql, args).fetchone()[0]
    finally:
        connection.close()


def _messages_naming(running_suite, ids: tuple[str, ...]) -> tuple[tuple[int, int], ...]:
    """Per service: outbox messages naming one of ``ids``, and how many wait to be published."""
    where = " OR ".join("payload LIKE ?" for _ in ids)
    args = [f"%{record_id}%" for record_id in ids]
    return tuple((_scalar(running_suite, svc, f"SELECT count(*) FROM outbox WHERE {where}", *args),
                  _scalar(running_suite, svc, f"SELECT count(*) FROM outbox WHERE ({where}) "
                          "AND status = 'pending'", *args)) for svc in SERVICES)


def _wait_until_settled(running_suite, ids: tuple[str, ...]) -> None:
    """Until the events of the records' creation are published and the messages they caused
    have stopped (two looks a second apart agree), so the counts each call is judged by move
    only because of the call."""
    seen = []

    def quiet():
        seen.append(_messages_naming(running_suite, ids))
        return (len(seen) > 1 and seen[-1] == seen[-2]
                and not any(pending for _, pending in seen[-1]))

    wait_until(quiet, timeout=90, interval=1.0,
               message=lambda: f"the records' events never settled: {seen[-2:]}")


@pytest.fixture(scope="module")
def records(running_suite, lead_assigned_to) -> Records:
    http = running_suite.http
    owner = http.login(OWNER)
    suffix = uuid.uuid4().hex[:6]
    customer = _new_customer(http, owner, f"矩阵测试客户 {suffix}")
    contact = _ok(http.call("POST", f"/api/v1/customers/{customer}/contacts",
                            {"name": "钱七", "job_title": "采购经理"}, owner))["id"]
    other = _new_customer(http, owner, f"矩阵测试另一客户 {suffix}")
    li_customer = _new_customer(http, http.login("rep.li"), f"矩阵测试北区客户 {suffix}")
    li_lead = lead_assigned_to("rep.li", {
        "contact_name": "孙八", "company_name": f"矩阵线索 {suffix}",
        "phone": f"139{uuid.uuid4().int % 10**8:08d}"})["id"]
    survey = _ok(http.call("POST", "/api/v1/surveys", {
        "title": f"矩阵问卷 {suffix}", "kind": "service_satisfaction", "state": "active",
        "questions": [{"id": "q1", "dimension": "response_speed", "text": "响应速度？",
                       "type": "rating_1_to_5", "required": True}]},
        http.login("marketer.chen")))["id"]
    for service, table in (("sales", "sales_customer_facts"), ("marketing", "customer_profiles")):
        wait_until(lambda service=service, table=table: _scalar(
            running_suite, service, f"SELECT count(*) FROM {table} WHERE customer_id IN (?, ?, ?)",
            customer, other, li_customer) == 3,
            timeout=60, message=f"the {service} service never learnt of the customers")
    opportunity = _ok(http.call("POST", "/api/v1/opportunities", {
        "name": f"矩阵商机 {suffix}", "customer_id": customer, "expected_close_date": _day(30),
        "amount": {"currency_code": "CNY", "amount_minor": 100_000}}, owner))["id"]
    ticket = _ok(http.call("POST", "/api/v1/tickets", {
        "type": "complaint", "channel": "phone", "title": "产品质量问题",
        "description": "收到的产品外壳破损，质量有问题", "customer_id": customer},
        http.login("tech.zhao")))
    assert ticket["department_path"] == "/hq/product", ticket
    quote = _ok(http.call("POST", "/api/v1/quotes", {
        "opportunity_id": opportunity, "discount_basis_points": 1500, "line_items": [
            {"product_code": "MATRIX", "quantity": "1",
             "unit_price": {"currency_code": "CNY", "amount_minor": 100_000}}]}, owner))
    approval_request = _ok(http.call("POST", f"/api/v1/quotes/{quote['id']}/send", None, owner),
                           200)["approval_request_id"]
    # a key field of another of his customers: held for his lead's approval (seed 002)
    customer_approval_request = _ok(http.call(
        "PATCH", f"/api/v1/customers/{other}", {"bank_account": "6222020200112233445"}, owner),
        200)["pending_approval_request_id"]
    assert customer_approval_request
    _wait_until_settled(running_suite, (customer, contact, other, li_customer, li_lead,
                                        opportunity, ticket["id"], approval_request,
                                        customer_approval_request))
    marketer = http.login("marketer.chen")
    segment = _ok(http.call("POST", "/api/v1/segments", {
        "display_name": f"矩阵细分 {suffix}", "rule": {"match": "all", "conditions": [
            {"field": "industry", "operator": "equals", "values": [f"matrix-{suffix}"]}],
            "groups": []}}, marketer))["id"]
    campaign = _ok(http.call("POST", "/api/v1/campaigns", {
        "name": f"矩阵活动 {suffix}", "channel": "sms", "segment_ids": [segment],
        "variants": [{"id": "A", "weight_percent": 100, "body": "矩阵"}]}, marketer))["id"]
    li_id = http.call("GET", "/api/v1/me", token=http.login("rep.li")).body["id"]
    notification = wait_until(lambda: _scalar(
        running_suite, "notification", "SELECT max(id) FROM inbox_entries WHERE recipient_id = ?",
        li_id), timeout=60, message="rep.li was never told of the lead assigned to him")
    # The oldest rule is one the suite seeded: tests earlier in the session may have added
    # rules of a lead's own department (which that lead may change), and ids are random.
    rules = {table: _scalar(running_suite, service,
                            f"SELECT id FROM {table} ORDER BY create_time, id LIMIT 1")
             for service, table in RULE_TABLES}
    assert all(rules.values()), rules
    li_opportunity = _ok(http.call("POST", "/api/v1/opportunities", {
        "name": f"矩阵北区商机 {suffix}", "customer_id": li_customer,
        "expected_close_date": _day(30),
        "amount": {"currency_code": "CNY", "amount_minor": 100_000}}, http.login("rep.li")))["id"]
    _wait_until_settled(running_suite, (segment, campaign, li_opportunity))
    tokens = {name: http.login(name) for name in (OWNER, *CALLERS) if name != SERVICE_ACCOUNT}
    tokens[SERVICE_ACCOUNT] = _service_account_token(running_suite)
    owner_user = http.call("GET", "/api/v1/me", token=owner).body["id"]
    return Records(customer, contact, other, li_customer, li_lead, survey, opportunity,
                   ticket["id"], segment, campaign, notification, li_opportunity, rules,
                   owner_user, tokens, approval_request, customer_approval_request)


RULE_TABLES = (("ticket", "routing_rules"), ("sales", "lead_assignment_rules"),
               ("sales", "lead_grading_rules"), ("notification", "notification_rules"),
               ("sales", "approval_policies"))
"""The rules the suite seeds (the company's own, which no department lead may change)."""


# -- the matrix's rows ------------------------------------------------------------------------

@dataclass(frozen=True)
class Write:
    """One write naming a record: its RPC, the request field and the REST field naming it, the
    request around an id (gRPC and REST), and where a stored row would name the record."""

    service: str
    rpc: str
    field: str
    grpc: Callable[[Records, str], object]
    rest: Callable[[Records, str], tuple[str, str, dict]] | None
    """None: the RPC has no REST route."""
    table: str
    column: str = "customer_id"
    allowed: frozenset[str] = frozenset()
    """Callers an explicit rule lets name the record (asserted to succeed elsewhere)."""
    changes_nothing: Callable[[object], bool] | None = None
    """For an RPC that acts on the caller's own records only (their notifications): an answer
    (gRPC message or REST body) that says nothing was changed is a refusal too."""
    also: tuple[str, ...] = ()
    """Other references of the request a caller may be refused on as well (the customer a deal
    naming the campaign is for)."""

    @property
    def method(self) -> str:
        return f"/{PACKAGES[self.service]}/{self.rpc}"

    @property
    def rest_field(self) -> str:
        return self.field.rsplit(".", 1)[-1]

    def __str__(self) -> str:
        return f"{self.rpc}.{self.field}"


def _lead(r, c):
    return sales_pb2.CreateLeadRequest(lead=sales_pb2.Lead(
        contact_name="周九", company_name="矩阵公司", phone="13900000000", customer_id=c))


def _activity(r, c, contact=""):
    return sales_pb2.CreateActivityRequest(activity=sales_pb2.Activity(
        customer_id=c, contact_id=contact, method=sales_pb2.FOLLOW_UP_METHOD_PHONE,
        occur_time=_timestamp(_an_hour_ago()), topic="需求沟通", summary="矩阵"))


def _activity_rest(r, c, contact=""):
    return ("POST", "/api/v1/activities", {
        "customer_id": c, "contact_id": contact, "method": "phone",
        "occur_time": _an_hour_ago().isoformat(), "topic": "需求沟通", "summary": "矩阵"})


def _ticket(r, c, contact=""):
    return ticket_pb2.CreateTicketRequest(ticket=ticket_pb2.Ticket(
        type=ticket_pb2.TICKET_TYPE_COMPLAINT, channel=ticket_pb2.TICKET_CHANNEL_PHONE,
        title="矩阵工单", description="产品外壳破损", customer_id=c, contact_id=contact))


def _ticket_rest(r, c, contact=""):
    return ("POST", "/api/v1/tickets", {
        "type": "complaint", "channel": "phone", "title": "矩阵工单",
        "description": "产品外壳破损", "customer_id": c, "contact_id": contact})


WRITES = (
    Write("sales", "CreateLead", "lead.customer_id", _lead,
          lambda r, c: ("POST", "/api/v1/leads", {
              "contact_name": "周九", "company_name": "矩阵公司", "phone": "13900000000",
              "customer_id": c}),
          "leads"),
    Write("sales", "ConvertLead", "existing_customer_id",
          lambda r, c: sales_pb2.ConvertLeadRequest(lead_id=r.li_lead, existing_customer_id=c),
          lambda r, c: ("POST", f"/api/v1/leads/{r.li_lead}/convert",
                        {"existing_customer_id": c}),
          "opportunities"),
    Write("sales", "CreateOpportunity", "opportunity.customer_id",
          lambda r, c: sales_pb2.CreateOpportunityRequest(opportunity=sales_pb2.Opportunity(
              name="矩阵商机", customer_id=c, amount=_cny(100_000))),
          lambda r, c: ("POST", "/api/v1/opportunities", {
              "name": "矩阵商机", "customer_id": c,
              "amount": {"currency_code": "CNY", "amount_minor": 100_000}}),
          "opportunities"),
    Write("sales", "CreateContract", "contract.customer_id",
          lambda r, c: sales_pb2.CreateContractRequest(contract=sales_pb2.Contract(
              customer_id=c, title="矩阵合同", amount=_cny(100_000), start_date=_day(0),
              end_date=_day(30))),
          lambda r, c: ("POST", "/api/v1/contracts", {
              "customer_id": c, "title": "矩阵合同", "start_date": _day(0), "end_date": _day(30),
              "amount": {"currency_code": "CNY", "amount_minor": 100_000}}),
          "contracts"),
    Write("sales", "RecordPurchase", "purchase.customer_id",
          lambda r, c: sales_pb2.RecordPurchaseRequest(purchase=sales_pb2.Purchase(
              customer_id=c, source_system="shop", external_order_id="SO-MATRIX",
              purchase_time=_timestamp(_an_hour_ago()), amount=_cny(100), item_count=1)),
          lambda r, c: ("POST", "/api/v1/purchases", {
              "customer_id": c, "source_system": "shop", "external_order_id": "SO-MATRIX",
              "purchase_time": _an_hour_ago().isoformat(), "item_count": 1,
              "amount": {"currency_code": "CNY", "amount_minor": 100}}),
          "purchases"),
    Write("sales", "CreateActivity", "activity.customer_id", _activity, _activity_rest,
          "activities"),
    Write("sales", "CreateFollowUpTask", "task.customer_id",
          lambda r, c: sales_pb2.CreateFollowUpTaskRequest(task=sales_pb2.FollowUpTask(
              customer_id=c, title="矩阵任务", due_date=_day(2))),
          lambda r, c: ("POST", "/api/v1/follow-up-tasks", {
              "customer_id": c, "title": "矩阵任务", "due_date": _day(2)}),
          "follow_up_tasks"),
    Write("ticket", "CreateTicket", "ticket.customer_id", _ticket, _ticket_rest, "tickets",
          allowed=frozenset({"agent.wang"})),  # the service desk takes any customer's call
    Write("marketing", "CreateSurveyInvitation", "invitation.customer_id",
          lambda r, c: marketing_pb2.CreateSurveyInvitationRequest(
              invitation=marketing_pb2.SurveyInvitation(survey_id=r.survey, customer_id=c)),
          lambda r, c: ("POST", f"/api/v1/surveys/{r.survey}/invitations", {"customer_id": c}),
          "survey_invitations",
          allowed=frozenset({"marketer.chen"})),  # marketers reach every customer
)

CONTACT_WRITES = (
    Write("sales", "CreateActivity", "activity.contact_id",
          lambda r, c: _activity(r, c, r.contact),
          lambda r, c: _activity_rest(r, c, r.contact), "activities", column="contact_id"),
    Write("ticket", "CreateTicket", "ticket.contact_id",
          lambda r, c: _ticket(r, c, r.contact),
          lambda r, c: _ticket_rest(r, c, r.contact), "tickets", column="contact_id"),
)

OPPORTUNITY_WRITES = (
    # the same service's record: checked by its handler (NOT_FOUND when not the caller's);
    # a follow-up needs a customer too: rep.li's own, so for him only the opportunity is wrong
    Write("sales", "CreateQuote", "quote.opportunity_id",
          lambda r, o: sales_pb2.CreateQuoteRequest(quote=sales_pb2.Quote(
              opportunity_id=o, line_items=[sales_pb2.QuoteLineItem(
                  product_code="A", quantity="1", unit_price=_cny(100))])),
          lambda r, o: ("POST", "/api/v1/quotes", {"opportunity_id": o, "line_items": [
              {"product_code": "A", "quantity": "1",
               "unit_price": {"currency_code": "CNY", "amount_minor": 100}}]}),
          "quotes", column="opportunity_id"),
    Write("sales", "CreateContract", "contract.opportunity_id",
          lambda r, o: sales_pb2.CreateContractRequest(contract=sales_pb2.Contract(
              opportunity_id=o, title="矩阵合同", amount=_cny(100_000), start_date=_day(0),
              end_date=_day(30))),
          lambda r, o: ("POST", "/api/v1/contracts", {
              "opportunity_id": o, "title": "矩阵合同", "start_date": _day(0),
              "end_date": _day(30), "amount": {"currency_code": "CNY", "amount_minor": 100_000}}),
          "contracts", column="opportunity_id"),
    Write("sales", "CreateActivity", "activity.opportunity_id",
          lambda r, o: sales_pb2.CreateActivityRequest(activity=sales_pb2.Activity(
              customer_id=r.li_customer, opportunity_id=o,
              method=sales_pb2.FOLLOW_UP_METHOD_PHONE,
              occur_time=_timestamp(_an_hour_ago()), topic="需求沟通", summary="矩阵")),
          lambda r, o: ("POST", "/api/v1/activities", {
              "customer_id": r.li_customer, "opportunity_id": o, "method": "phone",
              "occur_time": _an_hour_ago().isoformat(),
              "topic": "需求沟通", "summary": "矩阵"}),
          "activities", column="opportunity_id"),
    Write("sales", "CreateFollowUpTask", "task.opportunity_id",
          lambda r, o: sales_pb2.CreateFollowUpTaskRequest(task=sales_pb2.FollowUpTask(
              customer_id=r.li_customer, opportunity_id=o, title="矩阵任务", due_date=_day(2))),
          lambda r, o: ("POST", "/api/v1/follow-up-tasks", {
              "customer_id": r.li_customer, "opportunity_id": o, "title": "矩阵任务",
              "due_date": _day(2)}),
          "follow_up_tasks", column="opportunity_id"),
    # team selling: only the owner's line brings collaborators in (issue 18)
    Write("sales", "AddOpportunityCollaborator", "opportunity_id",
          lambda r, o: sales_pb2.AddOpportunityCollaboratorRequest(
              opportunity_id=o, user_id=MATRIX_USER,
              role=collaborators_pb2.COLLABORATOR_ROLE_CO_OWNER),
          lambda r, o: ("PUT", f"/api/v1/opportunities/{o}/collaborators/{MATRIX_USER}",
                        {"role": "co_owner"}),
          "sales_opportunity_collaborators", column="opportunity_id"),
    Write("sales", "RemoveOpportunityCollaborator", "opportunity_id",
          lambda r, o: sales_pb2.RemoveOpportunityCollaboratorRequest(
              opportunity_id=o, user_id=MATRIX_USER),
          lambda r, o: ("DELETE", f"/api/v1/opportunities/{o}/collaborators/{MATRIX_USER}",
                        None),
          "sales_opportunity_collaborators", column="opportunity_id"),
)

MATRIX_USER = "u-matrix-collaborator"
"""Whom a refused caller tries to add as a collaborator (nobody: they are refused before)."""

CUSTOMER_COLLABORATOR_WRITES = (
    # the customer service's own writes on a customer: only the owner's line changes who works
    # on it with them (a collaborator reads it; everyone else is told nothing)
    Write("customer", "AddCustomerCollaborator", "customer_id",
          lambda r, c: customer_pb2.AddCustomerCollaboratorRequest(
              customer_id=c, user_id=MATRIX_USER,
              role=collaborators_pb2.COLLABORATOR_ROLE_TECHNICAL_SUPPORT),
          lambda r, c: ("PUT", f"/api/v1/customers/{c}/collaborators/{MATRIX_USER}",
                        {"role": "technical_support"}),
          "customer_collaborators"),
    Write("customer", "RemoveCustomerCollaborator", "customer_id",
          lambda r, c: customer_pb2.RemoveCustomerCollaboratorRequest(
              customer_id=c, user_id=MATRIX_USER),
          lambda r, c: ("DELETE", f"/api/v1/customers/{c}/collaborators/{MATRIX_USER}", None),
          "customer_collaborators"),
)

TICKET_WRITES = (
    Write("ticket", "CreateServiceRecord", "service_record.ticket_id",
          lambda r, t: ticket_pb2.CreateServiceRecordRequest(service_record=ticket_pb2.ServiceRecord(
              ticket_id=t, actions_taken="矩阵", service_time=_timestamp(_an_hour_ago()))),
          lambda r, t: ("POST", f"/api/v1/tickets/{t}/service-records", {
              "actions_taken": "矩阵", "service_time": _an_hour_ago().isoformat()}),
          "service_records", column="ticket_id"),
)

# -- the other records a write names: marketing's, notifications, the company's rules ----------

MARKETER = frozenset({"marketer.chen"})  # the owner of the segment, the campaign, the survey
MAY_NAME_COMPANY_WIDE = MARKETER | {"tech.lead"}
"""Who may *name* a segment or a survey in a record of their own: segments and surveys are
the company's (every staff member reads surveys), and a department lead (``manager``) creates
campaigns and improvement items; a campaign's audience stays within its creator's reach
(marketing's ``customer_reach``), whatever segment it names."""
RENAMED = "矩阵改名"


def _by_id(service: str, rpc: str, request_of: Callable[[str], object],
           rest_of: Callable[[str], tuple[str, str, dict]] | None, table: str,
           **options) -> Write:
    """A write on the record ``id`` names (changing, deleting or moving it)."""
    return Write(service, rpc, "id", lambda r, i: request_of(i),
                 None if rest_of is None else lambda r, i: rest_of(i), table, column="id",
                 **options)


def _renamed(request_type, wrapper: str, message, field: str = "display_name"):
    """An update of record ``id`` giving it a new name (``field``), in the request's
    ``wrapper`` field."""
    return lambda i: request_type(update_mask=FieldMask(paths=[field]), **{
        wrapper: message(id=i, **{field: RENAMED})})


def _sms_campaign(**fields) -> marketing_pb2.Campaign:
    return marketing_pb2.Campaign(
        name="矩阵活动", channel=types_pb2.DELIVERY_CHANNEL_SMS, variants=[
            marketing_pb2.CampaignVariant(id="A", weight_percent=100, body="矩阵")], **fields)


def _sms_campaign_rest(**fields) -> dict:
    return {"name": "矩阵活动", "channel": "sms",
            "variants": [{"id": "A", "weight_percent": 100, "body": "矩阵"}], **fields}


def _tomorrow() -> datetime:
    return datetime.now(UTC) + timedelta(days=1)


def _campaign_move(rpc: str, verb: str, body: dict | None = None, **request) -> Write:
    return _by_id("marketing", rpc,
                  lambda i: getattr(marketing_pb2, f"{rpc}Request")(id=i, **request),
                  lambda i: ("POST", f"/api/v1/campaigns/{i}/{verb}", body or {}),
                  "campaigns", allowed=MARKETER)


def _rule_writes(service: str, noun: str, table: str, path: str | None, module) -> tuple:
    """Changing and deleting one of the company's rules (nobody of the matrix may)."""
    message = getattr(module, noun)
    return (
        _by_id(service, f"Update{noun}", _renamed(getattr(module, f"Update{noun}Request"),
                                                   "rule", message), None if path is None
               else lambda i: ("PATCH", f"{path}/{i}", {"display_name": RENAMED}), table),
        _by_id(service, f"Delete{noun}",
               lambda i: getattr(module, f"Delete{noun}Request")(id=i),
               None if path is None else lambda i: ("DELETE", f"{path}/{i}", None), table),
    )


def _purchase(r, i):
    return sales_pb2.RecordPurchaseRequest(purchase=sales_pb2.Purchase(
        customer_id=r.li_customer, source_system="shop", external_order_id="SO-MATRIX-CAMPAIGN",
        purchase_time=_timestamp(_an_hour_ago()), amount=_cny(100), item_count=1,
        campaign_id=i))


def _purchase_rest(r, i):
    return ("POST", "/api/v1/purchases", {
        "customer_id": r.li_customer, "source_system": "shop",
        "external_order_id": "SO-MATRIX-CAMPAIGN", "purchase_time": _an_hour_ago().isoformat(),
        "item_count": 1, "amount": {"currency_code": "CNY", "amount_minor": 100},
        "campaign_id": i})


RECORD_WRITES = (
    # segments
    (_by_id("marketing", "UpdateSegment",
            _renamed(marketing_pb2.UpdateSegmentRequest, "segment", marketing_pb2.Segment),
            lambda i: ("PATCH", f"/api/v1/segments/{i}", {"display_name": RENAMED}),
            "segments", allowed=MARKETER), "segment"),
    (_by_id("marketing", "DeleteSegment", lambda i: marketing_pb2.DeleteSegmentRequest(id=i),
            lambda i: ("DELETE", f"/api/v1/segments/{i}", None), "segments",
            allowed=MARKETER), "segment"),
    (_by_id("marketing", "EvaluateSegment",
            lambda i: marketing_pb2.EvaluateSegmentRequest(id=i),
            lambda i: ("POST", f"/api/v1/segments/{i}/evaluate", {}), "segments",
            allowed=MARKETER), "segment"),
    (Write("marketing", "CreateCampaign", "campaign.segment_ids",
           lambda r, i: marketing_pb2.CreateCampaignRequest(campaign=_sms_campaign(
               segment_ids=[i])),
           lambda r, i: ("POST", "/api/v1/campaigns", _sms_campaign_rest(segment_ids=[i])),
           "campaigns", column="segment_ids LIKE", allowed=MAY_NAME_COMPANY_WIDE), "segment"),
    (Write("marketing", "CreateTrigger", "trigger.segment_id",
           lambda r, i: marketing_pb2.CreateTriggerRequest(trigger=marketing_pb2.Trigger(
               display_name="矩阵触发", kind=marketing_pb2.TRIGGER_KIND_SEGMENT_JOINED,
               segment_id=i, action=marketing_pb2.TriggerAction(
                   kind=marketing_pb2.TRIGGER_ACTION_KIND_NOTIFY_OWNER))),
           lambda r, i: ("POST", "/api/v1/triggers", {
               "display_name": "矩阵触发", "kind": "segment_joined", "segment_id": i,
               "action": {"kind": "notify_owner"}}),
           "triggers", column="segment_id", allowed=MARKETER), "segment"),
    # campaigns
    (_by_id("marketing", "UpdateCampaign",
            _renamed(marketing_pb2.UpdateCampaignRequest, "campaign", marketing_pb2.Campaign,
                     "name"),
            lambda i: ("PATCH", f"/api/v1/campaigns/{i}", {"name": RENAMED}), "campaigns",
            allowed=MARKETER), "campaign"),
    (_by_id("marketing", "DeleteCampaign", lambda i: marketing_pb2.DeleteCampaignRequest(id=i),
            lambda i: ("DELETE", f"/api/v1/campaigns/{i}", None), "campaigns",
            allowed=MARKETER), "campaign"),
    (_campaign_move("ScheduleCampaign", "schedule",
                    {"schedule_time": _tomorrow().isoformat()},
                    schedule_time=_timestamp(_tomorrow())), "campaign"),
    (_campaign_move("LaunchCampaign", "launch"), "campaign"),
    (_campaign_move("PauseCampaign", "pause"), "campaign"),
    (_campaign_move("ResumeCampaign", "resume"), "campaign"),
    (_campaign_move("CompleteCampaign", "complete"), "campaign"),
    (_campaign_move("CancelCampaign", "cancel", {"reason": "矩阵"}, reason="矩阵"), "campaign"),
    (Write("marketing", "RecordCampaignResponse", "response.campaign_id",
           lambda r, i: marketing_pb2.RecordCampaignResponseRequest(
               response=marketing_pb2.CampaignResponse(
                   campaign_id=i, customer_id=r.li_customer,
                   kind=marketing_pb2.RESPONSE_KIND_REGISTRATION)),
           lambda r, i: ("POST", f"/api/v1/campaigns/{i}/responses", {
               "customer_id": r.li_customer, "kind": "registration"}),
           "campaign_responses", column="campaign_id", allowed=MARKETER), "campaign"),
    # the campaign a lead, a deal or a purchase is attributed to (marketing's ROI counts it):
    # rep.li's own lead and deal, his customer, marketer.chen's campaign
    (Write("sales", "CreateLead", "lead.campaign_id",
           lambda r, i: sales_pb2.CreateLeadRequest(lead=sales_pb2.Lead(
               contact_name="周九", company_name="矩阵公司", phone="13900000000", campaign_id=i)),
           lambda r, i: ("POST", "/api/v1/leads", {
               "contact_name": "周九", "company_name": "矩阵公司", "phone": "13900000000",
               "campaign_id": i}),
           "leads", column="campaign_id", allowed=MARKETER), "campaign"),
    (Write("sales", "UpdateLead", "lead.campaign_id",
           lambda r, i: sales_pb2.UpdateLeadRequest(
               lead=sales_pb2.Lead(id=r.li_lead, campaign_id=i),
               update_mask=FieldMask(paths=["campaign_id"])),
           lambda r, i: ("PATCH", f"/api/v1/leads/{r.li_lead}", {"campaign_id": i}),
           "leads", column="campaign_id"), "campaign"),
    (Write("sales", "CreateOpportunity", "opportunity.campaign_id",
           lambda r, i: sales_pb2.CreateOpportunityRequest(opportunity=sales_pb2.Opportunity(
               name="矩阵商机", customer_id=r.li_customer, campaign_id=i, amount=_cny(100_000))),
           lambda r, i: ("POST", "/api/v1/opportunities", {
               "name": "矩阵商机", "customer_id": r.li_customer, "campaign_id": i,
               "amount": {"currency_code": "CNY", "amount_minor": 100_000}}),
           # (marketer.chen may name her campaign; his customer is refused on its own field)
           "opportunities", column="campaign_id", also=("customer_id",), allowed=MARKETER),
     "campaign"),
    (Write("sales", "UpdateOpportunity", "opportunity.campaign_id",
           lambda r, i: sales_pb2.UpdateOpportunityRequest(
               opportunity=sales_pb2.Opportunity(id=r.li_opportunity, campaign_id=i),
               update_mask=FieldMask(paths=["campaign_id"])),
           lambda r, i: ("PATCH", f"/api/v1/opportunities/{r.li_opportunity}",
                         {"campaign_id": i}),
           "opportunities", column="campaign_id"), "campaign"),
    (Write("sales", "RecordPurchase", "purchase.campaign_id", _purchase, _purchase_rest,
           "purchases", column="campaign_id", also=("customer_id",), allowed=MARKETER),
     "campaign"),
    # surveys
    (_by_id("marketing", "UpdateSurvey",
            _renamed(marketing_pb2.UpdateSurveyRequest, "survey", marketing_pb2.Survey,
                     "title"),
            lambda i: ("PATCH", f"/api/v1/surveys/{i}", {"title": RENAMED}), "surveys",
            allowed=MARKETER), "survey"),
    (_by_id("marketing", "DeleteSurvey", lambda i: marketing_pb2.DeleteSurveyRequest(id=i),
            lambda i: ("DELETE", f"/api/v1/surveys/{i}", None), "surveys",
            allowed=MARKETER), "survey"),
    (Write("marketing", "CreateSurveyInvitation", "invitation.survey_id",
           lambda r, i: marketing_pb2.CreateSurveyInvitationRequest(
               invitation=marketing_pb2.SurveyInvitation(survey_id=i,
                                                         customer_id=r.li_customer)),
           lambda r, i: ("POST", f"/api/v1/surveys/{i}/invitations",
                         {"customer_id": r.li_customer}),
           "survey_invitations", column="survey_id", allowed=MARKETER), "survey"),
    (Write("marketing", "CreateCampaign", "campaign.survey_id",
           lambda r, i: marketing_pb2.CreateCampaignRequest(campaign=_sms_campaign(
               segment_ids=[r.segment], survey_id=i)),
           lambda r, i: ("POST", "/api/v1/campaigns", _sms_campaign_rest(
               segment_ids=[r.segment], survey_id=i)),
           "campaigns", column="survey_id", allowed=MAY_NAME_COMPANY_WIDE), "survey"),
    (Write("marketing", "CreateImprovementItem", "item.survey_id",
           lambda r, i: marketing_pb2.CreateImprovementItemRequest(
               item=marketing_pb2.ImprovementItem(survey_id=i, dimension="response_speed",
                                                  title="矩阵改进")),
           lambda r, i: ("POST", "/api/v1/surveys/improvement-items", {
               "survey_id": i, "dimension": "response_speed", "title": "矩阵改进"}),
           "improvement_items", column="survey_id", allowed=MAY_NAME_COMPANY_WIDE), "survey"),
    # another person's notification: marking it read marks nothing
    (_by_id("notification", "MarkNotificationsRead",
            lambda i: notification_pb2.MarkNotificationsReadRequest(ids=[i]),
            lambda i: ("POST", "/api/v1/notifications/mark-read", {"ids": [i]}),
            "inbox_entries", allowed=frozenset({"rep.li"}),
            changes_nothing=lambda answer: (answer["marked"] if isinstance(answer, dict)
                                            else answer.marked) == 0), "notification"),
    # the company's rules
    *((write, f"rules:{write.table}") for write in (
        *_rule_writes("ticket", "RoutingRule", "routing_rules", "/api/v1/routing-rules",
                      ticket_pb2),
        *_rule_writes("sales", "AssignmentRule", "lead_assignment_rules",
                      "/api/v1/sales/assignment-rules", sales_pb2),
        *_rule_writes("sales", "LeadGradingRule", "lead_grading_rules",
                      "/api/v1/sales/grading-rules", sales_pb2),
        *_rule_writes("notification", "NotificationRule", "notification_rules", None,
                      notification_pb2),
        _by_id("sales", "UpdateApprovalPolicy",
               _renamed(sales_pb2.UpdateApprovalPolicyRequest, "policy",
                        approvals_pb2.ApprovalPolicy),
               lambda i: ("PATCH", f"/api/v1/sales/approval-policies/{i}",
                          {"display_name": RENAMED}), "approval_policies"))),
    # an approval request waiting for rep.zhang's lead: nobody of the matrix decides it
    *((_by_id("sales", f"{verb.title()}Request",
              lambda i, message=message: message(id=i, comment="矩阵"),
              lambda i, verb=verb: ("POST", f"/api/v1/sales/approval-requests/{i}/{verb}",
                                    {"comment": "矩阵"}), "approval_requests"),
       "approval_request") for verb, message in (
        ("approve", sales_pb2.ApproveRequestRequest),
        ("reject", sales_pb2.RejectRequestRequest))),
    # a customer's key-field change waiting for rep.zhang's lead: likewise
    *((_by_id("customer", f"{verb.title()}Request",
              lambda i, message=message: message(id=i, comment="矩阵"),
              lambda i, verb=verb: ("POST", f"/api/v1/customers/approval-requests/{i}/{verb}",
                                    {"comment": "矩阵"}), "approval_requests"),
       "customer_approval_request") for verb, message in (
        ("approve", customer_pb2.ApproveRequestRequest),
        ("reject", customer_pb2.RejectRequestRequest))),
)
"""Writes on, or naming, a record of the kinds the issue names besides customers and contacts,
each with the record of ``Records`` it takes (``rules:<table>``: that table's seeded rule)."""

PERSONAL_WRITES = (
    # a person's webhook is part of their notification preferences, named by their user id
    # (no REST route names another person: /api/v1/notifications/preferences is the caller's)
    (Write("notification", "UpdateNotificationPreferences", "preferences.user_id",
           lambda r, u: notification_pb2.UpdateNotificationPreferencesRequest(
               preferences=notification_pb2.NotificationPreferences(
                   user_id=u, webhook=notification_pb2.WebhookEndpoint(
                       url="https://hooks.example.com/matrix", secret="s" * 32,
                       enabled=True)),
               update_mask=FieldMask(paths=["webhook"])),
           None, "notification_preferences", column="user_id"), "owner_user"),
    # a rep's sales target: leads of the rep's department subtree and admins set it (issue 18)
    (Write("sales", "SetSalesTarget", "target.rep_id",
           lambda r, u: sales_pb2.SetSalesTargetRequest(target=sales_pb2.SalesTarget(
               rep_id=u, period="2026-12", follow_up_count=10)),
           lambda r, u: ("POST", "/api/v1/sales/targets",
                         {"rep_id": u, "period": "2026-12", "follow_up_count": 10}),
           "sales_targets", column="rep_id"), "owner_user"),
)
"""Writes naming another person's own records (not derived: a user id names them)."""

KIND_FIELDS = ("campaign_id", "segment_id", "segment_ids", "survey_id", "rule_id")
KIND_RPCS = ("Campaign", "Segment", "Survey", "RoutingRule", "AssignmentRule", "LeadGradingRule",
             "NotificationRule", "NotificationsRead", "ApprovalPolicy", "Request")
"""What a request names a campaign, segment, survey, rule or notification by: a field, or the
RPC acting on one by id (``<Verb><Noun>``, e.g. PauseCampaign; MarkNotificationsRead; an
approval request's ApproveRequest)."""

KIND_EXEMPT = {
    "/crm.sales.v1.SalesService/ConvertLead": "opportunity.campaign_id is refused: the "
                                              "opportunity takes the lead's campaign",
    "/crm.sales.v1.SalesService/SubmitLeadForm": "no staff caller may call it: the public form "
                                                 "(test_systems_recording_from_outside_...)",
    "/crm.ticket.v1.TicketService/CreateTicket": "routing_decisions.rule_id is output only",
    "/crm.ticket.v1.TicketService/UpdateTicket": "routing_decisions.rule_id is output only",
    "/crm.marketing.v1.MarketingService/UpdateTrigger": "a trigger of marketing's automation; "
                                                        "segment_id checked as CreateTrigger's",
    "/crm.marketing.v1.MarketingService/UpdateImprovementItem": "survey_id is not updatable",
    "/crm.sales.v1.SalesService/UpdateFollowUpPlan": "estimated_class_rule_id is output only (the "
                                                     "prospect rule that graded the customer)",
    "/crm.sales.v1.SalesService/CreateFollowUpTask": "task.segment_id is output only (the segment "
                                                     "whose contact strategy made the task)",
    "/crm.sales.v1.SalesService/UpdateFollowUpTask": "task.segment_id is output only and not in "
                                                     "the update mask",
}

EXEMPT = {
    # the id cannot be given: output only (taken from the parent record, itself checked) or
    # not in the RPC's update mask (the service refuses a change of it)
    "/crm.sales.v1.SalesService/UpdateLead": "checked as CreateLead (crm_shared.references, on "
                                             "update_mask customer_id); not set up here",
    "/crm.sales.v1.SalesService/UpdateOpportunity": "customer_id is not updatable",
    "/crm.sales.v1.SalesService/CreateQuote": "customer_id is output only (the opportunity's)",
    "/crm.sales.v1.SalesService/UpdateQuote": "customer_id is output only",
    "/crm.sales.v1.SalesService/UpdateContract": "customer_id is not updatable",
    "/crm.sales.v1.SalesService/RecordPayment": "customer_id is output only (the contract's)",
    "/crm.sales.v1.SalesService/UpdateActivity": "customer_id is not updatable; contact_id is "
                                                 "(CONTACT_UPDATES)",
    "/crm.sales.v1.SalesService/UpdateFollowUpTask": "customer_id is not updatable",
    "/crm.sales.v1.SalesService/UpdateFollowUpPlan": "customer_id picks the plan; not updatable",
    "/crm.ticket.v1.TicketService/UpdateTicket": "customer_id is not updatable; contact_id is "
                                                 "(CONTACT_UPDATES)",
    "/crm.ticket.v1.TicketService/CreateServiceRecord": "customer_id is output only (the "
                                                         "ticket's)",
    # bounded by another record the caller must see
    "/crm.marketing.v1.MarketingService/RecordCampaignResponse": "the customer must be a "
                                                                 "recipient of a campaign the "
                                                                 "caller may see",
    # no person but an admin may call it: the marketing service's account addresses messages
    # to the audience it checked
    "/crm.notification.v1.NotificationService/SendMessages": "admins and notification.send "
                                                             "only; addresses, stores nothing "
                                                             "on the customer",
}

READS = ("Get", "List", "Search", "BatchGet", "Export", "Count", "Preview")
NAMING = ("customer_id", "contact_id")


def _naming_fields(message, prefix: str = "", depth: int = 0,
                   naming: tuple[str, ...] = NAMING) -> list[str]:
    found = []
    for descriptor in message.fields:
        if descriptor.name.endswith(naming):
            found.append(prefix + descriptor.name)
        if (descriptor.type == FieldDescriptor.TYPE_MESSAGE and depth < 2
                and not descriptor.message_type.full_name.startswith("google.")):
            found += _naming_fields(descriptor.message_type, f"{prefix}{descriptor.name}.",
                                    depth + 1, naming)
    return found


def _writes_naming_a_customer_or_contact() -> dict[str, list[str]]:
    """Every write of the services other than the customer service (which owns both records)
    whose request has a field naming a customer or a contact."""
    writes = {}
    for module in (sales_pb2, ticket_pb2, marketing_pb2, notification_pb2):
        for service in module.DESCRIPTOR.services_by_name.values():
            for method in service.methods:
                fields = _naming_fields(method.input_type)
                if fields and not method.name.startswith(READS):
                    writes[f"/{service.full_name}/{method.name}"] = fields
    return writes


def _request_of(method: str):
    service, rpc = method.lstrip("/").split("/")
    module = {"customer": customer_pb2, "sales": sales_pb2, "ticket": ticket_pb2,
              "marketing": marketing_pb2}[
        service.split(".")[1]]
    return module.DESCRIPTOR.services_by_name[service.rsplit(".", 1)[1]].methods_by_name[
        rpc].input_type


def test_every_write_naming_a_customer_or_contact_is_in_the_matrix():
    writes = _writes_naming_a_customer_or_contact()
    covered = {write.method for write in WRITES + CONTACT_WRITES}
    assert sorted(set(writes) - covered - set(EXEMPT)) == [], "add a row to WRITES or exempt it"
    assert not covered & set(EXEMPT) and set(EXEMPT) <= set(writes)  # no stale exemptions
    for write in WRITES + CONTACT_WRITES:
        assert write.field in writes[write.method], write
    for write in OPPORTUNITY_WRITES + TICKET_WRITES + CUSTOMER_COLLABORATOR_WRITES:
        assert write.field in _naming_fields(_request_of(write.method),
                                             naming=(write.field.rsplit(".", 1)[-1],)), write


# -- calling and judging ----------------------------------------------------------------------

# A reference the owning service could not check in time (two cores, several suites) is
# UNAVAILABLE and changes nothing, by design; the client tries again, as a user would.
ANSWER_TIMEOUT = 60


def _grpc(running_suite, write: Write, request, token: str):
    channel = grpc.insecure_channel(running_suite.config.grpc_target(write.service))
    outcome = []

    def answered():
        try:
            outcome.append(getattr(STUBS[write.service](channel), write.rpc)(
                request, metadata=[("authorization", f"Bearer {token}")], timeout=30))
        except grpc.RpcError as error:
            if error.code() is grpc.StatusCode.UNAVAILABLE:
                return False
            outcome.append(error)
        return True

    try:
        wait_until(answered, timeout=ANSWER_TIMEOUT, interval=0.5,
                   message=f"{write.rpc} stayed UNAVAILABLE")
    finally:
        channel.close()
    if isinstance(outcome[-1], grpc.RpcError):
        raise outcome[-1]
    return outcome[-1]


def _rest(running_suite, call, token: str):
    method, path, body = call

    def answered():
        response = running_suite.http.call(method, path, body, token)
        return response if response.status != 503 else None

    return wait_until(answered, timeout=ANSWER_TIMEOUT, interval=0.5,
                      message=f"{method} {path} stayed 503")


def _stored(running_suite, write: Write, record_id: str) -> tuple[list, int]:
    """The rows of the write's table naming the record (the record itself, for a write on it
    by id), as they are, and how many outbox messages name it."""
    like = write.column.endswith(" LIKE")  # a list of ids kept as JSON
    connection = _db(running_suite, write.service)
    try:
        rows = sorted(map(repr, connection.execute(
            f"SELECT * FROM {write.table} WHERE {write.column} {'' if like else '='} ?",
            (f"%{record_id}%" if like else record_id,)).fetchall()))
    finally:
        connection.close()
    messages = _scalar(running_suite, write.service,
                       "SELECT count(*) FROM outbox WHERE payload LIKE ?", f"%{record_id}%")
    return rows, messages


def _on_references(fields: list[str], write: Write, also: tuple[str, ...]) -> bool:
    """A refusal on the reference (and on the other references the request names, ``also``),
    not on anything else about the request."""
    return write.field.rsplit(".", 1)[-1] in fields and set(fields) <= {
        name.rsplit(".", 1)[-1] for name in (write.field, *also)}


def _refused_over_grpc(running_suite, write: Write, request, token: str, caller: str,
                       also: tuple[str, ...] = ()) -> None:
    try:
        answer = _grpc(running_suite, write, request, token)
    except grpc.RpcError as caught:
        error = describe_rpc_error(caught)
    else:
        assert write.changes_nothing and write.changes_nothing(answer), (
            caller, str(write), "went ahead", answer)
        return
    assert error.code in _refusals(caller), (caller, str(write), error)
    if error.code is grpc.StatusCode.INVALID_ARGUMENT:
        fields = [v.field.rsplit(".", 1)[-1] for v in error.violations]
        assert _on_references(fields, write, also), (caller, str(write), error)


def _refused_over_rest(running_suite, write: Write, call, token: str, caller: str,
                       also: tuple[str, ...] = ()) -> None:
    response = _rest(running_suite, call, token)
    if write.changes_nothing and response.status == 200:
        assert write.changes_nothing(response.body), (caller, str(write), response)
        return
    assert response.status in _refusals(caller).values(), (caller, str(write), response)
    if response.status == 422:
        fields = [e["field"].rsplit(".", 1)[-1] for e in response.body["errors"]]
        assert _on_references(fields, write, also), (caller, str(write), response)


MATRIX = [pytest.param(write, caller, id=f"{write}-{caller}")
          for write in WRITES for caller in CALLERS if caller not in write.allowed]
"""Each write and each caller but those an explicit rule lets through (whose own tests prove
that they go ahead: tests of crm_shared.references and of marketing's reach)."""


@pytest.mark.parametrize(("write", "caller"), MATRIX)
def test_naming_a_customer_the_caller_may_not_see_is_refused_and_nothing_is_kept(
        running_suite, records, write, caller):
    token, customer = records.tokens[caller], records.customer
    before = _stored(running_suite, write, customer)
    _refused_over_grpc(running_suite, write, write.grpc(records, customer), token, caller)
    _refused_over_rest(running_suite, write, write.rest(records, customer), token, caller)
    assert _stored(running_suite, write, customer) == before, (caller, str(write))


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize(("write", "record"), [
    *((write, "opportunity") for write in OPPORTUNITY_WRITES),
    *((write, "ticket") for write in TICKET_WRITES),
    *((write, "customer") for write in CUSTOMER_COLLABORATOR_WRITES)], ids=str)
def test_naming_a_record_of_the_service_the_caller_may_not_see_is_refused_and_nothing_is_kept(
        running_suite, records, write, record, caller):
    token, record_id = records.tokens[caller], getattr(records, record)
    before = _stored(running_suite, write, record_id)
    _refused_over_grpc(running_suite, write, write.grpc(records, record_id), token, caller)
    _refused_over_rest(running_suite, write, write.rest(records, record_id), token, caller)
    assert _stored(running_suite, write, record_id) == before, (caller, str(write))


@pytest.mark.parametrize("write", CONTACT_WRITES, ids=str)
@pytest.mark.parametrize(("caller", "named_customer"), [
    (OWNER, "other_customer"),  # the owner's own contact, named with another of their customers
    ("rep.li", "li_customer"),  # someone else's contact, named with the caller's customer
    ("agent.wang", "li_customer"),  # the desk may name any customer, still not a stray contact
    ("tech.lead", "customer"),  # a customer and contact the caller may not see
])
def test_a_contact_must_belong_to_the_named_customer_and_be_the_callers_to_see(
        running_suite, records, write, caller, named_customer):
    token, customer = records.tokens[caller], getattr(records, named_customer)
    also = ("customer_id",)  # a customer the caller may not see is refused on its own field
    before = _stored(running_suite, write, records.contact)
    _refused_over_grpc(running_suite, write, write.grpc(records, customer), token, caller, also)
    _refused_over_rest(running_suite, write, write.rest(records, customer), token, caller, also)
    assert _stored(running_suite, write, records.contact) == before, (caller, str(write))


@pytest.mark.parametrize("write", CONTACT_WRITES, ids=str)
def test_the_owner_names_their_customer_and_its_contact(running_suite, records, write):
    """The refusals above are about the records named, not the requests: the owner's own
    customer with its own contact goes ahead, over both doors."""
    token = records.tokens[OWNER]
    stored = _grpc(running_suite, write, write.grpc(records, records.customer), token)
    assert getattr(stored, write.column) == records.contact
    stored = _ok(_rest(running_suite, write.rest(records, records.customer), token))
    assert stored[write.column] == records.contact


def _record_id(records: Records, name: str) -> str:
    return records.rules[name.removeprefix("rules:")] if name.startswith("rules:") \
        else getattr(records, name)


def _writes_naming_a_record_of_the_other_kinds() -> dict[str, list[str]]:
    writes = {}
    for module in (sales_pb2, ticket_pb2, marketing_pb2, notification_pb2, customer_pb2):
        for service in module.DESCRIPTOR.services_by_name.values():
            for method in service.methods:
                if method.name.startswith(READS):
                    continue
                # the customer service's writes are the customer matrix's; of its RPCs only
                # those acting on an approval request by id are writes on another kind
                fields = [] if module is customer_pb2 else _naming_fields(
                    method.input_type, naming=KIND_FIELDS)
                by_id = not method.name.startswith("Create") and any(
                    method.name.endswith(noun) and method.name[:-len(noun)].isalpha()
                    and method.name[:-len(noun)][:1].isupper()
                    and method.name[:-len(noun)][1:].islower() for noun in KIND_RPCS)
                if fields or by_id:
                    writes[f"/{service.full_name}/{method.name}"] = fields or ["id"]
    return writes


def test_every_write_naming_a_campaign_segment_survey_rule_or_notification_is_in_the_matrix():
    writes = _writes_naming_a_record_of_the_other_kinds()
    covered = {write.method for write, _ in RECORD_WRITES}
    assert sorted(set(writes) - covered - set(KIND_EXEMPT)) == [], \
        "add a row to RECORD_WRITES or exempt it"
    assert not covered & set(KIND_EXEMPT) and set(KIND_EXEMPT) <= set(writes)
    for write, _ in RECORD_WRITES:
        assert write.method in writes and write.field in (*writes[write.method], "id"), write


RECORD_MATRIX = [pytest.param(write, record, caller, id=f"{write}-{caller}")
                 for write, record in RECORD_WRITES + PERSONAL_WRITES for caller in CALLERS
                 if caller not in write.allowed]


@pytest.mark.parametrize(("write", "record", "caller"), RECORD_MATRIX)
def test_a_write_on_or_naming_a_record_the_caller_may_not_change_is_refused_and_nothing_is_kept(
        running_suite, records, write, record, caller):
    """A segment, campaign or survey of marketer.chen's, rep.li's notification, the company's
    rules, rep.zhang's webhook: refused to every other caller over both doors (or, for a
    notification, answered with nothing marked), and the record and the outbox stay as they
    were."""
    token, record_id = records.tokens[caller], _record_id(records, record)
    before = _stored(running_suite, write, record_id)
    _refused_over_grpc(running_suite, write, write.grpc(records, record_id), token, caller,
                       write.also)
    if write.rest is not None:
        _refused_over_rest(running_suite, write, write.rest(records, record_id), token, caller,
                           write.also)
    assert _stored(running_suite, write, record_id) == before, (caller, str(write))


# -- a record that does not exist, and the systems that record from outside ---------------------

MISSING_SURVEY_WRITES = (
    (Write("marketing", "CreateCampaign", "campaign.survey_id",
           lambda r, i: marketing_pb2.CreateCampaignRequest(campaign=_sms_campaign(
               segment_ids=[r.segment], survey_id=i)),
           lambda r, i: ("POST", "/api/v1/campaigns", _sms_campaign_rest(
               segment_ids=[r.segment], survey_id=i)),
           "campaigns", column="survey_id"), MAY_NAME_COMPANY_WIDE),
    (Write("marketing", "UpdateCampaign", "campaign.survey_id",
           lambda r, i: marketing_pb2.UpdateCampaignRequest(
               campaign=marketing_pb2.Campaign(id=r.campaign, survey_id=i),
               update_mask=FieldMask(paths=["survey_id"])),
           lambda r, i: ("PATCH", f"/api/v1/campaigns/{r.campaign}", {"survey_id": i}),
           "campaigns", column="survey_id"), MARKETER),
)
"""A campaign naming a survey, by those who may write the campaign (the others are refused it
whatever survey it names: the rows above)."""


@pytest.mark.parametrize(("write", "caller"), [
    pytest.param(write, caller, id=f"{write.rpc}-{caller}")
    for write, callers in MISSING_SURVEY_WRITES for caller in sorted(callers)])
def test_a_campaign_naming_a_survey_that_does_not_exist_is_refused_and_nothing_is_kept(
        running_suite, records, write, caller):
    """A survey id that names no survey is a field error for the very callers who may name a
    real one, over both doors, and the campaign keeps its survey."""
    token, missing = records.tokens[caller], str(uuid.uuid4())
    campaign_row = dataclasses.replace(write, column="id")
    before = _stored(running_suite, campaign_row, records.campaign)
    for door, call in ((_refused_over_grpc, write.grpc), (_refused_over_rest, write.rest)):
        door(running_suite, write, call(records, missing), token, caller)
    assert _stored(running_suite, write, missing) == ([], 0), (caller, str(write))
    assert _stored(running_suite, campaign_row, records.campaign) == before


def _erp_token(running_suite, suffix: str) -> str:
    """A new ERP account's token: it books any customer's purchases (``purchases.write``,
    ``customers.read``, data scope ``all``), as the README's integration section sets one up."""
    http = running_suite.http
    account = _ok(http.call("POST", "/api/v1/service-accounts", {
        "client_id": f"svc.matrix-erp-{suffix}", "display_name": "矩阵 ERP",
        "department_path": "/hq", "roles": [], "scopes": ["purchases.write", "customers.read"],
        "data_scope": "all"}, http.login("admin")))
    return _ok(http.call("POST", "/api/v1/auth/token", {
        "grant_type": "client_credentials", "client_id": f"svc.matrix-erp-{suffix}",
        "client_secret": account["client_secret"]}), 200)["access_token"]


def test_systems_recording_from_outside_name_a_running_campaign_only(running_suite, records):
    """The public lead form and an ERP may name a running campaign (a web form carries its
    campaign), and nothing else: marketer.chen's draft is refused on the field over the ERP's
    two doors, and the public route lands its visitor's lead unattributed (the visitor is told
    only that it arrived, as always); no lead or purchase names it."""
    lead_row = Write("sales", "SubmitLeadForm", "campaign_id", None, None, "leads",
                     column="campaign_id")
    purchase_row = next(write for write, _ in RECORD_WRITES if write.rpc == "RecordPurchase")
    before = _stored(running_suite, lead_row, records.campaign)
    visitor = f"矩阵访客 {uuid.uuid4().hex[:6]}"
    form = {"contact_name": visitor, "phone": f"139{uuid.uuid4().int % 10**8:08d}",
            "campaign_id": records.campaign}
    answers = []

    def answered() -> bool:
        answers.append(running_suite.http.call("POST", "/api/v1/public/leads", form))
        return answers[-1].status not in (429, 503)

    # the public routes' window may still be full of an earlier test's burst: wait it out
    wait_until(answered, timeout=ANSWER_TIMEOUT, interval=1.0,
               message="the public lead route stayed busy")
    public = answers[-1]
    assert (public.status, public.body) == (202, {"received": True}), public
    assert _scalar(running_suite, "sales", "SELECT count(*) FROM leads WHERE contact_name = ? "
                   "AND campaign_id IS NULL", visitor) == 1
    erp = _erp_token(running_suite, uuid.uuid4().hex[:6])
    _refused_over_grpc(running_suite, purchase_row, _purchase(records, records.campaign), erp,
                       "svc.matrix-erp", purchase_row.also)
    _refused_over_rest(running_suite, purchase_row, _purchase_rest(records, records.campaign),
                       erp, "svc.matrix-erp", purchase_row.also)
    assert _stored(running_suite, lead_row, records.campaign) == before
    assert _stored(running_suite, purchase_row, records.campaign) == ([], 0)


# -- an update changing the contact a record names -----------------------------------------------

def _own_activity(running_suite, records, caller: str, customer: str) -> str:
    return _grpc(running_suite, CONTACT_WRITES[0], _activity(records, customer),
                 records.tokens[caller]).id


def _own_ticket(running_suite, records, caller: str, customer: str) -> str:
    return _grpc(running_suite, CONTACT_WRITES[1], _ticket(records, customer),
                 records.tokens[caller]).id


CONTACT_UPDATES = (
    (Write("sales", "UpdateActivity", "activity.contact_id",
           lambda r, a: sales_pb2.UpdateActivityRequest(
               activity=sales_pb2.Activity(id=a, contact_id=r.contact),
               update_mask=FieldMask(paths=["contact_id"])),
           lambda r, a: ("PATCH", f"/api/v1/activities/{a}", {"contact_id": r.contact}),
           "activities", column="contact_id"), _own_activity),
    (Write("ticket", "UpdateTicket", "ticket.contact_id",
           lambda r, t: ticket_pb2.UpdateTicketRequest(
               ticket=ticket_pb2.Ticket(id=t, contact_id=r.contact),
               update_mask=FieldMask(paths=["contact_id"])),
           lambda r, t: ("PATCH", f"/api/v1/tickets/{t}", {"contact_id": r.contact}),
           "tickets", column="contact_id"), _own_ticket),
)


@pytest.mark.parametrize(("write", "own_record"), CONTACT_UPDATES,
                         ids=lambda v: str(v) if isinstance(v, Write) else v.__name__)
@pytest.mark.parametrize(("caller", "own_customer"), [
    (OWNER, "other_customer"),  # the owner's contact, onto a record of another of his customers
    ("rep.li", "li_customer"),  # a stranger's contact, onto the caller's own record
])
def test_an_update_cannot_change_a_records_contact_to_another_customers(
        running_suite, records, write, own_record, caller, own_customer):
    """The caller's own follow-up record or ticket, about a customer of theirs: its contact may
    not become rep.zhang's customer's contact (another customer's), over either door."""
    record_id = own_record(running_suite, records, caller, getattr(records, own_customer))
    token = records.tokens[caller]
    before = _stored(running_suite, write, records.contact)
    _refused_over_grpc(running_suite, write, write.grpc(records, record_id), token, caller)
    _refused_over_rest(running_suite, write, write.rest(records, record_id), token, caller)
    assert _stored(running_suite, write, records.contact) == before, (caller, str(write))

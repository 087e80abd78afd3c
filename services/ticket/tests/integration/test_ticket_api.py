"""The ticket api in-process: the real servicer (`build_bindings`) inside the real server
bootstrap (`GrpcApi`: auth and error mapping), on a SQLite database built by the real
migrations (with the seeded routing rules, SLA policies and calendar), called through the
suite's client factory with tokens from a test issuer. Where routing asks the customer service,
a real customer api runs in-process beside it.

Agents and departments are rows the worker keeps from identity events (tested in
test_ticket_worker.py); here they are written directly. The outbox relay is off, so the events
a call wrote stay in the outbox where the test reads them.
"""

from __future__ import annotations

import json
import random
import re
import uuid
from dataclasses import dataclass
from datetime import timedelta

import grpc
import pytest
from crm.common.v1 import rules_pb2, types_pb2
from crm.customer.v1 import customer_pb2, customer_pb2_grpc
from crm.ticket.v1 import events_pb2, ticket_pb2, ticket_pb2_grpc
from crm_devstack.ports import free_port
from crm_shared.auth import TokenIssuer, generate_signing_key
from crm_shared.auth.tokens import TokenVerifier
from crm_shared.db import Database, utcnow
from crm_shared.events import wire
from crm_shared.events.outbox import OutboxMessage
from crm_shared.grpc.client import connect
from crm_shared.grpc.server import GrpcApi
from crm_shared.grpc.status import describe_rpc_error
from crm_shared.migrations import upgrade
from crm_shared.settings import ApiSettings
from google.protobuf.field_mask_pb2 import FieldMask
from sqlalchemy import func, select, text
from ticket_service import sla, sla_policies
from ticket_service.api import build_bindings
from ticket_service.models import Agent, Department, Ticket, TicketHistoryEntry
from ticket_service.settings import TicketApiSettings

pytestmark = pytest.mark.integration

SERVICE = ticket_pb2.DESCRIPTOR.services_by_name["TicketService"]
CUSTOMER_SERVICE = customer_pb2.DESCRIPTOR.services_by_name["CustomerService"]
COMPLAINT = ticket_pb2.TICKET_TYPE_COMPLAINT
FAULT = ticket_pb2.TICKET_TYPE_FAULT
S = ticket_pb2  # states and kinds read better as S.TICKET_STATE_...
BACKENDS = ["sqlite", "postgresql"]
both_backends = pytest.mark.parametrize("api", BACKENDS, indirect=True)


@dataclass(frozen=True)
class Caller:
    user_id: str
    roles: tuple[str, ...]
    department_path: str
    data_scope: str


ADMIN = Caller("u-admin", ("admin",), "/hq", "all")
WANG = Caller("u-wang", ("agent", "service_agent"), "/hq/service", "own")
ZHAO = Caller("u-zhao", ("agent",), "/hq/tech", "own")
TECH_LEAD = Caller("u-tech-lead", ("manager",), "/hq/tech", "department")
REP = Caller("u-rep", ("sales_rep",), "/hq/sales/east", "own")

DEPARTMENTS = {"/hq/service": "u-service-lead", "/hq/tech": "u-tech-lead",
               "/hq/product": "u-product-lead", "/hq/logistics": "u-logistics-lead"}
AGENTS = {"u-wang": "/hq/service", "u-zhao": "/hq/tech", "u-qian": "/hq/product",
          "u-sun": "/hq/logistics"}


@pytest.fixture(scope="module")
def keys(tmp_path_factory):
    folder = tmp_path_factory.mktemp("keys")
    generate_signing_key(folder / "signing.pem", folder / "signing.pub")
    issuer = TokenIssuer((folder / "signing.pem").read_bytes(), issuer="crm-gateway", audience="crm")
    return issuer, folder / "signing.pub"


class Api:
    """An in-process api of ``package`` on a migrated SQLite database, with clients per caller."""

    def __init__(self, package: str, bindings, database_url: str, keys, settings_cls=ApiSettings,
                 **settings) -> None:
        self.issuer, public_key = keys
        upgrade(package, database_url)
        self.settings = settings_cls(
            service_name=package.removesuffix("_service"), database_url=database_url,
            amqp_url=f"amqp://guest:guest@127.0.0.1:{free_port()}/%2F",
            jwt_public_key_file=public_key, outbox_relay=False, health_check_seconds=3600,
            **settings)
        self.database = Database(database_url)
        verifier = TokenVerifier.from_file(public_key, issuer="crm-gateway", audience="crm")
        self.server = GrpcApi(self.settings, self.database, bindings(self.database, self.settings),
                              verifier)
        self.target = f"127.0.0.1:{self.server.start('127.0.0.1:0')}"
        self._channels: list[grpc.Channel] = []

    def channel(self, caller: Caller, service) -> grpc.Channel:
        token = self.issuer.issue(user_id=caller.user_id, username=caller.user_id,
                                  roles=list(caller.roles), department_path=caller.department_path,
                                  data_scope=caller.data_scope)
        channel = connect(self.target, [service], token_provider=lambda: token)
        self._channels.append(channel)
        return channel

    def stop(self) -> None:
        for channel in self._channels:
            channel.close()
        self.server.stop(grace=0)
        self.database.dispose()


class TicketApi(Api):
    def __init__(self, database_url: str, keys, *, customer_address: str | None = None,
                 customer_timeout: float = 2.0) -> None:
        self.rng = random.Random(4)

        def bindings(database, settings):
            # Without a customer address the servicer does no lookups at all.
            return build_bindings(database, settings if customer_address else None, rng=self.rng)

        extra = {"customer_addr": customer_address,
                 "customer_lookup_timeout_seconds": customer_timeout} if customer_address else {}
        super().__init__("ticket_service", bindings, database_url, keys, TicketApiSettings,
                         **extra)
        self._stubs: dict[Caller, ticket_pb2_grpc.TicketServiceStub] = {}
        self._seed_people()

    def _seed_people(self) -> None:
        now = utcnow()
        with self.database.unit_of_work() as uow:
            for path, lead in DEPARTMENTS.items():
                uow.session.add(Department(path=path, name=path, lead_user_id=lead,
                                           parent_path="/hq", active=True, revision=1,
                                           update_time=now))
            for user_id, path in AGENTS.items():
                self.add_agent(uow.session, user_id, path, now=now)

    @staticmethod
    def add_agent(session, user_id, path, *, now=None, **profile) -> None:
        values = {"skills": [], "max_open_tickets": 0, "available": True, "active": True,
                  "department_lead": False}
        values.update(profile)
        session.add(Agent(user_id=user_id, username=user_id, display_name=user_id,
                          department_path=path, revision=1, update_time=now or utcnow(), **values))

    def stub(self, caller: Caller) -> ticket_pb2_grpc.TicketServiceStub:
        if caller not in self._stubs:
            self._stubs[caller] = ticket_pb2_grpc.TicketServiceStub(self.channel(caller, SERVICE))
        return self._stubs[caller]

    def create(self, caller: Caller = REP, request_id: str = "", **fields) -> ticket_pb2.Ticket:
        values = {"type": COMPLAINT, "title": "问题", "description": "请处理",
                  "reporter_phone": "+8613812345678"}
        values.update(fields)
        return self.stub(caller).CreateTicket(ticket_pb2.CreateTicketRequest(
            ticket=ticket_pb2.Ticket(**values), request_id=request_id))

    def count(self, model) -> int:
        with self.database.unit_of_work(readonly=True) as uow:
            return uow.session.scalar(select(func.count()).select_from(model))

    def events(self, routing_key: str, message_type) -> list:
        with self.database.unit_of_work(readonly=True) as uow:
            rows = uow.session.scalars(select(OutboxMessage).where(
                OutboxMessage.routing_key == routing_key).order_by(OutboxMessage.id)).all()
            return [wire.decode(row.payload, message_type) for row in rows]


@pytest.fixture
def api(request, keys):
    """A fresh database and server per test: SQLite, or what the test names in
    ``@pytest.mark.parametrize("api", BACKENDS, indirect=True)``."""
    backend = getattr(request, "param", "sqlite")
    url = request.getfixturevalue("sqlite_url" if backend == "sqlite" else "postgres_url")
    server = TicketApi(url, keys)
    yield server
    server.stop()


def _error(call, *args, **kwargs):
    with pytest.raises(grpc.RpcError) as caught:
        call(*args, **kwargs)
    return describe_rpc_error(caught.value)


def _full(api: TicketApi, caller: Caller, ticket_id: str) -> ticket_pb2.Ticket:
    return api.stub(caller).GetTicket(ticket_pb2.GetTicketRequest(
        id=ticket_id, view=ticket_pb2.TICKET_VIEW_FULL))


# -- creation and routing -------------------------------------------------------------------------


@pytest.mark.parametrize(("title", "description", "department", "category", "agent"), [
    ("杯子破损", "收到的杯子有破损，质量不好", "/hq/product", "product_quality", "u-qian"),
    ("客服态度差", "电话客服态度很不耐烦", "/hq/service", "service_attitude", "u-wang"),
    ("App error", "Login fails with an error, looks like a bug", "/hq/tech", "technical", "u-zhao"),
    ("快递太慢", "物流一周没有更新，配送很慢", "/hq/logistics", "delivery", "u-sun"),
    ("发票", "请问怎么开发票", "/hq/service", "", "u-wang"),
])
def test_each_category_lands_in_its_department(api, title, description, department, category,
                                               agent):
    created = api.create(title=title, description=description)
    assert created.number.startswith("T") and created.number.endswith("-0001")
    assert (created.category, created.department_path) == (category, department)
    assert created.state == S.TICKET_STATE_ROUTED
    assert created.assignee_id == agent
    (decision,) = _full(api, REP, created.id).routing_decisions
    assert decision.department_path == department
    assert decision.kind == S.ROUTING_KIND_INITIAL
    assert decision.fallback == (category == "")
    if category:
        assert decision.matched_conditions == [f"category = {category}"]
    assert [c.agent_id for c in decision.candidates if c.selected] == [agent]


@both_backends
def test_create_records_history_and_publishes_created_then_routed(api):
    created = api.create(title="App error", description="报错，无法登录",
                         external_ids={"call_centre": "CC-1"})
    full = _full(api, REP, created.id)
    kinds = [entry.kind for entry in full.history]
    assert kinds == [S.TICKET_HISTORY_KIND_CREATED, S.TICKET_HISTORY_KIND_STATE_CHANGED,
                     S.TICKET_HISTORY_KIND_ROUTED, S.TICKET_HISTORY_KIND_ASSIGNED]
    routed_entry = full.history[2]
    assert routed_entry.to_department_path == "/hq/tech"
    assert routed_entry.routing_decision_id == full.routing_decisions[0].id
    (created_event,) = api.events("ticket.created", events_pb2.TicketCreated)
    assert created_event.ticket.state == S.TICKET_STATE_NEW
    assert created_event.actor_id == REP.user_id
    (routed_event,) = api.events("ticket.routed", events_pb2.TicketRouted)
    assert routed_event.ticket == created
    assert routed_event.decision.department_path == "/hq/tech"
    assert created.sla.HasField("first_response_due_time")  # the seeded policies apply
    assert created.external_ids == {"call_centre": "CC-1"}


@both_backends
def test_ticket_numbers_count_up_per_day(api):
    numbers = [api.create().number for _ in range(3)]
    day = utcnow().strftime("%Y%m%d")
    assert numbers == [f"T{day}-0001", f"T{day}-0002", f"T{day}-0003"]


@both_backends
def test_bad_input_is_refused_field_by_field_and_stores_nothing(api):
    error = _error(api.stub(REP).CreateTicket, ticket_pb2.CreateTicketRequest(
        ticket=ticket_pb2.Ticket(title="  ", category="Not A Category",
                                 reporter_email="nobody", state=S.TICKET_STATE_CLOSED),
        request_id="not-a-uuid"))
    assert error.code == grpc.StatusCode.INVALID_ARGUMENT
    assert {v.field for v in error.violations} == {
        "ticket.type", "ticket.title", "ticket.description", "ticket.category",
        "ticket.reporter_email", "request_id"}
    error = _error(api.create, reporter_phone="")
    assert [v.field for v in error.violations] == ["ticket.customer_id"]
    assert (api.count(Ticket), api.count(TicketHistoryEntry), api.count(OutboxMessage)) == (0, 0, 0)
    assert api.create().number.endswith("-0001")  # no number was taken either


def test_a_retried_create_returns_the_first_ticket(api):
    request_id = str(uuid.uuid4())
    first = api.create(request_id=request_id)
    again = api.create(request_id=request_id)
    assert again.id == first.id
    assert api.count(Ticket) == 1
    assert _error(api.create, ADMIN, request_id=request_id).code == grpc.StatusCode.ALREADY_EXISTS


def test_unavailable_overloaded_and_unskilled_agents_are_skipped_and_said_so(api):
    with api.database.unit_of_work() as uow:
        api.add_agent(uow.session, "u-off", "/hq/tech", available=False)
        api.add_agent(uow.session, "u-capped", "/hq/tech", max_open_tickets=1)
        uow.session.get(Agent, "u-zhao").available = False
    first = api.create(type=FAULT, title="bug", description="error")
    assert first.assignee_id == "u-capped"
    second = api.create(type=FAULT, title="bug", description="error")
    assert second.assignee_id == ""  # nobody left: it waits in the /hq/tech queue
    (decision,) = _full(api, ADMIN, second.id).routing_decisions
    assert {c.agent_id: c.skip_reason for c in decision.candidates} == {
        "u-capped": "at_capacity", "u-off": "unavailable", "u-zhao": "unavailable"}
    assert "waits in the department queue" in decision.reason


# -- visibility -----------------------------------------------------------------------------------


@both_backends
def test_an_agent_outside_the_department_gets_not_found(api):
    ticket = api.create(type=FAULT, title="App error", description="登录报错")
    assert ticket.department_path == "/hq/tech"
    for call, request in (
        ("GetTicket", ticket_pb2.GetTicketRequest(id=ticket.id)),
        ("TransferTicket", ticket_pb2.TransferTicketRequest(
            id=ticket.id, department_path="/hq/service", reason="not mine")),
        ("StartTicket", ticket_pb2.StartTicketRequest(id=ticket.id)),
        ("ListTicketHistory", ticket_pb2.ListTicketHistoryRequest(ticket_id=ticket.id)),
    ):
        assert _error(getattr(api.stub(WANG), call), request).code == grpc.StatusCode.NOT_FOUND
    listed = api.stub(WANG).ListTickets(ticket_pb2.ListTicketsRequest())
    assert (list(listed.tickets), listed.total_size) == ([], 0)
    # inside: the department's agent, its lead, the reporter who created it, and admin
    for caller in (ZHAO, TECH_LEAD, REP, ADMIN):
        assert api.stub(caller).GetTicket(ticket_pb2.GetTicketRequest(id=ticket.id)).id == ticket.id
    assert [t.id for t in api.stub(ZHAO).ListTickets(ticket_pb2.ListTicketsRequest()).tickets] == [
        ticket.id]


@both_backends
def test_list_filters_and_pages(api):
    made = [api.create(type=FAULT, title=f"bug {n}", description="error") for n in range(3)]
    api.create(title="态度", description="服务态度差")
    stub = api.stub(ADMIN)
    page = stub.ListTickets(ticket_pb2.ListTicketsRequest(department_path="/hq/tech", page_size=2))
    assert page.total_size == 3 and len(page.tickets) == 2
    rest = stub.ListTickets(ticket_pb2.ListTicketsRequest(department_path="/hq/tech", page_size=2,
                                                          page_token=page.next_page_token))
    assert {t.id for t in [*page.tickets, *rest.tickets]} == {t.id for t in made}
    assert stub.ListTickets(ticket_pb2.ListTicketsRequest(
        types=[COMPLAINT], states=[S.TICKET_STATE_ROUTED])).total_size == 1
    assert stub.ListTickets(ticket_pb2.ListTicketsRequest(query="bug 1")).total_size == 1
    stub.UpdateTicket(ticket_pb2.UpdateTicketRequest(
        ticket=ticket_pb2.Ticket(id=made[0].id, product="app"), update_mask=FieldMask(paths=["product"])))
    latest = stub.ListTickets(ticket_pb2.ListTicketsRequest(order_by="update_time desc", page_size=1))
    assert latest.tickets[0].id == made[0].id
    assert _error(stub.ListTickets, ticket_pb2.ListTicketsRequest(
        order_by="priority")).code == grpc.StatusCode.INVALID_ARGUMENT


# -- transfers and the lifecycle ------------------------------------------------------------------


@both_backends
def test_a_transfer_keeps_the_history_and_changes_the_department(api):
    ticket = api.create(type=FAULT, title="App error", description="登录报错")
    stub = api.stub(ZHAO)
    error = _error(stub.TransferTicket, ticket_pb2.TransferTicketRequest(
        id=ticket.id, department_path="/hq/logistics"))
    assert error.code == grpc.StatusCode.INVALID_ARGUMENT
    assert [v.field for v in error.violations] == ["reason"]
    assert _error(stub.TransferTicket, ticket_pb2.TransferTicketRequest(
        id=ticket.id, department_path="/hq/nowhere", reason="x")).code == grpc.StatusCode.INVALID_ARGUMENT

    moved = stub.TransferTicket(ticket_pb2.TransferTicketRequest(
        id=ticket.id, department_path="/hq/logistics", reason="it is a delivery problem",
        etag=ticket.etag))
    assert (moved.department_path, moved.assignee_id, moved.transfer_count) == (
        "/hq/logistics", "u-sun", 1)
    assert moved.state == S.TICKET_STATE_ROUTED
    full = _full(api, ADMIN, ticket.id)
    transfers = [e for e in full.history if e.kind == S.TICKET_HISTORY_KIND_TRANSFERRED]
    assert [(e.from_department_path, e.to_department_path, e.reason, e.actor_id)
            for e in transfers] == [("/hq/tech", "/hq/logistics", "it is a delivery problem",
                                     ZHAO.user_id)]
    assert full.history[0].kind == S.TICKET_HISTORY_KIND_CREATED  # the whole history stays
    assert [d.kind for d in full.routing_decisions] == [S.ROUTING_KIND_INITIAL,
                                                        S.ROUTING_KIND_TRANSFER]
    (event,) = api.events("ticket.transferred", events_pb2.TicketTransferred)
    assert (event.from_department_path, event.to_department_path, event.actor_id) == (
        "/hq/tech", "/hq/logistics", ZHAO.user_id)
    assert event.ticket.assignee_id == "u-sun"
    # the old department no longer sees it; the new one does
    assert _error(stub.GetTicket, ticket_pb2.GetTicketRequest(id=ticket.id)).code == (
        grpc.StatusCode.NOT_FOUND)
    # a stale etag is refused
    assert _error(api.stub(ADMIN).TransferTicket, ticket_pb2.TransferTicketRequest(
        id=ticket.id, department_path="/hq/service", reason="again",
        etag=ticket.etag)).code == grpc.StatusCode.ABORTED


def test_the_lifecycle_through_the_rpcs_with_history_and_events(api):
    ticket = api.create(type=FAULT, title="App error", description="登录报错")
    stub = api.stub(ZHAO)
    started = stub.StartTicket(ticket_pb2.StartTicketRequest(id=ticket.id, etag=ticket.etag))
    assert started.state == S.TICKET_STATE_IN_PROGRESS and started.HasField("first_response_time")
    held = stub.HoldTicket(ticket_pb2.HoldTicketRequest(id=ticket.id, reason="need a screenshot"))
    assert held.sla.paused
    resumed = stub.ResumeTicket(ticket_pb2.ResumeTicketRequest(id=ticket.id))
    assert not resumed.sla.paused
    assert _error(stub.ResolveTicket, ticket_pb2.ResolveTicketRequest(id=ticket.id)).code == (
        grpc.StatusCode.INVALID_ARGUMENT)
    resolved = stub.ResolveTicket(ticket_pb2.ResolveTicketRequest(
        id=ticket.id, resolution="cache cleared", create_knowledge_article=True))
    assert resolved.state == S.TICKET_STATE_RESOLVED and resolved.resolution == "cache cleared"
    (resolved_event,) = api.events("ticket.resolved", events_pb2.TicketResolved)
    assert resolved_event.callback_task_id  # the account manager's (here: assignee's) call-back
    (draft,) = stub.ListKnowledgeArticles(ticket_pb2.ListKnowledgeArticlesRequest()).articles
    assert (draft.kind, draft.state, draft.source_ticket_id, draft.locale) == (
        ticket_pb2.KNOWLEDGE_ARTICLE_KIND_SOLVED_CASE, ticket_pb2.KNOWLEDGE_ARTICLE_STATE_DRAFT,
        ticket.id, "zh-CN")
    assert "cache cleared" in draft.body
    confirmed = stub.ConfirmTicket(ticket_pb2.ConfirmTicketRequest(id=ticket.id))
    closed = stub.CloseTicket(ticket_pb2.CloseTicketRequest(id=ticket.id, etag=confirmed.etag))
    assert closed.state == S.TICKET_STATE_CLOSED
    (closed_event,) = api.events("ticket.closed", events_pb2.TicketClosed)
    assert closed_event.ticket.id == ticket.id and closed_event.ticket.number == ticket.number

    error = _error(stub.StartTicket, ticket_pb2.StartTicketRequest(id=ticket.id))
    assert error.code == grpc.StatusCode.FAILED_PRECONDITION
    assert error.reason == "ILLEGAL_TRANSITION"
    assert error.metadata == {"from_state": "closed", "to_state": "in_progress"}

    reopened = stub.ReopenTicket(ticket_pb2.ReopenTicketRequest(id=ticket.id, reason="again"))
    assert (reopened.state, reopened.reopen_count) == (S.TICKET_STATE_IN_PROGRESS, 1)
    states = [(e.from_state, e.to_state) for e in _full(api, ADMIN, ticket.id).history
              if e.kind == S.TICKET_HISTORY_KIND_STATE_CHANGED]
    assert states == [
        (S.TICKET_STATE_NEW, S.TICKET_STATE_ROUTED),
        (S.TICKET_STATE_ROUTED, S.TICKET_STATE_IN_PROGRESS),
        (S.TICKET_STATE_IN_PROGRESS, S.TICKET_STATE_WAITING_ON_CUSTOMER),
        (S.TICKET_STATE_WAITING_ON_CUSTOMER, S.TICKET_STATE_IN_PROGRESS),
        (S.TICKET_STATE_IN_PROGRESS, S.TICKET_STATE_RESOLVED),
        (S.TICKET_STATE_RESOLVED, S.TICKET_STATE_CONFIRMED),
        (S.TICKET_STATE_CONFIRMED, S.TICKET_STATE_CLOSED),
        (S.TICKET_STATE_CLOSED, S.TICKET_STATE_IN_PROGRESS),
    ]
    for key in ("ticket.started", "ticket.held", "ticket.resumed", "ticket.confirmed",
                "ticket.reopened"):
        assert len(api.events(key, events_pb2.TicketStarted)) == 1, key


def test_assignment_escalation_priority_and_update(api):
    ticket = api.create(type=FAULT, title="App error", description="登录报错")
    with api.database.unit_of_work() as uow:
        api.add_agent(uow.session, "u-zhou", "/hq/tech")
    stub = api.stub(TECH_LEAD)
    assigned = stub.AssignTicket(ticket_pb2.AssignTicketRequest(id=ticket.id, assignee_id="u-zhou"))
    assert assigned.assignee_id == "u-zhou"
    (event,) = api.events("ticket.assigned", events_pb2.TicketAssigned)
    assert (event.previous_assignee_id, event.actor_id) == ("u-zhao", TECH_LEAD.user_id)
    assert _error(stub.AssignTicket, ticket_pb2.AssignTicketRequest(
        id=ticket.id, assignee_id="u-wang")).code == grpc.StatusCode.INVALID_ARGUMENT

    escalated = stub.EscalateTicket(ticket_pb2.EscalateTicketRequest(id=ticket.id, reason="VIP"))
    assert escalated.escalation_level == 2
    (event,) = api.events("ticket.escalated", events_pb2.TicketEscalated)
    assert (event.escalated_to_user_id, event.manual) == ("u-tech-lead", True)

    changed = stub.ChangeTicketPriority(ticket_pb2.ChangeTicketPriorityRequest(
        id=ticket.id, priority=ticket_pb2.TICKET_PRIORITY_URGENT, reason="production down"))
    assert changed.priority == ticket_pb2.TICKET_PRIORITY_URGENT
    assert changed.sla.first_response_due_time.ToDatetime() < ticket.sla.first_response_due_time.ToDatetime()
    (event,) = api.events("ticket.priority_changed", events_pb2.TicketPriorityChanged)
    assert event.previous_priority == ticket_pb2.TICKET_PRIORITY_NORMAL

    updated = stub.UpdateTicket(ticket_pb2.UpdateTicketRequest(
        ticket=ticket_pb2.Ticket(id=ticket.id, title="Login error", product="app"),
        update_mask=FieldMask(paths=["title", "product"])))
    assert (updated.title, updated.product) == ("Login error", "app")
    assert _error(stub.UpdateTicket, ticket_pb2.UpdateTicketRequest(
        ticket=ticket_pb2.Ticket(id=ticket.id, department_path="/hq/x"),
        update_mask=FieldMask(paths=["department_path"]))).code == grpc.StatusCode.INVALID_ARGUMENT


def test_comments_and_service_records(api):
    ticket = api.create(type=FAULT, title="App error", description="登录报错")
    stub = api.stub(ZHAO)
    stub.CreateTicketComment(ticket_pb2.CreateTicketCommentRequest(comment=ticket_pb2.TicketComment(
        ticket_id=ticket.id, body="checking logs")))
    assert not stub.GetTicket(ticket_pb2.GetTicketRequest(id=ticket.id)).HasField(
        "first_response_time")  # an internal note is no response
    stub.CreateTicketComment(ticket_pb2.CreateTicketCommentRequest(comment=ticket_pb2.TicketComment(
        ticket_id=ticket.id, body="请清除缓存后重试",
        visibility=ticket_pb2.COMMENT_VISIBILITY_PUBLIC)))
    assert stub.GetTicket(ticket_pb2.GetTicketRequest(id=ticket.id)).HasField("first_response_time")
    comments = stub.ListTicketComments(ticket_pb2.ListTicketCommentsRequest(ticket_id=ticket.id))
    assert [c.body for c in comments.comments] == ["checking logs", "请清除缓存后重试"]

    record = stub.CreateServiceRecord(ticket_pb2.CreateServiceRecordRequest(
        service_record=ticket_pb2.ServiceRecord(ticket_id=ticket.id, actions_taken="remote session",
                                                next_plan="call tomorrow")))
    assert not record.late and record.author_id == ZHAO.user_id
    (event,) = api.events("service_record.created", events_pb2.ServiceRecordCreated)
    assert (event.ticket_number, event.department_path) == (ticket.number, "/hq/tech")
    assert _error(stub.CreateServiceRecord, ticket_pb2.CreateServiceRecordRequest(
        service_record=ticket_pb2.ServiceRecord(ticket_id=ticket.id))).code == (
        grpc.StatusCode.INVALID_ARGUMENT)
    listed = stub.ListServiceRecords(ticket_pb2.ListServiceRecordsRequest(ticket_id=ticket.id))
    assert [r.id for r in listed.service_records] == [record.id]


# -- rules and agents -----------------------------------------------------------------------------


def test_routing_rules_are_data(api):
    rules = api.stub(ADMIN).ListRoutingRules(ticket_pb2.ListRoutingRulesRequest()).rules
    assert [(r.target_department_path, r.priority) for r in rules] == [
        ("/hq/product", 10), ("/hq/service", 20), ("/hq/tech", 30), ("/hq/logistics", 40),
        ("/hq/service", 1000)]
    rule = ticket_pb2.RoutingRule(
        display_name="Refunds to logistics", target_department_path="/hq/logistics", priority=5,
        enabled=True, condition=rules_pb2.ConditionGroup(conditions=[rules_pb2.Condition(
            field="text", operator=rules_pb2.CONDITION_OPERATOR_CONTAINS_ANY,
            values=["退货", "return"])]))
    error = _error(api.stub(ZHAO).CreateRoutingRule, ticket_pb2.CreateRoutingRuleRequest(rule=rule))
    assert error.code == grpc.StatusCode.PERMISSION_DENIED
    bad = ticket_pb2.RoutingRule(display_name="x", target_department_path="hq",
                                 condition=rules_pb2.ConditionGroup(conditions=[
                                     rules_pb2.Condition(field="colour")]))
    error = _error(api.stub(ADMIN).CreateRoutingRule, ticket_pb2.CreateRoutingRuleRequest(rule=bad))
    assert {v.field for v in error.violations} == {
        "rule.target_department_path", "rule.condition.conditions[0].field",
        "rule.condition.conditions[0].operator"}
    created = api.stub(ADMIN).CreateRoutingRule(ticket_pb2.CreateRoutingRuleRequest(rule=rule))
    ticket = api.create(title="要退货", description="质量问题，要退货")
    assert ticket.department_path == "/hq/logistics"
    (decision,) = _full(api, ADMIN, ticket.id).routing_decisions
    assert (decision.rule_id, decision.rule_name) == (created.id, "Refunds to logistics")
    api.stub(ADMIN).DeleteRoutingRule(ticket_pb2.DeleteRoutingRuleRequest(id=created.id))
    assert api.create(title="要退货", description="质量问题").department_path == "/hq/product"


def test_agents_profiles(api):
    stub = api.stub(TECH_LEAD)
    agent = stub.UpdateAgent(ticket_pb2.UpdateAgentRequest(
        agent=ticket_pb2.Agent(user_id="u-zhao", skills=["network", "english"], max_open_tickets=5),
        update_mask=FieldMask(paths=["skills", "max_open_tickets"])))
    assert (list(agent.skills), agent.max_open_tickets) == (["english", "network"], 5)
    assert _error(stub.UpdateAgent, ticket_pb2.UpdateAgentRequest(
        agent=ticket_pb2.Agent(user_id="u-wang", available=False),
        update_mask=FieldMask(paths=["available"]))).code == grpc.StatusCode.PERMISSION_DENIED
    own = api.stub(WANG).UpdateAgent(ticket_pb2.UpdateAgentRequest(
        agent=ticket_pb2.Agent(user_id="u-wang", available=False),
        update_mask=FieldMask(paths=["available"])))
    assert not own.available
    api.create(type=FAULT, title="bug", description="error")
    listed = stub.ListAgents(ticket_pb2.ListAgentsRequest(department_path="/hq/tech", skill="network"))
    assert [(a.user_id, a.open_ticket_count) for a in listed.agents] == [("u-zhao", 1)]


# -- the SLA clock --------------------------------------------------------------------------------


@both_backends
def test_the_sla_scan_reminds_then_escalates_once_each(api):
    ticket = api.create(type=FAULT, title="App error", description="登录报错")
    created = ticket.create_time.ToDatetime().replace(tzinfo=utcnow().tzinfo)
    reminders = lambda: api.events("ticket.sla_reminder", events_pb2.TicketSlaReminder)
    escalations = lambda: api.events("ticket.escalated", events_pb2.TicketEscalated)

    sla.scan(api.database, created + timedelta(hours=23))
    assert reminders() == []
    sla.scan(api.database, created + timedelta(hours=25))
    sla.scan(api.database, created + timedelta(hours=26))
    (reminder,) = reminders()
    assert reminder.ticket.id == ticket.id and reminder.ticket.assignee_id == "u-zhao"
    assert reminder.untouched_duration.ToTimedelta() == timedelta(hours=25)
    assert reminder.ticket.escalation_level == 1
    assert escalations() == []

    sla.scan(api.database, created + timedelta(hours=49))  # 24 h after the reminder
    sla.scan(api.database, created + timedelta(hours=60))
    (escalation,) = escalations()
    assert escalation.escalated_to_user_id == "u-tech-lead" and not escalation.manual
    assert escalation.ticket.escalation_level == 2
    assert len(reminders()) == 1
    kinds = [e.kind for e in _full(api, ADMIN, ticket.id).history]
    assert kinds.count(S.TICKET_HISTORY_KIND_SLA_REMINDER) == 1
    assert kinds.count(S.TICKET_HISTORY_KIND_ESCALATED) == 1


def test_the_sla_scan_warns_and_records_breaches_once(api):
    ticket = api.create(type=FAULT, title="App error", description="登录报错",
                        priority=ticket_pb2.TICKET_PRIORITY_URGENT)
    due = ticket.sla.first_response_due_time.ToDatetime().replace(tzinfo=utcnow().tzinfo)
    for _ in range(2):
        sla.scan(api.database, due - timedelta(seconds=1))
    (warning,) = api.events("ticket.sla_warning", events_pb2.TicketSlaWarning)
    assert warning.target == S.SLA_TARGET_FIRST_RESPONSE
    for _ in range(2):
        sla.scan(api.database, due + timedelta(seconds=1))
    breaches = api.events("ticket.sla_breached", events_pb2.TicketSlaBreached)
    assert [b.target for b in breaches] == [S.SLA_TARGET_FIRST_RESPONSE]
    assert api.stub(ADMIN).GetTicket(ticket_pb2.GetTicketRequest(id=ticket.id)).sla.first_response_breached


def test_hold_pauses_the_clock_and_resume_extends_the_dues(api):
    # an urgent complaint: resolution due in 24 h around the clock (seeded policies)
    ticket = api.create(type=COMPLAINT, title="App error", description="登录报错",
                        priority=ticket_pb2.TICKET_PRIORITY_URGENT)
    stub = api.stub(ZHAO)
    stub.StartTicket(ticket_pb2.StartTicketRequest(id=ticket.id))
    stub.HoldTicket(ticket_pb2.HoldTicketRequest(id=ticket.id, reason="waiting for logs"))
    with api.database.unit_of_work() as uow:  # pretend the hold began two hours ago
        row = uow.session.get(Ticket, ticket.id)
        row.sla_paused_since = row.sla_paused_since - timedelta(hours=2)
    resumed = stub.ResumeTicket(ticket_pb2.ResumeTicketRequest(id=ticket.id))
    before = ticket.sla.resolution_due_time.ToDatetime()
    after = resumed.sla.resolution_due_time.ToDatetime()
    assert timedelta(hours=2) <= after - before < timedelta(hours=2, minutes=1)
    assert resumed.sla.paused_duration.ToTimedelta() >= timedelta(hours=2)


# -- the customer lookup --------------------------------------------------------------------------


@pytest.fixture
def customer_api(tmp_path, keys):
    from customer_service.api import build_bindings as customer_bindings

    server = Api("customer_service", customer_bindings, f"sqlite:///{tmp_path / 'customer.db'}", keys)
    yield server
    server.stop()


def test_routing_uses_the_customer_service_facts(tmp_path, keys, customer_api):
    customers = customer_pb2_grpc.CustomerServiceStub(customer_api.channel(ADMIN, CUSTOMER_SERVICE))
    customer = customers.CreateCustomer(customer_pb2.CreateCustomerRequest(
        customer=customer_pb2.Customer(type=customer_pb2.CUSTOMER_TYPE_INDIVIDUAL,
                                       display_name="李雷", owner_id="")))
    with customer_api.database.engine.begin() as conn:
        conn.execute(text("UPDATE customers SET value_class = 'A', at_risk = :risk, "
                          "risk_reason = 'complaints rising' WHERE id = :id"),
                     {"risk": True, "id": customer.id})
    api = TicketApi(f"sqlite:///{tmp_path / 'ticket.db'}", keys,
                    customer_address=customer_api.target)
    try:
        ticket = api.create(ADMIN, customer_id=customer.id, reporter_phone="")
        assert ticket.customer_value_class == types_pb2.VALUE_CLASS_A
        assert ticket.customer_at_risk
        assert ticket.priority == ticket_pb2.TICKET_PRIORITY_HIGH
        assert ticket.priority_reason.startswith("raised from normal: A-class customer")
        assert ticket.account_manager_id == customer.owner_id == ADMIN.user_id
        (decision,) = _full(api, ADMIN, ticket.id).routing_decisions
        assert (decision.priority_before, decision.priority_after) == (
            ticket_pb2.TICKET_PRIORITY_NORMAL, ticket_pb2.TICKET_PRIORITY_HIGH)
    finally:
        api.stop()


def test_a_customer_service_that_is_down_does_not_stop_routing(tmp_path, keys):
    api = TicketApi(f"sqlite:///{tmp_path / 'ticket.db'}", keys,
                    customer_address=f"127.0.0.1:{free_port()}", customer_timeout=0.5)
    try:
        ticket = api.create(type=FAULT, customer_id=str(uuid.uuid4()), title="App error",
                            description="报错")
        assert (ticket.state, ticket.department_path) == (S.TICKET_STATE_ROUTED, "/hq/tech")
        assert ticket.priority == ticket_pb2.TICKET_PRIORITY_NORMAL
        (decision,) = _full(api, REP, ticket.id).routing_decisions
        # refused connections are retried until the lookup's deadline: either answer is "down"
        assert re.search(r"routed without customer facts \(customer service answered "
                         r"(UNAVAILABLE|DEADLINE_EXCEEDED)\)", decision.reason)
    finally:
        api.stop()


def test_resolved_tickets_close_themselves_after_the_policy_window(api):
    ticket = api.create(type=FAULT, title="App error", description="登录报错")
    stub = api.stub(ZHAO)
    stub.StartTicket(ticket_pb2.StartTicketRequest(id=ticket.id))
    resolved = stub.ResolveTicket(ticket_pb2.ResolveTicketRequest(id=ticket.id, resolution="ok"))
    resolve_time = resolved.resolve_time.ToDatetime().replace(tzinfo=utcnow().tzinfo)
    with api.database.unit_of_work(readonly=True) as uow:
        window = sla_policies.ticket_policy(uow.session).auto_close_after
    assert sla.auto_close(api.database, resolve_time + window - timedelta(seconds=1)) == 0
    assert sla.auto_close(api.database, resolve_time + window) == 1
    assert sla.auto_close(api.database, resolve_time + window + timedelta(hours=1)) == 0
    (event,) = api.events("ticket.closed", events_pb2.TicketClosed)
    assert (event.auto_closed, event.actor_id, event.ticket.state) == (
        True, "", S.TICKET_STATE_CLOSED)


def test_later_actions_and_timer_events_carry_the_tickets_trace(api):
    ticket = api.create(type=FAULT, title="App error", description="登录报错")
    stored = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
    with api.database.unit_of_work() as uow:  # as a traced creation would have stored it
        uow.session.get(Ticket, ticket.id).trace_parent = stored
    api.stub(ZHAO).TransferTicket(ticket_pb2.TransferTicketRequest(
        id=ticket.id, department_path="/hq/logistics", reason="delivery problem"))
    created = ticket.create_time.ToDatetime().replace(tzinfo=utcnow().tzinfo)
    sla.scan(api.database, created + timedelta(hours=25))
    with api.database.unit_of_work(readonly=True) as uow:
        headers = {row.routing_key: json.loads(row.trace_headers) for row in uow.session.scalars(
            select(OutboxMessage).where(OutboxMessage.routing_key.in_(
                ["ticket.transferred", "ticket.sla_reminder"])))}
    assert {key: value["traceparent"].split("-")[1] for key, value in headers.items()} == {
        "ticket.transferred": "0af7651916cd43dd8448eb211c80319c",
        "ticket.sla_reminder": "0af7651916cd43dd8448eb211c80319c"}

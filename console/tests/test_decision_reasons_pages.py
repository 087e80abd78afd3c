"""The routing and assignment "why" in the reader's language: the ticket page's routing block
and history, and the lead page's assignment block, rendered by the console against small
ticket and sales services. The services' ``reason`` is English for API clients; a zh-CN page
composes the same facts in Chinese (the data — rule names, department paths, what a person
typed — left as it is and marked translate="no"), and an English page reads as the service's
sentence does."""

from __future__ import annotations

import html
import re

import grpc
import pytest
from crm.sales.v1 import sales_pb2, sales_pb2_grpc
from crm.ticket.v1 import ticket_pb2, ticket_pb2_grpc
from google.protobuf.timestamp_pb2 import Timestamp

AGENT = {
    "user_id": "u-agent",
    "username": "agent.wang",
    "roles": ["service_agent"],
    "department_path": "/hq/logistics",
    "data_scope": "department",
}
WHEN = Timestamp(seconds=1_790_000_000)
RULE = "Delivery problems to logistics"
TYPED = "客户要求技术部处理 (asked twice)"
HAND_NOTE = "熟悉该客户"


def _routed() -> ticket_pb2.RoutingDecision:
    return ticket_pb2.RoutingDecision(
        id="d1",
        ticket_id="tk-1",
        kind=ticket_pb2.ROUTING_KIND_INITIAL,
        rule_id="r1",
        rule_name=RULE,
        matched_conditions=["category = delivery"],
        department_path="/hq/logistics",
        agent_selection=ticket_pb2.AGENT_SELECTION_LEAST_LOADED,
        candidates=[
            ticket_pb2.RoutingCandidate(agent_id="u-agent", eligible=True, selected=True),
            ticket_pb2.RoutingCandidate(agent_id="u-away", skip_reason="unavailable"),
        ],
        assignee_id="u-agent",
        decide_time=WHEN,
        reason=f"rule '{RULE}' -> /hq/logistics; least loaded of 1 eligible agent(s)",
    )


def _transferred() -> ticket_pb2.RoutingDecision:
    return ticket_pb2.RoutingDecision(
        id="d2",
        ticket_id="tk-1",
        kind=ticket_pb2.ROUTING_KIND_TRANSFER,
        department_path="/hq/tech",
        agent_selection=ticket_pb2.AGENT_SELECTION_LEAST_LOADED,
        candidates=[
            ticket_pb2.RoutingCandidate(agent_id="u-t1", eligible=True, selected=True),
            ticket_pb2.RoutingCandidate(agent_id="u-t2", eligible=True),
        ],
        assignee_id="u-t1",
        tie_broken_at_random=True,
        actor_id="u-agent",
        decide_time=WHEN,
        note=TYPED,
        reason="transferred /hq/logistics -> /hq/tech; least loaded of 2 eligible agent(s), "
        f"tie broken at random; reason: {TYPED}",
    )


def _assigned_by_hand() -> ticket_pb2.RoutingDecision:
    return ticket_pb2.RoutingDecision(
        id="d3",
        ticket_id="tk-1",
        kind=ticket_pb2.ROUTING_KIND_REASSIGN,
        department_path="/hq/tech",
        candidates=[ticket_pb2.RoutingCandidate(agent_id="u-t2", eligible=True, selected=True)],
        assignee_id="u-t2",
        assigned_by_hand=True,
        actor_id="u-tech-lead",
        note=HAND_NOTE,
        decide_time=WHEN,
        reason=f"within /hq/tech; assigned by hand to u-t2; reason: {HAND_NOTE}",
    )


class Tickets(ticket_pb2_grpc.TicketServiceServicer):
    def ListAgents(self, request, context):
        return ticket_pb2.ListAgentsResponse(
            agents=[ticket_pb2.Agent(user_id="u-t2", display_name="孙七")]
        )

    def GetTicket(self, request, context):
        if request.id != "tk-1":
            context.abort(grpc.StatusCode.NOT_FOUND, f"ticket {request.id} not found")
        return ticket_pb2.Ticket(
            id="tk-1",
            number="T20261207-0001",
            title="快递未送达",
            description="三天未到",
            state=ticket_pb2.TICKET_STATE_ROUTED,
            department_path="/hq/tech",
            assignee_id="u-t1",
            create_time=WHEN,
            routing_decisions=[_routed(), _transferred(), _assigned_by_hand()],
            history=[
                ticket_pb2.TicketHistoryEntry(
                    id="h1",
                    kind=ticket_pb2.TICKET_HISTORY_KIND_ROUTED,
                    to_department_path="/hq/logistics",
                    routing_decision_id="d1",
                    reason=f"rule '{RULE}' -> /hq/logistics",
                    occur_time=WHEN,
                ),
                ticket_pb2.TicketHistoryEntry(
                    id="h2",
                    kind=ticket_pb2.TICKET_HISTORY_KIND_TRANSFERRED,
                    from_department_path="/hq/logistics",
                    to_department_path="/hq/tech",
                    routing_decision_id="d2",
                    actor_id="u-agent",
                    reason=TYPED,
                    occur_time=WHEN,
                ),
            ],
        )


SALES_LEAD = {
    "user_id": "u-lead",
    "username": "sales.lead",
    "roles": ["sales_lead"],
    "department_path": "/hq/sales",
    "data_scope": "department",
}
SEEDED = "B and C leads to all reps of /hq/sales, round robin"
NOTE = "熟悉该行业"


def _by_rule() -> sales_pb2.LeadAssignment:
    return sales_pb2.LeadAssignment(
        id="a1",
        lead_id="l-1",
        assignee_id="u-rep1",
        department_path="/hq/sales/east",
        method=sales_pb2.ASSIGNMENT_METHOD_AUTOMATIC,
        rule_id="r-b",
        rule_name=SEEDED,
        strategy=sales_pb2.ASSIGNMENT_STRATEGY_ROUND_ROBIN,
        candidates=[
            sales_pb2.AssignmentCandidate(user_id=f"u-rep{i}", eligible=True, selected=i == 1)
            for i in (1, 2, 3)
        ],
        tie_broken_at_random=True,
        assign_time=WHEN,
        reason=f"rule '{SEEDED}': next in turn (never assigned) among 3 eligible rep(s); "
        "tie among 3 broken at random",
    )


def _by_hand() -> sales_pb2.LeadAssignment:
    return sales_pb2.LeadAssignment(
        id="a2",
        lead_id="l-1",
        assignee_id="u-rep2",
        previous_assignee_id="u-rep1",
        department_path="/hq/sales/east",
        method=sales_pb2.ASSIGNMENT_METHOD_MANUAL,
        candidates=[
            sales_pb2.AssignmentCandidate(
                user_id="u-rep2", skip_reason="at_capacity", open_lead_count=30, selected=True
            )
        ],
        actor_id="u-lead",
        note=NOTE,
        assign_time=Timestamp(seconds=WHEN.seconds + 60),
        reason=f"assigned by hand to u-rep2 (despite: at_capacity); reason: {NOTE}",
    )


class Sales(sales_pb2_grpc.SalesServiceServicer):
    def _lead(self) -> sales_pb2.Lead:
        return sales_pb2.Lead(
            id="l-1",
            number="L20261207-0001",
            contact_name="李雷",
            company_name="杭州西湖科技",
            status=sales_pb2.LEAD_STATUS_ASSIGNED,
            owner_id="u-rep2",
            assign_time=Timestamp(seconds=WHEN.seconds + 60),
        )

    def GetLead(self, request, context):
        return self._lead()

    def ListLeads(self, request, context):
        return sales_pb2.ListLeadsResponse(leads=[self._lead()])

    def ListLeadAssignments(self, request, context):  # newest first
        return sales_pb2.ListLeadAssignmentsResponse(assignments=[_by_hand(), _by_rule()])

    def ListActivities(self, request, context):
        return sales_pb2.ListActivitiesResponse()

    def ListSalesReps(self, request, context):
        return sales_pb2.ListSalesRepsResponse(
            sales_reps=[
                sales_pb2.SalesRep(user_id=f"u-rep{i}", display_name=name, active=True)
                for i, name in ((1, "张三"), (2, "李四"), (3, "王五"))
            ]
        )


@pytest.fixture(scope="module")
def console(serve_grpc, console_for):
    return console_for(serve_grpc(Tickets(), Sales()))


def _block(page: str, element_id: str) -> str:
    found = re.search(rf'<section[^>]*id="{element_id}".*?</section>', page, re.DOTALL)
    assert found, f"no #{element_id} on the page"
    return found.group(0)


def _words_outside_data(html: str) -> list[str]:
    """The Latin words a reader sees in ``html`` apart from data marked translate="no"."""
    without_data = re.sub(r'<(\w+)[^>]*translate="no"[^>]*>.*?</\1>', " ", html, flags=re.DOTALL)
    text = re.sub(r"<[^>]+>", " ", without_data)
    return re.findall(r"[A-Za-z]{2,}", text)


def _text(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", fragment)).split())


def _reasons(block: str, css_class: str) -> list[str]:
    """The texts of the block-level elements (p, dd, div) of ``css_class`` in ``block``."""
    return [
        _text(found)
        for _tag, found in re.findall(
            rf'<(p|dd|div) class="[^"]*{css_class}[^"]*">(.*?)</\1>', block, re.DOTALL
        )
    ]


def test_the_zh_ticket_page_says_why_it_was_routed_in_chinese_with_the_data_as_it_is(console):
    page = console.client(AGENT, "zh-CN").get("/tickets/tk-1").get_data(as_text=True)
    routing, history = _block(page, "routing"), _block(page, "history")
    assert _words_outside_data(routing) == []
    assert _words_outside_data(history) == []
    assert _reasons(routing, "routing-reason") == [  # newest first
        f"在 /hq/tech 内；人工指派给 孙七；理由：{HAND_NOTE}",
        f"转派至 /hq/tech；在 2 名符合条件的坐席中负载最低；条件相同时随机选择；理由：{TYPED}",
        f"规则“{RULE}”→ /hq/logistics；在 1 名符合条件的坐席中负载最低",
    ]
    assert f'<span translate="no">{RULE}</span>' in routing
    assert _reasons(history, "history-detail") == [f"规则“{RULE}”→ /hq/logistics", TYPED]


def test_the_english_ticket_page_reads_as_the_services_sentence(console):
    page = console.client(AGENT, "en-US").get("/tickets/tk-1").get_data(as_text=True)
    routing, history = _block(page, "routing"), _block(page, "history")
    assert _reasons(routing, "routing-reason") == [
        f"within /hq/tech; assigned by hand to 孙七; reason: {HAND_NOTE}",
        (
            "transferred to /hq/tech; least loaded of 2 eligible agent(s); tie broken at random; "
            f"reason: {TYPED}"
        ),
        _routed().reason,
    ]
    assert _reasons(history, "history-detail") == [f"rule '{RULE}' -> /hq/logistics", TYPED]


def test_the_zh_lead_page_and_list_say_why_the_lead_was_assigned_in_chinese(console):
    client = console.client(SALES_LEAD, "zh-CN")
    page = client.get("/leads/l-1").get_data(as_text=True)
    block = _block(page, "assignment")
    assert _words_outside_data(block) == []
    assert _reasons(block, "assignment-reason") == [
        f"原因: 人工分配给 李四；尽管：线索已满；理由：{NOTE}"
    ]
    # the earlier decision, by the seeded rule, under "Earlier assignments"
    assert (
        f"规则“{SEEDED}”：在 3 名符合条件的销售中轮到（从未分配过）；3 人条件相同，随机选择"
        in _text(block)
    )
    assert f'<span translate="no">{SEEDED}</span>' in block
    rows = client.get("/leads/").get_data(as_text=True)
    (cell,) = re.findall(r'<td[^>]*class="assignment-reason">(.*?)</td>', rows, re.DOTALL)
    assert _words_outside_data(cell) == []
    assert _text(cell) == f"人工分配给 李四；尽管：线索已满；理由：{NOTE}"


def test_the_english_lead_page_reads_as_the_services_sentence(console):
    page = console.client(SALES_LEAD, "en-US").get("/leads/l-1").get_data(as_text=True)
    block = _block(page, "assignment")
    assert _reasons(block, "assignment-reason") == [
        f"Why: assigned by hand to 李四; despite: at capacity; reason: {NOTE}"
    ]
    assert _by_rule().reason in _text(block)

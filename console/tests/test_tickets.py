"""The ticket pages' pure logic: the new-ticket form → CreateTicket, the queue's filters →
ListTickets and its due-time order, the actions each state offers, the overview's charts."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from crm.ticket.v1 import ticket_pb2
from crm_console.views import tickets_forms as forms
from google.protobuf.timestamp_pb2 import Timestamp
from werkzeug.datastructures import MultiDict


def _ts(moment: datetime) -> Timestamp:
    stamp = Timestamp()
    stamp.FromDatetime(moment)
    return stamp


NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)


def _ticket(number, *, due_hours=None, state=ticket_pb2.TICKET_STATE_ROUTED, paused=False,
            first_response_given=True, first_due_hours=None):
    ticket = ticket_pb2.Ticket(number=number, state=state)
    if due_hours is not None:
        ticket.sla.resolution_due_time.CopyFrom(_ts(NOW + timedelta(hours=due_hours)))
    if first_due_hours is not None:
        ticket.sla.first_response_due_time.CopyFrom(_ts(NOW + timedelta(hours=first_due_hours)))
    if first_response_given:
        ticket.first_response_time.CopyFrom(_ts(NOW))
    ticket.sla.paused = paused
    return ticket


# --- the new-ticket form ------------------------------------------------------------------------

def test_a_confirmed_form_with_a_customer_becomes_a_phone_ticket_of_that_customer():
    form = MultiDict({"customer_id": "c-1", "phone": "139 1234-5678", "type": "complaint",
                      "title": " 产品质量问题 ", "description": "外壳开裂", "category": "",
                      "product": "X1"})
    request = forms.create_ticket_request(form, "req-1")
    ticket = request.ticket
    assert request.request_id == "req-1"
    assert (ticket.customer_id, ticket.type, ticket.channel) == (
        "c-1", ticket_pb2.TICKET_TYPE_COMPLAINT, ticket_pb2.TICKET_CHANNEL_PHONE)
    assert (ticket.title, ticket.description, ticket.product) == ("产品质量问题", "外壳开裂", "X1")
    assert ticket.category == ""  # left to routing, which infers it from the text
    assert ticket.reporter_phone == ""


def test_without_a_customer_record_the_callers_phone_and_name_are_the_reporters():
    form = MultiDict({"phone": "139 1234-5678", "reporter_name": "李先生", "type": "fault",
                      "title": "无法开机", "description": "按电源键无反应"})
    ticket = forms.create_ticket_request(form, "req-2").ticket
    assert (ticket.customer_id, ticket.reporter_phone, ticket.reporter_name) == (
        "", "13912345678", "李先生")
    assert ticket.type == ticket_pb2.TICKET_TYPE_FAULT


def test_the_second_step_names_each_missing_field():
    assert forms.ticket_form_errors(MultiDict({"customer_id": "c-1"})).keys() == {
        "type", "title", "description"}
    assert forms.ticket_form_errors(MultiDict({"type": "complaint", "title": "t",
                                               "description": "d"})).keys() == {"phone"}
    assert forms.ticket_form_errors(MultiDict({"type": "nonsense", "title": "t",
                                               "description": "d", "phone": "13912345678"})
                                    ).keys() == {"type"}


def test_similar_articles_suggest_the_category_most_of_the_best_hits_have():
    def hit(category):
        return ticket_pb2.KnowledgeSearchResult(article=ticket_pb2.KnowledgeArticle(category=category))

    assert forms.suggest_category([hit("delivery"), hit("technical"), hit("technical")]) == \
        "delivery"  # the best hit outweighs two weaker ones (1 > 1/2 + 1/3)
    assert forms.suggest_category([hit("delivery")] + [hit("technical")] * 3) == "technical"
    assert forms.suggest_category([hit("product_quality"), hit(""), hit("technical")]) == \
        "product_quality"
    assert forms.suggest_category([hit("")]) == ""


def test_enum_words_go_both_ways():
    descriptor = ticket_pb2.TicketState.DESCRIPTOR
    assert forms.enum_from_word(descriptor, "waiting_on_customer") == \
        ticket_pb2.TICKET_STATE_WAITING_ON_CUSTOMER
    assert forms.enum_word(descriptor, ticket_pb2.TICKET_STATE_IN_PROGRESS) == "in_progress"
    assert forms.enum_from_word(descriptor, "") == 0
    assert forms.enum_from_word(descriptor, "unknown") == 0


# --- the queue ----------------------------------------------------------------------------------

def test_the_department_queue_lists_the_open_tickets_of_the_users_department():
    filters = forms.queue_filters(MultiDict())
    request = forms.list_tickets_request(filters, user_id="u-1", department_path="/hq/service",
                                         page_size=500)
    assert request.department_path == "/hq/service"
    assert request.assignee_id == ""
    assert list(request.states) == list(forms.OPEN_STATES)
    assert not request.HasField("sla_breached")


def test_mine_with_filters_narrows_to_the_users_tickets_of_that_kind():
    filters = forms.queue_filters(MultiDict({"scope": "mine", "state": "in_progress",
                                             "type": "complaint", "priority": "urgent",
                                             "breached": "1", "q": " T2026 "}))
    request = forms.list_tickets_request(filters, user_id="u-1", department_path="/hq/service",
                                         page_size=500)
    assert (request.assignee_id, request.department_path, request.query) == ("u-1", "", "T2026")
    assert list(request.states) == [ticket_pb2.TICKET_STATE_IN_PROGRESS]
    assert list(request.types) == [ticket_pb2.TICKET_TYPE_COMPLAINT]
    assert list(request.priorities) == [ticket_pb2.TICKET_PRIORITY_URGENT]
    assert request.sla_breached is True


def test_the_queue_asks_the_ticket_service_for_its_due_time_order_and_pages_by_token():
    request = forms.list_tickets_request(forms.queue_filters(MultiDict()), user_id="u-1",
                                         department_path="/hq/tech", page_size=25,
                                         page_token="tok")
    assert (request.order_by, request.page_size, request.page_token) == (
        "sla.resolution_due_time", 25, "tok")
    page = forms.queue_page(ticket_pb2.ListTicketsResponse(
        tickets=[_ticket("T1")], next_page_token="next", total_size=9))
    assert ([t.number for t in page.tickets], page.next_page_token, page.total_size) == (
        ["T1"], "next", 9)


# --- the ticket page's actions ------------------------------------------------------------------

def test_each_state_offers_only_the_moves_the_lifecycle_allows():
    assert forms.actions_for(ticket_pb2.TICKET_STATE_ROUTED) == ("start", "transfer", "escalate")
    assert "hold" in forms.actions_for(ticket_pb2.TICKET_STATE_IN_PROGRESS)
    assert "resume" in forms.actions_for(ticket_pb2.TICKET_STATE_WAITING_ON_CUSTOMER)
    assert forms.actions_for(ticket_pb2.TICKET_STATE_CLOSED) == ("reopen",)
    for actions in forms.ACTIONS_BY_STATE.values():
        assert set(actions) <= set(forms.TRANSITIONS) | {"transfer"}


def test_each_actions_reason_is_its_own_input_and_errors_follow_it():
    assert forms.form_field("hold", "reason") == "hold_reason"
    assert forms.form_field("resolve", "resolution") == "resolution"
    assert forms.form_errors("transfer", {"reason": "is required", "department_path": "x"}) == {
        "transfer_reason": "is required", "department_path": "x"}


# --- the overview ----------------------------------------------------------------------------------

def test_periods_end_today():
    today = date(2026, 12, 7)
    assert forms.period_range("30d", today).start_date == "2026-11-08"
    assert forms.period_range("month", today).start_date == "2026-12-01"
    assert forms.period_range("quarter", today).start_date == "2026-10-01"
    assert forms.period_range("quarter", today).end_date == "2026-12-07"


def test_the_sla_chart_shows_rates_in_per_cent_against_the_previous_period():
    from crm.common.v1 import reporting_pb2

    report = reporting_pb2.KpiReport(kpis=[
        reporting_pb2.Kpi(key="sla_compliance_rate", value=0.875, previous_value=0.5),
        reporting_pb2.Kpi(key="first_response_sla_rate", value=1.0),
        reporting_pb2.Kpi(key="backlog", value=3),
    ])
    names = {key: key for key in forms.KPI_LABELS}
    option = forms.sla_chart(report, {"current": "now", "previous": "before"}, names)
    assert option["yAxis"]["data"] == ["first_response_sla_rate", "sla_compliance_rate"]
    assert option["series"][0]["data"] == [100.0, 87.5]
    assert option["series"][1]["data"] == [None, 50.0]


def test_satisfaction_counts_each_score_and_the_load_chart_each_agent():
    tickets = [ticket_pb2.Ticket(satisfaction_score=s) for s in (5, 4.6, 2)] + [ticket_pb2.Ticket()]
    assert forms.satisfaction_scores(tickets) == {1: 0, 2: 1, 3: 0, 4: 0, 5: 2}
    agents = [ticket_pb2.Agent(user_id="u-1", display_name="王磊", open_ticket_count=3,
                               max_open_tickets=10),
              ticket_pb2.Agent(user_id="u-2", display_name="", open_ticket_count=0)]
    option = forms.load_chart(agents, {"open": "open", "capacity": "cap"})
    assert option["yAxis"]["data"] == ["王磊", "u-2"]
    assert option["series"][0]["data"] == [3, 0]
    assert option["series"][1]["data"] == [10, None]


def test_a_reply_template_gets_the_customers_name_and_keeps_other_placeholders():
    assert forms.fill_template("{{customer_name}} 您好，{{ customer_name }}，单号 {{number}}",
                               "宁波某某") == "宁波某某 您好，宁波某某，单号 {{number}}"


def test_the_queue_export_link_keeps_the_filters_and_exports_what_the_queue_lists():
    from crm_console.table_exports import export_request

    filters = forms.queue_filters(MultiDict({"scope": "mine", "state": "resolved",
                                             "priority": "urgent", "breached": "1", "q": "快递"}))
    args = forms.queue_args(filters)
    assert forms.queue_filters(MultiDict(args)) == filters
    assert "type" not in args  # an empty filter is left out of the link
    listing = forms.list_tickets_request(filters, user_id="u-1", department_path="/hq/service",
                                         page_size=0)
    export = export_request(listing, ticket_pb2.ExportTicketsRequest(locale="zh-CN"))
    assert (export.assignee_id, export.query, export.order_by, export.locale) == (
        "u-1", "快递", forms.QUEUE_ORDER, "zh-CN")
    assert list(export.states) == [ticket_pb2.TICKET_STATE_RESOLVED]
    assert list(export.priorities) == [ticket_pb2.TICKET_PRIORITY_URGENT]
    assert export.sla_breached is True

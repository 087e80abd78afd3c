"""The customer pages in process: the console app against a small customer service, the sales
service down (nothing listens) and the ticket service refusing. The 360 page renders while
each failing panel says so in its own box; a customer the service hides is a 404 page without
its data; the list passes the filters and the page token to the service and answers htmx with
the table alone, and its export the filters and the reader's language; the search goes
straight to a single exact hit; the consents panel shows each consent per purpose and channel
(every channel first) with its state, source and time, in both languages."""

from __future__ import annotations

import json
import re

import grpc
import pytest
from crm.common.v1 import rules_pb2, types_pb2
from crm.customer.v1 import customer_pb2, customer_pb2_grpc
from crm.sales.v1 import sales_pb2, sales_pb2_grpc
from crm.ticket.v1 import ticket_pb2_grpc
from google.protobuf.timestamp_pb2 import Timestamp

VISIBLE = "c-visible"


def _customer() -> customer_pb2.Customer:
    return customer_pb2.Customer(
        id=VISIBLE, number="C00000042", type=customer_pb2.CUSTOMER_TYPE_ENTERPRISE,
        display_name="杭州西湖科技", owner_id="u-rep", phone="+8613800138000",
        enterprise=customer_pb2.EnterpriseProfile(legal_name="杭州西湖科技有限公司",
                                                  industry="manufacturing"),
        value_class=types_pb2.VALUE_CLASS_B, lifecycle_stage=types_pb2.LIFECYCLE_STAGE_CUSTOMER,
        churn_risk=customer_pb2.ChurnRisk(at_risk=True, reason="interactions -60 % in 90 days",
                                          signals=["interaction_drop"]),
        completeness_score=80, bank_account="**** **** 1234", sensitive_fields_masked=True)


class Customers(customer_pb2_grpc.CustomerServiceServicer):
    def __init__(self):
        self.list_requests = []
        self.export_requests = []

    def ExportCustomers(self, request, context):
        self.export_requests.append(request)
        if request.query == "refused":
            context.abort(grpc.StatusCode.PERMISSION_DENIED, "not for you")
        yield customer_pb2.ExportCustomersChunk(data=b"first,", row_count=0)
        yield customer_pb2.ExportCustomersChunk(data=b"second", row_count=1)

    def GetCustomerPortrait(self, request, context):
        if request.customer_id != VISIBLE:
            context.abort(grpc.StatusCode.NOT_FOUND, f"customer {request.customer_id} not found")
        when = Timestamp(seconds=1_790_000_000)
        return customer_pb2.CustomerPortrait(
            customer=_customer(),
            recent_timeline=[customer_pb2.TimelineEntry(
                id="t1", kind=customer_pb2.TIMELINE_ENTRY_KIND_TICKET_OPENED,
                title="Ticket T20261123-0001 opened", source_service="ticket",
                subject_type="ticket", subject_id="tk-1", occur_time=when)],
            satisfaction=customer_pb2.SatisfactionSummary(average_score=4, record_count=1))

    def GetCustomer(self, request, context):
        context.abort(grpc.StatusCode.NOT_FOUND, f"customer {request.id} not found")

    def GetDecisionChain(self, request, context):
        return customer_pb2.DecisionChain(customer_id=request.customer_id, contacts=[
            customer_pb2.Contact(id="k1", name="王总", job_title="总经理",
                                 decision_role=customer_pb2.DECISION_ROLE_DECISION_MAKER)],
            missing_roles=[customer_pb2.DECISION_ROLE_USER])

    def ListSatisfactionRecords(self, request, context):
        return customer_pb2.ListSatisfactionRecordsResponse(satisfaction_records=[
            customer_pb2.SatisfactionRecord(id=f"s{i}", score=score, nps=nps,
                                            source=customer_pb2.SATISFACTION_SOURCE_SURVEY,
                                            record_time=Timestamp(seconds=1_790_000_000 - i * 86400))
            for i, (score, nps) in enumerate([(4.0, 9), (2.0, 5)])])  # newest first

    def ListConsents(self, request, context):
        def stamp(day: int) -> Timestamp:
            return Timestamp(seconds=1_790_000_000 + day * 86400)

        marketing = customer_pb2.CONSENT_PURPOSE_MARKETING
        return customer_pb2.ListConsentsResponse(consents=[
            customer_pb2.Consent(  # withdrawn on SMS by a 退订 reply
                id="k-sms", customer_id=request.customer_id, purpose=marketing,
                channel=types_pb2.DELIVERY_CHANNEL_SMS, source="sms_reply",
                state=customer_pb2.CONSENT_STATE_WITHDRAWN, grant_time=stamp(0),
                withdraw_time=stamp(2)),
            customer_pb2.Consent(  # on every channel, at a trade fair (written by staff)
                id="k-all", customer_id=request.customer_id, purpose=marketing,
                source="展会登记", state=customer_pb2.CONSENT_STATE_GRANTED, grant_time=stamp(0)),
            customer_pb2.Consent(
                id="k-mail", customer_id=request.customer_id, purpose=marketing,
                channel=types_pb2.DELIVERY_CHANNEL_EMAIL, source="unsubscribe_link",
                state=customer_pb2.CONSENT_STATE_WITHDRAWN, grant_time=stamp(0),
                withdraw_time=stamp(1)),
        ])

    def ListTimelineEntries(self, request, context):
        when = Timestamp(seconds=1_790_000_000)
        kinds = customer_pb2.TimelineEntryKind
        return customer_pb2.ListTimelineEntriesResponse(timeline_entries=[
            customer_pb2.TimelineEntry(
                id=f"e{i}", kind=kinds.Value(f"TIMELINE_ENTRY_KIND_{kind}"), title=title,
                title_params=params, source_service="sales", subject_type="contract",
                subject_id=f"s{i}", occur_time=when)
            for i, (kind, title, params) in enumerate(TIMELINE)])

    def ListTags(self, request, context):
        return customer_pb2.ListTagsResponse(tags=[customer_pb2.Tag(id="tag-1", name="重点")])

    def ListCustomers(self, request, context):
        self.list_requests.append(request)
        found = [_customer()] if request.phone in ("", "13800138000") else []
        return customer_pb2.ListCustomersResponse(customers=found, next_page_token="next-tok",
                                                  total_size=len(found))


# Entries as the customer service writes them: an English title and the values it quotes.
TIMELINE = [
    ("CONTRACT_SIGNED", "Contract HT-7 signed: 年度维保",
     {"number": "HT-7", "title": "年度维保"}),
    ("CONTRACT_ENDED", "Contract HT-6 terminated", {"number": "HT-6", "what": "terminated"}),
    ("FOLLOW_UP", "Follow-up by visit: 报价沟通", {"method": "visit", "topic": "报价沟通"}),
    ("CALLBACK", "Call-back on ticket T9: satisfied", {"number": "T9", "result": "satisfied"}),
    ("OWNER_CHANGED", "Owner changed from u-9 to u-rep",
     {"previous_owner_id": "u-9", "owner_id": "u-rep"}),
    ("LEAD_CONVERTED", "Lead converted", {}),
]


class Tickets(ticket_pb2_grpc.TicketServiceServicer):
    def ListTickets(self, request, context):
        context.abort(grpc.StatusCode.PERMISSION_DENIED, "not for you")


@pytest.fixture(scope="module")
def customers():
    return Customers()


@pytest.fixture(scope="module")
def console(serve_grpc, console_for, customers):
    served = serve_grpc(customers, Tickets())
    # The sales service is not served: it is down. Marketing and notification answer from the
    # same server, which implements none of their methods.
    return console_for({**served, "marketing": served["customer"],
                        "notification": served["customer"]})


REP = {"user_id": "u-rep", "username": "rep.zhang", "roles": ["sales_rep"],
       "department_path": "/hq/sales/east", "data_scope": "own", "display_name": "张伟"}
LEAD = {"user_id": "u-lead", "username": "sales.lead", "roles": ["sales_lead"],
        "department_path": "/hq/sales", "data_scope": "department"}


def test_the_360_page_renders_while_its_failing_panels_say_so(console):
    client = console.client(REP)
    response = client.get(f"/customers/{VISIBLE}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200, page[page.find("<main"):][:2000]
    assert "杭州西湖科技" in page and "王总" in page and "**** **** 1234" in page
    assert "Interactions dropping" in page  # the risk flag with its reason
    assert "Ticket T20261123-0001 opened" in page and 'href="/tickets/tk-1"' in page
    # recorded before entries kept their title's values: its stored title, as data
    assert '<span translate="no">Ticket T20261123-0001 opened</span>' in page
    assert "reveal-form" not in page  # a rep is offered no reveal
    option = json.loads(re.search(r'id="chart-satisfaction-option">(.*?)</script>', page,
                                  re.DOTALL).group(1))
    assert [s["data"] for s in option["series"]] == [[2.0, 4.0], [5, 9]]  # oldest first

    sales = client.get(f"/customers/{VISIBLE}/panels/sales", headers={"HX-Request": "true"})
    assert sales.status_code == 200
    text = sales.get_data(as_text=True)
    assert text.count('class="message message-info panel-refusal"') == 5  # each part says so
    assert "A service is not available right now." in text or "took too long" in text
    tickets = client.get(f"/customers/{VISIBLE}/panels/tickets", headers={"HX-Request": "true"})
    assert tickets.status_code == 200
    assert "You do not have access to this." in tickets.get_data(as_text=True)


def _rows(panel: str) -> list[list[str]]:
    """The consents table's rows as their cells' text."""
    rows = re.findall(r"<tr>(.*?)</tr>", panel, re.DOTALL)[1:]  # after the header row
    return [[re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(
        r"<td[^>]*>(.*?)</td>", row, re.DOTALL)] for row in rows]


@pytest.mark.parametrize(("language", "expected"), [
    ("zh-CN", [["营销", "全部渠道", "已同意", "展会登记", "2026/9/21 22:13"],
               ["营销", "邮件", "已撤回", "退订链接", "2026/9/22 22:13"],
               ["营销", "短信", "已撤回", "短信回复（退订）", "2026/9/23 22:13"]]),
    ("en-US", [["Marketing", "Every channel", "Granted", "展会登记", "9/21/26, 10:13\u202fPM"],
               ["Marketing", "Email", "Withdrawn", "Unsubscribe link", "9/22/26, 10:13\u202fPM"],
               ["Marketing", "Sms", "Withdrawn", "SMS reply (退订)", "9/23/26, 10:13\u202fPM"]]),
])
def test_the_360_page_shows_each_consent_per_channel_with_its_source_and_time(
    console, language, expected
):
    """Every channel first; the time is when each took its state (a withdrawal's), in the
    console's time zone; a source the suite does not know is user data, not translated."""
    page = console.client(REP, language).get(f"/customers/{VISIBLE}").get_data(as_text=True)
    assert f'hx-get="/customers/{VISIBLE}/panels/consents"' in page

    panel = console.client(REP, language).get(
        f"/customers/{VISIBLE}/panels/consents", headers={"HX-Request": "true"})
    assert panel.status_code == 200
    assert _rows(panel.get_data(as_text=True)) == expected
    assert '<span translate="no">展会登记</span>' in panel.get_data(as_text=True)


def test_a_customer_the_service_hides_is_a_404_page_without_its_data(console):
    response = console.client(REP).get("/customers/c-someone-elses")
    page = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "Not found, or not visible to you." in page
    assert "c-someone-elses" not in page.split("<main", 1)[1]


def test_the_list_sends_filters_and_page_token_and_answers_htmx_with_the_table(
        console, customers):
    client = console.client(LEAD)
    response = client.get("/customers/?q=西湖&value_class=B&at_risk=1&owner=u-rep&page_token=p2",
                          headers={"HX-Request": "true", "HX-Target": "customer-results"})
    fragment = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in fragment and "customer-table" in fragment
    assert "page_token=next-tok" in fragment  # the service's next page, filters kept
    sent = customers.list_requests[-1]
    assert (sent.query, sent.page_token, sent.owner_id) == ("西湖", "p2", "u-rep")
    assert list(sent.value_classes) == [types_pb2.VALUE_CLASS_B] and sent.at_risk is True
    full = client.get("/customers/").get_data(as_text=True)
    assert "<html" in full and 'hx-push-url="true"' in full


def test_search_by_phone_opens_the_single_customer(console, customers):
    client = console.client(REP)
    response = client.get("/search?q=138 0013 8000")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/customers/{VISIBLE}")


def test_the_list_exports_its_filters_in_the_readers_language(console, customers):
    client = console.client(LEAD, language="zh-CN")
    page = client.get("/customers/?value_class=B&owner=u-rep").get_data(as_text=True)
    links = re.findall(r'href="(/customers/export\.(?:xlsx|csv)\?[^"]*)"', page)
    assert len(links) == 2 and "导出 Excel" in page
    xlsx = links[0].replace("&amp;", "&")
    assert "value_class=B" in xlsx and "owner=u-rep" in xlsx

    response = client.get(xlsx)
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response.get_data() == b"first,second"  # every chunk, in order
    assert "filename*=UTF-8''%E5%AE%A2%E6%88%B7%E5%88%97%E8%A1%A8.xlsx" in (
        response.headers["Content-Disposition"])  # 客户列表.xlsx
    sent = customers.export_requests[-1]
    assert (sent.format, sent.locale, sent.owner_id) == (
        types_pb2.TABLE_FORMAT_XLSX, "zh-CN", "u-rep")
    assert list(sent.value_classes) == [types_pb2.VALUE_CLASS_B]

    # A rep may not pick another owner (the service would show only their own anyway).
    as_csv = console.client(REP).get("/customers/export.csv?owner=u-lead&q=西湖")
    assert (as_csv.status_code, as_csv.mimetype) == (200, "text/csv")
    sent = customers.export_requests[-1]
    assert (sent.format, sent.locale, sent.owner_id, sent.query) == (
        types_pb2.TABLE_FORMAT_CSV, "en-US", "", "西湖")

    refused = console.client(REP).get("/customers/export.xlsx?q=refused")
    assert refused.status_code == 403
    assert "You do not have access to this." in refused.get_data(as_text=True)


class Sales(sales_pb2_grpc.SalesServiceServicer):
    """A prospect: one open opportunity, no contract, a plan that follows its estimated class."""

    def ListOpportunities(self, request, context):
        return sales_pb2.ListOpportunitiesResponse(opportunities=[sales_pb2.Opportunity(
            id="o-1", name="云存储采购", stage=sales_pb2.OPPORTUNITY_STAGE_POTENTIAL,
            amount=types_pb2.Money(currency_code="CNY", amount_minor=500_000_00))])

    def ListQuotes(self, request, context):
        return sales_pb2.ListQuotesResponse()

    def ListContracts(self, request, context):
        return sales_pb2.ListContractsResponse()

    def ListOverdueReceivables(self, request, context):
        return sales_pb2.ListOverdueReceivablesResponse()

    def GetFollowUpPlan(self, request, context):
        if request.customer_id != VISIBLE:
            context.abort(grpc.StatusCode.NOT_FOUND, "no plan")
        return sales_pb2.FollowUpPlan(
            id="p-1", customer_id=VISIBLE, value_class=types_pb2.VALUE_CLASS_A,
            estimated_class=types_pb2.VALUE_CLASS_A, follows_estimated_class=True,
            estimated_class_reason="rule 'Estimated 500,000 CNY or more is A': "
                                   "estimated_value >= 50000000",
            estimated_class_rule_id="r-prospect-a",
            interval_days=7, next_due_date="2026-12-14", active=True)

    def GetLeadGradingRule(self, request, context):
        if request.id != "r-prospect-a":
            context.abort(grpc.StatusCode.NOT_FOUND, "no such rule")
        return sales_pb2.LeadGradingRule(
            id=request.id, display_name="预估合作金额 50 万元及以上为 A 类",
            grade=sales_pb2.LEAD_GRADE_A, subject=sales_pb2.GRADING_SUBJECT_PROSPECT,
            condition=rules_pb2.ConditionGroup(conditions=[
                rules_pb2.Condition(
                    field="estimated_value",
                    operator=rules_pb2.CONDITION_OPERATOR_GREATER_THAN_OR_EQUAL,
                    values=["50000000"]),
                rules_pb2.Condition(
                    field="customer_type", operator=rules_pb2.CONDITION_OPERATOR_EQUALS,
                    values=["CUSTOMER_TYPE_ENTERPRISE"])]))


@pytest.mark.parametrize(("language", "words"), [
    ("zh-CN", ["跟进计划", "预估等级", "预估等级（首份合同前）", "每 7 天",
               "预估依据: 规则“预估合作金额 50 万元及以上为 A 类”：预估合作金额 ≥ ¥500,000.00 且 客户类型 = 企业"]),
    ("en-US", ["Follow-up plan", "Estimated class", "Estimated, until the first contract",
               "Every 7 days",
               ("Estimated by: rule &#39;预估合作金额 50 万元及以上为 A 类&#39;: "
                "Estimated deal value ≥ ¥500,000.00 and Customer type = Enterprise")]),
])
def test_the_sales_panel_shows_the_estimated_class_apart_from_the_contract_class(
        serve_grpc, console_for, customers, language, words):
    served = serve_grpc(customers, Sales())
    console = console_for(served)
    panel = console.client(REP, language).get(
        f"/customers/{VISIBLE}/panels/sales", headers={"HX-Request": "true"})
    text = panel.get_data(as_text=True)
    assert panel.status_code == 200, text
    reason = re.search(r'<p class="muted estimated-class-reason">(.*?)</p>', text).group(1)
    for word in words:
        assert word in text.replace(reason, re.sub(r"<[^>]+>", "", reason))
    # The rule described from its structure, its name as data; never the service's English.
    assert "estimated_value" not in reason and "50000000" not in reason
    assert '<span translate="no">预估合作金额 50 万元及以上为 A 类</span>' in reason
    # a customer without a plan (no contract, nothing estimated) reads so, not as an error
    other = console.client(REP, language).get(
        "/customers/c-other/panels/sales", headers={"HX-Request": "true"})
    assert other.status_code == 200
    assert "panel-refusal" not in other.get_data(as_text=True)


def _timeline_titles(panel: str) -> list[str]:
    """Each timeline entry's title (what follows the kind label), as text; "" when the entry
    shows its kind alone."""
    entries = re.findall(r'<li class="timeline-entry[^"]*">\s*<div>(.*?)</div>', panel, re.DOTALL)
    return [(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", entry)).split("·", 1)[1:] or [""])[0]
            .strip() for entry in entries]


@pytest.mark.parametrize(("language", "expected"), [
    ("zh-CN", ["合同 HT-7 已签订：年度维保", "合同 HT-6 已提前终止", "拜访跟进：报价沟通",
               "工单 T9 回访：满意", "负责人由 u-9 改为 张伟", ""]),
    ("en-US", ["Contract HT-7 signed: 年度维保", "Contract HT-6 terminated",
               "Follow-up by visit: 报价沟通", "Call-back on ticket T9: Satisfied",
               "Owner changed from u-9 to 张伟", ""]),
])
def test_timeline_titles_are_written_in_the_readers_language_from_the_entrys_values(
        console, language, expected):
    """The service's English sentence is phrased again from the values it quotes, which stay
    user data (``translate="no"``); words from the suite's lists are labels, an owner a name."""
    panel = console.client(REP, language).get(
        f"/customers/{VISIBLE}/panels/timeline", headers={"HX-Request": "true"})
    assert panel.status_code == 200
    text = panel.get_data(as_text=True)
    titles = _timeline_titles(text)
    assert titles == expected
    if language == "zh-CN":
        assert not [title for title in titles if re.search(r"[A-Za-z]{3,}", title)]
    assert '<span translate="no">年度维保</span>' in text
    assert '<span translate="no">HT-6</span>' in text
    # A title that only repeats its kind is not said twice.
    converted = {"zh-CN": "线索转化", "en-US": "Lead converted"}[language]
    assert f"<strong>{converted}</strong>" in text
    assert text.count(converted) == 1


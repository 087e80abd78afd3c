"""Why a lead has its grade, on the lead page, in the reader's language: the rule behind the
grade (``grade_rule_id``) read from a small sales service and described field by field, the
rule's name as data, amounts in the sales policy's currency; a grade no rule gave reads so; a grade set by hand says so in the reader's language
and quotes the person's words as data.
The service's English ``grade_reason`` (enum names, amounts in fen) never reaches the page."""

from __future__ import annotations

import html
import re

import grpc
import pytest
from crm.common.v1 import rules_pb2
from crm.sales.v1 import sales_pb2, sales_pb2_grpc

RULE_NAME = "意向高且预算充足为 A 类"
REASON = "rule 'x': intent_level = INTENT_LEVEL_HIGH AND budget >= 10000000"
LEADS = {
    "l-rule": {"grade": sales_pb2.LEAD_GRADE_A, "grade_rule_id": "r-a", "grade_reason": REASON},
    "l-default": {"grade": sales_pb2.LEAD_GRADE_C,
                  "grade_reason": "no grading rule matched: C by default"},
    "l-hand": {"grade": sales_pb2.LEAD_GRADE_B, "grade_locked": True,
               "grade_reason": "set by hand: 老客户介绍"},
}
LEAD = {"user_id": "u-lead", "username": "sales.lead", "roles": ["sales_lead"],
        "department_path": "/hq/sales", "data_scope": "department"}


class Sales(sales_pb2_grpc.SalesServiceServicer):
    def GetLead(self, request, context):
        return sales_pb2.Lead(id=request.id, number="L20261207-0009", contact_name="韩梅梅",
                              status=sales_pb2.LEAD_STATUS_NEW, **LEADS[request.id])

    def GetLeadGradingRule(self, request, context):
        if request.id != "r-a":
            context.abort(grpc.StatusCode.NOT_FOUND, "no such rule")
        return sales_pb2.LeadGradingRule(
            id="r-a", display_name=RULE_NAME, grade=sales_pb2.LEAD_GRADE_A,
            condition=rules_pb2.ConditionGroup(conditions=[
                rules_pb2.Condition(field="intent_level",
                                    operator=rules_pb2.CONDITION_OPERATOR_EQUALS,
                                    values=["INTENT_LEVEL_HIGH"]),
                rules_pb2.Condition(field="budget",
                                    operator=rules_pb2.CONDITION_OPERATOR_GREATER_THAN_OR_EQUAL,
                                    values=["10000000"])]))

    def GetSalesPolicy(self, request, context):  # amounts of conditions are in its currency
        return sales_pb2.SalesPolicy(currency_code="USD")

    def ListLeadAssignments(self, request, context):
        return sales_pb2.ListLeadAssignmentsResponse()

    def ListActivities(self, request, context):
        return sales_pb2.ListActivitiesResponse()

    def ListSalesReps(self, request, context):
        return sales_pb2.ListSalesRepsResponse()


@pytest.fixture(scope="module")
def console(serve_grpc, console_for):
    return console_for(serve_grpc(Sales()))


def _grade_reason(console, language: str, lead_id: str) -> tuple[str, str]:
    """(the reason's markup, its text) on the lead page."""
    response = console.client(LEAD, language).get(f"/leads/{lead_id}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200, page[page.find("<main"):][:2000]
    markup = re.search(r'<div class="muted grade-reason">(.*?)</div>', page, re.DOTALL).group(1)
    return markup, " ".join(html.unescape(re.sub(r"<[^>]+>", "", markup)).split())


@pytest.mark.parametrize(("language", "expected"), [
    ("zh-CN", {"l-rule": f"规则“{RULE_NAME}”：意向程度 = 高 且 预算 ≥ $100,000.00",
               "l-default": "未匹配任何评级规则：默认 C 类"}),
    ("en-US", {"l-rule": f"rule '{RULE_NAME}': Intent level = High and Budget ≥ $100,000.00",
               "l-default": "No grading rule matched: C by default"}),
])
def test_the_lead_page_says_why_the_grade_in_the_readers_language(console, language, expected):
    for lead_id, sentence in expected.items():
        markup, text = _grade_reason(console, language, lead_id)
        assert text == sentence
        assert "INTENT_LEVEL" not in markup and "10000000" not in markup
    markup, _text = _grade_reason(console, language, "l-rule")
    assert f'<span translate="no">{RULE_NAME}</span>' in markup


@pytest.mark.parametrize(("language", "expected"), [
    ("zh-CN", '手动设定：<span translate="no">老客户介绍</span>'),
    ("en-US", 'Set by hand: <span translate="no">老客户介绍</span>'),
])
def test_a_grade_set_by_hand_says_so_in_the_readers_language_with_the_persons_words_as_data(
        console, language, expected):
    markup, _text = _grade_reason(console, language, "l-hand")
    assert markup == expected

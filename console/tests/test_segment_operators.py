"""The segment rule builder offers only the operators each field takes, from the one
declaration the marketing service validates with (``crm_shared.segment_operators``): the
mapping covers exactly the contract's rule fields, matches what the service accepts, and the
builder (the real Flask app, the live count asked of a small service that validates with the
real rules) renders each row's operator list for its field and carries the whole mapping for
``console.js`` to narrow a row when its field changes."""

from __future__ import annotations

import html
import json
import re

import pytest
from crm.common.v1 import rules_pb2
from crm.marketing.v1 import marketing_pb2, marketing_pb2_grpc
from crm_console.views import marketing_rules as rules
from crm_shared.errors import InvalidArgument
from crm_shared.grpc.status import to_grpc_status
from crm_shared.segment_operators import SEGMENT_RULE_OPERATORS
from marketing_service import segment_rules

Op = rules_pb2.ConditionOperator
EVERY_OPERATOR = {value.number for value in Op.DESCRIPTOR.values if value.number}


def test_the_mapping_covers_the_contracts_fields_and_is_what_the_service_validates():
    assert set(SEGMENT_RULE_OPERATORS) == set(rules.rule_fields()) == set(segment_rules.FIELDS)
    for name in rules.rule_fields():
        offered = {number for number, _label in rules.operators_for(name)}
        assert offered == segment_rules.FIELDS[name].operators, name
    assert {number for number, _label in rules.operators_for("")} == EVERY_OPERATOR


def test_an_operator_withheld_from_a_field_is_one_the_service_refuses():
    group = rules_pb2.ConditionGroup(match=rules_pb2.MATCH_MODE_ALL)
    group.conditions.add(field="at_risk", operator=Op.CONDITION_OPERATOR_CONTAINS_ANY,
                         values=["true"])
    assert Op.CONDITION_OPERATOR_CONTAINS_ANY not in {n for n, _l in rules.operators_for("at_risk")}
    violations = segment_rules.rule_violations(group, "rule")
    assert [v.field for v in violations] == ["rule.conditions[0].operator"]


class Marketing(marketing_pb2_grpc.MarketingServiceServicer):
    def PreviewSegment(self, request, context):
        problems = segment_rules.rule_violations(request.rule, "rule")
        if problems:
            context.abort_with_status(to_grpc_status(InvalidArgument(problems)))
        return marketing_pb2.PreviewSegmentResponse(member_count=7)



@pytest.fixture(scope="module")
def client(serve_grpc, console_for):
    return console_for(serve_grpc(Marketing(), workers=4)).client("marketer.chen")


def _options(fragment: str, row: int) -> set[int]:
    select = re.search(rf'<select id="f-rule-conditions-{row}-operator".*?</select>', fragment,
                       re.DOTALL).group(0)
    return {int(value) for value in re.findall(r'<option value="(\d+)"', select)}


def test_each_row_offers_its_fields_operators_and_the_builder_carries_the_mapping(client):
    page = client.get("/marketing/segments/new").get_data(as_text=True)
    token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    form = {"csrf_token": token, "rule.match": "1",
            "rule.conditions[0].field": "at_risk",
            "rule.conditions[0].operator": str(Op.CONDITION_OPERATOR_EQUALS),
            "rule.conditions[0].values": "true",
            "rule.conditions[1].field": "tags",
            "rule.conditions[1].operator": str(Op.CONDITION_OPERATOR_CONTAINS_ANY),
            "rule.conditions[1].values": "tag-1",
            "builder": "add"}
    response = client.post("/marketing/segments/builder", data=form,
                           headers={"HX-Request": "true"})
    fragment = response.get_data(as_text=True)
    assert response.status_code == 200
    assert _options(fragment, 0) == SEGMENT_RULE_OPERATORS["at_risk"]
    assert _options(fragment, 1) == SEGMENT_RULE_OPERATORS["tags"]
    assert _options(fragment, 2) == EVERY_OPERATOR  # a new row: no field chosen yet
    assert 'data-rule-field="1"' in fragment and 'data-rule-operator="1"' in fragment
    table = json.loads(html.unescape(re.search(r'data-rule-operators="([^"]*)"',
                                               fragment).group(1)))
    assert {int(v) for v, _label in table["birth_date"]} == SEGMENT_RULE_OPERATORS["birth_date"]
    assert set(table) == {"", *rules.rule_fields()}
    assert "Contains any" in dict(table["tags"]).values()  # labels in the reader's language
    assert 'data-count="7"' in fragment  # the live count still runs, the rule accepted

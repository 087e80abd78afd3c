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
import time
from concurrent import futures

import grpc
import pytest
from crm.common.v1 import rules_pb2
from crm.marketing.v1 import marketing_pb2, marketing_pb2_grpc
from crm_console.app import create_app
from crm_console.settings import ConsoleSettings
from crm_console.views import marketing_rules as rules
from crm_devstack.ports import free_port
from crm_shared.auth import TokenIssuer, generate_signing_key
from crm_shared.errors import InvalidArgument
from crm_shared.grpc.peers import Peers
from crm_shared.grpc.status import to_grpc_status
from crm_shared.segment_operators import SEGMENT_RULE_OPERATORS
from crm_shared.settings import load_settings
from marketing_service import segment_rules

SECRET = "segment-operators-test-secret-key-of-at-least-32-chars"
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
def client(tmp_path_factory):
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
    marketing_pb2_grpc.add_MarketingServiceServicer_to_server(Marketing(), server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    folder = tmp_path_factory.mktemp("keys")
    generate_signing_key(folder / "jwt.key", folder / "jwt.pub")
    issuer = TokenIssuer((folder / "jwt.key").read_bytes(), issuer="crm-gateway", audience="crm")
    down = f"127.0.0.1:{free_port()}"
    settings = load_settings(
        ConsoleSettings, jwt_public_key_file=folder / "jwt.pub", console_secret_key=SECRET,
        console_secure_cookies=False, grpc_timeout_seconds=3.0,
        gateway_url=f"http://127.0.0.1:{free_port()}", marketing_addr=f"127.0.0.1:{port}",
        customer_addr=down, ticket_addr=down, sales_addr=down, notification_addr=down)
    app = create_app(settings, peers=Peers(settings.peer_addresses(), timeout_seconds=3.0))
    client = app.test_client()
    with client.session_transaction() as session:
        session["access_token"] = issuer.issue(
            user_id="u-mk", username="marketer.chen", roles=["marketer"],
            department_path="/hq/marketing", data_scope="all")
        session["access_expires_at"] = int(time.time()) + 3600
        session["language"] = "en-US"
    yield client
    app.extensions["crm.console"].peers.close()
    server.stop(grace=0)


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

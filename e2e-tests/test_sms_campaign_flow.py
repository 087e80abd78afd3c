"""An SMS campaign reaches the consenting customer's phone with their name filled in: the
customer and their consent flow into marketing's read model by events, the segment picks
them up, and the launched campaign's message goes marketing → notification → the SMS gateway
(the local suite's sink) — across the customer, marketing and notification services."""

import json
import uuid

import pytest
from crm_devstack.waiting import wait_until

pytestmark = pytest.mark.e2e
BODY = "{{display_name}}，春季新品 8 折，回复 TD 退订"


def _ok(response, status=200):
    assert response.status == status, response
    return response.body


def _texts_to(running_suite, phone):
    folder = running_suite.config.sms_dir
    if not folder.exists():
        return []
    messages = [json.loads(path.read_text()) for path in folder.glob("*.json")]
    return [m for m in messages if m["to"] == phone]


def test_an_sms_campaign_texts_the_consenting_customer_once_with_their_name(running_suite):
    http = running_suite.http
    rep, marketer = http.login("rep.zhang"), http.login("marketer.chen")
    industry = f"e2e-sms-{uuid.uuid4().hex[:8]}"  # this test's audience, and nobody else's
    phone = f"+86139{uuid.uuid4().int % 10**8:08d}"
    name = "杭州某某茶业有限公司"
    customer = _ok(http.call("POST", "/api/v1/customers", {
        "type": "enterprise", "display_name": name, "phone": phone,
        "enterprise": {"legal_name": name, "industry": industry}}, token=rep), 201)
    _ok(http.call("POST", f"/api/v1/customers/{customer['id']}/consents", {
        "purpose": "marketing", "source": "web_form", "evidence": "e2e"}, token=rep))

    def consenting():
        found = http.call("GET", f"/api/v1/marketing/profiles/{customer['id']}", token=marketer)
        return found.status == 200 and found.body["marketing_consent"]

    wait_until(consenting, timeout=30,
               message="the customer and their consent never reached marketing's read model")
    segment = _ok(http.call("POST", "/api/v1/segments", {
        "display_name": f"茶业 {industry}", "rule": {"match": "all", "conditions": [
            {"field": "industry", "operator": "equals", "values": [industry]}], "groups": []}},
        token=marketer), 201)
    assert segment["member_count"] == 1
    campaign = _ok(http.call("POST", "/api/v1/campaigns", {
        "name": "春季新品短信", "channel": "sms", "segment_ids": [segment["id"]],
        "variants": [{"id": "A", "weight_percent": 100, "body": BODY}]}, token=marketer), 201)
    launched = _ok(http.call("POST", f"/api/v1/campaigns/{campaign['id']}/launch", {},
                             token=marketer))
    assert launched["stats"]["audience_count"] == 1

    texts = wait_until(lambda: _texts_to(running_suite, phone), timeout=60,
                       message="the campaign's text message never reached the SMS gateway")
    # a marketing text ends with the opt-out instruction (SMS_OPT_OUT_TEXT)
    assert [(t["text"], t["sender"]) for t in texts] == [(
        BODY.replace("{{display_name}}", name) + " 回T退订", "【CRM】")]

    def sent():
        page = _ok(http.call("GET", f"/api/v1/campaigns/{campaign['id']}/recipients",
                             token=marketer))
        return [r["status"] for r in page["recipients"]]

    statuses = wait_until(lambda: (s := sent()) and s[0] != "pending" and s, timeout=30,
                          message="marketing never heard the message went out")
    assert statuses in (["sent"], ["delivered"])
    assert len(_texts_to(running_suite, phone)) == 1  # one message, however often retried

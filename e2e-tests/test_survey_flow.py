"""A closed ticket brings its customer exactly one satisfaction survey by e-mail; the customer
answers through the link without an account, and the answer appears in the customer's
satisfaction history — across the ticket, marketing, notification and customer services."""

import email
import email.policy
import mailbox
import re
import uuid

import pytest
from crm_devstack.waiting import wait_until

pytestmark = pytest.mark.e2e
LINK = re.compile(r"https?://[^\s]+/s/([A-Za-z0-9_.-]+)")  # the survey page's link


def _mail_to(running_suite, address):
    folder = running_suite.config.mail_dir
    if not folder.exists():
        return []
    messages = [email.message_from_bytes(m.as_bytes(), policy=email.policy.default)
                for m in mailbox.Maildir(folder, factory=None, create=False)]
    return [m for m in messages if address in str(m["To"])]


def _ok(response, status=200):
    assert response.status == status, response
    return response.body


def test_a_closed_ticket_brings_one_survey_whose_answer_reaches_the_customers_history(
        running_suite):
    http = running_suite.http
    address = f"wang.fang.{uuid.uuid4().hex[:8]}@example.com"
    customer = _ok(http.call("POST", "/api/v1/customers", {
        "type": "enterprise", "display_name": "宁波某某电器有限公司", "email": address,
        "enterprise": {"legal_name": "宁波某某电器有限公司", "industry": "manufacturing"}},
        token=http.login("rep.zhang")), 201)

    ticket = _ok(http.call("POST", "/api/v1/tickets", {
        "type": "complaint", "channel": "phone", "title": "产品质量问题",
        "description": "电器外壳开裂", "customer_id": customer["id"]},
        token=http.login("agent.wang")), 201)
    lead = http.login(_department_lead(ticket["department_path"]))
    _ok(http.call("POST", f"/api/v1/tickets/{ticket['id']}/start", {}, token=lead))
    _ok(http.call("POST", f"/api/v1/tickets/{ticket['id']}/resolve",
                  {"resolution": "已更换新机"}, token=lead))
    _ok(http.call("POST", f"/api/v1/tickets/{ticket['id']}/close", {}, token=lead))

    mail = wait_until(lambda: _mail_to(running_suite, address), timeout=90,
                      message="the customer never got the satisfaction survey")
    body = mail[0].get_body(preferencelist=("plain", "html")).get_content()
    assert ticket["number"] in body
    # the same token answers through the gateway's JSON route, as an integrator would
    path = "/api/v1/surveys/respond/" + LINK.search(body).group(1)

    form = _ok(http.call("GET", path))  # no token: the signed link is the customer's key
    answers = [{"question_id": q["id"], "score": 9 if q["type"] == "nps_0_to_10" else 4}
               for q in form["questions"] if q["type"] in ("rating_1_to_5", "nps_0_to_10")]
    answer = _ok(http.call("POST", path, {"answers": answers, "comment": "换货很快"}), 201)
    assert answer["nps"] == 9 and answer["ticket_id"] == ticket["id"]
    assert http.call("POST", path, {"answers": answers}).status == 409

    def portrait():
        found = _ok(http.call("GET", f"/api/v1/customers/{customer['id']}/portrait",
                              token=http.login("rep.zhang")))
        return found if found["satisfaction"]["record_count"] else None

    portrait = wait_until(portrait, timeout=30,
                          message="the answer never reached the customer's satisfaction history")
    assert portrait["satisfaction"]["latest_nps"] == 9
    assert portrait["satisfaction"]["latest_score"] == 4.0

    marketer = http.login("marketer.chen")
    invitations = _ok(http.call(
        "GET", f"/api/v1/surveys/{answer['survey_id']}/invitations?ticket_id={ticket['id']}",
        token=marketer))["invitations"]
    assert [i["state"] for i in invitations] == ["answered"]
    assert len(_mail_to(running_suite, address)) == 1  # exactly one invitation


def _department_lead(path: str) -> str:
    return {"/hq/product": "product.lead", "/hq/service": "service.lead",
            "/hq/tech": "tech.lead", "/hq/logistics": "logistics.lead"}[path]

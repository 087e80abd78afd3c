"""Telemetry carries no personal data: a customer is planted with a unique phone, e-mail,
ID-card and bank account number (and a company's contact, a lead, a ticket's reporter and a
staff member with a phone and e-mail of their own), searched for by phone and e-mail through
REST and the console, and texted a survey link that is then opened; afterwards no span the
collector recorded, no line in the suite's log folder and no message a service or the gateway
published holds any of those values, nor the survey link's token, in clear.

Broker messages are the outbox rows of every component's database (the relay publishes
exactly those). No message carries any of the planted values, not even the events that
describe the customer: the customer service puts the ID-card and bank numbers in them masked,
and the phone and e-mail too, as the sales service does in ``lead.created`` and the ticket
service with a reporter's in every ticket event (``crm_shared.contact_masks``); the survey
link texted to the planted phone shows that the marketing service still reaches the customer,
reading the address from the customer service as it sends (services/customer/README.md,
"Events"). The staff member's addresses travel in ``identity.user_upserted`` masked and sealed
with a key only the gateway and the notification worker hold (``crm_shared.staff_addresses``):
the e-mail telling them of a customer they created shows that the worker still reaches them.
"""

from __future__ import annotations

import email
import email.policy
import json
import mailbox
import sqlite3
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from crm_devstack.suite import SERVICES
from crm_devstack.waiting import wait_until

pytestmark = pytest.mark.e2e

ID_CARD_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)

SINKS = ("mail", "sms")
"""Processes standing in for the outside world (the mail server, the SMS gateway): they are
where messages to the customer are meant to arrive, so their logs are not the suite's."""


def _ok(response, status=200):
    assert response.status == status, (response.status, response.body)
    return response.body


def _id_card(first17: str) -> str:
    total = sum(int(digit) * weight for digit, weight in zip(first17, ID_CARD_WEIGHTS))
    return first17 + "10X98765432"[total % 11]


def _planted() -> dict[str, str]:
    digits = str(uuid.uuid4().int)
    more = str(uuid.uuid4().int)
    return {
        "phone": "139" + digits[:8],
        "email": f"plant.{uuid.uuid4().hex[:12]}@example.com",
        "id_card": _id_card("33010619900115" + digits[8:11]),
        "bank_account": "6222" + digits[13:28],
        "contact_phone": "138" + digits[28:36],
        "contact_email": f"contact.{uuid.uuid4().hex[:12]}@example.com",
        "lead_phone": "137" + more[:8],
        "lead_email": f"lead.{uuid.uuid4().hex[:12]}@example.com",
        "reporter_phone": "136" + more[8:16],
        "reporter_email": f"reporter.{uuid.uuid4().hex[:12]}@example.com",
        "staff_phone": "135" + more[16:24],
        "typed_phone": "158" + more[24:32],  # typed into a ticket's description
        "typed_email": f"typed.{uuid.uuid4().hex[:12]}@example.com",  # and into a lead's need
        "staff_email": f"staff.{uuid.uuid4().hex[:12]}@example.com",
    }


def _spans_text(running_suite) -> list[str]:
    return [json.dumps([span.name, span.status_message, span.attributes], ensure_ascii=False)
            for span in running_suite.collector.store.spans()]


def _log_lines(running_suite) -> list[tuple[str, str]]:
    folder = Path(running_suite.suite.supervisor.log_dir)
    return [(path.name, line) for path in sorted(folder.glob("*.log"))
            if not path.stem.startswith(SINKS)
            for line in path.read_text(errors="replace").splitlines()]


def _outbox_messages(running_suite) -> list[tuple[str, str, str]]:
    """(component, event type, payload) of every message a component stored to publish."""
    messages = []
    for component in (*SERVICES, "gateway"):
        url = running_suite.config.database_url(component)
        assert url.startswith("sqlite:///"), "this test reads the devstack's SQLite databases"
        connection = sqlite3.connect(url.removeprefix("sqlite:///"))
        try:
            rows = connection.execute(
                "SELECT event_type, payload || ' ' || trace_headers || ' ' || "
                "coalesce(last_error, '') FROM outbox").fetchall()
        except sqlite3.OperationalError:  # a component without an outbox
            rows = []
        finally:
            connection.close()
        messages.extend((component, event_type, payload) for event_type, payload in rows)
    return messages


def _mails_to(running_suite, address: str) -> list[email.message.EmailMessage]:
    folder = running_suite.config.mail_dir
    if not folder.exists():
        return []
    messages = [email.message_from_bytes(m.as_bytes(), policy=email.policy.default)
                for m in mailbox.Maildir(folder, factory=None, create=False)]
    return [m for m in messages if address in str(m["To"])]


def _staff_member_told_of_a_customer(running_suite, planted) -> None:
    """A staff member with the planted phone and e-mail (identity.user_upserted describes
    them) creates a customer of their own and is e-mailed about it at the planted address."""
    http = running_suite.http
    username = f"staff.{uuid.uuid4().hex[:8]}"
    staff = _ok(http.call("POST", "/api/v1/users", {
        "username": username, "password": "a long passphrase", "display_name": "钱多多",
        "department_path": "/hq/sales/east", "roles": ["sales_rep"], "data_scope": "own",
        "email": planted["staff_email"], "phone": planted["staff_phone"]},
        token=http.login("admin")), 201)

    def known_to_the_notification_worker():  # its directory, filled from the user's event
        url = running_suite.config.database_url("notification").removeprefix("sqlite:///")
        connection = sqlite3.connect(url)
        try:
            return connection.execute("SELECT email FROM recipients WHERE user_id = ?",
                                      (staff["id"],)).fetchone()
        finally:
            connection.close()

    assert wait_until(known_to_the_notification_worker, timeout=30,
                      message="the notification worker never learnt of the staff member"
                      ) == (planted["staff_email"],)
    name = f"钱氏{uuid.uuid4().hex[:6]}"
    _ok(http.call("POST", "/api/v1/customers", {"type": "individual", "display_name": name},
                  token=http.login(username, "a long passphrase")), 201)
    (message,) = wait_until(lambda: _mails_to(running_suite, planted["staff_email"]),
                            timeout=30, message="the staff member was never e-mailed")
    assert name in message["Subject"]


def test_planted_personal_values_reach_no_span_log_line_or_broker_message(
        running_suite, console, survey_link_texted_to):
    http = running_suite.http
    planted = _planted()
    rep = http.login("rep.zhang")
    customer = _ok(http.call("POST", "/api/v1/customers", {
        "type": "individual", "display_name": f"林{uuid.uuid4().hex[:6]}",
        "phone": planted["phone"], "email": planted["email"],
        "bank_account": planted["bank_account"],
        "individual": {"gender": "male", "id_card_number": planted["id_card"]},
    }, token=rep), 201)

    # A company's contact with a phone and e-mail of their own (contact events describe them).
    company = _ok(http.call("POST", "/api/v1/customers", {
        "type": "enterprise", "display_name": f"嘉兴精工{uuid.uuid4().hex[:6]}",
        "enterprise": {"legal_name": f"嘉兴精工机械有限公司{uuid.uuid4().hex[:6]}",
                       "industry": "manufacturing"}}, token=rep), 201)
    _ok(http.call("POST", f"/api/v1/customers/{company['id']}/contacts", {
        "name": "韩梅梅", "job_title": "采购经理", "phone": planted["contact_phone"],
        "email": planted["contact_email"]}, token=rep), 201)

    # A lead and a ticket filed by phone: their events describe the person too, and what was
    # typed into them repeats an address (ticket and lead events mask it there as well).
    _ok(http.call("POST", "/api/v1/leads", {
        "contact_name": "周杰", "company_name": f"苏州精密{uuid.uuid4().hex[:6]}",
        "phone": planted["lead_phone"], "email": planted["lead_email"],
        "need_description": f"要 20 台，方案请发 {planted['typed_email']}"},
        token=http.login("sales.lead")), 201)
    _ok(http.call("POST", "/api/v1/tickets", {
        "type": "complaint", "channel": "phone", "title": "洗衣机外壳有裂缝",
        "description": f"收到的洗衣机外壳有裂缝，请回电 {planted['typed_phone']}",
        "reporter_name": "李女士",
        "reporter_phone": planted["reporter_phone"], "reporter_email": planted["reporter_email"]},
        token=http.login("agent.wang")), 201)
    _staff_member_told_of_a_customer(running_suite, planted)

    # Searches through REST (each filter the list offers) and the console.
    for query in (f"phone={planted['phone']}", f"email={quote(planted['email'])}",
                  f"q={planted['phone']}", f"q={quote(planted['email'])}"):
        found = _ok(http.call("GET", f"/api/v1/customers?{query}", token=rep))
        # (q= also finds near matches among the other tests' customers: the planted one is there)
        assert customer["id"] in [c["id"] for c in found["customers"]], query
    page = console.page_as("rep.zhang")
    for term in (planted["phone"], planted["email"]):
        page.goto(f"{console.url}/search?q={quote(term)}")  # one exact match opens it
        assert page.url.endswith(f"/customers/{customer['id']}") or page.locator(
            f".search-customers a[href$='{customer['id']}']").count() == 1, page.url
        page.goto(f"{console.url}/customers/?q={quote(term)}")
        page.wait_for_selector(f"a[href$='{customer['id']}']")

    # A survey link texted to the customer, opened as they would.
    marketer = http.login("marketer.chen")
    survey = _ok(http.call("POST", "/api/v1/surveys", {
        "title": "服务满意度", "kind": "service_satisfaction", "state": "active", "questions": [
            {"id": "q1", "dimension": "service_attitude", "text": "您满意吗？",
             "type": "rating_1_to_5", "required": True, "options": []}]}, token=marketer), 201)
    wait_until(lambda: http.call("POST", f"/api/v1/surveys/{survey['id']}/invitations",
                                 {"customer_id": customer["id"], "channel": "sms"},
                                 token=marketer).status == 201,
               timeout=30, message="marketing never learnt of the planted customer")
    link = survey_link_texted_to(planted["phone"])
    planted["survey_token"] = link.rsplit("/", 1)[1]
    _ok(http.call("GET", link))

    # Spans are exported in batches, every process on its own: wait until the survey request's
    # trace holds the marketing service's span too (it is the last thing done; the searches
    # were long enough before it for their batches to have gone).
    def survey_trace_complete():
        spans = running_suite.collector.store.spans()
        traces = {s.trace_id for s in spans
                  if s.attributes.get("http.route", "").startswith("/api/v1/surveys/respond/")}
        return any(s.trace_id in traces and "marketing" in s.service_name for s in spans)

    wait_until(survey_trace_complete, timeout=30,
               message="the survey request's spans never reached the collector")

    # as written, and as a URL carries it (an e-mail's @ becomes %40)
    forms = {name: {value, quote(value, safe="")} for name, value in planted.items()}

    def found(text):
        return [name for name, values in forms.items() if any(v in text for v in values)]

    leaks = []
    for text in _spans_text(running_suite):
        leaks += [("span", name, text[:300]) for name in found(text)]
    for file, line in _log_lines(running_suite):
        leaks += [(file, name, line[:300]) for name in found(line)]
    for component, event_type, payload in _outbox_messages(running_suite):
        leaks += [(f"{component} outbox {event_type}", name, payload[:300])
                  for name in found(payload)]
    assert not leaks, "\n".join(map(repr, leaks))

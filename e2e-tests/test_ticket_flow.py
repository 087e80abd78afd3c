"""The flagship flow: a ticket created over HTTP is routed to its department (asking the
customer service about the customer over gRPC), transferred to another department, and every
person who must act is told — and all of it is one trace, the ticket's."""

import email
import email.policy
import mailbox

import pytest
from crm_devstack.waiting import wait_until

pytestmark = pytest.mark.e2e


def _notifications_about(http, token, subject_id, category):
    response = http.call("GET", "/api/v1/notifications?page_size=200", token=token)
    assert response.status == 200, response
    return [n for n in response.body["notifications"]
            if n["subject_id"] == subject_id and n["category"] == category]


def _mail_to(running_suite, address):
    """Messages the local SMTP sink received for ``address``, parsed (subjects decoded)."""
    folder = running_suite.config.mail_dir
    if not folder.exists():
        return []
    messages = [email.message_from_bytes(m.as_bytes(), policy=email.policy.default)
                for m in mailbox.Maildir(folder, factory=None, create=False)]
    return [m for m in messages if address in str(m["To"])]


def _create_ticket(http, token, **fields):
    body = {"type": "complaint", "channel": "phone", **fields}
    response = http.call("POST", "/api/v1/tickets", body, token=token)
    assert response.status == 201, response
    return response


@pytest.fixture(scope="module")
def customer(running_suite):
    http = running_suite.http
    token = http.login("rep.zhang")
    created = http.call("POST", "/api/v1/customers",
                        {"type": "enterprise", "display_name": "杭州某某贸易有限公司",
                         "enterprise": {"legal_name": "杭州某某贸易有限公司", "industry": "retail"}},
                        token=token)
    assert created.status == 201, created
    return created.body


@pytest.mark.parametrize("title, description, department", [
    ("产品质量问题", "收到的产品外壳破损，质量有问题", "/hq/product"),
    ("客服态度差", "客服人员服务态度恶劣", "/hq/service"),
    ("系统故障", "登录时报错，无法使用", "/hq/tech"),
    ("物流延迟", "快递一周还没有配送到", "/hq/logistics"),
])
def test_each_category_lands_in_its_department(running_suite, customer, title, description,
                                               department):
    http = running_suite.http
    token = http.login("agent.wang")
    ticket = _create_ticket(http, token, title=title, description=description,
                            customer_id=customer["id"]).body
    assert ticket["department_path"] == department
    assert ticket["state"] in ("routed", "in_progress")
    assert ticket["account_manager_id"] == customer["owner_id"]


def test_an_agent_cannot_read_a_ticket_outside_their_department(running_suite, customer):
    http = running_suite.http
    # opened by a technical agent taking the call: agents may name any active customer, the
    # tech lead (a manager of /hq/tech) may not name rep.zhang's customer (crm_shared.references)
    refused = http.call("POST", "/api/v1/tickets", {
        "type": "complaint", "channel": "phone", "title": "接口报错",
        "description": "调用接口报错 500", "customer_id": customer["id"]},
        token=http.login("tech.lead"))
    assert refused.status == 422, refused
    ticket = _create_ticket(http, http.login("tech.zhao"), title="接口报错",
                            description="调用接口报错 500", customer_id=customer["id"]).body
    assert ticket["department_path"] == "/hq/tech"
    assert http.call("GET", f"/api/v1/tickets/{ticket['id']}",
                     token=http.login("agent.wang")).status == 404
    assert http.call("GET", f"/api/v1/tickets/{ticket['id']}",
                     token=http.login("tech.lead")).status == 200


def test_a_ticket_routed_and_transferred_is_one_trace_and_tells_each_lead(running_suite, customer):
    http, collector = running_suite.http, running_suite.collector
    created = _create_ticket(http, http.login("agent.wang"), title="产品质量问题",
                             description="产品使用一周后出现质量问题，外壳开裂",
                             customer_id=customer["id"])
    ticket = created.body
    assert ticket["department_path"] == "/hq/product"

    product_lead = http.login("product.lead")
    wait_until(lambda: _notifications_about(http, product_lead, ticket["id"], "ticket.routed"),
               timeout=20, message="the product department's lead was never told")

    transferred = http.call("POST", f"/api/v1/tickets/{ticket['id']}/transfer",
                            {"department_path": "/hq/tech", "reason": "是软件问题，转技术支持"},
                            token=product_lead)
    assert transferred.status == 200, transferred
    assert transferred.body["department_path"] == "/hq/tech"
    assert transferred.body["transfer_count"] == 1

    tech_lead = http.login("tech.lead")
    told = wait_until(
        lambda: _notifications_about(http, tech_lead, ticket["id"], "ticket.transferred"),
        timeout=20, message="the new department's lead was never told of the transfer")
    assert len(told) == 1
    assert told[0]["subject_type"] == "ticket"
    mails = wait_until(
        lambda: [m for m in _mail_to(running_suite, "tech.lead@example.com")
                 if ticket["number"] in m["Subject"]],
        timeout=20, message="the new department's lead got no e-mail about the transfer")
    assert len(mails) == 1  # the in-app entry and the e-mail, once each

    history = http.call("GET", f"/api/v1/tickets/{ticket['id']}", token=tech_lead).body
    moves = [(h.get("from_department_path", ""), h.get("to_department_path", ""))
             for h in history["history"] if h["kind"] in ("routed", "transferred")]
    assert moves[-1] == ("/hq/product", "/hq/tech")

    trace_id = created.headers["traceparent"].split("-")[1]
    transfer_request_trace = transferred.headers["traceparent"].split("-")[1]
    expected = {
        ("gateway", "POST /api/v1/tickets"),
        ("ticket", "/crm.ticket.v1.TicketService/CreateTicket"),
        ("customer", "/crm.customer.v1.CustomerService/GetCustomer"),
        ("ticket", "ticket.routed publish"),
        ("notification", "ticket.routed process"),
        ("ticket", "ticket.transfer"),
        ("ticket", "ticket.transferred publish"),
        ("notification", "ticket.transferred process"),
    }

    def chain_complete(_):  # each process exports on its own schedule: wait for all of them
        return expected <= {(s.service_name, s.name) for s in collector.spans(trace_id)}

    collector.wait_for_spans(chain_complete, timeout=30)
    spans = {s.span_id: s for s in collector.spans(trace_id)}

    def one(service, name, kind=None):
        found = [s for s in spans.values() if s.service_name == service and s.name == name
                 and (kind is None or s.kind == kind)]
        assert len(found) == 1, (service, name, sorted((s.service_name, s.name) for s in spans.values()))
        return found[0]

    def ancestors(span):
        chain = []
        while span.parent_span_id:
            span = spans[span.parent_span_id]  # a missing parent fails here: broken trace
            chain.append(span.span_id)
        return chain

    root = one("gateway", "POST /api/v1/tickets", "SERVER")
    create = one("ticket", "/crm.ticket.v1.TicketService/CreateTicket", "SERVER")
    lookup = one("customer", "/crm.customer.v1.CustomerService/GetCustomer", "SERVER")
    routed_publish = one("ticket", "ticket.routed publish")
    routed_consume = one("notification", "ticket.routed process")
    transfer = one("ticket", "ticket.transfer")
    transferred_publish = one("ticket", "ticket.transferred publish")
    transferred_consume = one("notification", "ticket.transferred process")

    assert root.parent_span_id in (None, "")
    assert root.span_id in ancestors(create)
    assert create.span_id in ancestors(lookup)  # gateway → ticket → customer over gRPC
    assert create.span_id in ancestors(routed_publish)
    assert routed_consume.parent_span_id == routed_publish.span_id
    # The transfer came in a later request, yet continues the ticket's trace ...
    assert create.span_id in ancestors(transfer)
    assert transferred_publish.span_id in ancestors(transferred_consume)
    assert transfer.span_id in ancestors(transferred_publish)
    assert ancestors(transferred_consume)[-1] == root.span_id
    # ... and names the request that caused it.
    assert transfer_request_trace in {trace for trace, _ in transfer.links}

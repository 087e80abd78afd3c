"""The foundation's proof: customer created over HTTP → customer service over gRPC → outbox
→ RabbitMQ → notification worker → the owner's inbox over HTTP, as one trace."""

import grpc
import pytest
from crm.customer.v1 import customer_pb2, customer_pb2_grpc
from crm_devstack.waiting import wait_until

pytestmark = pytest.mark.e2e


def _notifications_about(running_suite, token, customer_id):
    response = running_suite.http.call("GET", "/api/v1/notifications?page_size=200", token=token)
    assert response.status == 200, response
    return [n for n in response.body["notifications"] if n["subject_id"] == customer_id]


def test_demo_rep_logs_in_and_sees_themselves(running_suite):
    token = running_suite.http.login("rep.zhang")
    me = running_suite.http.call("GET", "/api/v1/me", token=token)
    assert me.status == 200
    assert me.body["username"] == "rep.zhang"
    assert me.body["department_path"] == "/hq/sales/east"
    assert me.body["data_scope"] == "own"


def test_wrong_password_is_refused(running_suite):
    response = running_suite.http.call(
        "POST", "/api/v1/auth/token", {"username": "rep.zhang", "password": "wrong"})
    assert response.status == 401
    assert response.headers["Content-Type"].startswith("application/problem+json")


def test_customer_created_over_http_notifies_its_owner_once_in_one_trace(running_suite):
    http, collector = running_suite.http, running_suite.collector
    token = http.login("rep.zhang")
    me = http.call("GET", "/api/v1/me", token=token).body
    created = http.call("POST", "/api/v1/customers", {
        "type": "enterprise", "display_name": "上海某某科技有限公司", "phone": "138 1234 5678",
        "enterprise": {"legal_name": "上海某某科技有限公司", "industry": "software"},
    }, token=token)
    assert created.status == 201, created
    customer = created.body
    assert customer["owner_id"] == me["id"]
    assert customer["phone"] == "+8613812345678"
    assert customer["number"].startswith("C")

    entries = wait_until(lambda: _notifications_about(running_suite, token, customer["id"]),
                         timeout=20, message="the owner was never notified")
    assert len(entries) == 1
    assert entries[0]["category"] == "customer.created"
    assert entries[0]["subject_type"] == "customer"
    assert customer["number"] in entries[0]["title"]

    trace_id = created.headers["traceparent"].split("-")[1]

    expected = {
        ("gateway", "POST /api/v1/customers"),
        ("customer", "/crm.customer.v1.CustomerService/CreateCustomer"),
        ("customer", "customer.created publish"),
        ("notification", "customer.created process"),
    }

    def chain_complete(_):  # each process exports on its own schedule: wait for all of them
        return expected <= {(s.service_name, s.name) for s in collector.spans(trace_id)}

    collector.wait_for_spans(chain_complete, timeout=30)
    spans = {s.span_id: s for s in collector.spans(trace_id)}

    def one(service, predicate):
        found = [s for s in spans.values() if s.service_name == service and predicate(s)]
        assert len(found) == 1, (service, [(s.service_name, s.name) for s in spans.values()])
        return found[0]

    http_server = one("gateway", lambda s: s.kind == "SERVER")
    grpc_server = one("customer", lambda s: s.kind == "SERVER" and s.name.endswith("/CreateCustomer"))
    publish = one("customer", lambda s: s.name == "customer.created publish")
    consume = one("notification", lambda s: s.name == "customer.created process")

    def ancestors(span):
        chain = []
        while span.parent_span_id:
            span = spans[span.parent_span_id]  # a missing parent fails here: broken trace
            chain.append(span.span_id)
        return chain

    assert http_server.parent_span_id in (None, "")
    assert consume.parent_span_id == publish.span_id
    assert publish.parent_span_id == grpc_server.span_id
    assert http_server.span_id in ancestors(grpc_server)
    assert ancestors(consume)[-1] == http_server.span_id


def test_bad_customer_is_refused_field_by_field_and_not_stored(running_suite):
    http = running_suite.http
    token = http.login("rep.li")
    before = http.call("GET", "/api/v1/customers?page_size=200", token=token).body["customers"]
    response = http.call("POST", "/api/v1/customers", {
        "type": "individual", "display_name": "李雷", "phone": "12345", "email": "not-an-email",
    }, token=token)
    assert response.status == 422, response
    assert response.headers["Content-Type"].startswith("application/problem+json")
    fields = {e["field"] for e in response.body["errors"]}
    assert {"phone", "email"} <= {f.split(".")[-1] for f in fields}
    after = http.call("GET", "/api/v1/customers?page_size=200", token=token).body["customers"]
    assert after == before


def test_a_rep_cannot_see_another_reps_customer_over_http_or_grpc(running_suite):
    http = running_suite.http
    zhang, li = http.login("rep.zhang"), http.login("rep.li")
    customer = http.call("POST", "/api/v1/customers",
                         {"type": "individual", "display_name": "王芳"}, token=zhang).body

    assert http.call("GET", f"/api/v1/customers/{customer['id']}", token=li).status == 404
    listed = http.call("GET", "/api/v1/customers?page_size=200", token=li).body["customers"]
    assert customer["id"] not in {c["id"] for c in listed}
    lead = http.login("sales.lead")
    assert http.call("GET", f"/api/v1/customers/{customer['id']}", token=lead).status == 200

    target = running_suite.config.grpc_target("customer")
    with grpc.insecure_channel(target) as channel:
        stub = customer_pb2_grpc.CustomerServiceStub(channel)
        with pytest.raises(grpc.RpcError) as caught:
            stub.GetCustomer(customer_pb2.GetCustomerRequest(id=customer["id"]),
                             metadata=[("authorization", f"Bearer {li}")], timeout=10)
        assert caught.value.code() == grpc.StatusCode.NOT_FOUND
        got = stub.GetCustomer(customer_pb2.GetCustomerRequest(id=customer["id"]),
                               metadata=[("authorization", f"Bearer {zhang}")], timeout=10)
        assert got.display_name == "王芳"
        with pytest.raises(grpc.RpcError) as caught:
            stub.GetCustomer(customer_pb2.GetCustomerRequest(id=customer["id"]), timeout=10)
        assert caught.value.code() == grpc.StatusCode.UNAUTHENTICATED

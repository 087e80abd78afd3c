"""``/api/v1/tickets`` against the real ticket service, over a real gRPC server.

Routing rules are data: besides the service's seeded defaults, each test writes the rules it
relies on through ``/api/v1/routing-rules`` as the admin, then works as the demo users, whose
forwarded tokens the ticket service uses for its visibility rules.
"""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime, timedelta

import openpyxl
import pytest
from crm_shared.spreadsheet_cells import XLSX_MEDIA_TYPE
from gateway.identity.demo import USERS

pytestmark = pytest.mark.integration

RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$")
DEMO_IDS = {u.username: u.user_id for u in USERS}
RULES = (
    ("Delivery problems", "delivery", "/hq/logistics", 1),  # before the seeded rules
    ("Technical problems", "technical", "/hq/tech", 2),
)


@pytest.fixture
def client(make_app, ticket_service):
    app = make_app(
        ticket_addr=ticket_service.address,
        rate_limit_user_requests=1_000_000,
    )
    client = app.test_client()
    return client


@pytest.fixture
def rules(client, auth_header):
    """The category rules, written over REST by the admin."""
    created = []
    for name, category, department, priority in RULES:
        response = client.post(
            "/api/v1/routing-rules",
            json={
                "display_name": name,
                "condition": {
                    "conditions": [
                        {"field": "category", "operator": "equals", "values": [category]}
                    ]
                },
                "target_department_path": department,
                "priority": priority,
            },
            headers=auth_header("admin"),
        )
        assert response.status_code == 201, response.get_data(as_text=True)
        created.append(response.get_json())
    return created


def create(client, headers, **fields):
    body = {
        "type": "complaint",
        "title": "快递三天未送达",
        "description": "订单 SO-1001 的包裹三天没有物流更新",
        "category": "delivery",
        "channel": "phone",
        "reporter_name": "王先生",
        "reporter_phone": "13800138000",
        **fields,
    }
    return client.post("/api/v1/tickets", json=body, headers=headers)


def created_ticket(client, headers, **fields) -> dict:
    response = create(client, headers, **fields)
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()


def test_create_returns_201_routed_to_the_rules_department(client, rules, auth_header):
    response = create(client, auth_header("agent.wang"))

    assert response.status_code == 201, response.get_data(as_text=True)
    ticket = response.get_json()
    assert response.headers["Location"] == f"/api/v1/tickets/{ticket['id']}"
    assert ticket["department_path"] == "/hq/logistics"
    assert ticket["state"] == "routed"
    assert ticket["type"] == "complaint" and ticket["channel"] == "phone"
    assert ticket["created_by"] == DEMO_IDS["agent.wang"]  # the caller: the token arrived
    assert ticket["number"]
    assert RFC3339.match(ticket["create_time"])


def test_the_seeded_rules_route_what_the_written_ones_do_not_match(client, rules, auth_header):
    ticket = created_ticket(client, auth_header("admin"), category="product_quality")

    assert ticket["department_path"] == "/hq/product"


def test_get_shows_the_history_and_the_routing_reasons(client, rules, auth_header):
    headers = auth_header("agent.wang")
    location = create(client, headers).headers["Location"]

    ticket = client.get(location, headers=headers).get_json()

    decision = ticket["routing_decisions"][0]
    assert decision["kind"] == "initial"
    assert decision["rule_id"] == rules[0]["id"]
    assert decision["rule_name"] == "Delivery problems"
    assert decision["department_path"] == "/hq/logistics"
    assert decision["reason"]
    kinds = [entry["kind"] for entry in ticket["history"]]
    assert kinds[0] == "created" and "routed" in kinds
    basic = client.get(f"{location}?view=basic", headers=headers).get_json()
    assert basic["history"] == [] and basic["routing_decisions"] == []
    routing = client.get(f"{location}/routing-decisions", headers=headers).get_json()
    assert [d["id"] for d in routing["routing_decisions"]] == [decision["id"]]


def test_list_filters_and_pages(client, rules, auth_header):
    headers = auth_header("admin")
    fault = created_ticket(client, headers, type="fault", category="technical", title="路由器掉线")
    complaints = [created_ticket(client, headers, title=f"投诉 {n}") for n in range(2)]

    by_type = client.get("/api/v1/tickets?type=complaint", headers=headers).get_json()
    in_tech = client.get("/api/v1/tickets?department_path=/hq/tech", headers=headers).get_json()
    several = client.get(
        "/api/v1/tickets?type=fault&type=complaint&state=routed", headers=headers
    ).get_json()
    future = client.get(
        "/api/v1/tickets?created_after=2999-01-01T00:00:00Z", headers=headers
    ).get_json()
    by_text = client.get("/api/v1/tickets?query=路由器", headers=headers).get_json()

    assert {t["id"] for t in by_type["tickets"]} == {t["id"] for t in complaints}
    assert by_type["total_size"] == 2
    assert [t["id"] for t in in_tech["tickets"]] == [fault["id"]]
    assert len(several["tickets"]) == 3
    assert future["tickets"] == []
    assert [t["id"] for t in by_text["tickets"]] == [fault["id"]]

    first = client.get("/api/v1/tickets?page_size=2", headers=headers).get_json()
    assert len(first["tickets"]) == 2 and first["next_page_token"]
    second = client.get(
        f"/api/v1/tickets?page_size=2&page_token={first['next_page_token']}", headers=headers
    ).get_json()
    assert len(second["tickets"]) == 1 and second["next_page_token"] == ""
    seen = [t["id"] for t in first["tickets"] + second["tickets"]]
    assert sorted(seen) == sorted([fault["id"], *(t["id"] for t in complaints)])


def test_transfer_moves_the_ticket_and_the_history_shows_it(client, rules, auth_header):
    headers = auth_header("admin")
    ticket = created_ticket(client, headers)

    response = client.post(
        f"/api/v1/tickets/{ticket['id']}/transfer",
        json={"department_path": "/hq/tech", "reason": "实为网络故障"},
        headers=headers,
    )

    assert response.status_code == 200, response.get_data(as_text=True)
    moved = response.get_json()
    assert moved["department_path"] == "/hq/tech"
    assert moved["transfer_count"] == 1
    history = client.get(f"/api/v1/tickets/{ticket['id']}/history", headers=headers).get_json()
    transfers = [e for e in history["entries"] if e["kind"] == "transferred"]
    assert len(transfers) == 1
    assert transfers[0]["from_department_path"] == "/hq/logistics"
    assert transfers[0]["to_department_path"] == "/hq/tech"
    assert transfers[0]["reason"] == "实为网络故障"
    assert transfers[0]["actor_id"] == DEMO_IDS["admin"]
    only = client.get(
        f"/api/v1/tickets/{ticket['id']}/history?kind=transferred", headers=headers
    ).get_json()
    assert [e["id"] for e in only["entries"]] == [transfers[0]["id"]]


def test_a_transfer_without_reason_or_to_a_non_path_is_422_on_the_body_fields(
    client, rules, auth_header
):
    headers = auth_header("admin")
    ticket = created_ticket(client, headers)

    response = client.post(
        f"/api/v1/tickets/{ticket['id']}/transfer",
        json={"department_path": "hq tech"},
        headers=headers,
    )

    assert response.status_code == 422
    assert {e["field"] for e in response.get_json()["errors"]} == {"department_path", "reason"}
    unchanged = client.get(f"/api/v1/tickets/{ticket['id']}", headers=headers).get_json()
    assert unchanged["department_path"] == "/hq/logistics"


def test_an_illegal_transition_is_a_409_problem_and_changes_nothing(client, rules, auth_header):
    headers = auth_header("admin")
    ticket = created_ticket(client, headers)

    response = client.post(f"/api/v1/tickets/{ticket['id']}/confirm", json={}, headers=headers)

    assert response.status_code == 409
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["type"] == "urn:crm:problem:illegal-transition"
    after = client.get(f"/api/v1/tickets/{ticket['id']}", headers=headers).get_json()
    assert after["state"] == "routed"


def test_a_stale_etag_is_refused(client, rules, auth_header):
    headers = auth_header("admin")
    ticket = created_ticket(client, headers)
    path = f"/api/v1/tickets/{ticket['id']}"
    assert client.post(f"{path}/start", json={}, headers=headers).status_code == 200

    stale = client.post(
        f"{path}/hold", json={"reason": "等客户回复", "etag": ticket["etag"]}, headers=headers
    )

    assert stale.status_code == 409, stale.get_data(as_text=True)
    assert client.get(path, headers=headers).get_json()["state"] == "in_progress"


def test_the_whole_lifecycle_over_rest(client, rules, auth_header):
    headers = auth_header("admin")
    ticket = created_ticket(client, headers)
    path = f"/api/v1/tickets/{ticket['id']}"

    def post(verb, body):
        response = client.post(f"{path}/{verb}", json=body, headers=headers)
        assert response.status_code == 200, (verb, response.get_data(as_text=True))
        return response.get_json()

    assert post("start", {})["state"] == "in_progress"
    assert post("hold", {"reason": "等待客户提供截图"})["state"] == "waiting_on_customer"
    assert post("resume", {"reason": "客户已回复"})["state"] == "in_progress"
    assert post("priority", {"priority": "urgent", "reason": "影响生产"})["priority"] == "urgent"
    resolved = post("resolve", {"resolution": "已补发包裹"})
    assert resolved["state"] == "resolved" and resolved["resolution"] == "已补发包裹"
    assert post("confirm", {})["state"] == "confirmed"
    assert post("close", {"reason": "归档"})["state"] == "closed"
    reopened = post("reopen", {"reason": "问题复现"})
    assert reopened["state"] == "in_progress" and reopened["reopen_count"] == 1

    states = [
        e["to_state"]
        for e in client.get(f"{path}/history", headers=headers).get_json()["entries"]
        if e["kind"] == "state_changed"
    ]
    assert states[-7:] == [
        "in_progress",
        "waiting_on_customer",
        "in_progress",
        "resolved",
        "confirmed",
        "closed",
        "in_progress",
    ]


def test_patch_changes_the_descriptive_fields_only(client, rules, auth_header):
    headers = auth_header("admin")
    ticket = created_ticket(client, headers)

    response = client.patch(
        f"/api/v1/tickets/{ticket['id']}",
        json={"title": "快递五天未送达", "keywords": ["物流"]},
        headers=headers,
    )
    refused = client.patch(
        f"/api/v1/tickets/{ticket['id']}", json={"state": "closed"}, headers=headers
    )
    empty = client.patch(f"/api/v1/tickets/{ticket['id']}", json={}, headers=headers)

    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["title"] == "快递五天未送达"
    assert response.get_json()["description"] == ticket["description"]
    assert refused.status_code == 422 and refused.get_json()["errors"][0]["field"] == "state"
    assert empty.status_code == 422


def test_bad_input_is_422_with_the_body_field_paths_and_nothing_stored(client, rules, auth_header):
    headers = auth_header("admin")

    missing = client.post("/api/v1/tickets", json={"type": "complaint"}, headers=headers)
    bad_enum = create(client, headers, type="question")
    by_service = create(client, headers, reporter_email="not-an-email")

    assert missing.status_code == 422
    assert {e["field"] for e in missing.get_json()["errors"]} == {"title", "description"}
    assert bad_enum.status_code == 422
    assert [e["field"] for e in bad_enum.get_json()["errors"]] == ["type"]
    assert by_service.status_code == 422, by_service.get_data(as_text=True)
    # The service's ``ticket.reporter_email``, in the body's terms.
    assert [e["field"] for e in by_service.get_json()["errors"]] == ["reporter_email"]
    assert client.get("/api/v1/tickets", headers=headers).get_json()["tickets"] == []


def test_an_agent_of_another_department_gets_404(client, rules, auth_header):
    ticket = created_ticket(client, auth_header("admin"))  # held by /hq/logistics
    path = f"/api/v1/tickets/{ticket['id']}"

    outsider = client.get(path, headers=auth_header("tech.zhao"))
    transfer = client.post(
        f"{path}/transfer",
        json={"department_path": "/hq/tech", "reason": "抢单"},
        headers=auth_header("tech.zhao"),
    )
    lead = client.get(path, headers=auth_header("logistics.lead"))

    assert outsider.status_code == 404
    assert outsider.mimetype == "application/problem+json"
    assert transfer.status_code == 404
    assert lead.status_code == 200
    assert (
        client.get("/api/v1/tickets", headers=auth_header("tech.zhao")).get_json()["tickets"] == []
    )


def test_export_holds_what_the_caller_may_see_as_a_workbook_headed_in_chinese(
    client, rules, auth_header
):
    ticket = created_ticket(client, auth_header("admin"), title="=1+2")  # held by /hq/logistics
    url = "/api/v1/tickets/export?format=xlsx&locale=zh-CN&columns=number&columns=title"

    lead = client.get(url, headers=auth_header("logistics.lead"))
    outsider = client.get(url, headers=auth_header("tech.zhao"))
    machine = client.get("/api/v1/tickets/export?columns=number", headers=auth_header("admin"))
    bad = client.get("/api/v1/tickets/export?columns=secret", headers=auth_header("admin"))

    assert lead.status_code == 200
    assert lead.mimetype == XLSX_MEDIA_TYPE
    sheet = openpyxl.load_workbook(io.BytesIO(lead.data)).active
    assert [[c.value for c in row] for row in sheet.iter_rows()] == [
        ["工单编号", "标题"],
        [ticket["number"], "=1+2"],
    ]
    assert sheet["B2"].data_type == "s"  # text, never a formula
    outsider_rows = list(openpyxl.load_workbook(io.BytesIO(outsider.data)).active.iter_rows())
    assert len(outsider_rows) == 1  # the header only
    assert machine.mimetype == "text/csv"
    assert machine.get_data(as_text=True) == f"number\r\n{ticket['number']}\r\n"
    assert bad.status_code == 422
    assert bad.mimetype == "application/problem+json"
    assert "columns[0]" in bad.get_data(as_text=True)


def test_unknown_ticket_is_a_404_problem(client, auth_header):
    response = client.get("/api/v1/tickets/does-not-exist", headers=auth_header("admin"))

    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"


def test_same_idempotency_key_creates_one_ticket(client, rules, auth_header):
    headers = {**auth_header("agent.wang"), "Idempotency-Key": "call-centre-77"}

    first = create(client, headers)
    again = create(client, headers)

    assert first.status_code == 201 and again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.get_json()["id"] == first.get_json()["id"]
    listed = client.get("/api/v1/tickets", headers=auth_header("admin")).get_json()
    assert len(listed["tickets"]) == 1


def test_comments_and_service_records(client, rules, auth_header):
    headers = auth_header("admin")
    ticket = created_ticket(client, headers)
    path = f"/api/v1/tickets/{ticket['id']}"

    comment = client.post(
        f"{path}/comments", json={"body": "已联系快递公司", "visibility": "public"}, headers=headers
    )
    record = client.post(
        f"{path}/service-records",
        json={"actions_taken": "补发包裹", "customer_feedback": "满意"},
        headers=headers,
    )
    blank = client.post(f"{path}/comments", json={"body": ""}, headers=headers)

    assert comment.status_code == 201, comment.get_data(as_text=True)
    assert comment.get_json()["visibility"] == "public"
    assert comment.get_json()["author_id"] == DEMO_IDS["admin"]
    assert record.status_code == 201, record.get_data(as_text=True)
    assert record.get_json()["actions_taken"] == "补发包裹"
    assert blank.status_code == 422
    comments = client.get(f"{path}/comments", headers=headers).get_json()["comments"]
    assert [c["body"] for c in comments] == ["已联系快递公司"]
    records = client.get(f"{path}/service-records", headers=headers).get_json()
    assert [r["id"] for r in records["service_records"]] == [record.get_json()["id"]]


def test_kpis_for_a_period(client, rules, auth_header):
    headers = auth_header("admin")
    created_ticket(client, headers)

    today = datetime.now(UTC).date()

    response = client.get(
        f"/api/v1/tickets/kpis?start_date={today - timedelta(days=30)}&end_date={today}"
        "&department_path=/hq",
        headers=headers,
    )
    backwards = client.get(
        "/api/v1/tickets/kpis?start_date=2026-03-02&end_date=2026-03-01", headers=headers
    )

    assert response.status_code == 200, response.get_data(as_text=True)
    report = response.get_json()
    assert report["source_service"] == "ticket"
    assert "backlog" in {k["key"] for k in report["kpis"]}
    assert backwards.status_code == 422


def test_the_openapi_document_describes_the_ticket_routes(client):
    document = client.get("/api/v1/openapi.json").get_json()
    schemas = document["components"]["schemas"]

    transfer = document["paths"]["/api/v1/tickets/{ticket_id}/transfer"]["post"]
    body = transfer["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert body.endswith("/TicketTransfer")
    assert schemas["TicketTransfer"]["required"] == ["department_path", "reason"]
    assert schemas["TicketTransfer"]["examples"][0]["department_path"] == "/hq/logistics"
    assert {"409", "404", "422"} <= set(transfer["responses"])
    create = document["paths"]["/api/v1/tickets"]["post"]
    assert "Idempotency-Key" in {p["name"] for p in create["parameters"]}
    listing = document["paths"]["/api/v1/tickets"]["get"]
    assert {
        "state",
        "type",
        "priority",
        "department_path",
        "assignee_id",
        "customer_id",
        "query",
        "created_after",
        "created_before",
        "page_size",
        "page_token",
    } <= {p["name"] for p in listing["parameters"]}
    state = schemas["Ticket"]["properties"]["state"]["anyOf"][0]
    assert state["enum"] == [
        "new",
        "routed",
        "in_progress",
        "waiting_on_customer",
        "resolved",
        "confirmed",
        "closed",
    ]
    assert "/api/v1/knowledge/search" in document["paths"]
    assert "/api/v1/tickets/kpis" in document["paths"]
    export = document["paths"]["/api/v1/tickets/export"]["get"]
    assert {"format", "locale", "columns", "state"} <= {p["name"] for p in export["parameters"]}


def test_the_dashboard_shows_the_ticket_kpis(make_app, ticket_service, auth_header):
    from crm_devstack.ports import free_port

    nothing = f"127.0.0.1:{free_port()}"
    app = make_app(
        ticket_addr=ticket_service.address,
        customer_addr=nothing,
        sales_addr=nothing,
        marketing_addr=nothing,
        notification_addr=nothing,
        dashboard_timeout_seconds=0.5,
    )

    response = app.test_client().get("/api/v1/dashboard", headers=auth_header("admin"))

    assert response.status_code == 200
    panels = {p["service"]: p for p in response.get_json()["panels"]}
    assert panels["ticket"]["status"] == "available", panels["ticket"]
    assert "sla_compliance_rate" in {k["key"] for k in panels["ticket"]["kpis"]}
    assert panels["sales"]["status"] == "unavailable"

"""``/api/v1/public``: the web-to-lead form, the service-request form, the ticket status lookup
and the public knowledge base, without an account, against the real sales and ticket services
over real gRPC servers: what lands (a ``website_form`` lead with its UTM parameters, a routed
web ticket), what the visitor is told (a confirmation, a number, a status with public replies
only), and what is refused (bad input field by field with nothing stored, a honeypot, an
enumeration attempt, too many requests)."""

from __future__ import annotations

import uuid

import pytest
from crm_devstack.marketing_records import stored_campaign

pytestmark = pytest.mark.integration

PUBLIC = "/api/v1/public"
UNLIMITED = {
    "public_rate_limit_per_address": 1_000_000,
    "public_rate_limit_per_target": 1_000_000,
    "rate_limit_user_requests": 1_000_000,
}


@pytest.fixture
def sales_marketing_address(marketing_service) -> str:
    """The sales service checks a form's campaign in the real marketing service."""
    return marketing_service.address


@pytest.fixture
def client(make_app, ticket_service, sales_service):
    return make_app(
        ticket_addr=ticket_service.address, sales_addr=sales_service.address, **UNLIMITED
    ).test_client()


def phone() -> str:
    return f"137{uuid.uuid4().int % 10**8:08d}"


def leads_with(client, headers, text):
    found = client.get(f"/api/v1/leads?query={text}", headers=headers)
    assert found.status_code == 200, found.get_data(as_text=True)
    return found.get_json()["leads"]


def tickets_with(client, headers, number):
    found = client.get(f"/api/v1/tickets?query={number}", headers=headers)
    assert found.status_code == 200, found.get_data(as_text=True)
    return found.get_json()["tickets"]


# -- web-to-lead ---------------------------------------------------------------------------------


def test_a_web_lead_lands_as_a_website_form_lead_and_the_visitor_learns_nothing(
    client, auth_header, marketing_service
):
    number = phone()
    running = stored_campaign(marketing_service.api.database)
    sent = {
        "contact_name": "王经理",
        "company_name": "杭州某某电子",
        "phone": number,
        "need_description": "设备维护",
        "utm_source": "baidu",
        "utm_medium": "cpc",
        "utm_campaign": "spring-expo",
        "campaign_id": running,
    }
    first = client.post(f"{PUBLIC}/leads", json=sent)
    again = client.post(f"{PUBLIC}/leads", json=sent)  # a duplicate inside

    assert first.status_code == again.status_code == 202, first.get_data(as_text=True)
    assert first.get_json() == again.get_json() == {"received": True}
    leads = leads_with(client, auth_header("admin"), number)
    assert len(leads) == 2
    lead = leads[0]
    assert (lead["source"], lead["campaign_id"]) == ("website_form", running)
    assert lead["intake_params"] == {
        "utm_source": "baidu",
        "utm_medium": "cpc",
        "utm_campaign": "spring-expo",
    }
    assert lead["grade"]  # graded by the rules, as any lead


def test_bad_lead_input_is_422_field_by_field_and_stores_nothing(client, auth_header):
    number = "12345"
    refused = client.post(f"{PUBLIC}/leads", json={"phone": number, "email": "not-mail"})
    assert refused.status_code == 422, refused.get_data(as_text=True)
    assert refused.content_type.startswith("application/problem+json")
    assert {e["field"] for e in refused.get_json()["errors"]} == {"contact_name", "phone", "email"}
    unknown = client.post(f"{PUBLIC}/leads", json={"phone": phone(), "owner_id": "me"})
    assert unknown.status_code == 422
    assert leads_with(client, auth_header("admin"), number) == []


def test_a_lead_naming_a_campaign_that_is_not_running_lands_unattributed(
    client, auth_header, marketing_service
):
    """A form may attribute its lead to a running campaign only (issue 15): a draft's id is
    dropped, the lead still lands with its UTM parameters, and the visitor is told only that
    it was received (as for any lead: nothing about the campaign is revealed)."""
    draft, number = stored_campaign(marketing_service.api.database, state="draft"), phone()
    named = client.post(
        f"{PUBLIC}/leads",
        json={"contact_name": "王经理", "phone": number, "campaign_id": draft,
              "utm_campaign": "old-expo"},
    )
    assert named.status_code == 202, named.get_data(as_text=True)
    assert named.get_json() == {"received": True}
    (lead,) = leads_with(client, auth_header("admin"), number)
    assert (lead["campaign_id"], lead["intake_params"]) == ("", {"utm_campaign": "old-expo"})


def test_a_filled_honeypot_is_answered_as_received_and_stores_nothing(client, auth_header):
    number = phone()
    trapped = client.post(
        f"{PUBLIC}/leads",
        json={"contact_name": "bot", "phone": number, "website": "http://spam.example"},
    )
    assert trapped.status_code == 202 and trapped.get_json() == {"received": True}
    assert leads_with(client, auth_header("admin"), number) == []


# -- service requests and their status -----------------------------------------------------------


def file_request(client, **fields):
    body = {
        "type": "complaint",
        "description": "收到的洗衣机外壳有裂缝，产品质量有问题",
        "reporter_name": "李女士",
        "reporter_phone": "13800138000",
    }
    body.update(fields)
    return client.post(f"{PUBLIC}/tickets", json=body)


def test_a_request_is_filed_routed_and_its_status_shows_public_replies_only(client, auth_header):
    filed = file_request(client)
    assert filed.status_code == 201, filed.get_data(as_text=True)
    number = filed.get_json()["number"]
    assert set(filed.get_json()) == {"number"}
    headers = auth_header("admin")
    (ticket,) = tickets_with(client, headers, number)
    assert (ticket["channel"], ticket["state"]) == ("web", "routed")
    assert ticket["department_path"]
    for body, visibility in (("内部备注：先查物流", "internal"), ("您好，已安排更换。", "public")):
        noted = client.post(
            f"/api/v1/tickets/{ticket['id']}/comments",
            headers=headers,
            json={"body": body, "visibility": visibility},
        )
        assert noted.status_code == 201, noted.get_data(as_text=True)

    status = client.post(
        f"{PUBLIC}/tickets/status", json={"number": number, "contact": "+86 138 0013 8000"}
    )
    assert status.status_code == 200, status.get_data(as_text=True)
    shown = status.get_json()
    assert (shown["number"], shown["state"], shown["type"]) == (number, "routed", "complaint")
    assert [reply["body"] for reply in shown["replies"]] == ["您好，已安排更换。"]
    text = status.get_data(as_text=True)
    for secret in ("内部备注", ticket["department_path"], "assignee", "customer_id"):
        assert secret not in text


def test_an_unknown_number_and_a_wrong_phone_get_the_same_answer(client):
    number = file_request(client).get_json()["number"]
    unknown = client.post(
        f"{PUBLIC}/tickets/status", json={"number": "T20990101-0001", "contact": "13800138000"}
    )
    wrong = client.post(
        f"{PUBLIC}/tickets/status", json={"number": number, "contact": "13900139000"}
    )
    assert unknown.status_code == wrong.status_code == 404

    def comparable(response):
        return {
            k: v
            for k, v in response.get_json().items()
            if k not in ("instance", "trace_id", "request_id")
        }

    assert comparable(unknown) == comparable(wrong)


def test_bad_request_input_is_422_field_by_field_and_stores_nothing(client, auth_header):
    refused = file_request(client, type="praise", description="", reporter_phone="x")
    assert refused.status_code == 422
    assert {e["field"] for e in refused.get_json()["errors"]} == {"type", "description"}
    upstream = file_request(client, reporter_phone="", reporter_email="not-mail")
    assert upstream.status_code == 422, upstream.get_data(as_text=True)
    assert {e["field"] for e in upstream.get_json()["errors"]} == {"reporter_email"}
    trapped = file_request(client, website="http://spam.example")
    assert trapped.status_code == 400
    listed = client.get("/api/v1/tickets", headers=auth_header("admin")).get_json()
    assert listed["tickets"] == []


def test_lookups_of_one_number_are_limited_whatever_the_contact(make_app, ticket_service):
    client = make_app(
        ticket_addr=ticket_service.address,
        public_rate_limit_per_address=1_000,
        public_rate_limit_per_target=3,
    ).test_client()
    number = f"T2099{uuid.uuid4().int % 10**4:04d}-0001"  # a number of this test's own
    answers = [
        client.post(
            f"{PUBLIC}/tickets/status", json={"number": number, "contact": f"1390013900{i}"}
        )
        for i in range(4)
    ]
    assert [a.status_code for a in answers] == [404, 404, 404, 429]
    assert int(answers[-1].headers["Retry-After"]) >= 1


# -- the public knowledge base -------------------------------------------------------------------


def test_only_articles_marked_public_are_searched_and_read(client, auth_header):
    headers = auth_header("admin")
    article = {
        "kind": "faq",
        "title": "退款多久到账",
        "body": "审核通过后3到5个工作日原路退回。",
        "state": "published",
        "keywords": ["退款"],
    }
    shown = client.post("/api/v1/knowledge", json={**article, "public": True}, headers=headers)
    assert shown.status_code == 201, shown.get_data(as_text=True)
    assert shown.get_json()["public"] is True
    internal = client.post(
        "/api/v1/knowledge", headers=headers, json={**article, "title": "退款内部流程"}
    ).get_json()

    found = client.get(f"{PUBLIC}/kb/articles?q=退款什么时候到账")
    assert found.status_code == 200, found.get_data(as_text=True)
    assert [r["article"]["title"] for r in found.get_json()["results"]] == ["退款多久到账"]
    read = client.get(f"{PUBLIC}/kb/articles/{shown.get_json()['id']}")
    assert read.status_code == 200 and read.get_json()["body"] == article["body"]
    assert "created_by" not in read.get_json() and "department_path" not in read.get_json()
    assert client.get(f"{PUBLIC}/kb/articles/{internal['id']}").status_code == 404
    assert client.get(f"{PUBLIC}/kb/articles?q=").status_code == 422


def test_the_public_routes_are_documented_without_a_bearer(client):
    document = client.get("/api/v1/openapi.json").get_json()
    for path, method in (
        (f"{PUBLIC}/leads", "post"),
        (f"{PUBLIC}/tickets", "post"),
        (f"{PUBLIC}/tickets/status", "post"),
        (f"{PUBLIC}/kb/articles", "get"),
        (f"{PUBLIC}/kb/articles/{{article_id}}", "get"),
    ):
        operation = document["paths"][path][method]
        assert operation.get("security") in (None, []), path
        assert "429" in operation["responses"], path

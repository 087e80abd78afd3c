"""``/api/v1/leads`` and ``/api/v1/sales/{grading-rules,assignment-rules,reps,lead-assignments}``
against the real sales service (its api and migrations on SQLite) and, for conversion, the real
customer service, over real gRPC servers, as the demo users: their forwarded tokens are what
the sales service applies its visibility to.

The demo reps are in the sales service's rep directory as its worker keeps it from identity
events; each test's leads go to the rep it names through an assignment rule written over REST.
"""

from __future__ import annotations

import io
import random
import uuid

import openpyxl
import pytest
from crm.sales.v1 import sales_pb2, sales_pb2_grpc
from crm_devstack.marketing_records import stored_campaign
from crm_shared.db import Database, utcnow
from crm_shared.grpc.server import GrpcApi, ServiceBinding, service_verifier
from crm_shared.migrations import upgrade
from crm_shared.settings import ApiSettings, load_settings
from crm_shared.spreadsheet_cells import XLSX_MEDIA_TYPE
from gateway.app import create_app
from gateway.identity.demo import USERS, seed_demo_organisation
from gateway.settings import GatewaySettings

pytestmark = pytest.mark.integration

IDS = {u.username: u.user_id for u in USERS}
# Who sees a lead of rep.zhang (/hq/sales/east): written out, not computed.
SEES_ZHANGS_LEAD = {"rep.zhang": True, "rep.li": False, "sales.lead": True,
                    "service.lead": False, "admin": True}


def _running(settings, database, bindings, signing_keys) -> GrpcApi:
    server = GrpcApi(settings, database, bindings, service_verifier(settings))
    server.address = f"127.0.0.1:{server.start('127.0.0.1:0')}"
    return server


def _api_settings(settings_class, name: str, url: str, signing_keys, **extra):
    return load_settings(
        settings_class, service_name=name, database_url=url,
        jwt_public_key_file=signing_keys.public, amqp_url="amqp://guest:guest@127.0.0.1:1/%2F",
        outbox_relay=False, grpc_reflection=False, health_check_seconds=3600, **extra)


@pytest.fixture(scope="module")
def services(tmp_path_factory, signing_keys):
    """The real customer and sales services for the module, each on its own SQLite database;
    the demo reps in the sales service's rep directory."""
    from crm_shared.references import CAMPAIGN
    from customer_service.api import build_bindings as customer_bindings
    from marketing_service.api import build_bindings as marketing_bindings
    from sales_service.api import SalesServicer
    from sales_service.marketing_client import campaign_lookup
    from sales_service.models import SalesRep
    from sales_service.settings import SalesApiSettings

    folder = tmp_path_factory.mktemp("sales-leads-routes")
    customer_url, sales_url = f"sqlite:///{folder / 'customer.db'}", f"sqlite:///{folder / 's.db'}"
    marketing_url = f"sqlite:///{folder / 'marketing.db'}"
    for service, url in (("customer_service", customer_url), ("sales_service", sales_url),
                         ("marketing_service", marketing_url)):
        upgrade(service, url)
    customer_db, sales_db = Database(customer_url), Database(sales_url)
    marketing_db = Database(marketing_url)
    customers = _running(_api_settings(ApiSettings, "customer", customer_url, signing_keys),
                         customer_db, customer_bindings(customer_db), signing_keys)
    # the campaigns leads name are checked there (crm_shared.references)
    marketing = _running(_api_settings(ApiSettings, "marketing", marketing_url, signing_keys),
                         marketing_db, marketing_bindings(marketing_db), signing_keys)
    with sales_db.unit_of_work() as uow:
        for name, path in (("rep.zhang", "/hq/sales/east"), ("rep.li", "/hq/sales/north")):
            uow.session.add(SalesRep(
                user_id=IDS[name], username=name, display_name=name, department_path=path,
                team_lead=False, active=True, seniority="senior", max_open_leads=0,
                available=True, revision=1, update_time=utcnow(), updated_by="test"))
    settings = _api_settings(SalesApiSettings, "sales", sales_url, signing_keys,
                             customer_addr=customers.address, customer_timeout_seconds=10,
                             marketing_addr=marketing.address, marketing_timeout_seconds=10)
    servicer = SalesServicer(sales_db, settings, rng=random.Random(3))
    sales = _running(settings, sales_db, [ServiceBinding(
        descriptor=sales_pb2.DESCRIPTOR.services_by_name["SalesService"],
        servicer=servicer, references={CAMPAIGN: campaign_lookup(servicer)},
        add_to_server=sales_pb2_grpc.add_SalesServiceServicer_to_server)], signing_keys)
    sales.marketing_database = marketing_db
    yield customers, sales
    for server, database in ((sales, sales_db), (customers, customer_db),
                             (marketing, marketing_db)):
        server.stop(grace=0)
        database.dispose()


@pytest.fixture(scope="module")
def client(tmp_path_factory, signing_keys, hashing, services):
    """One gateway app for the module over a demo organisation."""
    customers, sales = services
    url = f"sqlite:///{tmp_path_factory.mktemp('sales-leads-gateway') / 'gateway.db'}"
    upgrade("gateway", url)
    database = Database(url)
    seed_demo_organisation(database, hashing)
    settings = load_settings(
        GatewaySettings, database_url=url, jwt_private_key_file=signing_keys.private,
        jwt_public_key_file=signing_keys.public, demo_mode=False, outbox_relay=False,
        log_level="INFO", sales_addr=sales.address, customer_addr=customers.address,
        rate_limit_user_requests=1_000_000)
    app = create_app(settings, database=database, hashing=hashing)
    app.testing = True
    yield app.test_client()
    app.extensions["crm.gateway"].peers.close()
    database.dispose()


@pytest.fixture(scope="module")
def headers(client):
    """A bearer header per demo user of the matrix, each logged in once."""
    tokens = {}
    for name in SEES_ZHANGS_LEAD:
        response = client.post("/api/v1/auth/token", json={"username": name, "password": "demo"})
        assert response.status_code == 200, response.get_data(as_text=True)
        tokens[name] = {"Authorization": f"Bearer {response.get_json()['access_token']}"}
    return tokens


@pytest.fixture(scope="module")
def route_to(client, headers, services):
    """``route_to(username)``: a running campaign of the admin's (in the marketing service,
    where the sales service checks it) whose leads the admin's new assignment rule gives to
    ``username``."""
    _customers, sales = services

    def route(username: str) -> str:
        campaign = stored_campaign(sales.marketing_database)
        response = client.post("/api/v1/sales/assignment-rules", headers=headers["admin"], json={
            "display_name": f"{campaign[:8]} to {username}", "department_path": "/hq/sales",
            "user_ids": [IDS[username]], "priority": 1,
            "condition": {"conditions": [{"field": "campaign_id", "operator": "equals",
                                          "values": [campaign]}]}})
        assert response.status_code == 201, response.get_data(as_text=True)
        return campaign

    return route


def create(client, headers, caller="admin", **fields):
    body = {"contact_name": "李雷", "phone": f"139{uuid.uuid4().int % 10**8:08d}",
            "intent_level": "high", "need_clarity": "clear",
            "intake_params": {"exhibition": "CIIE 2026"}, **fields}
    return client.post("/api/v1/leads", json=body, headers=headers[caller])


def test_create_returns_201_graded_assigned_and_labelled(client, headers, route_to):
    campaign = route_to("rep.zhang")
    response = create(client, headers, campaign_id=campaign,
                      budget={"currency_code": "CNY", "amount_minor": 30000000})
    assert response.status_code == 201, response.get_data(as_text=True)
    lead = response.get_json()
    assert response.headers["Location"] == f"/api/v1/leads/{lead['id']}"
    assert (lead["grade"], lead["status"], lead["source"], lead["source_detail"]) == (
        "a", "assigned", "exhibition", "CIIE 2026")
    assert (lead["owner_id"], lead["department_path"]) == (IDS["rep.zhang"], "/hq/sales/east")
    assert lead["created_by"] == IDS["admin"]  # the token arrived
    assert lead["budget"] == {"currency_code": "CNY", "amount_minor": 30000000}
    decisions = client.get(f"/api/v1/leads/{lead['id']}/assignments",
                           headers=headers["sales.lead"]).get_json()["assignments"]
    assert [(d["method"], d["assignee_id"]) for d in decisions] == [
        ("automatic", IDS["rep.zhang"])]


def test_bad_input_is_a_422_with_field_errors_from_the_model_and_from_the_service(
        client, headers):
    before = client.get("/api/v1/leads", headers=headers["admin"]).get_json()["total_size"]
    unknown = create(client, headers, intent_level="burning")
    assert unknown.status_code == 422
    assert unknown.content_type == "application/problem+json"
    assert {e["field"] for e in unknown.get_json()["errors"]} == {"intent_level"}
    service_side = create(client, headers, contact_name="", phone="12345")
    assert service_side.status_code == 422
    assert {e["field"] for e in service_side.get_json()["errors"]} == {"contact_name", "phone"}
    after = client.get("/api/v1/leads", headers=headers["admin"]).get_json()["total_size"]
    assert after == before


def test_the_visibility_matrix_over_rest(client, headers, route_to):
    campaign = route_to("rep.zhang")
    lead = create(client, headers, campaign_id=campaign).get_json()
    for caller, sees in SEES_ZHANGS_LEAD.items():
        got = client.get(f"/api/v1/leads/{lead['id']}", headers=headers[caller])
        listed = client.get(f"/api/v1/leads?campaign_id={campaign}",
                            headers=headers[caller]).get_json()["leads"]
        changed = client.patch(f"/api/v1/leads/{lead['id']}", json={"job_title": "CTO"},
                               headers=headers[caller])
        assert got.status_code == (200 if sees else 404), caller
        assert [item["id"] for item in listed] == ([lead["id"]] if sees else []), caller
        assert changed.status_code == (200 if sees else 404), caller


def test_the_export_holds_what_the_caller_may_see_as_a_workbook_headed_in_chinese(
        client, headers, route_to):
    campaign = route_to("rep.zhang")
    lead = create(client, headers, campaign_id=campaign, company_name="=1+2").get_json()
    url = (f"/api/v1/leads/export?campaign_id={campaign}&format=xlsx&locale=zh-CN"
           "&columns=number&columns=company_name")

    mine = client.get(url, headers=headers["rep.zhang"])
    other = client.get(url, headers=headers["rep.li"])
    bad = client.get("/api/v1/leads/export?columns=secret", headers=headers["admin"])

    assert (mine.status_code, mine.mimetype) == (200, XLSX_MEDIA_TYPE)
    sheet = openpyxl.load_workbook(io.BytesIO(mine.data)).active
    assert [[c.value for c in row] for row in sheet.iter_rows()] == [
        ["线索编号", "公司名称"], [lead["number"], "=1+2"]]
    assert sheet["B2"].data_type == "s"  # text, never a formula
    assert len(list(openpyxl.load_workbook(io.BytesIO(other.data)).active.iter_rows())) == 1
    assert (bad.status_code, bad.mimetype) == (422, "application/problem+json")
    assert "columns[0]" in bad.get_data(as_text=True)


def test_assignment_by_hand_is_for_leads_and_the_lead_moves_between_reps(client, headers, route_to):
    campaign = route_to("rep.zhang")
    lead = create(client, headers, campaign_id=campaign).get_json()
    url = f"/api/v1/leads/{lead['id']}/assign"
    refused = client.post(url, json={"assignee_id": IDS["rep.li"]}, headers=headers["rep.zhang"])
    assert refused.status_code == 403
    moved = client.post(url, json={"assignee_id": IDS["rep.li"], "reason": "北方客户"},
                        headers=headers["sales.lead"])
    assert moved.status_code == 200, moved.get_data(as_text=True)
    answer = moved.get_json()
    assert answer["lead"]["owner_id"] == IDS["rep.li"]
    assert (answer["assignment"]["method"], answer["assignment"]["previous_assignee_id"]) == (
        "manual", IDS["rep.zhang"])
    assert client.get(f"/api/v1/leads/{lead['id']}", headers=headers["rep.li"]).status_code == 200
    assert client.get(f"/api/v1/leads/{lead['id']}",
                      headers=headers["rep.zhang"]).status_code == 404
    graded = client.post(f"/api/v1/leads/{lead['id']}/grade", json={"grade": "b"},
                         headers=headers["rep.li"])
    assert graded.status_code == 422 and graded.get_json()["errors"][0]["field"] == "reason"
    stale = client.patch(f"/api/v1/leads/{lead['id']}", headers=headers["rep.li"],
                         json={"job_title": "CEO", "etag": lead["etag"]})
    assert stale.status_code == 409


def test_conversion_creates_the_customer_once_and_a_disqualified_lead_is_409(client, headers, route_to):
    campaign = route_to("rep.zhang")
    lead = create(client, headers, campaign_id=campaign).get_json()
    url = f"/api/v1/leads/{lead['id']}/convert"
    first = client.post(url, json={"opportunity": {"expected_close_date": "2026-06-30"}},
                        headers=headers["rep.zhang"])
    assert first.status_code == 200, first.get_data(as_text=True)
    converted = first.get_json()
    assert converted["customer_created"] and converted["lead"]["status"] == "converted"
    assert converted["opportunity"]["lead_id"] == lead["id"]
    assert converted["opportunity"]["expected_close_date"] == "2026-06-30"
    again = client.post(url, json={}, headers=headers["rep.zhang"]).get_json()
    assert (again["customer_id"], again["opportunity"]["id"]) == (
        converted["customer_id"], converted["opportunity"]["id"])
    customer = client.get(f"/api/v1/customers/{converted['customer_id']}",
                          headers=headers["rep.zhang"])
    assert customer.status_code == 200 and customer.get_json()["display_name"] == "李雷"

    other = create(client, headers, campaign_id=campaign).get_json()
    closed = client.post(f"/api/v1/leads/{other['id']}/disqualify", json={"reason": "无预算"},
                         headers=headers["rep.zhang"])
    assert closed.status_code == 200 and closed.get_json()["status"] == "disqualified"
    refused = client.post(f"/api/v1/leads/{other['id']}/convert", json={},
                          headers=headers["rep.zhang"])
    assert refused.status_code == 409


def test_rules_and_reps_over_rest(client, headers):
    rule = client.post("/api/v1/sales/grading-rules", headers=headers["sales.lead"], json={
        "display_name": "Referrals are A", "grade": "a", "priority": 1,
        "condition": {"conditions": [{"field": "source", "operator": "equals",
                                      "values": ["SOURCE_CHANNEL_REFERRAL"]}]}})
    assert rule.status_code == 201, rule.get_data(as_text=True)
    created = rule.get_json()
    assert client.post("/api/v1/sales/grading-rules", headers=headers["rep.zhang"],
                       json={"display_name": "x", "grade": "a", "condition": {"conditions": [
                           {"field": "source", "operator": "exists"}]}}).status_code == 403
    bad = client.post("/api/v1/sales/grading-rules", headers=headers["admin"], json={
        "display_name": "Bad", "grade": "a",
        "condition": {"conditions": [{"field": "mood", "operator": "equals", "values": ["x"]}]}})
    assert bad.status_code == 422
    assert bad.get_json()["errors"][0]["field"] == "condition.conditions[0].field"
    lead = create(client, headers, intent_level="low", need_clarity="unclear",
                  intake_params={"referrer_customer_id": "c-1"}).get_json()
    assert (lead["source"], lead["grade"]) == ("referral", "a")
    listed = client.get("/api/v1/sales/grading-rules?enabled=true",
                        headers=headers["rep.zhang"]).get_json()["rules"]
    assert listed[0]["id"] == created["id"]
    off = client.patch(f"/api/v1/sales/grading-rules/{created['id']}", json={"enabled": False},
                       headers=headers["admin"])
    assert off.status_code == 200 and off.get_json()["enabled"] is False
    assert client.delete(f"/api/v1/sales/grading-rules/{created['id']}",
                         headers=headers["admin"]).status_code == 204

    rep = f"/api/v1/sales/reps/{IDS['rep.zhang']}"
    changed = client.patch(rep, json={"max_open_leads": 30}, headers=headers["sales.lead"])
    assert changed.status_code == 200 and changed.get_json()["max_open_leads"] == 30
    assert client.patch(rep, json={"max_open_leads": 99},
                        headers=headers["rep.zhang"]).status_code == 403
    assert client.get(rep, headers=headers["rep.li"]).status_code == 404
    names = {r["user_id"] for r in client.get("/api/v1/sales/reps",
                                              headers=headers["sales.lead"]).get_json()[
        "sales_reps"]}
    assert names == {IDS["rep.zhang"], IDS["rep.li"]}


def test_a_lead_names_no_duplicate_the_caller_may_not_see(client, headers, route_to):
    """Issue 15 (low): a lead of rep.zhang with rep.li's phone lists no duplicate for rep.zhang,
    and the has_duplicates filter does not betray rep.li's lead either; the admin sees the pair."""
    phone = f"136{uuid.uuid4().int % 10**8:08d}"
    hidden = create(client, headers, phone=phone,
                    campaign_id=route_to("rep.li")).get_json()
    campaign = route_to("rep.zhang")
    mine = create(client, headers, phone=phone, campaign_id=campaign).get_json()
    zhang = headers["rep.zhang"]

    got = client.get(f"/api/v1/leads/{mine['id']}", headers=zhang).get_json()
    assert got["duplicate_lead_ids"] == []
    listed = client.get(f"/api/v1/leads?has_duplicates=true&campaign_id={campaign}",
                        headers=zhang).get_json()
    assert listed["leads"] == [] and listed["total_size"] == 0
    admin = client.get(f"/api/v1/leads/{mine['id']}", headers=headers["admin"]).get_json()
    assert admin["duplicate_lead_ids"] == [hidden["id"]]


def test_a_department_lead_cannot_pull_every_lead_into_their_department(client, headers):
    """Issue 15 (low): sales.lead manages /hq/sales, so the seeded rules are theirs; what they
    may not do is write a catch-all (403, nothing stored). The admin may."""
    body = {"display_name": "Everything to sales", "department_path": "/hq/sales",
            "priority": 9000, "condition": {"groups": [{}]}}
    refused = client.post("/api/v1/sales/assignment-rules", headers=headers["sales.lead"],
                          json=body)
    assert refused.status_code == 403, refused.get_data(as_text=True)
    names = {r["display_name"] for r in client.get(
        "/api/v1/sales/assignment-rules?page_size=500",
        headers=headers["admin"]).get_json()["rules"]}
    assert "Everything to sales" not in names
    made = client.post("/api/v1/sales/assignment-rules", headers=headers["admin"], json=body)
    assert made.status_code == 201, made.get_data(as_text=True)
    assert client.delete(f"/api/v1/sales/assignment-rules/{made.get_json()['id']}",
                         headers=headers["admin"]).status_code == 204


def test_prospect_grading_rules_over_rest(client, headers):
    """Issue 19: the grading rules of prospects (customers without a contract) are the same
    resource with ``subject: prospect``, listed apart, their conditions checked against the
    prospect's fields."""
    body = {"display_name": "1000 staff or more is A", "grade": "a", "priority": 5,
            "subject": "prospect",
            "condition": {"conditions": [{"field": "staff_count", "operator": "greater_than_or_equal",
                                          "values": ["1000"]}]}}
    wrong = {**body, "condition": {"conditions": [{"field": "intent_level", "operator": "exists"}]}}
    bad = client.post("/api/v1/sales/grading-rules", headers=headers["admin"], json=wrong)
    assert bad.status_code == 422
    assert bad.get_json()["errors"][0]["field"] == "condition.conditions[0].field"
    created = client.post("/api/v1/sales/grading-rules", headers=headers["admin"], json=body)
    assert created.status_code == 201, created.get_data(as_text=True)
    rule = created.get_json()
    assert rule["subject"] == "prospect"
    prospects = client.get("/api/v1/sales/grading-rules?subject=prospect",
                           headers=headers["rep.zhang"]).get_json()["rules"]
    assert prospects[0]["id"] == rule["id"]
    assert "预估合作金额 50 万元及以上为 A 类" in {r["display_name"] for r in prospects}
    leads = client.get("/api/v1/sales/grading-rules", headers=headers["rep.zhang"]).get_json()
    assert {r["subject"] for r in leads["rules"]} == {"lead"}
    assert client.patch(f"/api/v1/sales/grading-rules/{rule['id']}", json={"subject": "lead"},
                        headers=headers["admin"]).status_code == 422  # set once, on create
    assert client.delete(f"/api/v1/sales/grading-rules/{rule['id']}",
                         headers=headers["admin"]).status_code == 204

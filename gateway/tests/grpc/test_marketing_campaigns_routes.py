"""``/api/v1/campaigns`` and ``/api/v1/marketing/policy`` against the real marketing service (its
migrations, its servicer, the real auth and error interceptors) on one SQLite database for the
module; the audience is a segment of read-model customers as the segments part keeps them."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from crm_shared.db import Database, utcnow
from crm_shared.grpc.server import GrpcApi, service_verifier
from crm_shared.migrations import upgrade
from crm_shared.settings import load_settings
from crm_shared.target_periods import quarter_of
from gateway.identity.demo import USERS
from marketing_service import survey_rounds
from marketing_service.api import build_bindings
from marketing_service.invitations import LinkSigner
from marketing_service.models import CustomerProfile, Segment, SegmentMember
from marketing_service.settings import MarketingApiSettings

pytestmark = pytest.mark.integration

USER_IDS = {user.username: user.user_id for user in USERS}


@pytest.fixture(scope="module")
def marketing(tmp_path_factory, signing_keys):
    """The real marketing api; yields (address, database)."""
    url = f"sqlite:///{Path(tmp_path_factory.mktemp('campaigns')) / 'marketing.db'}"
    upgrade("marketing_service", url)
    database = Database(url)
    settings = load_settings(
        MarketingApiSettings, service_name="marketing", database_url=url,
        jwt_public_key_file=signing_keys.public, amqp_url="amqp://guest:guest@127.0.0.1:1/%2F",
        outbox_relay=False, grpc_reflection=False, health_check_seconds=3600,
        outbound_dispatch=False)
    api = GrpcApi(settings, database, build_bindings(database, settings),
                  service_verifier(settings))
    port = api.start("127.0.0.1:0")
    yield f"127.0.0.1:{port}", database
    api.stop(grace=0)
    database.dispose()


@pytest.fixture
def client(make_app, marketing):
    return make_app(marketing_addr=marketing[0],
                    rate_limit_user_requests=1_000_000).test_client()


@pytest.fixture(scope="module")
def segment_id(marketing) -> str:
    """A segment of four customers of rep.zhang, three of whom consent to marketing."""
    database, now = marketing[1], utcnow()
    segment = str(uuid.uuid4())
    with database.unit_of_work() as uow:
        uow.session.add(Segment(
            id=segment, display_name="春季", description="", kind="custom", rule={},
            contact_strategy={}, active=True, time_relative=False, member_count=4,
            owner_id=USER_IDS["marketer.chen"], department_path="/hq/marketing",
            create_time=now, update_time=now, created_by="x", updated_by="x", version=1))
        uow.session.flush()
        for index in range(4):
            customer_id = str(uuid.uuid4())
            uow.session.add(CustomerProfile(
                customer_id=customer_id, state="active", customer_type="individual",
                display_name=f"客户{index}", owner_id=USER_IDS["rep.zhang"],
                department_path="/hq/sales/east", email=f"k{index}@example.com", phone=None,
                locale="zh-CN", tag_ids=[], rfm_recency_score=0, rfm_frequency_score=0,
                rfm_monetary_score=0, at_risk=False, marketing_consent=index != 3,
                facts_version=1, fact_times={}, create_time=now, update_time=now))
            uow.session.add(SegmentMember(segment_id=segment, customer_id=customer_id,
                                          join_time=now))
    return segment


def _campaign(segment_id: str, **fields) -> dict:
    body = {"name": "春季新品推广", "channel": "email", "segment_ids": [segment_id],
            "variants": [{"id": "A", "weight_percent": 50, "subject": "8 折", "body": "您好"},
                         {"id": "B", "weight_percent": 50, "template_key": "marketing.gift"}]}
    body.update(fields)
    return body


def test_a_marketer_plans_launches_and_reads_a_campaign(client, auth_header, segment_id):
    headers = auth_header("marketer.chen")
    response = client.post("/api/v1/campaigns", headers=headers, json=_campaign(
        segment_id, budget={"currency_code": "CNY", "amount_minor": 5_000_000}))
    assert response.status_code == 201, response.get_data(as_text=True)
    campaign = response.get_json()
    assert response.headers["Location"] == f"/api/v1/campaigns/{campaign['id']}"
    assert (campaign["state"], campaign["channel"], campaign["owner_id"]) == (
        "draft", "email", USER_IDS["marketer.chen"])

    launched = client.post(f"/api/v1/campaigns/{campaign['id']}/launch", headers=headers)
    assert launched.status_code == 200, launched.get_data(as_text=True)
    stats = launched.get_json()["stats"]
    assert (launched.get_json()["state"], stats["audience_count"],
            stats["suppressed_no_consent_count"]) == ("running", 4, 1)
    assert [variant["audience_count"] for variant in stats["variants"]] == [2, 2]

    recipients = client.get(f"/api/v1/campaigns/{campaign['id']}/recipients?status=pending",
                            headers=headers)
    assert recipients.status_code == 200
    responder = recipients.get_json()["recipients"][0]["customer_id"]
    assert len(recipients.get_json()["recipients"]) == 3

    recorded = client.post(f"/api/v1/campaigns/{campaign['id']}/responses", headers=headers,
                           json={"customer_id": responder, "kind": "click"})
    assert recorded.status_code == 201, recorded.get_data(as_text=True)
    roi = client.get(f"/api/v1/campaigns/{campaign['id']}/roi", headers=headers).get_json()
    assert roi["total"]["response_count"] == 1

    again = client.post(f"/api/v1/campaigns/{campaign['id']}/launch", headers=headers)
    assert again.status_code == 409
    assert again.headers["Content-Type"].startswith("application/problem+json")


def test_bad_input_is_a_422_naming_the_fields(client, auth_header, segment_id):
    response = client.post("/api/v1/campaigns", headers=auth_header("marketer.chen"),
                           json=_campaign(segment_id, variants=[
                               {"id": "A", "weight_percent": 60, "subject": "x", "body": "y"},
                               {"id": "B", "weight_percent": 30, "subject": "x", "body": "y"}]))
    assert response.status_code == 422
    problem = response.get_json()
    assert "variants" in {error["field"] for error in problem["errors"]}
    unknown = client.post("/api/v1/campaigns", headers=auth_header("marketer.chen"),
                          json=_campaign("no-such-segment"))
    assert unknown.status_code == 422
    assert {error["field"] for error in unknown.get_json()["errors"]} == {"segment_ids[0]"}


def test_campaigns_are_seen_by_their_owner_and_admins_only(client, auth_header, segment_id):
    created = client.post("/api/v1/campaigns", headers=auth_header("marketer.chen"),
                          json=_campaign(segment_id)).get_json()
    path = f"/api/v1/campaigns/{created['id']}"
    assert client.get(path, headers=auth_header("admin")).status_code == 200
    for outsider in ("rep.zhang", "sales.lead"):
        assert client.get(path, headers=auth_header(outsider)).status_code == 404
        assert client.post(f"{path}/launch", headers=auth_header(outsider)).status_code == 404
        listed = client.get("/api/v1/campaigns", headers=auth_header(outsider)).get_json()
        assert created["id"] not in {campaign["id"] for campaign in listed["campaigns"]}
    assert client.post("/api/v1/campaigns", headers=auth_header("rep.zhang"),
                       json=_campaign(segment_id)).status_code == 403
    assert client.get(path, headers=auth_header("marketer.chen")).get_json()["state"] == "draft"


def test_the_policy_is_read_by_all_and_changed_by_admins(client, auth_header):
    read = client.get("/api/v1/marketing/policy", headers=auth_header("rep.zhang"))
    assert read.status_code == 200
    assert read.get_json()["frequency_caps"][0] == {"channel": None, "max_messages": 3,
                                                    "window_days": 7}
    change = {"frequency_caps": [{"channel": "sms", "max_messages": 2, "window_days": 30}]}
    assert client.patch("/api/v1/marketing/policy", headers=auth_header("marketer.chen"),
                        json=change).status_code == 403
    changed = client.patch("/api/v1/marketing/policy", headers=auth_header("admin"), json=change)
    assert changed.status_code == 200, changed.get_data(as_text=True)
    assert changed.get_json()["frequency_caps"] == change["frequency_caps"]
    assert changed.get_json()["low_score_threshold"] == 4


def test_a_department_leads_campaign_reaches_only_the_customers_of_their_subtree(
        client, auth_header, marketing):
    """sales.lead (manager of /hq/sales, department scope) over a segment of the whole company:
    the audience, the recipients and the segment's count are the /hq/sales subtree's only; the
    marketer's campaign over the same segment reaches everyone."""
    database, now = marketing[1], utcnow()
    segment = str(uuid.uuid4())
    departments = {"/hq/sales/east": "rep.zhang", "/hq/sales/north": "rep.li",
                   "/hq/service": "agent.wang", "/hq/tech": "tech.zhao"}
    customers = {path: str(uuid.uuid4()) for path in departments}
    with database.unit_of_work() as uow:
        uow.session.add(Segment(
            id=segment, display_name="全部客户", description="", kind="custom", rule={},
            contact_strategy={}, active=True, time_relative=False, member_count=len(customers),
            owner_id=USER_IDS["marketer.chen"], department_path="/hq/marketing",
            create_time=now, update_time=now, created_by="x", updated_by="x", version=1))
        uow.session.flush()
        for path, customer_id in customers.items():
            uow.session.add(CustomerProfile(
                customer_id=customer_id, state="active", customer_type="individual",
                display_name="客户", owner_id=USER_IDS[departments[path]], department_path=path,
                email=f"{customer_id[:8]}@example.com", phone=None, locale="zh-CN", tag_ids=[],
                rfm_recency_score=0, rfm_frequency_score=0, rfm_monetary_score=0,
                at_risk=False, marketing_consent=True, facts_version=1, fact_times={},
                create_time=now, update_time=now))
            uow.session.add(SegmentMember(segment_id=segment, customer_id=customer_id,
                                          join_time=now))
    sales = {customers["/hq/sales/east"], customers["/hq/sales/north"]}

    lead = auth_header("sales.lead")
    shown = client.get(f"/api/v1/segments/{segment}", headers=lead)
    assert shown.status_code == 200, shown.get_data(as_text=True)
    assert shown.get_json()["member_count"] == len(sales)
    planned = client.post("/api/v1/campaigns", headers=lead, json=_campaign(segment))
    assert planned.status_code == 201, planned.get_data(as_text=True)
    campaign_id = planned.get_json()["id"]
    launched = client.post(f"/api/v1/campaigns/{campaign_id}/launch", headers=lead)
    assert launched.status_code == 200, launched.get_data(as_text=True)
    assert launched.get_json()["stats"]["audience_count"] == len(sales)
    listed = client.get(f"/api/v1/campaigns/{campaign_id}/recipients", headers=lead).get_json()
    assert {row["customer_id"] for row in listed["recipients"]} == sales

    marketer = auth_header("marketer.chen")
    assert client.get(f"/api/v1/segments/{segment}", headers=marketer).get_json()[
        "member_count"] == len(customers)
    everyone = client.post("/api/v1/campaigns", headers=marketer, json=_campaign(segment))
    wide = client.post(f"/api/v1/campaigns/{everyone.get_json()['id']}/launch", headers=marketer)
    assert wide.get_json()["stats"]["audience_count"] == len(customers)


def test_a_campaign_carries_its_survey_quarterly_and_reports_each_round(client, auth_header,
                                                                       segment_id, marketing):
    """``survey_schedule`` is taken and shown as a word; ``/survey-rounds`` reports a round of
    the worker's pass (issue 19)."""
    headers = auth_header("marketer.chen")
    survey = client.post("/api/v1/surveys", headers=headers, json={
        "title": "季度满意度", "kind": "relationship", "state": "active", "questions": [
            {"id": "q1", "dimension": "product_quality", "text": "产品质量？",
             "type": "rating_1_to_5", "required": True}]})
    assert survey.status_code == 201, survey.get_data(as_text=True)
    wrong = client.post("/api/v1/campaigns", headers=headers, json=_campaign(
        segment_id, survey_id=survey.get_json()["id"], survey_schedule="monthly"))
    assert wrong.status_code == 422
    assert [error["field"] for error in wrong.get_json()["errors"]] == ["survey_schedule"]
    created = client.post("/api/v1/campaigns", headers=headers, json=_campaign(
        segment_id, survey_id=survey.get_json()["id"], survey_schedule="quarterly"))
    assert created.status_code == 201, created.get_data(as_text=True)
    campaign = created.get_json()
    assert campaign["survey_schedule"] == "quarterly"
    assert client.post(f"/api/v1/campaigns/{campaign['id']}/launch",
                       headers=headers).status_code == 200

    now = utcnow()
    assert survey_rounds.send_due(marketing[1], now, LinkSigner("s" * 32, "https://x")) == 4
    rounds = client.get(f"/api/v1/campaigns/{campaign['id']}/survey-rounds", headers=headers)
    assert rounds.status_code == 200, rounds.get_data(as_text=True)
    (round_,) = rounds.get_json()["rounds"]
    assert (round_["round"], round_["invited_count"], round_["results"]["answer_count"],
            round_["results"]["response_rate"]) == (quarter_of(now.date()), 4, 0, 0)

"""``/api/v1/segments`` and ``/api/v1/marketing/profiles`` against the real marketing service
(its migrations, its servicer, the real auth and error interceptors) on one SQLite database for
the module; customers reach its read model the way its worker puts them there."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from crm.customer.v1 import customer_pb2
from crm.customer.v1 import events_pb2 as customer_events
from crm_shared.db import Database, utcnow
from crm_shared.grpc.server import GrpcApi, service_verifier
from crm_shared.migrations import upgrade
from crm_shared.settings import load_settings
from gateway.identity.demo import USERS
from marketing_service import read_model
from marketing_service.api import build_bindings
from marketing_service.settings import MarketingApiSettings

pytestmark = pytest.mark.integration

USER_IDS = {user.username: user.user_id for user in USERS}


@pytest.fixture(scope="module")
def marketing(tmp_path_factory, signing_keys):
    """The real marketing api; yields (address, database)."""
    url = f"sqlite:///{Path(tmp_path_factory.mktemp('marketing')) / 'marketing.db'}"
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


def _customer(marketing, owner: str, department: str, tag: str) -> str:
    customer_id = str(uuid.uuid4())
    event = customer_events.CustomerCreated(customer=customer_pb2.Customer(
        id=customer_id, type=customer_pb2.CUSTOMER_TYPE_ENTERPRISE, display_name="某某科技",
        owner_id=USER_IDS[owner], department_path=department, etag='W/"1"',
        tags=[customer_pb2.CustomerTag(tag_id=tag)]))
    now = utcnow()
    with marketing[1].unit_of_work() as uow:
        read_model.record_event(uow, event, event_id=str(uuid.uuid4()), occurred_at=now, now=now)
    return customer_id


def _tag_rule(tag: str) -> dict:
    return {"conditions": [{"field": "tags", "operator": "contains", "values": [tag]}]}


def test_a_marketer_creates_a_segment_and_reads_its_members(client, auth_header, marketing):
    tag = f"q3-{uuid.uuid4().hex[:6]}"
    east = _customer(marketing, "rep.zhang", "/hq/sales/east", tag)
    north = _customer(marketing, "rep.li", "/hq/sales/north", tag)
    headers = auth_header("marketer.chen")
    response = client.post("/api/v1/segments", headers=headers, json={
        "display_name": "2024 Q3 意向", "rule": _tag_rule(tag),
        "contact_strategy": {"summary": "白皮书", "actions": [
            {"kind": "content", "cadence": "quarterly", "channel": "email"}]}})
    assert response.status_code == 201, response.get_data(as_text=True)
    segment = response.get_json()
    assert response.headers["Location"] == f"/api/v1/segments/{segment['id']}"
    assert (segment["member_count"], segment["active"], segment["kind"]) == (2, True, "custom")
    assert segment["rule"]["conditions"][0]["operator"] == "contains"
    assert segment["contact_strategy"]["actions"][0]["channel"] == "email"

    members = client.get(f"/api/v1/segments/{segment['id']}/members", headers=headers)
    assert members.status_code == 200
    assert {m["customer_id"] for m in members.get_json()["members"]} == {east, north}
    profile = client.get(f"/api/v1/marketing/profiles/{east}", headers=headers).get_json()
    assert segment["id"] in profile["segment_ids"]
    assert profile["birth_date"] is None
    # no consent of its own on any channel yet: each follows the every-channel one
    assert profile["channel_consents"] == [
        {"channel": channel, "granted": profile["marketing_consent"], "own": False}
        for channel in ("email", "sms")]

    renamed = client.patch(f"/api/v1/segments/{segment['id']}", headers=headers,
                           json={"display_name": "Q3 intent", "etag": segment["etag"]})
    assert renamed.status_code == 200 and renamed.get_json()["display_name"] == "Q3 intent"
    stale = client.patch(f"/api/v1/segments/{segment['id']}", headers=headers,
                         json={"active": False, "etag": segment["etag"]})
    assert stale.status_code == 409
    assert client.delete(f"/api/v1/segments/{segment['id']}", headers=headers).status_code == 204
    assert client.get(f"/api/v1/segments/{segment['id']}", headers=headers).status_code == 404


def test_members_and_profiles_follow_the_callers_visibility(client, auth_header, marketing):
    tag = f"vis-{uuid.uuid4().hex[:6]}"
    east = _customer(marketing, "rep.zhang", "/hq/sales/east", tag)
    north = _customer(marketing, "rep.li", "/hq/sales/north", tag)
    service = _customer(marketing, "agent.wang", "/hq/service", tag)
    created = client.post("/api/v1/segments", headers=auth_header("marketer.chen"),
                          json={"display_name": "visibility", "rule": _tag_rule(tag)}).get_json()
    members = f"/api/v1/segments/{created['id']}/members"

    lead = client.get(members, headers=auth_header("sales.lead")).get_json()
    assert {m["customer_id"] for m in lead["members"]} == {east, north}
    assert lead["total_size"] == 2
    everyone = client.get(members, headers=auth_header("admin")).get_json()
    assert {m["customer_id"] for m in everyone["members"]} == {east, north, service}
    assert client.get(members, headers=auth_header("rep.zhang")).status_code == 403
    assert client.post("/api/v1/segments", headers=auth_header("sales.lead"), json={
        "display_name": "x", "rule": _tag_rule(tag)}).status_code == 403
    assert client.get(f"/api/v1/marketing/profiles/{east}",
                      headers=auth_header("rep.zhang")).status_code == 200
    assert client.get(f"/api/v1/marketing/profiles/{east}",
                      headers=auth_header("rep.li")).status_code == 404


def test_bad_rules_are_422_with_the_field_and_a_preview_saves_nothing(client, auth_header,
                                                                       marketing):
    headers = auth_header("marketer.chen")
    bad = client.post("/api/v1/segments", headers=headers, json={
        "display_name": "bad", "rule": {"conditions": [
            {"field": "annual_spend", "operator": "equals", "values": ["1"]}]}})
    assert bad.status_code == 422
    assert [e["field"] for e in bad.get_json()["errors"]] == ["rule.conditions[0].field"]
    unknown_operator = client.post("/api/v1/segments/preview", headers=headers, json={
        "rule": {"conditions": [{"field": "tags", "operator": "resembles", "values": ["x"]}]}})
    assert unknown_operator.status_code == 422

    tag = f"pv-{uuid.uuid4().hex[:6]}"
    _customer(marketing, "rep.zhang", "/hq/sales/east", tag)
    before = client.get("/api/v1/segments?page_size=500", headers=headers).get_json()
    preview = client.post("/api/v1/segments/preview", headers=headers,
                          json={"rule": _tag_rule(tag), "sample_size": 5})
    assert preview.status_code == 200
    assert preview.get_json()["member_count"] == 1
    after = client.get("/api/v1/segments?page_size=500", headers=headers).get_json()
    assert len(after["segments"]) == len(before["segments"])


def test_the_default_segments_are_listed_and_can_be_evaluated(client, auth_header):
    headers = auth_header("admin")
    listed = client.get("/api/v1/segments?kind=at_risk", headers=headers).get_json()
    [at_risk] = listed["segments"]
    assert at_risk["contact_strategy"]["actions"][0]["cadence"] == "weekly"
    evaluated = client.post(f"/api/v1/segments/{at_risk['id']}/evaluate", headers=headers)
    assert evaluated.status_code == 200
    body = evaluated.get_json()
    assert body["segment"]["evaluate_time"] is not None
    assert body["joined_count"] >= 0 and body["left_count"] >= 0

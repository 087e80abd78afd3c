"""Follow-ups over REST against the real sales service (its servicer, migrations and server
bootstrap; one per module) as the demo users, whose forwarded tokens the sales service applies
its visibility to. Customers are made known to the sales service the way its worker learns
them, through its ``customer.created`` handler function; each test uses its own."""

from __future__ import annotations

import io
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from crm.common.v1 import types_pb2
from crm.customer.v1 import customer_pb2
from crm.customer.v1 import events_pb2 as customer_events
from crm.identity.v1 import events_pb2 as identity_events
from crm_shared.db import Database, utcnow
from crm_shared.grpc.server import GrpcApi, service_verifier
from crm_shared.migrations import upgrade
from crm_shared.settings import load_settings
from gateway.identity.demo import USERS
from PIL import Image

pytestmark = pytest.mark.integration

DEMO = {u.username: u for u in USERS}


@pytest.fixture(scope="module")
def sales(tmp_path_factory, signing_keys):
    """The real sales api on its own migrated SQLite database; the customer service is down."""
    from crm_devstack.ports import free_port
    from sales_service.api import build_bindings
    from sales_service.settings import SalesApiSettings

    url = f"sqlite:///{tmp_path_factory.mktemp('sales') / 'sales.db'}"
    upgrade("sales_service", url)
    settings = load_settings(
        SalesApiSettings, service_name="sales", database_url=url,
        jwt_public_key_file=signing_keys.public,
        amqp_url="amqp://guest:guest@127.0.0.1:1/%2F", outbox_relay=False,
        grpc_reflection=False, health_check_seconds=3600,
        customer_addr=f"127.0.0.1:{free_port()}",
        attachment_local_dir=tmp_path_factory.mktemp("attachments"))
    database = Database(url)
    api = GrpcApi(settings, database, build_bindings(database, settings),
                  service_verifier(settings))
    port = api.start("127.0.0.1:0")
    lead = DEMO["sales.lead"]
    from sales_service import follow_up_events

    with database.unit_of_work() as uow:
        follow_up_events.department_upserted(uow, identity_events.DepartmentUpserted(
            path=lead.department_path, lead_user_id=lead.user_id, active=True, revision=1),
            now=utcnow())
    yield database, f"127.0.0.1:{port}"
    api.stop(grace=0)
    database.dispose()


@pytest.fixture
def client(make_app, sales):
    return make_app(sales_addr=sales[1], rate_limit_user_requests=1_000_000).test_client()


def customer_of(sales, username: str, value_class: int = 0) -> str:
    """A customer of the demo user, known to the sales service from ``customer.created``."""
    from sales_service import follow_up_events

    owner = DEMO[username]
    customer_id = str(uuid.uuid4())
    now = utcnow()
    with sales[0].unit_of_work() as uow:
        follow_up_events.customer_created(uow, customer_events.CustomerCreated(
            customer=customer_pb2.Customer(id=customer_id, owner_id=owner.user_id,
                                           department_path=owner.department_path,
                                           value_class=value_class)), at=now, now=now)
    return customer_id


def record(client, headers, customer_id: str, **fields):
    body = {"customer_id": customer_id, "method": "phone",
            "occur_time": (datetime.now(UTC) - timedelta(hours=1)).isoformat(),
            "topic": "需求沟通", "summary": "客户希望下周看演示"}
    body.update(fields)
    return client.post("/api/v1/activities", json=body, headers=headers)


def test_who_sees_follow_up_records_and_tasks_over_rest(client, auth_header, sales):
    headers = {name: auth_header(name) for name in ("rep.zhang", "rep.li", "sales.lead", "admin")}
    due = (utcnow().date() + timedelta(days=3)).isoformat()
    zhang = record(client, headers["rep.zhang"], customer_of(sales, "rep.zhang"),
                   next_step="发送报价", next_step_due_date=due)
    li = record(client, headers["rep.li"], customer_of(sales, "rep.li"))
    assert zhang.status_code == 201, zhang.get_data(as_text=True)
    assert li.status_code == 201, li.get_data(as_text=True)
    created = zhang.get_json()
    assert zhang.headers["Location"] == f"/api/v1/activities/{created['id']}"
    assert (created["method"], created["owner_id"], created["next_step_due_date"]) == (
        "phone", DEMO["rep.zhang"].user_id, due)
    ids = {"rep.zhang": created["id"], "rep.li": li.get_json()["id"]}
    sees = {"rep.zhang": {"rep.zhang"}, "rep.li": {"rep.li"},
            "sales.lead": {"rep.zhang", "rep.li"}, "admin": {"rep.zhang", "rep.li"}}

    for caller, visible in sees.items():
        for author, activity_id in ids.items():
            response = client.get(f"/api/v1/activities/{activity_id}", headers=headers[caller])
            assert response.status_code == (200 if author in visible else 404), (caller, author)
        listed = client.get("/api/v1/activities?page_size=200", headers=headers[caller])
        assert listed.status_code == 200
        assert {a["id"] for a in listed.get_json()["activities"]} & set(ids.values()) == {
            ids[author] for author in visible}, caller
        tasks = client.get(f"/api/v1/follow-up-tasks?customer_id={created['customer_id']}",
                           headers=headers[caller])
        assert tasks.status_code == 200
        expected = 1 if "rep.zhang" in visible else 0
        assert len(tasks.get_json()["tasks"]) == expected, caller


def test_bad_input_and_refusals_are_problems_with_their_own_status(client, auth_header, sales):
    zhang, li, lead = (auth_header(name) for name in ("rep.zhang", "rep.li", "sales.lead"))
    customer_id = customer_of(sales, "rep.zhang")

    missing = client.post("/api/v1/activities", json={"customer_id": customer_id,
                                                      "method": "fax"}, headers=zhang)
    assert missing.status_code == 422
    assert {"method", "topic", "summary", "occur_time"} <= {
        e["field"] for e in missing.get_json()["errors"]}
    # The service's own rule, its field named in the body's terms.
    orphan_date = record(client, zhang, customer_id,
                         next_step_due_date=utcnow().date().isoformat())
    assert orphan_date.status_code == 422
    assert [e["field"] for e in orphan_date.get_json()["errors"]] == ["next_step"]
    assert orphan_date.headers["Content-Type"].startswith("application/problem+json")
    assert record(client, li, customer_id).status_code == 404  # not li's customer

    activity = record(client, zhang, customer_id).get_json()
    comments = f"/api/v1/activities/{activity['id']}/comments"
    assert client.post(comments, json={"body": "?"}, headers=li).status_code == 404
    assert client.post(comments, json={"body": "?"}, headers=zhang).status_code == 403
    made = client.post(comments, json={"body": "抓紧推进"}, headers=lead)
    assert made.status_code == 201, made.get_data(as_text=True)
    assert made.get_json()["activity_owner_id"] == DEMO["rep.zhang"].user_id
    listed = client.get(comments, headers=zhang).get_json()["comments"]
    assert [c["body"] for c in listed] == ["抓紧推进"]

    stale = client.patch(f"/api/v1/activities/{activity['id']}",
                         json={"summary": "改", "etag": 'W/"999"'}, headers=zhang)
    assert stale.status_code == 409
    changed = client.patch(f"/api/v1/activities/{activity['id']}",
                           json={"summary": "客户同意试用"}, headers=zhang)
    assert changed.status_code == 200 and changed.get_json()["summary"] == "客户同意试用"
    assert client.patch(f"/api/v1/activities/{activity['id']}", json={},
                        headers=zhang).status_code == 422


def test_tasks_and_plans_over_rest(client, auth_header, sales):
    zhang, li = auth_header("rep.zhang"), auth_header("rep.li")
    customer_id = customer_of(sales, "rep.zhang", types_pb2.VALUE_CLASS_A)
    plan = client.get(f"/api/v1/follow-up-plans/{customer_id}", headers=zhang)
    assert plan.status_code == 200, plan.get_data(as_text=True)
    assert (plan.get_json()["value_class"], plan.get_json()["interval_days"],
            plan.get_json()["senior_contact_interval_days"]) == ("a", 7, 30)
    assert client.get(f"/api/v1/follow-up-plans/{customer_id}", headers=li).status_code == 404
    patched = client.patch(f"/api/v1/follow-up-plans/{customer_id}", json={"interval_days": 5},
                           headers=zhang)
    assert patched.status_code == 200 and patched.get_json()["interval_days"] == 5
    [regular] = client.get(f"/api/v1/follow-up-tasks?customer_id={customer_id}&reason=cadence",
                           headers=zhang).get_json()["tasks"]
    assert regular["due_date"] == (utcnow().date() + timedelta(days=5)).isoformat()

    task = client.post("/api/v1/follow-up-tasks", json={
        "customer_id": customer_id, "title": "确认合同条款",
        "due_date": (utcnow().date() + timedelta(days=2)).isoformat()}, headers=zhang)
    assert task.status_code == 201, task.get_data(as_text=True)
    path = f"/api/v1/follow-up-tasks/{task.get_json()['id']}"
    activity = record(client, zhang, customer_id).get_json()
    done = client.post(f"{path}/complete", json={"activity_id": activity["id"]}, headers=zhang)
    assert done.status_code == 200 and done.get_json()["state"] == "done"
    assert client.post(f"{path}/cancel", json={"reason": "x"}, headers=zhang).status_code == 409
    assert client.get(path, headers=li).status_code == 404


def test_the_policy_and_the_report_over_rest(client, auth_header, sales):
    rep, admin = auth_header("rep.zhang"), auth_header("admin")
    policy = client.get("/api/v1/sales/policy", headers=rep)
    assert policy.status_code == 200
    assert policy.get_json()["follow_up_cadences"][0] == {
        "value_class": "a", "interval_days": 7, "senior_contact_interval_days": 30}
    assert client.patch("/api/v1/sales/policy", json={"reminder_days_before": 2},
                        headers=rep).status_code == 403
    changed = client.patch("/api/v1/sales/policy", json={"reminder_days_before": 2},
                           headers=admin)
    assert changed.status_code == 200, changed.get_data(as_text=True)
    assert changed.get_json()["reminder_days_before"] == 2
    assert changed.get_json()["updated_by"] == DEMO["admin"].user_id
    assert client.patch("/api/v1/sales/policy", json={"reminder_days_before": 2}, headers=admin
                        ).status_code == 200
    assert client.patch("/api/v1/sales/policy", json={"reminder_days_before": 1},
                        headers=admin).status_code == 200

    record(client, rep, customer_of(sales, "rep.zhang"))
    # the record happened an hour ago: yesterday, between midnight and one (UTC)
    since = (utcnow() - timedelta(hours=1)).date().isoformat()
    today = utcnow().date().isoformat()
    report = client.get(f"/api/v1/sales/reports/follow-ups?start_date={since}&end_date={today}"
                        "&group_by=department", headers=auth_header("sales.lead"))
    assert report.status_code == 200, report.get_data(as_text=True)
    rows = {row["group_key"]: row for row in report.get_json()["rows"]}
    assert rows["/hq/sales/east"]["activity_count"] >= 1
    assert report.get_json()["strategy_rows"] == []  # no segment contact strategy's tasks here
    backwards = client.get("/api/v1/sales/reports/follow-ups?start_date=2026-03-02"
                           "&end_date=2026-03-01", headers=rep)
    assert backwards.status_code == 422


def test_a_win_back_visit_records_its_churn_reason_and_the_churn_report_counts_it_over_rest(
        client, auth_header, sales):
    from sales_service import follow_up_events

    rep, lead = auth_header("rep.zhang"), auth_header("sales.lead")
    customer_id, owner, now = customer_of(sales, "rep.zhang"), DEMO["rep.zhang"], utcnow()
    with sales[0].unit_of_work() as uow:  # what the worker does with the customer's loss
        task = follow_up_events.customer_stage_changed(uow, customer_events.CustomerStageChanged(
            customer_id=customer_id, owner_id=owner.user_id,
            department_path=owner.department_path, previous=types_pb2.LIFECYCLE_STAGE_CUSTOMER,
            current=types_pb2.LIFECYCLE_STAGE_LOST), at=now, now=now)
        task_id = task.id
    listed = client.get(f"/api/v1/follow-up-tasks?customer_id={customer_id}", headers=rep)
    [shown] = listed.get_json()["tasks"]
    assert (shown["id"], shown["reason"]) == (task_id, "win_back")

    reasons = client.get("/api/v1/sales/churn-reasons", headers=rep)
    assert reasons.status_code == 200, reasons.get_data(as_text=True)
    assert [r["code"] for r in reasons.get_json()["churn_reasons"]] == [
        "price", "product_quality", "service_experience", "competitor", "needs_changed",
        "business_closed", "other"]
    assert client.put("/api/v1/sales/churn-reasons/price", json={
        "name": "价格", "name_en": "Price"}, headers=rep).status_code == 403

    missing = record(client, rep, customer_id, follow_up_task_id=task_id)
    assert missing.status_code == 422
    assert "churn_reason" in {error["field"] for error in missing.get_json()["errors"]}
    visit = record(client, rep, customer_id, follow_up_task_id=task_id, churn_reason="price",
                   churn_note="预算削减")
    assert visit.status_code == 201, visit.get_data(as_text=True)
    assert (visit.get_json()["churn_reason"], visit.get_json()["churn_note"]) == ("price", "预算削减")

    since = (utcnow() - timedelta(hours=1)).date().isoformat()
    today = utcnow().date().isoformat()
    report = client.get(f"/api/v1/sales/reports/churn?start_date={since}&end_date={today}",
                        headers=lead)
    assert report.status_code == 200, report.get_data(as_text=True)
    assert report.get_json()["rows"] == [
        {"code": "price", "name": "价格", "name_en": "Price", "count": 1}]
    assert report.get_json()["total_count"] == 1


def test_a_document_on_a_follow_up_record_over_rest(client, auth_header, sales):
    zhang = auth_header("rep.zhang")
    created = record(client, zhang, customer_of(sales, "rep.zhang")).get_json()
    base = f"/api/v1/activities/{created['id']}/attachments"
    png = io.BytesIO()
    Image.new("RGB", (40, 40)).save(png, format="PNG")

    uploaded = client.post(base, headers=zhang, content_type="multipart/form-data",
                           data={"file": (io.BytesIO(png.getvalue()), "需求文档.png")})
    listed = client.get(base, headers=zhang).get_json()

    assert uploaded.status_code == 201, uploaded.get_data(as_text=True)
    assert uploaded.get_json()["record_type"] == "follow_up"
    assert [a["id"] for a in listed["attachments"]] == [uploaded.get_json()["id"]]
    assert client.get(uploaded.headers["Location"], headers=zhang).data == png.getvalue()
    assert client.get(base, headers=auth_header("rep.li")).status_code == 404

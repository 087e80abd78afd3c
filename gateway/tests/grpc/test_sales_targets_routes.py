"""Sales targets over REST against the real sales service (the ``sales_service`` fixture: its
servicer, migrations and server bootstrap) as the demo users, whose forwarded tokens the sales
service decides with. The demo reps are in its rep directory the way its worker puts them
there (``user_upserted``); the follow-up that counts is recorded over REST on a day of the
test's period."""

from __future__ import annotations

import uuid

import pytest
from crm.customer.v1 import customer_pb2
from crm.customer.v1 import events_pb2 as customer_events
from crm.identity.v1 import events_pb2 as identity_events
from crm_shared.db import Database, utcnow
from gateway.identity.demo import USERS

pytestmark = pytest.mark.integration

DEMO = {u.username: u for u in USERS}
PERIOD = "2026-11"


@pytest.fixture
def sales(sales_service, tmp_path):
    """The real sales service (the suite's fixture) with the demo reps in its rep directory,
    put there the way its worker does; its database, for the follow-ups' customers."""
    from sales_service import rep_directory

    database = Database(f"sqlite:///{tmp_path / 'sales.db'}")
    with database.unit_of_work() as uow:
        for revision, name in enumerate(("rep.zhang", "rep.li"), start=1):
            user = DEMO[name]
            rep_directory.user_upserted(
                uow.session,
                identity_events.UserUpserted(
                    user_id=user.user_id,
                    username=name,
                    display_name=user.display_name,
                    roles=list(user.roles),
                    department_path=user.department_path,
                    active=True,
                    revision=revision,
                ),
                utcnow(),
            )
    yield database, sales_service.address
    database.dispose()


@pytest.fixture
def client(make_app, sales):
    return make_app(sales_addr=sales[1], rate_limit_user_requests=1_000_000).test_client()


def customer_of(sales, username: str) -> str:
    """A customer of the demo user, known to the sales service from ``customer.created``."""
    from sales_service import follow_up_events

    owner, customer_id, now = DEMO[username], str(uuid.uuid4()), utcnow()
    with sales[0].unit_of_work() as uow:
        follow_up_events.customer_created(
            uow,
            customer_events.CustomerCreated(
                customer=customer_pb2.Customer(
                    id=customer_id, owner_id=owner.user_id, department_path=owner.department_path
                )
            ),
            at=now,
            now=now,
        )
    return customer_id


def test_a_lead_sets_a_target_and_the_rep_sees_their_attainment(client, auth_header, sales):
    zhang, lead = auth_header("rep.zhang"), auth_header("sales.lead")
    rep_id = DEMO["rep.zhang"].user_id
    made = client.post(
        "/api/v1/sales/targets",
        headers=lead,
        json={
            "rep_id": rep_id,
            "period": PERIOD,
            "follow_up_count": 4,
            "signed_amount": {"currency_code": "CNY", "amount_minor": 10_000_000},
        },
    )
    assert made.status_code == 200, made.get_data(as_text=True)
    assert (made.get_json()["period_range"], made.get_json()["department_path"]) == (
        {"start_date": "2026-11-01", "end_date": "2026-11-30"},
        "/hq/sales/east",
    )
    recorded = client.post(
        "/api/v1/activities",
        headers=zhang,
        json={
            "customer_id": customer_of(sales, "rep.zhang"),
            "method": "phone",
            "occur_time": "2026-11-10T02:00:00+00:00",
            "topic": "回访",
            "summary": "电话回访",
        },
    )
    assert recorded.status_code == 201, recorded.get_data(as_text=True)

    answer = client.get(
        f"/api/v1/sales/targets/attainment?rep_id={rep_id}&period={PERIOD}", headers=zhang
    )
    assert answer.status_code == 200, answer.get_data(as_text=True)
    assert {
        m["key"]: (m.get("target"), m["actual"], m.get("ratio"))
        for m in answer.get_json()["metrics"]
    } == {
        "signed_amount": (10_000_000, 0, 0),
        "new_customers": (None, 0, None),
        "follow_ups": (4, 1, 0.25),
    }
    board = client.get(f"/api/v1/sales/leaderboard?period={PERIOD}", headers=lead).get_json()
    assert [(row["rank"], row["attainment"]["rep_id"]) for row in board["rows"]] == [
        (1, rep_id),
        (2, DEMO["rep.li"].user_id),
    ]
    listed = client.get(f"/api/v1/sales/targets?period={PERIOD}", headers=zhang).get_json()
    assert [t["rep_id"] for t in listed["targets"]] == [rep_id]


def test_refusals_and_bad_input_are_problems_naming_the_field(client, auth_header):
    zhang, li, lead = (auth_header(name) for name in ("rep.zhang", "rep.li", "sales.lead"))
    rep_id = DEMO["rep.zhang"].user_id
    own = client.post(
        "/api/v1/sales/targets",
        headers=zhang,
        json={"rep_id": rep_id, "period": PERIOD, "follow_up_count": 1},
    )
    assert own.status_code == 403
    other = client.get(
        f"/api/v1/sales/targets/attainment?rep_id={rep_id}&period={PERIOD}", headers=li
    )
    assert other.status_code == 404
    for body, field in (
        ({"rep_id": rep_id, "period": "2026-13"}, "period"),
        ({"rep_id": rep_id, "period": PERIOD, "follow_up_count": -1}, "follow_up_count"),
        ({"rep_id": "nobody", "period": PERIOD}, "rep_id"),
    ):
        refused = client.post("/api/v1/sales/targets", headers=lead, json=body)
        assert refused.status_code == 422, body
        assert refused.headers["Content-Type"].startswith("application/problem+json")
        assert [e["field"] for e in refused.get_json()["errors"]] == [field], body

"""The demo organisation: the brief's tree and users, seeded once, published as events."""

from __future__ import annotations

import json

from crm_shared.db import Database
from crm_shared.events.outbox import OutboxMessage
from gateway.identity import directory
from gateway.identity.demo import DEMO_PASSWORD, DEPARTMENTS, USERS, seed_demo_organisation
from gateway.identity.models import Department, User
from sqlalchemy import func, select

EXPECTED_DEPARTMENTS = {
    "/hq",
    "/hq/sales",
    "/hq/sales/east",
    "/hq/sales/north",
    "/hq/service",
    "/hq/product",
    "/hq/tech",
    "/hq/logistics",
    "/hq/marketing",
}
EXPECTED_USERS = {
    "admin",
    "sales.lead",
    "rep.zhang",
    "rep.li",
    "agent.wang",
    "service.lead",
    "tech.zhao",
    "tech.lead",
    "product.lead",
    "logistics.lead",
    "marketer.chen",
}


def count(database: Database, column) -> int:
    with database.unit_of_work(readonly=True) as uow:
        return uow.session.scalar(select(func.count(column)))


def test_seeds_the_departments_and_users_of_the_brief(database, hashing):
    assert seed_demo_organisation(database, hashing) is True

    with database.unit_of_work(readonly=True) as uow:
        departments = {d.path: d for d in uow.session.scalars(select(Department))}
        users = {u.username: u for u in uow.session.scalars(select(User))}
        assert set(departments) == EXPECTED_DEPARTMENTS
        assert set(users) == EXPECTED_USERS
        for user in users.values():
            assert hashing.verify(user.password_hash, DEMO_PASSWORD)
            assert user.email.endswith("@example.com")
            assert any("\u4e00" <= ch <= "\u9fff" for ch in user.display_name)  # Chinese name
        assert users["admin"].roles == ["admin"] and users["admin"].data_scope == "all"
        assert (users["rep.zhang"].department_path, users["rep.zhang"].data_scope) == (
            "/hq/sales/east",
            "own",
        )
        assert users["rep.li"].department_path == "/hq/sales/north"
        assert "sales_rep" in users["rep.zhang"].roles
        assert "service_agent" in users["agent.wang"].roles
        assert "marketer" in users["marketer.chen"].roles
        for lead, path in [
            ("sales.lead", "/hq/sales"),
            ("service.lead", "/hq/service"),
            ("tech.lead", "/hq/tech"),
            ("product.lead", "/hq/product"),
            ("logistics.lead", "/hq/logistics"),
        ]:
            assert departments[path].lead_user_id == users[lead].id
            assert users[lead].data_scope == "department"
            assert directory.leads_own_department(uow.session, users[lead])
        assert departments["/hq/sales/east"].parent_path == "/hq/sales"


def test_seeding_again_changes_nothing(database, hashing):
    assert seed_demo_organisation(database, hashing) is True
    with database.unit_of_work() as uow:  # a change made after the first start survives
        directory.find_user(uow.session, "rep.li").display_name = "李娜娜"
    users, events = count(database, User.id), count(database, OutboxMessage.id)

    assert seed_demo_organisation(database, hashing) is False

    assert count(database, User.id) == users
    assert count(database, OutboxMessage.id) == events
    with database.unit_of_work(readonly=True) as uow:
        assert directory.find_user(uow.session, "rep.li").display_name == "李娜娜"


def test_every_user_and_department_is_published_in_the_seeding_transaction(database, hashing):
    seed_demo_organisation(database, hashing)

    with database.unit_of_work(readonly=True) as uow:
        rows = [
            (row.exchange, row.routing_key, json.loads(row.payload))
            for row in uow.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))
        ]
    by_key: dict[str, list[dict]] = {}
    for exchange, routing_key, payload in rows:
        assert exchange == "identity.events"
        by_key.setdefault(routing_key, []).append(payload)
    assert {p["path"] for p in by_key["identity.department_upserted"]} == {
        p for p, _ in DEPARTMENTS
    }
    users = by_key["identity.user_upserted"]
    assert {p["username"] for p in users} == {u.username for u in USERS}
    # The newest upsert of a lead says so, with a higher revision than the first one.
    latest = {}
    for payload in users:
        if int(payload["revision"]) >= int(latest.get(payload["userId"], {}).get("revision", 0)):
            latest[payload["userId"]] = payload
    leads = {p["username"] for p in latest.values() if p.get("isDepartmentLead")}
    assert leads == {u.username for u in USERS if u.leads_department}
    assert all("passwordHash" not in p and "password" not in json.dumps(p) for p in users)

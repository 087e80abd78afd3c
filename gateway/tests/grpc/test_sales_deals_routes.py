"""``/api/v1/opportunities``, ``quotes``, ``contracts``, ``payments``, ``purchases`` and the
``/api/v1/sales/`` reports against the real sales service (its migrations, its servicer, the
real auth and error interceptors) on one SQLite database for the module, called as the demo
users, whose forwarded tokens the service applies its visibility to. The real customer service
runs beside it: a deal, contract or purchase names a customer its caller may see
(``crm_shared.references``), so each test's customers are created over REST by their owners.

The database is shared by the tests of the module, so figures over many deals (funnel,
forecast) are asserted as the change a test's own deals make.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from crm_shared.db import Database
from crm_shared.grpc.server import GrpcApi, service_verifier
from crm_shared.migrations import upgrade
from crm_shared.settings import ApiSettings, load_settings
from gateway.identity.demo import USERS
from sales_service.api import build_bindings
from sales_service.settings import SalesApiSettings

pytestmark = pytest.mark.integration

USER_IDS = {user.username: user.user_id for user in USERS}
TODAY = datetime.now(UTC).date()


def cny(minor: int) -> dict:
    return {"currency_code": "CNY", "amount_minor": minor}


def day(offset: int) -> str:
    return (TODAY + timedelta(days=offset)).isoformat()


@pytest.fixture(scope="module")
def services(tmp_path_factory, signing_keys):
    """The real customer and sales apis, each on its own SQLite database; yields their
    addresses."""
    from customer_service.api import build_bindings as customer_bindings

    folder = Path(tmp_path_factory.mktemp("sales"))
    started = []
    for name, settings_class, bindings, extra in (
            ("customer", ApiSettings, lambda db, _settings: customer_bindings(db), {}),
            ("sales", SalesApiSettings, build_bindings, {"customer_timeout_seconds": 10})):
        url = f"sqlite:///{folder / name}.db"
        upgrade(f"{name}_service", url)
        database = Database(url)
        if started:
            extra["customer_addr"] = started[0][2]
        settings = load_settings(
            settings_class, service_name=name, database_url=url,
            jwt_public_key_file=signing_keys.public,
            amqp_url="amqp://guest:guest@127.0.0.1:1/%2F", outbox_relay=False,
            grpc_reflection=False, health_check_seconds=3600, **extra)
        api = GrpcApi(settings, database, bindings(database, settings),
                      service_verifier(settings))
        started.append((api, database, f"127.0.0.1:{api.start('127.0.0.1:0')}"))
    yield {"customer_addr": started[0][2], "sales_addr": started[1][2]}
    for api, database, _address in started:
        api.stop(grace=0)
        database.dispose()


@pytest.fixture
def client(make_app, services):
    return make_app(**services, rate_limit_user_requests=1_000_000).test_client()


@pytest.fixture
def as_user(auth_header):
    """``as_user("rep.zhang")``: that demo user's header, logged in once per test."""
    headers: dict[str, dict[str, str]] = {}
    return lambda username: headers.setdefault(username, auth_header(username))


def created(response) -> dict:
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()


def ok(response) -> dict:
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def new_customer(client, headers) -> str:
    """A new customer of the caller (``headers``), created over REST."""
    return created(client.post("/api/v1/customers", headers=headers, json={
        "type": "individual", "display_name": "李雷"}))["id"]


def open_deal(client, headers, **fields) -> dict:
    if "customer_id" not in fields:
        fields["customer_id"] = new_customer(client, headers)
    body = {"name": "ACME - 200 seats",
            "amount": cny(20_000_000), "expected_close_date": day(30)} | fields
    return created(client.post("/api/v1/opportunities", json=body, headers=headers))


def test_a_deal_goes_from_opportunity_to_quote_to_a_signed_contract_and_its_payments(
        client, as_user):
    rep = as_user("rep.zhang")
    response = client.post("/api/v1/opportunities", headers=rep, json={
        "name": "ACME - 200 seats", "customer_id": new_customer(client, rep),
        "amount": cny(20_000_000), "expected_close_date": day(30)})
    deal = created(response)
    assert response.headers["Location"] == f"/api/v1/opportunities/{deal['id']}"
    assert (deal["stage"], deal["probability"], deal["owner_id"], deal["department_path"]) == (
        "potential", 10, USER_IDS["rep.zhang"], "/hq/sales/east")
    assert (deal["weighted_amount"], deal["expected_close_date"], deal["close_date"]) == (
        cny(2_000_000), day(30), None)

    quote = created(client.post("/api/v1/quotes", headers=rep, json={
        "opportunity_id": deal["id"], "valid_until_date": day(20), "discount_basis_points": 500,
        "line_items": [
            {"product_code": "CRM-SEAT", "quantity": "200", "unit_price": cny(100_000),
             "discount_basis_points": 1000},
            {"description": "Training day", "quantity": "2.5", "unit_price": cny(40_000)}]}))
    # 200 × 1,000.00 less 10 % = 180,000.00; 2.5 × 400.00 = 1,000.00; less 5 % of the sum
    assert [line["line_total"] for line in quote["line_items"]] == [cny(18_000_000),
                                                                  cny(100_000)]
    assert (quote["subtotal"], quote["discount_amount"], quote["total"], quote["status"]) == (
        cny(18_100_000), cny(905_000), cny(17_195_000), "draft")

    sent = ok(client.post(f"/api/v1/quotes/{quote['id']}/send", headers=rep))
    assert sent["status"] == "sent" and sent["send_time"] is not None
    moved = ok(client.get(f"/api/v1/opportunities/{deal['id']}", headers=rep))
    assert moved["stage"] == "proposal"
    assert [(c["from_stage"], c["to_stage"]) for c in moved["stage_history"]] == [
        (None, "potential"), ("potential", "proposal")]
    assert ok(client.post(f"/api/v1/quotes/{quote['id']}/accept",
                          headers=rep))["status"] == "accepted"

    contract = created(client.post("/api/v1/contracts", headers=rep, json={
        "opportunity_id": deal["id"], "quote_id": quote["id"], "title": "ACME CRM",
        "amount": cny(17_195_000), "start_date": day(0), "end_date": day(364),
        "external_ids": {"erp": "HT-88"}}))
    assert (contract["status"], contract["customer_id"], contract["sign_date"]) == (
        "draft", deal["customer_id"], None)
    signed = ok(client.post(f"/api/v1/contracts/{contract['id']}/sign", headers=rep, json={}))
    assert (signed["status"], signed["sign_date"]) == ("active", day(0))

    plan = ok(client.put(f"/api/v1/contracts/{contract['id']}/payment-plan", headers=rep, json={
        "installments": [
            {"sequence": 1, "due_date": day(10), "amount": cny(8_597_500), "note": "on signature"},
            {"sequence": 2, "due_date": day(100), "amount": cny(8_597_500)}]}))
    assert plan["planned_amount"] == cny(17_195_000)
    assert [i["status"] for i in plan["installments"]] == ["pending", "pending"]

    key = {"Idempotency-Key": f"pay-{uuid.uuid4().hex}"}
    body = {"contract_id": contract["id"], "amount": cny(8_597_500), "receive_date": day(0),
            "method": "bank_transfer", "reference": "BOC-0931"}
    first = client.post("/api/v1/payments", headers=rep | key, json=body)
    payment = created(first)
    assert first.headers["Location"] == f"/api/v1/payments/{payment['id']}"
    replay = client.post("/api/v1/payments", headers=rep | key, json=body)
    assert replay.headers.get("Idempotent-Replayed") == "true"
    assert created(replay)["id"] == payment["id"]

    after = ok(client.get(f"/api/v1/contracts/{contract['id']}", headers=rep))
    assert (after["received_amount"], after["outstanding_amount"]) == (cny(8_597_500),
                                                                       cny(8_597_500))
    paid = ok(client.get(f"/api/v1/contracts/{contract['id']}/payment-plan", headers=rep))
    assert [(i["status"], i["received_amount"]) for i in paid["installments"]] == [
        ("paid", cny(8_597_500)), ("pending", cny(0))]
    listed = ok(client.get(f"/api/v1/payments?contract_id={contract['id']}", headers=rep))
    assert [p["id"] for p in listed["payments"]] == [payment["id"]]
    overdue = ok(client.get("/api/v1/sales/receivables/overdue", headers=rep, query_string={
        "customer_id": deal["customer_id"], "as_of_date": day(150)}))
    assert [(r["installment"]["sequence"], r["outstanding_amount"], r["days_overdue"])
            for r in overdue["receivables"]] == [(2, cny(8_597_500), 50)]

    voided = ok(client.post(f"/api/v1/payments/{payment['id']}/void", headers=rep,
                            json={"reason": "booked twice by the bank"}))
    assert voided["status"] == "voided"
    assert ok(client.get(f"/api/v1/contracts/{contract['id']}",
                         headers=rep))["received_amount"] == cny(0)

    won = ok(client.post(f"/api/v1/opportunities/{deal['id']}/stage", headers=rep,
                         json={"stage": "won", "etag": moved["etag"]}))
    assert (won["stage"], won["probability"], won["close_date"]) == ("won", 100, day(0))


def test_bad_input_is_a_422_naming_each_field_and_nothing_is_stored(client, as_user):
    rep = as_user("rep.zhang")
    customer = new_customer(client, rep)
    by_the_gateway = client.post("/api/v1/opportunities", headers=rep, json={
        "name": "x", "probability": 150, "expected_close_date": "2026-02-30"})
    assert by_the_gateway.status_code == 422
    assert {e["field"] for e in by_the_gateway.get_json()["errors"]} == {
        "customer_id", "probability", "expected_close_date"}
    by_the_service = client.post("/api/v1/opportunities", headers=rep, json={
        "name": "x", "customer_id": customer, "amount": {"currency_code": "cny",
                                                         "amount_minor": 100}})
    assert by_the_service.status_code == 422, by_the_service.get_data(as_text=True)
    assert by_the_service.headers["Content-Type"] == "application/problem+json"
    assert [e["field"] for e in by_the_service.get_json()["errors"]] == ["amount.currency_code"]
    assert ok(client.get(f"/api/v1/opportunities?customer_id={customer}",
                         headers=rep))["total_size"] == 0

    deal = open_deal(client, rep, customer_id=customer)
    mixed = client.post("/api/v1/quotes", headers=rep, json={
        "opportunity_id": deal["id"], "line_items": [
            {"product_code": "A", "quantity": "1", "unit_price": cny(100)},
            {"product_code": "B", "quantity": "1",
             "unit_price": {"currency_code": "USD", "amount_minor": 100}}]})
    assert mixed.status_code == 422
    assert [e["field"] for e in mixed.get_json()["errors"]] == [
        "line_items[1].unit_price.currency_code"]
    negative = client.post("/api/v1/quotes", headers=rep, json={
        "opportunity_id": deal["id"], "line_items": [
            {"product_code": "A", "quantity": "-1", "unit_price": cny(100)}]})
    assert [e["field"] for e in negative.get_json()["errors"]] == ["line_items[0].quantity"]
    assert ok(client.get(f"/api/v1/quotes?opportunity_id={deal['id']}",
                         headers=rep))["quotes"] == []

    backwards = client.post("/api/v1/contracts", headers=rep, json={
        "customer_id": customer, "amount": cny(1000), "start_date": day(10),
        "end_date": day(0)})
    assert backwards.status_code == 422
    contract = created(client.post("/api/v1/contracts", headers=rep, json={
        "customer_id": customer, "amount": cny(1000), "start_date": day(0),
        "end_date": day(30)}))
    short = client.put(f"/api/v1/contracts/{contract['id']}/payment-plan", headers=rep, json={
        "installments": [{"sequence": 1, "due_date": day(5), "amount": cny(600)}]})
    assert short.status_code == 422
    assert [e["field"] for e in short.get_json()["errors"]] == ["installments"]
    assert ok(client.get(f"/api/v1/contracts/{contract['id']}/payment-plan",
                         headers=rep))["installments"] == []

    no_period = client.get("/api/v1/sales/forecast", headers=rep)
    assert {e["field"] for e in no_period.get_json()["errors"]} == {"start_date", "end_date"}
    reversed_period = client.get("/api/v1/sales/funnel?start_date=2026-05-01"
                                 "&end_date=2026-04-01", headers=rep)
    assert reversed_period.status_code == 422


def test_a_stale_etag_or_an_illegal_move_is_a_409_that_changes_nothing(client, as_user):
    rep = as_user("rep.zhang")
    deal = open_deal(client, rep)
    url = f"/api/v1/opportunities/{deal['id']}"
    changed = ok(client.patch(url, headers=rep, json={"next_step": "demo",
                                                      "etag": deal["etag"]}))
    assert changed["next_step"] == "demo" and changed["etag"] != deal["etag"]
    stale = client.patch(url, headers=rep, json={"next_step": "call", "etag": deal["etag"]})
    assert stale.status_code == 409
    stale_move = client.post(f"{url}/stage", headers=rep,
                             json={"stage": "intent", "etag": deal["etag"]})
    assert stale_move.status_code == 409
    assert client.patch(url, headers=rep, json={"etag": changed["etag"]}).status_code == 422

    no_reason = client.post(f"{url}/stage", headers=rep, json={"stage": "lost"})
    assert no_reason.status_code == 422
    assert [e["field"] for e in no_reason.get_json()["errors"]] == ["lost_reason"]
    lost = ok(client.post(f"{url}/stage", headers=rep,
                          json={"stage": "lost", "lost_reason": "chose a competitor"}))
    assert (lost["stage"], lost["lost_reason"]) == ("lost", "chose a competitor")
    reopened = client.post(f"{url}/stage", headers=rep, json={"stage": "intent"})
    assert reopened.status_code == 409
    assert reopened.get_json()["type"] == "urn:crm:problem:failed-precondition"
    assert client.patch(url, headers=rep, json={"next_step": "x"}).status_code == 409
    assert ok(client.get(url, headers=rep)) == lost

    quote = created(client.post("/api/v1/quotes", headers=rep, json={
        "opportunity_id": open_deal(client, rep)["id"], "line_items": [
            {"product_code": "A", "quantity": "1", "unit_price": cny(100)}]}))
    stale_quote = client.patch(f"/api/v1/quotes/{quote['id']}", headers=rep,
                               json={"notes": "x", "etag": 'W/"99"'})
    assert stale_quote.status_code == 409
    ok(client.post(f"/api/v1/quotes/{quote['id']}/send", headers=rep))
    assert client.post(f"/api/v1/quotes/{quote['id']}/send", headers=rep).status_code == 409
    assert client.delete(f"/api/v1/quotes/{quote['id']}", headers=rep).status_code == 409
    assert ok(client.get(f"/api/v1/quotes/{quote['id']}", headers=rep))["status"] == "sent"


# Who sees rep.zhang's deal (/hq/sales/east): read, change, list.
MATRIX = (
    ("rep.zhang", True),  # the owner
    ("rep.li", False),  # another rep
    ("sales.lead", True),  # lead of /hq/sales, above the owner's department
    ("service.lead", False),  # lead of another subtree
    ("admin", True),  # all scope
)


def test_only_the_owner_their_leads_and_admins_read_change_and_list_a_deal(client, as_user):
    owner = as_user("rep.zhang")
    for username, sees in MATRIX:
        customer = new_customer(client, owner)
        deal = open_deal(client, owner, customer_id=customer)
        quote = created(client.post("/api/v1/quotes", headers=owner, json={
            "opportunity_id": deal["id"], "line_items": [
                {"product_code": "A", "quantity": "1", "unit_price": cny(100)}]}))
        contract = created(client.post("/api/v1/contracts", headers=owner, json={
            "opportunity_id": deal["id"], "amount": cny(1000), "start_date": day(0),
            "end_date": day(30)}))
        caller = as_user(username)
        status = 200 if sees else 404

        for path in (f"/api/v1/opportunities/{deal['id']}", f"/api/v1/quotes/{quote['id']}",
                     f"/api/v1/contracts/{contract['id']}"):
            assert client.get(path, headers=caller).status_code == status, (username, path)
        changed = client.patch(f"/api/v1/opportunities/{deal['id']}", headers=caller,
                               json={"next_step": f"by {username}"})
        assert changed.status_code == status, username
        moved = client.post(f"/api/v1/opportunities/{deal['id']}/stage", headers=caller,
                            json={"stage": "intent"})
        assert moved.status_code == status, username
        listed = ok(client.get(f"/api/v1/opportunities?customer_id={customer}",
                               headers=caller))
        assert [d["id"] for d in listed["opportunities"]] == ([deal["id"]] if sees else []), \
            username
        quotes = ok(client.get(f"/api/v1/quotes?opportunity_id={deal['id']}", headers=caller))
        assert len(quotes["quotes"]) == (1 if sees else 0), username
        contracts = ok(client.get(f"/api/v1/contracts?customer_id={customer}",
                                  headers=caller))
        assert contracts["total_size"] == (1 if sees else 0), username
        # a caller who may not see the deal changed nothing of it
        current = ok(client.get(f"/api/v1/opportunities/{deal['id']}", headers=owner))
        assert (current["next_step"], current["stage"]) == (
            (f"by {username}", "intent") if sees else ("", "potential")), username


def stage_counts(funnel: dict) -> dict[str, int]:
    return {stage["stage"]: stage["count"] for stage in funnel["stages"]}


def test_funnel_forecast_and_reports_count_the_callers_team(client, as_user):
    lead, north, east = as_user("sales.lead"), as_user("rep.li"), as_user("rep.zhang")
    period = {"start_date": day(-1), "end_date": day(60)}
    team = {**period, "department_path": "/hq/sales/north"}
    funnel_before = ok(client.get("/api/v1/sales/funnel", headers=lead, query_string=team))
    east_before = ok(client.get("/api/v1/sales/funnel", headers=east, query_string=period))
    forecast_query = {**period, "group_by": "department", "granularity": "year"}
    forecast_before = ok(client.get("/api/v1/sales/forecast", headers=lead,
                                    query_string=forecast_query))

    first = open_deal(client, north, amount=cny(100_000), expected_close_date=day(40))
    open_deal(client, north, amount=cny(300_000), expected_close_date=day(40))
    ok(client.post(f"/api/v1/opportunities/{first['id']}/stage", headers=north,
                   json={"stage": "proposal"}))

    funnel = ok(client.get("/api/v1/sales/funnel", headers=lead, query_string=team))
    before, after = stage_counts(funnel_before), stage_counts(funnel)
    assert {s: after[s] - before[s] for s in after} == {
        "potential": 2, "intent": 1, "proposal": 1, "negotiation": 0, "won": 0, "lost": 0}
    assert (funnel["department_path"], funnel["period"]) == ("/hq/sales/north", period)
    # rep.zhang cannot see rep.li's deals
    assert stage_counts(ok(client.get("/api/v1/sales/funnel", headers=east,
                                      query_string=period))) == stage_counts(east_before)

    forecast = ok(client.get("/api/v1/sales/forecast", headers=lead,
                             query_string=forecast_query))

    bucket = f"{TODAY.year + (day(40)[:4] != str(TODAY.year))}-01-01"

    def north_row(report):
        rows = [r for r in report["rows"] if r["group_key"] == "/hq/sales/north"
                and r["bucket_start_date"] == bucket]
        return rows[0] if rows else {"open_count": 0, "weighted_amount": cny(0)}

    assert forecast["group_by"] == "department"
    # 1,000.00 × 50 % (proposal) + 3,000.00 × 10 % (potential)
    assert north_row(forecast)["open_count"] - north_row(forecast_before)["open_count"] == 2
    assert (north_row(forecast)["weighted_amount"]["amount_minor"]
            - north_row(forecast_before)["weighted_amount"]["amount_minor"]) == 80_000

    for path, query in (("reports/conversion", {"group_by": "source"}),
                        ("reports/deal-cycle", {"group_by": "department"}),
                        ("reports/won-deal-traits", {})):
        report = ok(client.get(f"/api/v1/sales/{path}", headers=lead,
                               query_string={**period, **query}))
        assert report["period"] == period, path
    kpis = ok(client.get("/api/v1/sales/kpis", headers=lead, query_string=period))
    assert kpis["source_service"] == "sales"
    assert {"opportunity_count", "won_count", "win_rate"} <= {k["key"] for k in kpis["kpis"]}
    outside = client.get("/api/v1/sales/kpis", headers=lead,
                         query_string={**period, "department_path": "/hq/service"})
    assert outside.status_code == 403


def test_purchases_arrive_once_per_order_from_admins_and_service_accounts(client, as_user):
    customer = new_customer(client, as_user("rep.zhang"))
    order = {"customer_id": customer, "source_system": "shop",
             "external_order_id": f"SO-{uuid.uuid4().hex[:8]}",
             "purchase_time": "2026-03-01T10:15:00Z", "amount": cny(129_900), "item_count": 3}
    assert client.post("/api/v1/purchases", headers=as_user("rep.zhang"),
                       json=order).status_code == 403
    first = created(client.post("/api/v1/purchases", headers=as_user("admin"), json=order))
    again = created(client.post("/api/v1/purchases", headers=as_user("admin"), json=order))
    assert again["id"] == first["id"]
    assert (first["amount"], first["purchase_time"]) == (cny(129_900), "2026-03-01T10:15:00Z")
    listed = ok(client.get(f"/api/v1/purchases?customer_id={customer}",
                           headers=as_user("admin")))
    assert [p["id"] for p in listed["purchases"]] == [first["id"]]


def test_a_deal_or_contract_for_a_customer_the_caller_may_not_see_is_a_422_storing_nothing(
        client, as_user):
    """crm_shared.references through the front door: rep.li (/hq/sales/north) names
    rep.zhang's customer; a lead of another subtree likewise; the owner goes ahead."""
    zhangs = new_customer(client, as_user("rep.zhang"))
    for username in ("rep.li", "service.lead"):
        for path, body in (
                ("/api/v1/opportunities", {"name": "poached", "customer_id": zhangs}),
                ("/api/v1/contracts", {"customer_id": zhangs, "amount": cny(1000),
                                       "start_date": day(0), "end_date": day(30)})):
            response = client.post(path, headers=as_user(username), json=body)
            assert response.status_code == 422, (username, path, response.get_data(as_text=True))
            assert response.headers["Content-Type"] == "application/problem+json"
            assert [(e["field"], e["message"]) for e in response.get_json()["errors"]] == [
                ("customer_id", "customer not found or not visible to you")], response.get_json()
    admin = as_user("admin")
    for listing in ("opportunities", "contracts"):
        assert ok(client.get(f"/api/v1/{listing}?customer_id={zhangs}",
                             headers=admin))["total_size"] == 0
    assert open_deal(client, as_user("rep.zhang"), customer_id=zhangs)["customer_id"] == zhangs


def test_a_quote_over_the_discount_policy_waits_for_its_approver_over_rest(client, as_user):
    """No department lead is known to this sales service: the admin role decides."""
    rep, admin = as_user("rep.zhang"), as_user("admin")
    deal = open_deal(client, rep)
    quote = created(client.post("/api/v1/quotes", headers=rep, json={
        "opportunity_id": deal["id"], "valid_until_date": day(20), "discount_basis_points": 1500,
        "line_items": [{"product_code": "CRM-SEAT", "quantity": "10",
                        "unit_price": cny(100_000)}]}))
    held = ok(client.post(f"/api/v1/quotes/{quote['id']}/send", headers=rep))
    assert held["status"] == "pending_approval"
    one = f"/api/v1/sales/approval-requests/{held['approval_request_id']}"
    inbox = ok(client.get("/api/v1/sales/approval-requests", headers=admin))
    assert [(r["subject_number"], r["status"], r["approver_ids"]) for r in
            inbox["approval_requests"] if r["subject_id"] == quote["id"]] == [
        (quote["number"], "pending", ["role:admin"])]
    assert client.post(f"/api/v1/quotes/{quote['id']}/accept", headers=rep).status_code == 409
    assert client.post(f"{one}/approve", headers=rep, json={}).status_code == 403
    assert client.get(one, headers=as_user("rep.li")).status_code == 404
    unexplained = client.post(f"{one}/reject", headers=admin, json={"comment": ""})
    assert (unexplained.status_code, [e["field"] for e in unexplained.get_json()["errors"]]) == (
        422, ["comment"])
    approved = ok(client.post(f"{one}/approve", headers=admin, json={"comment": "同意"}))
    assert (approved["status"], [h["action"] for h in approved["history"]]) == (
        "approved", ["requested", "approved"])
    assert ok(client.get(f"/api/v1/quotes/{quote['id']}", headers=rep))["status"] == "sent"

    [policy] = ok(client.get("/api/v1/sales/approval-policies", headers=rep))["policies"]
    assert (policy["subject"], policy["decision_period"], policy["steps"][0]["approver"]) == (
        "quote", "P2D", "department_lead")
    path = f"/api/v1/sales/approval-policies/{policy['id']}"
    assert client.patch(path, headers=rep, json={"enabled": False}).status_code == 403
    short = client.patch(path, headers=admin, json={"decision_period": "PT1M"})
    assert (short.status_code, [e["field"] for e in short.get_json()["errors"]]) == (
        422, ["decision_period", "reminder_before"])
    assert ok(client.get(path, headers=admin))["version"] == policy["version"]


def test_a_deals_collaborators_over_rest_the_owners_line_only(client, as_user):
    """Team selling (issue 18): the routes reach the sales service with the caller's token; a
    person outside the sales directory is a field error, another rep is told nothing."""
    owner, other = as_user("rep.zhang"), as_user("rep.li")
    deal = open_deal(client, owner)
    members = f"/api/v1/opportunities/{deal['id']}/collaborators"

    assert ok(client.get(members, headers=owner)) == {"collaborators": [], "next_page_token": ""}
    unknown = client.put(f"{members}/u-nobody", headers=owner, json={"role": "co_owner"})
    assert unknown.status_code == 422, unknown.get_data(as_text=True)
    assert [e["field"] for e in unknown.get_json()["errors"]] == ["user_id"]
    assert client.put(f"{members}/u-nobody", headers=owner, json={"role": "boss"}).status_code \
        == 422
    for refused in (client.get(members, headers=other),
                    client.put(f"{members}/u-nobody", headers=other, json={"role": "service"}),
                    client.delete(f"{members}/u-nobody", headers=other)):
        assert refused.status_code == 404
    assert client.delete(f"{members}/u-nobody", headers=owner).status_code == 204

"""Personal-data routes of ``/api/v1/customers`` against the real customer service: consents,
the data-subject export, erasure and the access log, with the service's own role checks."""

from __future__ import annotations

import pytest


@pytest.fixture
def client(make_app, customer_service):
    return make_app(customer_addr=customer_service.address).test_client()


def _customer(client, headers) -> str:
    response = client.post(
        "/api/v1/customers",
        headers=headers,
        json={
            "type": "individual",
            "display_name": "韩梅梅",
            "phone": "13912345678",
            "email": "han@example.com",
        },
    )
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()["id"]


def test_consents_are_granted_withdrawn_and_listed_with_their_history(client, auth_header):
    rep = auth_header("rep.zhang")
    customer_id = _customer(client, rep)
    base = f"/api/v1/customers/{customer_id}/consents"

    granted = client.post(
        base,
        headers=rep,
        json={
            "purpose": "marketing",
            "source": "web_form",
            "evidence": "form-1",
            "grant_time": "2026-03-01T08:00:00Z",
        },
    )
    withdrawn = client.post(f"{base}/marketing/withdraw", headers=rep, json={"source": "phone"})
    listed = client.get(base, headers=rep)

    assert granted.status_code == 200, granted.get_data(as_text=True)
    assert granted.get_json()["state"] == "granted"
    assert granted.get_json()["grant_time"] == "2026-03-01T08:00:00Z"
    assert withdrawn.status_code == 200
    assert withdrawn.get_json()["state"] == "withdrawn"
    consents = listed.get_json()["consents"]
    assert [(c["purpose"], c["state"]) for c in consents] == [("marketing", "withdrawn")]
    assert [h["state"] for h in consents[0]["history"]] == ["granted", "withdrawn"]


def test_a_consent_withdrawn_on_one_channel_is_listed_beside_the_every_channel_one(
    client, auth_header
):
    rep = auth_header("rep.zhang")
    customer_id = _customer(client, rep)
    base = f"/api/v1/customers/{customer_id}/consents"
    client.post(base, headers=rep, json={"purpose": "marketing", "source": "web_form"})

    withdrawn = client.post(
        f"{base}/marketing/withdraw", headers=rep, json={"source": "email", "channel": "email"}
    )
    not_a_customer_channel = client.post(
        f"{base}/marketing/withdraw", headers=rep, json={"source": "phone", "channel": "in_app"}
    )
    listed = client.get(base, headers=rep).get_json()["consents"]

    assert withdrawn.status_code == 200, withdrawn.get_data(as_text=True)
    assert (withdrawn.get_json()["channel"], withdrawn.get_json()["state"]) == (
        "email",
        "withdrawn",
    )
    assert [h["channel"] for h in withdrawn.get_json()["history"]] == ["email"]
    assert not_a_customer_channel.status_code == 422
    assert {e["field"] for e in not_a_customer_channel.get_json()["errors"]} == {"channel"}
    assert sorted((c["channel"] or "", c["state"]) for c in listed) == [
        ("", "granted"),
        ("email", "withdrawn"),
    ]


def test_consent_input_errors_are_422_and_someone_elses_customer_is_404(client, auth_header):
    customer_id = _customer(client, auth_header("rep.zhang"))
    base = f"/api/v1/customers/{customer_id}/consents"

    unknown_purpose = client.post(
        base, headers=auth_header("rep.zhang"), json={"purpose": "astrology", "source": "web_form"}
    )
    other = client.post(
        base, headers=auth_header("rep.li"), json={"purpose": "marketing", "source": "web_form"}
    )

    assert unknown_purpose.status_code == 422
    assert {e["field"] for e in unknown_purpose.get_json()["errors"]} == {"purpose"}
    assert other.status_code == 404
    assert other.mimetype == "application/problem+json"


def test_the_privacy_role_exports_a_customers_data_and_the_export_is_logged(client, auth_header):
    customer_id = _customer(client, auth_header("rep.zhang"))
    admin = auth_header("admin")

    exported = client.get(
        f"/api/v1/customers/{customer_id}/export?access_purpose=DSR-9", headers=admin
    )
    denied = client.get(f"/api/v1/customers/{customer_id}/export", headers=auth_header("rep.zhang"))
    log = client.get(
        f"/api/v1/customers/access-log?customer_id={customer_id}&action=export", headers=admin
    )

    assert exported.status_code == 200, exported.get_data(as_text=True)
    document = exported.get_json()
    assert document["customer_id"] == customer_id
    assert document["source_service"] == "customer"
    customer_record = next(r for r in document["records"] if r["resource_type"] == "customer")
    assert customer_record["data"]["phone"] == "+8613912345678"
    assert denied.status_code == 403
    assert log.status_code == 200
    assert [(e["action"], e["purpose"]) for e in log.get_json()["access_log_entries"]] == [
        ("export", "DSR-9")
    ]
    assert (
        client.get("/api/v1/customers/access-log", headers=auth_header("rep.zhang")).status_code
        == 403
    )


def test_erasure_is_accepted_tracked_and_idempotent(client, auth_header):
    customer_id = _customer(client, auth_header("rep.zhang"))
    admin = auth_header("admin")

    denied = client.post(
        f"/api/v1/customers/{customer_id}/erase",
        headers=auth_header("rep.zhang"),
        json={"reason": "please"},
    )
    erased = client.post(
        f"/api/v1/customers/{customer_id}/erase", headers=admin, json={"reason": "DSR-2026-0042"}
    )
    again = client.post(
        f"/api/v1/customers/{customer_id}/erase",
        headers=admin,
        json={"reason": "DSR-2026-0042 resent"},
    )

    assert denied.status_code == 403
    assert erased.status_code == 202, erased.get_data(as_text=True)
    request = erased.get_json()
    assert request["state"] == "in_progress"
    assert [(s["service"], s["done"]) for s in request["services"]] == [
        ("customer", True),
        ("sales", False),
        ("ticket", False),
        ("marketing", False),
        ("notification", False),
    ]
    assert again.get_json()["id"] == request["id"]
    tracked = client.get(erased.headers["Location"], headers=admin)
    assert tracked.status_code == 200
    assert tracked.get_json()["id"] == request["id"]
    listed = client.get("/api/v1/customers/erasure-requests?state=in_progress", headers=admin)
    assert [r["id"] for r in listed.get_json()["erasure_requests"]] == [request["id"]]

    after = client.get(f"/api/v1/customers/{customer_id}", headers=admin).get_json()
    assert (after["display_name"], after["phone"], after["email"], after["state"]) == (
        "",
        "",
        "",
        "erased",
    )


def test_sensitive_fields_are_masked_revealed_only_to_a_privacy_role_and_the_reveal_is_logged(
    client, auth_header
):
    rep, admin = auth_header("rep.zhang"), auth_header("admin")
    created = client.post(
        "/api/v1/customers",
        headers=rep,
        json={
            "type": "individual",
            "display_name": "韩梅梅",
            "bank_account": "6222 0202 0011 2233 445",
            "individual": {
                "id_card_number": "11010519491231002X",
                "birth_date": "1949-12-31",
                "gender": "female",
            },
        },
    )
    assert created.status_code == 201, created.get_data(as_text=True)
    customer_id = created.get_json()["id"]
    one = f"/api/v1/customers/{customer_id}"

    masked = client.get(one, headers=rep).get_json()
    revealed = client.get(
        f"{one}?reveal_sensitive=true&access_purpose=DSR-11", headers=admin
    )
    denied = client.get(f"{one}?reveal_sensitive=true", headers=rep)
    # the service desk reads a rep's customer by id (tickets), masked, and may not reveal
    agent = auth_header("agent.wang")
    agent_read = client.get(one, headers=agent)
    agent_reveal = client.get(f"{one}?reveal_sensitive=true", headers=agent)
    log = client.get(
        f"/api/v1/customers/access-log?customer_id={customer_id}&action=reveal", headers=admin
    )

    assert (masked["bank_account"], masked["individual"]["id_card_number"]) == (
        "**** **** 3445",
        "*" * 18,  # no character: with the birth date, any would narrow the number
    )
    assert masked["individual"]["birth_date"] == "1949-12-31"  # the rep keeps the record
    assert masked["sensitive_fields_masked"] is True
    assert revealed.status_code == 200, revealed.get_data(as_text=True)
    body = revealed.get_json()
    assert (body["bank_account"], body["individual"]["id_card_number"]) == (
        "6222020200112233445",
        "11010519491231002X",
    )
    assert not body.get("sensitive_fields_masked", False)
    assert denied.status_code == 403
    assert agent_read.status_code == 200, agent_read.get_data(as_text=True)
    assert agent_read.get_json()["bank_account"] == "**** **** 3445"
    # the service desk needs no birth date: with it, a region guessed from the address would
    # leave the ID card 500 candidates
    assert agent_read.get_json()["individual"]["birth_date"] == ""
    assert agent_read.get_json()["individual"]["gender"] == "female"
    assert agent_reveal.status_code == 403
    assert [(e["action"], e["purpose"]) for e in log.get_json()["access_log_entries"]] == [
        ("reveal", "DSR-11")
    ]

"""``/api/v1/knowledge`` and a ticket's knowledge suggestions, against the real ticket service
over a real gRPC server."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.integration

ROUTER_CASE = {
    "kind": "solved_case",
    "title": "路由器频繁掉线",
    "body": "升级路由器固件到 2.1.3 后不再掉线。",
    "category": "technical",
    "product": "R-100",
    "keywords": ["路由器", "掉线", "固件"],
    "ticket_types": ["fault"],
    "state": "published",
}


@pytest.fixture
def client(make_app, ticket_service):
    return make_app(
        ticket_addr=ticket_service.address, rate_limit_user_requests=1_000_000
    ).test_client()


def write(client, headers, **fields):
    return client.post("/api/v1/knowledge", json={**ROUTER_CASE, **fields}, headers=headers)


def test_create_returns_201_the_article_and_its_location(client, auth_header):
    response = write(client, auth_header("admin"))

    assert response.status_code == 201, response.get_data(as_text=True)
    article = response.get_json()
    assert response.headers["Location"] == f"/api/v1/knowledge/{article['id']}"
    assert article["kind"] == "solved_case"
    assert article["state"] == "published"
    assert article["ticket_types"] == ["fault"]
    found = client.get(response.headers["Location"], headers=auth_header("admin"))
    assert found.status_code == 200 and found.get_json()["title"] == "路由器频繁掉线"


def test_list_filters_by_kind_and_state(client, auth_header):
    headers = auth_header("admin")
    case = write(client, headers).get_json()
    template = write(
        client, headers, kind="reply_template", title="致歉模板", state="draft"
    ).get_json()

    templates = client.get("/api/v1/knowledge?kind=reply_template", headers=headers).get_json()
    published = client.get("/api/v1/knowledge?state=published", headers=headers).get_json()

    assert [a["id"] for a in templates["articles"]] == [template["id"]]
    assert [a["id"] for a in published["articles"]] == [case["id"]]


def test_search_finds_published_articles_only(client, auth_header):
    headers = auth_header("admin")
    published = write(client, headers).get_json()
    write(client, headers, title="路由器掉线草稿", state="draft")

    response = client.get("/api/v1/knowledge/search?q=路由器 掉线", headers=headers)

    assert response.status_code == 200, response.get_data(as_text=True)
    results = response.get_json()["results"]
    assert [r["article"]["id"] for r in results] == [published["id"]]
    assert results[0]["score"] > 0


def test_a_search_needs_its_text(client, auth_header):
    response = client.get("/api/v1/knowledge/search", headers=auth_header("admin"))

    assert response.status_code == 422
    assert [e["field"] for e in response.get_json()["errors"]] == ["q"]


def test_a_ticket_gets_suggestions_from_its_own_text(client, auth_header):
    headers = auth_header("admin")
    article = write(client, headers).get_json()
    ticket = client.post(
        "/api/v1/tickets",
        json={
            "type": "fault",
            "title": "路由器掉线",
            "description": "办公室路由器每小时掉线一次",
            "category": "technical",
            "reporter_name": "李女士",
            "reporter_phone": "13900139000",
        },
        headers=headers,
    )
    assert ticket.status_code == 201, ticket.get_data(as_text=True)

    response = client.get(f"/api/v1/tickets/{ticket.get_json()['id']}/knowledge", headers=headers)

    assert response.status_code == 200, response.get_data(as_text=True)
    assert [r["article"]["id"] for r in response.get_json()["results"]] == [article["id"]]


def test_patch_publishes_and_changes_only_what_was_sent(client, auth_header):
    headers = auth_header("admin")
    draft = write(client, headers, state="draft").get_json()

    response = client.patch(
        f"/api/v1/knowledge/{draft['id']}",
        json={"state": "published", "etag": draft["etag"]},
        headers=headers,
    )
    stale = client.patch(
        f"/api/v1/knowledge/{draft['id']}",
        json={"title": "过期的修改", "etag": draft["etag"]},
        headers=headers,
    )

    nothing = client.patch(
        f"/api/v1/knowledge/{draft['id']}", json={"etag": draft["etag"]}, headers=headers
    )

    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["state"] == "published"
    assert response.get_json()["title"] == draft["title"]
    assert stale.status_code == 409, stale.get_data(as_text=True)
    assert nothing.status_code == 422  # an etag alone changes nothing


def test_bad_input_is_422_with_the_body_field_paths_and_nothing_stored(client, auth_header):
    headers = auth_header("admin")

    missing = client.post("/api/v1/knowledge", json={"kind": "faq"}, headers=headers)
    unknown = write(client, headers, kind="essay", colour="blue")

    assert missing.status_code == 422
    assert [e["field"] for e in missing.get_json()["errors"]] == ["title"]
    assert unknown.status_code == 422
    assert {e["field"] for e in unknown.get_json()["errors"]} == {"kind", "colour"}
    assert client.get("/api/v1/knowledge", headers=headers).get_json()["articles"] == []


def test_delete_is_204_and_the_article_is_gone(client, auth_header):
    headers = auth_header("admin")
    location = write(client, headers).headers["Location"]

    deleted = client.delete(location, headers=headers)

    assert deleted.status_code == 204
    assert deleted.get_data() == b""
    assert client.get(location, headers=headers).status_code == 404

"""``/api/v1/notifications``: the caller's inbox, translated to and from the contract."""

from __future__ import annotations

import pytest


@pytest.fixture
def scripted(scripted_notifications):
    return scripted_notifications[0]


@pytest.fixture
def client(make_app, scripted_notifications):
    _, server = scripted_notifications
    return make_app(notification_addr=server.address).test_client()


def test_list_returns_the_inbox_in_rest_conventions(client, auth_header, scripted):
    response = client.get(
        "/api/v1/notifications?page_size=20&page_token=p1", headers=auth_header("rep.zhang")
    )

    assert response.status_code == 200
    page = response.get_json()
    assert page["next_page_token"] == "p2"
    first, second = page["notifications"]
    assert first["id"] == "n-1" and first["read"] is False and first["read_time"] is None
    assert first["priority"] == "normal"
    assert first["data"] == {"customer_number": "C20240301"}
    assert first["create_time"].endswith("Z")
    assert second["read"] is True and second["priority"] is None
    ((_, request, principal),) = scripted.calls.seen
    assert (request.page_size, request.page_token, request.unread_only) == (20, "p1", False)
    assert principal.username == "rep.zhang"


def test_unread_only_is_passed_on(client, auth_header, scripted):
    response = client.get(
        "/api/v1/notifications?unread_only=true", headers=auth_header("rep.zhang")
    )

    assert [n["id"] for n in response.get_json()["notifications"]] == ["n-1"]
    assert scripted.calls.seen[0][1].unread_only is True


def test_unread_count(client, auth_header):
    response = client.get("/api/v1/notifications/unread-count", headers=auth_header("rep.zhang"))

    assert response.status_code == 200
    assert response.get_json() == {"unread_count": 1, "unread_by_category": {"customer_created": 1}}


def test_mark_read_by_ids_and_all(client, auth_header, scripted):
    headers = auth_header("rep.zhang")

    by_ids = client.post("/api/v1/notifications/mark-read", json={"ids": ["n-1"]}, headers=headers)
    everything = client.post("/api/v1/notifications/mark-read", json={"all": True}, headers=headers)

    assert by_ids.get_json() == {"marked": 1, "unread_count": 0}
    assert everything.status_code == 200
    requests = [r for m, r, _ in scripted.calls.seen if m == "MarkNotificationsRead"]
    assert (list(requests[0].ids), requests[0].all) == (["n-1"], False)
    assert (list(requests[1].ids), requests[1].all) == ([], True)


def test_notification_service_down_is_503(scripted_notifications, make_app, auth_header):
    _, server = scripted_notifications
    client = make_app(notification_addr=server.address).test_client()
    headers = auth_header("rep.zhang")
    server.stop()

    response = client.get("/api/v1/notifications/unread-count", headers=headers)

    assert response.status_code == 503
    assert response.headers["Retry-After"]

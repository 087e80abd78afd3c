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


# -- preferences and deliveries, against the real notification service --------------------------


PUBLIC_ADDRESS = "93.184.215.14"


def resolver(host: str, port: int) -> list[str]:
    """Webhook host names as the notification service sees them here: the example names are
    public, ``intranet.example.com`` is not; no DNS is asked."""
    if host == "intranet.example.com":
        return ["10.20.30.40"]
    if host.endswith(".example.com"):
        return [PUBLIC_ADDRESS]
    raise OSError(f"{host}: Name or service not known")


@pytest.fixture
def notification_service(tmp_path, start_grpc_api, migrated_database):
    """The real notification service (its api and its migrations) on its own SQLite database."""
    from notification_service.api import build_bindings

    url = migrated_database("notification_service", path=tmp_path / "notification.db")
    return start_grpc_api(lambda database: build_bindings(database, resolver=resolver),
                          database_url=url, name="notification")


@pytest.fixture
def real_client(make_app, notification_service):
    return make_app(notification_addr=notification_service.address).test_client()


PREFERENCES = {
    "locale": "en-US",
    "time_zone": "Asia/Shanghai",
    "default_channels": ["in_app", "webhook"],
    "categories": [{"category": "ticket.routed", "channels": [], "muted": True}],
    "quiet_hours": {"enabled": True, "starts_at": "22:00", "ends_at": "08:00"},
    "email": "zhang.wei@example.com",
    "phone": "",
    "webhook": {
        "url": "https://hooks.example.com/crm",
        "secret": "0123456789abcdef0123456789abcdef",
        "enabled": True,
    },
}


def test_preferences_start_as_defaults(real_client, auth_header):
    response = real_client.get("/api/v1/notifications/preferences", headers=auth_header("rep.zhang"))

    assert response.status_code == 200
    body = response.get_json()
    assert body["default_channels"] == ["in_app", "email"]
    assert body["categories"] == [] and body["webhook"] is None
    assert body["user_id"]


def test_put_preferences_replaces_them_and_never_returns_the_secret(real_client, auth_header):
    headers = auth_header("rep.zhang")

    put = real_client.put("/api/v1/notifications/preferences", json=PREFERENCES, headers=headers)
    got = real_client.get("/api/v1/notifications/preferences", headers=headers)

    assert put.status_code == 200, put.get_json()
    for body in (put.get_json(), got.get_json()):
        assert body["locale"] == "en-US"
        assert body["default_channels"] == ["in_app", "webhook"]
        assert body["categories"] == [{"category": "ticket.routed", "channels": [], "muted": True}]
        assert body["quiet_hours"]["starts_at"] == "22:00"
        assert body["webhook"] == {"url": "https://hooks.example.com/crm", "secret_set": True,
                                   "enabled": True}
        assert "secret" not in body["webhook"]
    # Another user's preferences are untouched.
    other = real_client.get("/api/v1/notifications/preferences", headers=auth_header("admin"))
    assert other.get_json()["locale"] == ""


def test_put_preferences_without_a_secret_keeps_the_one_set(real_client, auth_header):
    headers = auth_header("rep.zhang")
    real_client.put("/api/v1/notifications/preferences", json=PREFERENCES, headers=headers)
    without = {**PREFERENCES, "webhook": {"url": "https://hooks.example.com/v2", "enabled": True}}

    response = real_client.put("/api/v1/notifications/preferences", json=without, headers=headers)

    assert response.status_code == 200
    assert response.get_json()["webhook"]["secret_set"] is True


def test_bad_preferences_are_refused_by_the_gateway_or_the_service(real_client, auth_header):
    headers = auth_header("rep.zhang")

    malformed = real_client.put(
        "/api/v1/notifications/preferences",
        json={**PREFERENCES, "quiet_hours": {"enabled": True, "starts_at": "25:00"}},
        headers=headers,
    )
    short_secret = real_client.put(
        "/api/v1/notifications/preferences",
        json={**PREFERENCES, "webhook": {"url": "https://x.example.com", "secret": "short",
                                         "enabled": True}},
        headers=headers,
    )

    assert malformed.status_code == 422  # refused by the gateway's schema
    assert short_secret.status_code == 422  # refused by the service, with the field named
    assert "preferences.webhook.secret" in str(short_secret.get_json())
    stored = real_client.get("/api/v1/notifications/preferences", headers=headers).get_json()
    assert stored["webhook"] is None  # nothing half-stored


@pytest.mark.parametrize("url", [
    "http://127.0.0.1:8080/hooks",
    "https://127.0.0.1/hooks",
    "https://10.0.0.5/hooks",
    "https://169.254.169.254/latest/meta-data/",
    "https://localhost/hooks",
    "https://intranet.example.com/hooks",  # a name that resolves to a private address
])
def test_a_webhook_to_an_internal_address_is_422_on_its_url(real_client, auth_header, url):
    headers = auth_header("rep.zhang")

    response = real_client.put(
        "/api/v1/notifications/preferences",
        json={**PREFERENCES, "webhook": {**PREFERENCES["webhook"], "url": url}},
        headers=headers,
    )

    assert response.status_code == 422
    (error,) = response.get_json()["errors"]
    assert error["field"] == "preferences.webhook.url"
    assert error["message"].startswith("must")
    stored = real_client.get("/api/v1/notifications/preferences", headers=headers).get_json()
    assert stored["webhook"] is None


def test_preferences_need_a_token(real_client):
    assert real_client.get("/api/v1/notifications/preferences").status_code == 401
    assert real_client.put("/api/v1/notifications/preferences", json=PREFERENCES).status_code == 401


def test_the_callers_deliveries_are_listed(real_client, auth_header):
    response = real_client.get(
        "/api/v1/notifications/deliveries?status=failed", headers=auth_header("rep.zhang")
    )

    assert response.status_code == 200
    assert response.get_json() == {"deliveries": [], "next_page_token": ""}


def test_preferences_and_deliveries_are_in_the_openapi_document(real_client):
    paths = real_client.get("/api/v1/openapi.json").get_json()["paths"]
    assert {"get", "put"} <= set(paths["/api/v1/notifications/preferences"])
    assert "get" in paths["/api/v1/notifications/deliveries"]

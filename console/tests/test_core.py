"""The console's core against a real gateway: the sealed session cookie, CSRF, signing in and
out, ``?next=``, refusals as readable pages, the vendored front-end files.

The gateway is the real application over a migrated SQLite database with the demo
organisation, served by werkzeug in a thread on a free port, so the console's identity client
talks HTTP to it exactly as in production. Both trust one proxy hop, as the chart deploys them
(the ingress controller in front of the console, the console in front of the gateway); one
test serves a second gateway as ``make run`` configures it (crm_devstack.suite). No
service api runs: the peers point at a closed port, and the one test that needs a gRPC answer
gets the refusal of an unreachable service.
A small blueprint registered by the fixture gives the tests a signed-in page that calls
nothing (``/_core-test/whoami``) and pages that raise.
"""

from __future__ import annotations

import importlib
import sys

# --import-mode=importlib may have registered the folder gateway/ as a namespace package
# `gateway` (when gateway/tests ran first in this session): put the real package back.
if getattr(sys.modules.get("gateway"), "__file__", None) is None:
    sys.modules.pop("gateway", None)
    importlib.import_module("gateway")

import re
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests
from argon2 import PasswordHasher
from argon2.profiles import CHEAPEST
from crm.customer.v1 import customer_pb2
from crm_console import vendor
from crm_console.app import create_app as create_console
from crm_console.refusals import Refusal
from crm_console.rpc import call
from crm_console.session import _SealedSerializer
from crm_console.settings import ConsoleSettings
from crm_devstack.suite import Suite, SuiteConfig
from crm_shared.auth import generate_signing_key
from crm_shared.db import Database
from crm_shared.settings import load_settings
from flask import Blueprint, Flask, g
from gateway.app import create_app as create_gateway
from gateway.identity.demo import seed_demo_organisation
from gateway.identity.passwords import PasswordHashing
from gateway.settings import GatewaySettings
from werkzeug.serving import make_server

SECRET = "core-test-secret-key-of-at-least-32-characters"
UNREACHABLE = "127.0.0.1:1"  # nothing listens there: a call is refused as unavailable
CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]+)"')
COOKIE = "crm_console"


# --- a real gateway ------------------------------------------------------------------------


@dataclass(frozen=True)
class Gateway:
    url: str
    public_key: Path

    def token(self, username: str, password: str = "demo") -> dict:
        response = requests.post(
            f"{self.url}/api/v1/auth/token",
            json={"username": username, "password": password},
            timeout=10,
        )
        assert response.status_code == 200, response.text
        return response.json()


HASHING = PasswordHashing(PasswordHasher.from_parameters(CHEAPEST))


@contextmanager
def serve_gateway(database: Database, keys: Path, **settings) -> Iterator[Gateway]:
    """The gateway over ``database``, served by werkzeug in a thread on a free port."""
    private, public = keys / "private.pem", keys / "public.pem"
    loaded = load_settings(
        GatewaySettings,
        database_url=str(database.engine.url),
        jwt_private_key_file=private,
        jwt_public_key_file=public,
        demo_mode=False,
        outbox_relay=False,
        log_level="INFO",
        **{
            f"{peer}_addr": UNREACHABLE
            for peer in ("customer", "sales", "ticket", "marketing", "notification")
        },
        **settings,
    )
    app = create_gateway(loaded, database=database, hashing=HASHING)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Gateway(f"http://127.0.0.1:{server.server_port}", public)
    finally:
        server.shutdown()
        thread.join(timeout=5)
        app.extensions["crm.gateway"].peers.close()


@pytest.fixture(scope="module")
def gateway_database(tmp_path_factory, module_migrated_database) -> Iterator[tuple[Database, Path]]:
    """The gateway's migrated database with the demo organisation, and its signing keys."""
    keys = tmp_path_factory.mktemp("keys")
    generate_signing_key(keys / "private.pem", keys / "public.pem")
    database = Database(module_migrated_database("gateway"))
    assert seed_demo_organisation(database, HASHING)
    yield database, keys
    database.dispose()


@pytest.fixture(scope="module")
def gateway(gateway_database) -> Iterator[Gateway]:
    with serve_gateway(*gateway_database, http_trusted_proxies=1) as served:
        yield served


# --- the console under test ----------------------------------------------------------------


def _test_pages() -> Blueprint:
    pages = Blueprint("core_test", __name__, url_prefix="/_core-test")

    @pages.get("/whoami")
    def whoami():
        return {"username": g.principal.username}

    @pages.get("/refused")
    def refused():
        raise Refusal(status=409, message="the ticket is closed already")

    @pages.get("/unavailable")
    def unavailable():
        call("customer", "GetCustomer", customer_pb2.GetCustomerRequest(id="c-1"))
        return "not reached"

    @pages.get("/broken")
    def broken():
        raise RuntimeError("a bug with a secret detail")

    return pages


def make_console(
    gateway: Gateway, *, secure: bool, secret: str = SECRET, trusted_proxies: int = 1
) -> Flask:
    settings = load_settings(
        ConsoleSettings,
        gateway_url=gateway.url,
        jwt_public_key_file=gateway.public_key,
        console_secret_key=secret,
        console_secure_cookies=secure,
        grpc_timeout_seconds=0.5,
        http_trusted_proxies=trusted_proxies,
        **{
            f"{peer}_addr": UNREACHABLE
            for peer in ("customer", "sales", "ticket", "marketing", "notification")
        },
    )
    app = create_console(settings)
    app.register_blueprint(_test_pages())
    return app


@pytest.fixture(scope="module")
def console(gateway) -> Iterator[Flask]:
    app = make_console(gateway, secure=False)
    yield app
    app.extensions["crm.console"].peers.close()


@pytest.fixture
def client(console):
    """A browser that chose English (the switcher's choice outranks the profile's zh-CN)."""
    client = console.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en-US"
    client.get("/sign-in?lang=en-US")
    return client


def csrf_token(client, path: str = "/sign-in") -> str:
    page = client.get(path)
    match = CSRF_INPUT.search(page.get_data(as_text=True))
    assert match, page.get_data(as_text=True)[:500]
    return match.group(1)


def sign_in(client, username: str, password: str = "demo", *, next_path: str = "", lang: str = ""):
    token = csrf_token(client)
    return client.post(
        "/sign-in" + (f"?lang={lang}" if lang else ""),
        data={"csrf_token": token, "username": username, "password": password, "next": next_path},
    )


def session_cookie(client) -> str | None:
    cookie = client.get_cookie(COOKIE)
    return cookie.value if cookie else None


def opened_session(app: Flask, client) -> dict:
    return _SealedSerializer(str(app.secret_key)).loads(session_cookie(client))


def is_sign_in_redirect(response) -> bool:
    return response.status_code == 302 and urlsplit(response.location).path == "/sign-in"


def text(response) -> str:
    return response.get_data(as_text=True)


# --- signing in ------------------------------------------------------------------------------


def test_right_password_signs_in_and_redirects_to_my_work(client):
    response = sign_in(client, "rep.zhang")

    assert response.status_code == 302
    assert urlsplit(response.location).path == "/"
    assert client.get("/_core-test/whoami").get_json() == {"username": "rep.zhang"}


def test_wrong_password_is_a_readable_message_and_no_session(client):
    response = sign_in(client, "rep.zhang", "not-the-password")

    assert response.status_code == 401
    assert "Wrong username or password." in text(response)
    assert 'role="alert"' in text(response)
    assert is_sign_in_redirect(client.get("/_core-test/whoami"))


def test_wrong_password_reads_in_chinese_too(client):
    response = sign_in(client, "rep.zhang", "not-the-password", lang="zh-CN")

    assert response.status_code == 401
    assert "用户名或密码错误。" in text(response)


def test_failed_sign_ins_count_against_each_persons_address_not_the_consoles(console):
    """Behind the ingress, the gateway's login throttle sees the address of the person signing
    in (the console forwards it), so an attacker locking an account out at their address does
    not lock its owner out of the console."""

    def browser(address: str):
        client = console.test_client()
        client.environ_base.update(
            HTTP_ACCEPT_LANGUAGE="en-US", REMOTE_ADDR="10.42.0.7", HTTP_X_FORWARDED_FOR=address
        )
        return client

    attacker, owner = browser("203.0.113.9"), browser("198.51.100.20")
    statuses = [sign_in(attacker, "marketer.chen", "guess").status_code for _ in range(6)]
    assert statuses.count(401) >= 3 and statuses[-1] == 429

    refused = sign_in(attacker, "marketer.chen")
    assert "Too many failed attempts." in text(refused)
    assert sign_in(owner, "marketer.chen").status_code == 302


def _as_make_run_configures(component: str, tmp_path: Path) -> dict[str, object]:
    """The client-address settings ``make run`` gives ``component`` (crm_devstack.suite)."""
    env = Suite(SuiteConfig(data_dir=tmp_path, amqp_url="amqp://unused")).env_for(
        component, "serve"
    )
    names = ("HTTP_TRUSTED_PROXIES", "HTTP_TRUSTED_PROXY_PEERS")
    return {name.lower(): env[name] for name in names if name in env}


def test_each_public_page_visitor_has_their_own_bucket_at_the_gateway(
    gateway_database, tmp_path
):
    """Under ``make run`` every visitor of the public pages reaches the gateway from the
    console's address; the console forwards each one's own, and the gateway believes it from
    the console, so one visitor's 429 is not everyone's. A visitor who writes X-Forwarded-For
    at the console stays in their own bucket."""
    limited = {"public_rate_limit_per_address": 2, "public_rate_limit_per_target": 1_000}
    settings = _as_make_run_configures("gateway", tmp_path)
    with serve_gateway(*gateway_database, **settings, **limited) as served:
        console = make_console(
            served, secure=False,
            trusted_proxies=int(_as_make_run_configures("console", tmp_path).get(
                "http_trusted_proxies", 0)),
        )

        def unsubscribe(address: str, forwarded_for: str | None = None) -> int:
            environ = {"REMOTE_ADDR": address}
            if forwarded_for:
                environ["HTTP_X_FORWARDED_FOR"] = forwarded_for
            # the one-click POST: no form to fetch first; marketing is down, so each request
            # the gateway lets through is a 503 page and the one it refuses a 429
            return console.test_client().post(
                "/u/" + "A" * 40, data={"List-Unsubscribe": "One-Click"}, environ_base=environ
            ).status_code

        first = [unsubscribe("192.0.2.10") for _ in range(2)]
        assert first == [503, 503]
        assert unsubscribe("192.0.2.10") == 429  # this visitor's bucket is full
        assert unsubscribe("192.0.2.10", forwarded_for="198.51.100.77") == 429  # still theirs
        assert unsubscribe("192.0.2.20") == 503  # another visitor is not refused
        console.extensions["crm.console"].peers.close()


def test_missing_fields_are_shown_next_to_them(client):
    response = sign_in(client, "", "")

    assert response.status_code == 422
    assert "Enter your username." in text(response)
    assert "Enter your password." in text(response)


def test_a_service_account_cannot_sign_in(gateway, client):
    admin = gateway.token("admin")["access_token"]
    created = requests.post(
        f"{gateway.url}/api/v1/service-accounts",
        json={
            "client_id": "svc.core-test",
            "display_name": "Core test",
            "department_path": "/hq",
            "roles": [],
            "scopes": [],
            "data_scope": "all",
        },
        headers={"Authorization": f"Bearer {admin}"},
        timeout=10,
    )
    assert created.status_code == 201, created.text
    secret = created.json()["client_secret"]

    response = sign_in(client, "svc.core-test", secret)

    assert response.status_code == 401
    assert "Wrong username or password." in text(response)
    assert is_sign_in_redirect(client.get("/_core-test/whoami"))

    # Nor does a service account's token work when it is in a (validly sealed) session.
    issued = requests.post(
        f"{gateway.url}/api/v1/auth/token",
        json={
            "grant_type": "client_credentials",
            "client_id": "svc.core-test",
            "client_secret": secret,
        },
        timeout=10,
    )
    assert issued.status_code == 200, issued.text
    sealed = _SealedSerializer(SECRET).dumps(
        {"access_token": issued.json()["access_token"], "access_expires_at": int(time.time()) + 600}
    )
    client.set_cookie(COOKIE, sealed)
    assert is_sign_in_redirect(client.get("/_core-test/whoami"))


# --- the session cookie ----------------------------------------------------------------------


def test_the_cookie_is_httponly_and_samesite_lax_and_not_secure_on_plain_http(client):
    response = sign_in(client, "rep.zhang")

    (cookie,) = [c for c in response.headers.getlist("Set-Cookie") if c.startswith(COOKIE + "=")]
    attributes = {part.strip().split("=")[0].lower() for part in cookie.split(";")}
    assert "httponly" in attributes
    assert "samesite=lax" in cookie.lower().replace(" ", "")
    assert "secure" not in attributes


def test_the_cookie_is_secure_when_configured(gateway):
    app = make_console(gateway, secure=True)
    try:
        client = app.test_client()
        page = client.get("/sign-in", base_url="https://console.test")
        token = CSRF_INPUT.search(text(page)).group(1)
        response = client.post(
            "/sign-in",
            base_url="https://console.test",
            data={"csrf_token": token, "username": "rep.zhang", "password": "demo"},
            headers={"Referer": "https://console.test/sign-in"},
        )

        assert response.status_code == 302, text(response)[:300]
        (cookie,) = [
            c for c in response.headers.getlist("Set-Cookie") if c.startswith(COOKIE + "=")
        ]
        attributes = {part.strip().split("=")[0].lower() for part in cookie.split(";")}
        assert {"secure", "httponly"} <= attributes
        assert "samesite=lax" in cookie.lower().replace(" ", "")
    finally:
        app.extensions["crm.console"].peers.close()


def test_the_cookie_is_sealed_the_tokens_cannot_be_read_from_it(console, client):
    sign_in(client, "rep.zhang")
    value = session_cookie(client)
    tokens = opened_session(console, client)

    assert tokens["access_token"] and tokens["refresh_token"]
    assert tokens["access_token"] not in value and "access_token" not in value
    # Not Flask's default (base64 JSON + signature): nothing in it decodes to the token.
    import base64

    raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    assert b"access_token" not in raw and tokens["access_token"].encode() not in raw


def test_a_tampered_cookie_is_refused(client):
    sign_in(client, "rep.zhang")
    value = session_cookie(client)
    assert client.get("/_core-test/whoami").status_code == 200

    position = len(value) // 2
    flipped = "A" if value[position] != "A" else "B"
    client.set_cookie(COOKIE, value[:position] + flipped + value[position + 1 :])

    assert is_sign_in_redirect(client.get("/_core-test/whoami"))


def test_a_cookie_sealed_with_another_key_is_refused(gateway, client):
    token = gateway.token("rep.zhang")["access_token"]
    content = {"access_token": token, "access_expires_at": int(time.time()) + 600}

    client.set_cookie(COOKIE, _SealedSerializer("another-key-" + "x" * 40).dumps(content))
    assert is_sign_in_redirect(client.get("/_core-test/whoami"))

    # The same content under the console's own key is accepted: the key made the difference.
    client.set_cookie(COOKIE, _SealedSerializer(SECRET).dumps(content))
    assert client.get("/_core-test/whoami").get_json() == {"username": "rep.zhang"}


def test_an_htmx_request_without_a_session_asks_the_browser_to_sign_in(client):
    response = client.get("/_core-test/whoami", headers={"HX-Request": "true"})

    assert response.status_code == 401
    assert urlsplit(response.headers["HX-Redirect"]).path == "/sign-in"


# --- CSRF --------------------------------------------------------------------------------------


def test_a_post_without_the_csrf_token_is_a_readable_400(client):
    response = client.post("/sign-in", data={"username": "rep.zhang", "password": "demo"})

    assert response.status_code == 400
    body = text(response)
    assert "The form has expired. Reload the page and try again." in body
    assert "Traceback" not in body and "<!doctype html>" in body.lower()
    assert session_cookie(client) is None or "access_token" not in str(
        _SealedSerializer(SECRET).loads(session_cookie(client))
    )


def test_a_post_with_a_forged_csrf_token_is_refused_and_does_nothing(client):
    sign_in(client, "rep.zhang")
    csrf_token(client)  # a page was shown: the session has its CSRF secret
    response = client.post("/sign-out", data={"csrf_token": "forged"})

    assert response.status_code == 400
    assert "The form has expired. Reload the page and try again." in text(response)
    # Nothing happened: still signed in.
    assert client.get("/_core-test/whoami").status_code == 200


def test_the_csrf_page_is_in_the_users_language(client):
    client.get("/sign-in?lang=zh-CN")
    response = client.post("/sign-in", data={"username": "rep.zhang", "password": "demo"})

    assert response.status_code == 400
    assert "表单已过期，请刷新页面后重试。" in text(response)


# --- signing out ----------------------------------------------------------------------------


def test_sign_out_revokes_the_refresh_token_at_the_gateway(gateway, console, client):
    sign_in(client, "rep.zhang")
    refresh_token = opened_session(console, client)["refresh_token"]
    token = csrf_token(client, "/sign-in")

    response = client.post("/sign-out", data={"csrf_token": token})

    assert is_sign_in_redirect(response)
    assert is_sign_in_redirect(client.get("/_core-test/whoami"))
    refused = requests.post(
        f"{gateway.url}/api/v1/auth/token",
        json={"grant_type": "refresh_token", "refresh_token": refresh_token},
        timeout=10,
    )
    assert refused.status_code in (400, 401), refused.text


# --- ?next= -----------------------------------------------------------------------------------


def test_next_goes_back_to_the_page_asked_for(client):
    first = client.get("/_core-test/whoami?x=1")
    assert is_sign_in_redirect(first)
    asked_for = dict(p.split("=", 1) for p in urlsplit(first.location).query.split("&"))["next"]

    response = sign_in(client, "rep.zhang", next_path=requests.utils.unquote(asked_for))

    assert response.status_code == 302
    assert response.location == "/_core-test/whoami?x=1"


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/phish",
        "//evil.example/phish",
        "http:/evil.example",
        "javascript:alert(1)",
        "evil.example",
    ],
)
def test_next_cannot_redirect_off_site(client, target):
    response = sign_in(client, "rep.zhang", next_path=target)

    assert response.status_code == 302
    parts = urlsplit(response.location)
    assert not parts.netloc and not parts.scheme and parts.path == "/"


@pytest.mark.parametrize("target", ["/\\evil.example/phish", "/\t/evil.example/phish"])
def test_next_that_a_browser_reads_as_another_host_is_refused(client, target):
    response = sign_in(client, "rep.zhang", next_path=target)

    # What a browser makes of the Location header: a backslash is a slash and tabs vanish
    # (WHATWG URL parsing), so '/\\host' or '/<tab>/host' sent as written would be '//host'.
    as_read = re.sub(r"[\t\n\r]", "", response.location).replace("\\", "/")
    assert not as_read.startswith("//") and not urlsplit(as_read).netloc, response.location


# --- refusals ----------------------------------------------------------------------------------


def test_a_refusal_is_a_readable_page_never_a_500(client):
    sign_in(client, "rep.zhang")

    response = client.get("/_core-test/refused")

    assert response.status_code == 409
    body = text(response)
    assert "This cannot be done in the record" in body
    assert "the ticket is closed already" in body
    assert "Traceback" not in body


def test_an_htmx_refusal_is_a_message_in_the_message_area(client):
    sign_in(client, "rep.zhang")

    response = client.get("/_core-test/refused", headers={"HX-Request": "true"})

    assert response.status_code == 409
    assert response.headers["HX-Retarget"] == "#messages"
    assert 'role="alert"' in text(response) and "<html" not in text(response)


def test_an_unreachable_service_is_a_readable_page(client):
    sign_in(client, "rep.zhang")

    response = client.get("/_core-test/unavailable")

    # Refused connection (503) or, with the channel waiting for it, the deadline (504).
    assert response.status_code in (503, 504)
    assert {
        503: "A service is not available right now. Try again shortly.",
        504: "A service took too long to answer. Try again shortly.",
    }[response.status_code] in text(response)


def test_an_unexpected_error_is_a_plain_page_without_its_details(client):
    sign_in(client, "rep.zhang")

    response = client.get("/_core-test/broken")

    assert response.status_code == 500
    body = text(response)
    assert "Something went wrong. Try again later." in body
    assert "secret detail" not in body and "Traceback" not in body


def test_an_unknown_page_is_a_readable_404_in_chinese(client):
    sign_in(client, "rep.zhang")

    response = client.get("/no-such-page?lang=zh-CN")

    assert response.status_code == 404
    assert "未找到，或您无权查看。" in text(response)


def test_pages_carry_the_content_security_policy(client):
    response = client.get("/sign-in")

    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response.headers["Cache-Control"] == "no-store"


# --- vendored files ----------------------------------------------------------------------------


def test_the_vendored_files_match_their_manifest():
    result = subprocess.run(
        [sys.executable, "-m", "crm_console.vendor"],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )

    assert result.returncode == 0, result.stderr
    assert set(vendor.manifest()) == {"htmx.min.js", "echarts.min.js"}


def test_the_vendor_check_catches_a_changed_file(tmp_path, monkeypatch):
    copy = tmp_path / "vendor"
    shutil.copytree(vendor.VENDOR_DIR, copy)
    (copy / "htmx.min.js").write_text("/* not htmx */")
    monkeypatch.setattr(vendor, "VENDOR_DIR", copy)

    assert vendor.mismatches() == ["htmx.min.js: differs from htmx.org@2.0.8"]


def test_the_department_directory_is_kept_per_person_and_forgotten_on_a_change(gateway):
    from crm_console.identity import GatewayIdentity

    directory = GatewayIdentity(gateway.url)
    admin = gateway.token("admin")["access_token"]
    first = directory.departments(admin, "u-admin")
    assert any(d["path"] == "/hq/service" for d in first)
    path = f"/hq/kept{int(time.time() * 1000) % 100000}"
    # Created behind the console's back: a person's directory is kept (a minute).
    created = requests.post(f"{gateway.url}/api/v1/departments", timeout=10,
                            headers={"Authorization": f"Bearer {admin}"},
                            json={"path": path, "name": "保留测试"})
    assert created.status_code == 201, created.text
    assert path not in {d["path"] for d in directory.departments(admin, "u-admin")}
    # Another person's directory is their own read.
    assert path in {d["path"] for d in directory.departments(admin, "u-someone-else")}
    # A change made through the console forgets every kept directory.
    directory.request("PATCH", f"/api/v1/departments{path}", token=admin,
                      body={"name": "保留测试二"})
    assert any(d["path"] == path and d["name"] == "保留测试二"
               for d in directory.departments(admin, "u-admin"))

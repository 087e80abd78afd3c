"""The whole suite as separate processes, started once for the e2e tests.

Everything is real: a private RabbitMQ vhost, SQLite files (or PostgreSQL databases),
every api, worker and the gateway as processes, and an OTLP collector this test session
runs itself, so traces are asserted as a user of the suite would see them.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
from crm_devstack.ports import free_port
from crm_devstack.suite import SERVICES, Suite, SuiteConfig
from crm_devstack.traces import TraceCollector


@dataclass
class Response:
    status: int
    headers: dict
    body: object


class Http:
    """A tiny JSON client for the gateway (urllib: nothing the suite itself uses)."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url

    def call(self, method: str, path: str, body=None, token: str | None = None) -> Response:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.base_url + path, data=data, method=method)
        request.add_header("Content-Type", "application/json")
        if token:
            request.add_header("Authorization", f"Bearer {token}")
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                raw, status, headers = response.read(), response.status, dict(response.headers)
        except urllib.error.HTTPError as error:
            raw, status, headers = error.read(), error.code, dict(error.headers)
        return Response(status, headers, json.loads(raw) if raw else None)

    def login(self, username: str, password: str = "demo") -> str:
        response = self.call("POST", "/api/v1/auth/token", {"username": username, "password": password})
        assert response.status == 200, response
        return response.body["access_token"]


def _lead_assigned_to(http: Http, username: str, lead: dict) -> dict:
    from crm_devstack.waiting import wait_until

    lead_token = http.login("sales.lead")
    rep_id = http.call("GET", "/api/v1/me", token=http.login(username)).body["id"]
    wait_until(lambda: http.call("GET", f"/api/v1/sales/reps/{rep_id}",
                                 token=lead_token).status == 200,
               timeout=30, message=f"the sales service never learnt of {username}")
    created = http.call("POST", "/api/v1/leads", lead, lead_token)
    assert created.status == 201, created
    if created.body["owner_id"] == rep_id:
        return created.body
    assigned = http.call("POST", f"/api/v1/leads/{created.body['id']}/assign",
                         {"assignee_id": rep_id, "reason": "e2e"}, lead_token)
    assert assigned.status == 200, assigned
    assert assigned.body["lead"]["owner_id"] == rep_id
    return assigned.body["lead"]


@pytest.fixture(scope="session")
def lead_assigned_to(running_suite):
    """``lead_assigned_to(username, body)``: a lead created by ``sales.lead`` with ``body``,
    owned by ``username`` — assigned by hand unless the assignment rules already gave it to
    them (assigning a lead to its owner again is refused)."""
    return lambda username, body: _lead_assigned_to(running_suite.http, username, body)


# A survey link opens the console's survey page (/s/<token>); integrators answer the same
# token through the gateway's JSON route, which the tests that answer by API call.
SURVEY_LINK = re.compile(r"https?://\S+?/s/([A-Za-z0-9_.-]+)")
SURVEY_API = "/api/v1/surveys/respond/"


def _survey_link_texted_to(running_suite: RunningSuite, phone: str) -> str:
    from crm_devstack.waiting import wait_until

    number = phone.removeprefix("+86")

    def texted():
        folder = running_suite.config.sms_dir
        texts = [json.loads(path.read_text()) for path in folder.glob("*.json")] \
            if folder.exists() else []
        links = [SURVEY_LINK.search(text["text"]) for text in texts
                 if text["to"].endswith(number)]
        return [SURVEY_API + link.group(1) for link in links if link]

    return wait_until(texted, timeout=60,
                      message=f"no survey link was ever texted to {phone}")[-1]


@pytest.fixture(scope="session")
def survey_link_texted_to(running_suite):
    """``survey_link_texted_to(phone)``: the gateway's JSON path of the newest survey link in a
    text message to ``phone`` (the SMS gateway's sink), once it is there. Staff never see a link, so a test
    answers as the customer does: from their message."""
    return lambda phone: _survey_link_texted_to(running_suite, phone)


@dataclass
class RunningSuite:
    suite: Suite
    http: Http
    collector: TraceCollector

    @property
    def config(self) -> SuiteConfig:
        return self.suite.config


@pytest.fixture(scope="session")
def running_suite(rabbitmq):
    """One suite for every e2e test: starting a dozen processes costs ~40 s on two cores.
    Tests stay independent by working on records of their own (and the crash tests put each
    process back as it was)."""
    vhost = f"e2e-{uuid.uuid4().hex[:8]}"
    rabbitmq.add_vhost(vhost)
    data_dir = Path(tempfile.mkdtemp(prefix="crm-e2e-"))
    collector = TraceCollector(data_dir / "traces.sqlite").start()
    config = SuiteConfig(
        data_dir=data_dir,
        amqp_url=rabbitmq.url_for_vhost(vhost),
        gateway_port=free_port(),
        console_port=free_port(),
        grpc_ports={svc: free_port() for svc in SERVICES},
        worker_ports={svc: free_port() for svc in SERVICES},
        otlp_endpoint=collector.endpoint,
        smtp_port=free_port(),
        sms_port=free_port(),
        extra_env={"EVENT_RETRY_DELAYS": "0.5,1", "HEALTH_CHECK_SECONDS": "1",
                   # public pages' rate-limit windows (console and gateway) of 20 s, not a
                   # minute: the burst test waits for its window to end so later tests are
                   # not refused, and a burst of 200 posts fits well inside 20 s
                   "PUBLIC_RATE_LIMIT_WINDOW_SECONDS": "20"},
    )
    suite = Suite(config)
    try:
        suite.start()
        yield RunningSuite(suite, Http(config.gateway_url), collector)
    finally:
        suite.stop()
        collector.stop()
        rabbitmq.delete_vhost(vhost)
        shutil.rmtree(data_dir, ignore_errors=True)


# -- the console in a real browser (Debian's chromium, driven by Playwright) ----------------

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            yield chromium
        finally:
            chromium.close()


# Each Content-Security-Policy violation of a page, logged as a console error the test sees
# (Chromium logs most itself; the event also catches those it only reports to the page).
_REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (e) => console.error(
  `CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || "inline"} at ${e.sourceFile}:${e.lineNumber}`));
"""


def is_csp_violation(message: str) -> bool:
    return "Content Security Policy" in message or message.startswith("CSP violation")


class Console:
    """Signed-in browser pages on the suite's console; every request a page makes is kept,
    so a test can assert that nothing left the console's origin, and every error the pages
    log, so it can assert that the Content-Security-Policy blocked nothing."""

    def __init__(self, running_suite: RunningSuite, browser) -> None:
        self.url = running_suite.config.console_url
        self.browser = browser
        self.contexts = []
        self.requests: list[str] = []
        self.errors: list[str] = []

    @property
    def csp_violations(self) -> list[str]:
        return [message for message in self.errors if is_csp_violation(message)]

    def new_page(self, *, language: str = "zh-CN", viewport=DESKTOP):
        context = self.browser.new_context(viewport=viewport, locale=language,
                                           extra_http_headers={"Accept-Language": language})
        context.set_default_timeout(15_000)
        context.add_init_script(_REPORT_CSP_VIOLATIONS)
        self.contexts.append(context)
        page = context.new_page()
        page.on("request", lambda request: self.requests.append(request.url))
        page.on("console", lambda message: message.type == "error"
                and self.errors.append(f"{page.url}: {message.text}"))
        return page

    def page_as(self, username: str, *, language: str = "zh-CN", viewport=DESKTOP,
                password: str = "demo"):
        """A page signed in as ``username``, its language chosen on the sign-in page."""
        page = self.new_page(language=language, viewport=viewport)
        page.goto(f"{self.url}/sign-in?lang={language}")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", password)
        page.click("form.stacked button[type=submit]")
        page.wait_for_url(lambda url: "/sign-in" not in url)
        return page

    def foreign_requests(self) -> list[str]:
        return [url for url in self.requests
                if not url.startswith(self.url) and not url.startswith("data:")]

    def close(self) -> None:
        for context in self.contexts:
            context.close()


@pytest.fixture
def console(running_suite, browser):
    driver = Console(running_suite, browser)
    try:
        yield driver
    finally:
        driver.close()

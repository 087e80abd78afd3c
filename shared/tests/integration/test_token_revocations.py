"""PolledRevocations against a document served over real HTTP: nothing is accepted before the
first document, a token issued before its user's watermark is refused and one after it is not,
unchanged documents are asked for conditionally, and the last document stays in force while
the gateway cannot be reached (crm_shared.auth.revocations)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from crm_devstack.waiting import wait_until
from crm_shared.auth.revocations import (
    DOCUMENT_PATH,
    PolledRevocations,
    Revoked,
    document,
)
from crm_shared.errors import Unauthenticated

WATERMARK_MS = 1_800_000_000_000  # u-changed's last security change


class Gateway(ThreadingHTTPServer):
    """Serves one revocations document with an ETag, and counts what it was asked."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.body = json.dumps(document({"u-changed": WATERMARK_MS}, 960)).encode()
        self.etag = '"v1"'
        self.answers: list[int] = []


class _Handler(BaseHTTPRequestHandler):
    server: Gateway

    def do_GET(self) -> None:
        if self.path != DOCUMENT_PATH:
            self.send_error(404)
            return
        unchanged = self.headers.get("If-None-Match") == self.server.etag
        self.server.answers.append(304 if unchanged else 200)
        self.send_response(304 if unchanged else 200)
        self.send_header("ETag", self.server.etag)
        if unchanged:
            self.end_headers()
            return
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(self.server.body)))
        self.end_headers()
        self.wfile.write(self.server.body)

    def log_message(self, *_args) -> None:
        pass


@pytest.fixture
def gateway() -> Iterator[Gateway]:
    server = Gateway()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join(5)


def url_of(gateway: Gateway) -> str:
    return f"http://127.0.0.1:{gateway.server_address[1]}{DOCUMENT_PATH}"


def test_nothing_is_accepted_before_the_first_document(gateway):
    revocations = PolledRevocations(url_of(gateway), interval_seconds=0.1)

    with pytest.raises(Unauthenticated, match="not loaded"):
        revocations.check("u-other", WATERMARK_MS / 1000)


def test_a_token_issued_before_its_users_watermark_is_refused_and_one_after_it_is_not(gateway):
    revocations = PolledRevocations(url_of(gateway), interval_seconds=0.1)
    revocations.start()
    try:
        wait_until(lambda: revocations.loaded, timeout=10, message="no document loaded")
        with pytest.raises(Revoked):
            revocations.check("u-changed", (WATERMARK_MS - 1) / 1000)
        revocations.check("u-changed", WATERMARK_MS / 1000)  # issued just after: accepted
        revocations.check("u-other", (WATERMARK_MS - 60_000) / 1000)  # nobody else's
        # later polls ask conditionally and get 304
        wait_until(lambda: 304 in gateway.answers, timeout=10, message="no conditional poll")
    finally:
        revocations.stop()


def test_the_last_document_stays_in_force_while_the_gateway_is_unreachable(gateway):
    revocations = PolledRevocations(url_of(gateway), interval_seconds=0.1, timeout_seconds=1)
    revocations.start()
    try:
        wait_until(lambda: revocations.loaded, timeout=10, message="no document loaded")
        gateway.shutdown()
        gateway.server_close()
        wait_until(lambda: revocations.failing, timeout=10, message="no poll failed")

        with pytest.raises(Revoked):
            revocations.check("u-changed", (WATERMARK_MS - 1) / 1000)
        revocations.check("u-other", (WATERMARK_MS - 1) / 1000)
    finally:
        revocations.stop()

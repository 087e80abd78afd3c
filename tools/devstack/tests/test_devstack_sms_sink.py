"""The local SMS gateway against the notification service's real sender (``send_sms``): what
one signs, the other takes, once per delivery; what is not signed with the secret is refused."""

import json
import threading

import pytest
import requests
from crm_devstack.sms_sink import make_server
from crm_shared.webhook_signatures import SIGNATURE_HEADER, sign
from notification_service.channels import SmsGateway, send_sms

SECRET = "sms-gateway-secret-of-the-test"


@pytest.fixture
def sink(tmp_path):
    server = make_server(0, tmp_path / "sms", SECRET)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/sms", tmp_path / "sms"
    server.shutdown()
    server.server_close()


def _send(url: str, secret: str, delivery_id: str = "d-1"):
    return send_sms(SmsGateway(url=url, secret=secret, sender="【CRM】", timeout_seconds=5),
                    to="+8613812345678", text="李雷，您的工单已关闭", delivery_id=delivery_id,
                    timestamp=1_767_225_600)


def test_a_signed_message_is_kept_once_per_delivery(sink):
    url, folder = sink
    first, again = _send(url, SECRET), _send(url, SECRET)  # a retried attempt
    assert (first.success, first.response_code, again.success) == (True, "202", True)
    (kept,) = folder.glob("*.json")
    assert kept.name == "d-1.json"
    assert json.loads(kept.read_text()) == {"delivery_id": "d-1", "to": "+8613812345678",
                                            "text": "李雷，您的工单已关闭", "sender": "【CRM】"}


def test_a_message_signed_with_another_secret_is_refused_and_not_kept(sink):
    url, folder = sink
    refused = _send(url, "not-the-gateways-secret")
    assert (refused.success, refused.response_code) == (False, "401")
    assert list(folder.glob("*.json")) == []


def test_a_body_that_is_no_text_message_is_a_bad_request(sink):
    url, folder = sink
    answer = requests.post(url, data=b'{"to": "+8613812345678"}', timeout=5)
    assert answer.status_code == 401  # unsigned
    body = b'{"to": "+8613812345678"}'
    answer = requests.post(url, data=body, timeout=5,
                           headers={SIGNATURE_HEADER: sign(SECRET, 1, body)})
    assert answer.status_code == 400
    assert list(folder.glob("*.json")) == []

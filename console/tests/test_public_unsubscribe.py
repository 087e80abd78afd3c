"""The unsubscribe page (crm_console.public.unsubscribe) before it reaches the gateway: opening
the link changes nothing (mail scanners open links), and a mail client's RFC 8058 one-click
POST, which has no cookie and no CSRF token, is let through to the gateway (unreachable here:
the plain 503 page), while the same POST to a page without the exemption is refused as CSRF."""

from __future__ import annotations

import pytest

TOKEN = "YzE6ZW1haWw6OTk5OTk5OTk5OQ." + "A" * 43


@pytest.fixture(scope="module")
def client(public_client):
    return public_client()


def test_opening_the_link_asks_and_changes_nothing(client):
    page = client.get(f"/u/{TOKEN}")

    assert page.status_code == 200  # nothing called: the gateway here is unreachable
    assert "确定退订营销信息吗？" in page.text and 'method="post"' in page.text


def test_a_one_click_post_without_cookie_or_csrf_token_reaches_the_gateway(client):
    one_click = client.post(f"/u/{TOKEN}", data={"List-Unsubscribe": "One-Click"})
    survey = client.post(f"/s/{TOKEN}", data={"q-q1": "5"})

    assert one_click.status_code == 503  # past the CSRF check, to the (unreachable) gateway
    assert "服务暂时不可用" in one_click.text
    assert survey.status_code == 400  # the survey form keeps its CSRF check


def test_a_token_longer_than_any_link_is_refused_without_a_call(client):
    refused = client.post(f"/u/{'A' * 400}", data={"List-Unsubscribe": "One-Click"})

    assert refused.status_code == 404
    assert "该退订链接无效或已过期" in refused.text

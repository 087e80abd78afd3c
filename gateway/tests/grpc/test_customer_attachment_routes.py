"""Attachments over REST (``/api/v1/customers/<id>/attachments``, issue 20) against the real
customer service: a multipart upload judged by its bytes, a download under its Chinese name,
another rep's 404, and the body limit of the upload route alone."""

from __future__ import annotations

import io
from urllib.parse import quote

import pytest
from crm_shared.attachments import MAX_SIZE_BYTES
from PIL import Image


@pytest.fixture
def attachment_dir(tmp_path, monkeypatch):
    # Read by the customer api's settings when the fixture below builds it.
    monkeypatch.setenv("ATTACHMENT_LOCAL_DIR", str(tmp_path / "attachments"))
    return tmp_path / "attachments"


@pytest.fixture
def client(attachment_dir, make_app, customer_service):
    return make_app(customer_addr=customer_service.address).test_client()


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 32), (20, 120, 200)).save(out, format="PNG")
    return out.getvalue()


def _customer(client, headers) -> str:
    created = client.post(
        "/api/v1/customers",
        headers=headers,
        json={
            "type": "enterprise",
            "display_name": "上海浦东物流有限公司",
            "enterprise": {"legal_name": "上海浦东物流有限公司", "industry": "logistics"},
        },
    )
    assert created.status_code == 201, created.get_data(as_text=True)
    return created.get_json()["id"]


def _upload(client, headers, customer_id, content: bytes, file_name: str):
    return client.post(
        f"/api/v1/customers/{customer_id}/attachments",
        headers=headers,
        content_type="multipart/form-data",
        data={"file": (io.BytesIO(content), file_name)},
    )


def test_an_upload_is_sniffed_listed_and_downloaded_under_its_name(client, auth_header):
    rep = auth_header("rep.zhang")
    customer_id = _customer(client, rep)
    content = _png()

    created = _upload(client, rep, customer_id, content, "名片扫描件.pdf")
    body = created.get_json()
    download = client.get(created.headers["Location"], headers=rep)
    thumbnail = client.get(f"{created.headers['Location']}?thumbnail=true", headers=rep)
    listed = client.get(f"/api/v1/customers/{customer_id}/attachments", headers=rep)

    assert created.status_code == 201, body
    assert (body["content_type"], body["size_bytes"], body["has_thumbnail"]) == (
        "image/png",
        len(content),
        True,
    )
    assert download.status_code == 200 and download.data == content
    assert download.mimetype == "image/png"
    assert f"filename*=UTF-8''{quote('名片扫描件.pdf')}" in download.headers["Content-Disposition"]
    assert thumbnail.mimetype == "image/png" and thumbnail.data != content
    assert [a["id"] for a in listed.get_json()["attachments"]] == [body["id"]]


def test_refusals_an_exe_another_rep_and_bodies_too_large(client, auth_header):
    rep = auth_header("rep.zhang")
    customer_id = _customer(client, rep)
    refused = _upload(client, rep, customer_id, b"MZ\x90\x00" + bytes(300), "setup.pdf")
    kept = _upload(client, rep, customer_id, _png(), "card.png").get_json()
    other = auth_header("rep.li")
    # Past the file limit, within the upload route's body limit: the service's field error.
    over_the_limit = _upload(client, rep, customer_id, b"\x89PNG" + bytes(MAX_SIZE_BYTES), "a.png")
    # The other routes keep HTTP_MAX_BODY_BYTES.
    elsewhere = client.post(
        "/api/v1/customers",
        headers=rep,
        data=b"{" + b" " * (2 * 1024 * 1024) + b"}",
        content_type="application/json",
    )

    assert refused.status_code == 422
    assert [e["field"] for e in refused.get_json()["errors"]] == ["content"]
    assert over_the_limit.status_code == 422
    assert "10 MiB" in over_the_limit.get_json()["errors"][0]["message"]
    assert elsewhere.status_code == 413
    one = f"/api/v1/customers/{customer_id}/attachments/{kept['id']}"
    assert client.get(one, headers=other).status_code == 404
    assert client.delete(one, headers=other).status_code == 404
    assert (
        client.get(f"/api/v1/customers/{customer_id}/attachments", headers=other).status_code == 404
    )
    assert client.delete(one, headers=rep).status_code == 204
    assert client.get(one, headers=rep).status_code == 404

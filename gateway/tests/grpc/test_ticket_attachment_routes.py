"""Files on tickets over REST (``/api/v1/tickets/<id>/attachments``, issue 20) against the real
ticket service: the same routes as a customer's (gateway.views.attachment_routes), so one test
of the ticket's own wiring: upload, download under its name, 404 for whoever may not see the
ticket."""

from __future__ import annotations

import io
from urllib.parse import quote

import pytest
from PIL import Image

pytestmark = pytest.mark.integration


@pytest.fixture
def attachment_dir(tmp_path, monkeypatch):
    # Read by the ticket api's settings when the fixture below builds it.
    monkeypatch.setenv("ATTACHMENT_LOCAL_DIR", str(tmp_path / "attachments"))
    return tmp_path / "attachments"


@pytest.fixture
def client(attachment_dir, make_app, ticket_service):
    return make_app(ticket_addr=ticket_service.address).test_client()


def test_a_screenshot_on_a_ticket_is_downloaded_by_its_creator_and_404_for_others(
    client, auth_header
):
    rep = auth_header("rep.zhang")
    ticket = client.post(
        "/api/v1/tickets",
        headers=rep,
        json={
            "type": "complaint",
            "title": "系统报错",
            "description": "见截图",
            "channel": "phone",
            "reporter_name": "王先生",
            "reporter_phone": "13800138000",
        },
    ).get_json()
    out = io.BytesIO()
    Image.new("RGB", (120, 80), (0, 128, 0)).save(out, format="PNG")

    created = client.post(
        f"/api/v1/tickets/{ticket['id']}/attachments",
        headers=rep,
        content_type="multipart/form-data",
        data={"file": (io.BytesIO(out.getvalue()), "报错截图.png")},
    )
    download = client.get(created.headers["Location"], headers=rep)

    assert created.status_code == 201, created.get_data(as_text=True)
    assert created.get_json()["record_type"] == "ticket"
    assert download.data == out.getvalue() and download.mimetype == "image/png"
    assert quote("报错截图.png") in download.headers["Content-Disposition"]
    assert client.get(created.headers["Location"], headers=auth_header("rep.li")).status_code == 404

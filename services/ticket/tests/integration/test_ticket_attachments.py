"""Files on tickets through the real ticket api (issue 20): stored with their sniffed type and
read back by whoever sees the ticket; NOT_FOUND for a caller who does not, at every door; an
executable refused field by field with nothing stored."""

from __future__ import annotations

import io

import grpc
import pytest
from crm.ticket.v1 import ticket_pb2
from PIL import Image

pytestmark = pytest.mark.integration


@pytest.fixture
def files(tmp_path, monkeypatch):
    # The api reads its store from the environment when the test gives it no settings.
    monkeypatch.setenv("ATTACHMENT_LOCAL_DIR", str(tmp_path / "attachments"))
    return tmp_path / "attachments"


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (320, 200), (200, 40, 40)).save(out, format="PNG")
    return out.getvalue()


def test_a_screenshot_on_a_ticket_is_read_back_and_hidden_from_those_who_may_not_see_it(
    files, start_ticket_api, rpc_error
):
    api = start_ticket_api()
    ticket = api.create("u-rep")
    content = _png()
    creator = api.stub("u-rep")

    attached = creator.CreateTicketAttachment(
        ticket_pb2.CreateTicketAttachmentRequest(
            ticket_id=ticket.id, file_name="故障截图.pdf", content=content
        )
    )
    chunks = list(
        creator.DownloadTicketAttachment(
            ticket_pb2.DownloadTicketAttachmentRequest(id=attached.id, ticket_id=ticket.id)
        )
    )
    listed = creator.ListTicketAttachments(
        ticket_pb2.ListTicketAttachmentsRequest(ticket_id=ticket.id)
    )

    assert (attached.content_type, attached.record_type, attached.record_id) == (
        "image/png",
        "ticket",
        ticket.id,
    )
    assert b"".join(c.data for c in chunks) == content and chunks[0].file_name == "故障截图.pdf"
    assert [a.id for a in listed.attachments] == [attached.id]
    stranger = api.stub("u-zhao")  # an agent of another department
    for call in (
        lambda: stranger.CreateTicketAttachment(
            ticket_pb2.CreateTicketAttachmentRequest(
                ticket_id=ticket.id, file_name="x.png", content=content
            )
        ),
        lambda: stranger.ListTicketAttachments(
            ticket_pb2.ListTicketAttachmentsRequest(ticket_id=ticket.id)
        ),
        lambda: list(
            stranger.DownloadTicketAttachment(
                ticket_pb2.DownloadTicketAttachmentRequest(id=attached.id)
            )
        ),
        lambda: stranger.DeleteTicketAttachment(
            ticket_pb2.DeleteTicketAttachmentRequest(id=attached.id)
        ),
    ):
        assert rpc_error(call).code == grpc.StatusCode.NOT_FOUND
    creator.DeleteTicketAttachment(ticket_pb2.DeleteTicketAttachmentRequest(id=attached.id))
    assert not [p for p in files.rglob("*") if p.is_file()]


def test_an_executable_is_refused_on_its_content_and_nothing_is_stored(
    files, start_ticket_api, rpc_error
):
    api = start_ticket_api()
    ticket = api.create("u-rep")

    error = rpc_error(
        lambda: api.stub("u-rep").CreateTicketAttachment(
            ticket_pb2.CreateTicketAttachmentRequest(
                ticket_id=ticket.id, file_name="log.pdf", content=b"MZ\x90\x00" + bytes(300)
            )
        )
    )

    assert error.code == grpc.StatusCode.INVALID_ARGUMENT
    assert [v.field for v in error.violations] == ["content"]
    assert not files.exists() or not [p for p in files.rglob("*") if p.is_file()]

"""The attachments panel (crm_console.attachment_panel) against the REAL services (in process, on
SQLite, files in a temporary folder). On the customer 360 page: a file uploaded through the
page is listed with its sniffed type and thumbnail and downloads under its name; an .exe is
refused next to the file input in the reader's language; another rep's console gets a 404 for
the file. The ticket page has the same panel over the ticket service."""

from __future__ import annotations

import io
import re
from urllib.parse import quote

import pytest
from crm.customer.v1 import customer_pb2, customer_pb2_grpc
from crm_console.app import create_app
from crm_console.settings import ConsoleSettings
from crm_devstack.inprocess_api import InProcessApi, principal_claims
from crm_devstack.ports import free_port
from crm_shared.attachments import AttachmentStoreSettings
from crm_shared.auth import Principal
from crm_shared.auth.principal import DataScope
from crm_shared.grpc.peers import Peers
from crm_shared.settings import ApiSettings, load_settings
from customer_service.api import build_bindings
from PIL import Image

from .conftest import SECRET, ConsoleUnderTest

REP = Principal("u-rep", "rep.zhang", frozenset({"sales_rep"}), "/hq/sales/east", DataScope.OWN)
OTHER = Principal("u-li", "rep.li", frozenset({"sales_rep"}), "/hq/sales/north", DataScope.OWN)


class AttachmentApiSettings(AttachmentStoreSettings, ApiSettings):
    pass


@pytest.fixture(scope="module")
def stack(module_migrated_database, keys, tmp_path_factory):
    api = InProcessApi(
        "customer",
        build_bindings,
        module_migrated_database("customer_service"),
        keys,
        service=customer_pb2.DESCRIPTOR.services_by_name["CustomerService"],
        stub_class=customer_pb2_grpc.CustomerServiceStub,
        claims=principal_claims,
        settings_cls=AttachmentApiSettings,
        attachment_local_dir=str(tmp_path_factory.mktemp("attachments")),
    )
    issuer, public_key = keys
    settings = load_settings(
        ConsoleSettings,
        jwt_public_key_file=public_key,
        console_secret_key=SECRET,
        console_secure_cookies=False,
        gateway_url=f"http://127.0.0.1:{free_port()}",
        customer_addr=api.target,
    )
    app = create_app(settings, peers=Peers(settings.peer_addresses(), timeout_seconds=10))
    yield api, ConsoleUnderTest(app, issuer)
    app.extensions["crm.console"].peers.close()
    api.stop()


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (300, 150), (10, 90, 160)).save(out, format="PNG")
    return out.getvalue()


def _client(stack, who: Principal, language="en-US"):
    api, console = stack
    return console.client(None, language, token=api.token(who))


def _csrf(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def _upload(client, customer_id, content: bytes, name: str):
    panel = client.get(f"/customers/{customer_id}/panels/attachments").get_data(as_text=True)
    return client.post(
        f"/customers/{customer_id}/attachments",
        data={"csrf_token": _csrf(panel), "content": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
        headers={"HX-Request": "true"},
    )


def test_a_file_uploaded_on_the_page_is_listed_downloaded_and_hidden_from_another_rep(stack):
    api, _ = stack
    customer = api.stub(REP).CreateCustomer(
        customer_pb2.CreateCustomerRequest(
            customer=customer_pb2.Customer(
                type=customer_pb2.CUSTOMER_TYPE_INDIVIDUAL, display_name="王芳", phone="13900001111"
            )
        )
    )
    rep = _client(stack, REP)
    content = _png() + bytes(3 * 1024 * 1024)  # over the console's usual 2 MiB body limit

    uploaded = _upload(rep, customer.id, content, "名片.pdf")
    page = uploaded.get_data(as_text=True)
    (attachment,) = (
        api.stub(REP)
        .ListCustomerAttachments(
            customer_pb2.ListCustomerAttachmentsRequest(customer_id=customer.id)
        )
        .attachments
    )
    href = f"/customers/{customer.id}/attachments/{attachment.id}"
    download = rep.get(href)
    thumbnail = rep.get(f"{href}?thumbnail=1")

    assert uploaded.status_code == 200, page
    assert '<span translate="no">名片.pdf</span>' in page and "PNG image" in page
    assert f'src="{href}?thumbnail=1"' in page
    assert download.data == content and download.mimetype == "image/png"
    assert quote("名片.pdf") in download.headers["Content-Disposition"]
    assert thumbnail.mimetype == "image/png" and len(thumbnail.data) < len(content)
    assert _client(stack, OTHER).get(href).status_code == 404


def test_an_exe_is_refused_next_to_the_file_input_in_chinese(stack):
    api, _ = stack
    customer = api.stub(REP).CreateCustomer(
        customer_pb2.CreateCustomerRequest(
            customer=customer_pb2.Customer(
                type=customer_pb2.CUSTOMER_TYPE_INDIVIDUAL, display_name="李强", phone="13900002222"
            )
        )
    )

    refused = _upload(
        _client(stack, REP, "zh-CN"), customer.id, b"MZ\x90\x00" + bytes(300), "报价单.pdf"
    )
    page = refused.get_data(as_text=True)

    assert refused.status_code == 422
    assert 'id="f-content-error"' in page
    assert "须为图片（JPEG、PNG、GIF、WebP）、PDF 或 Office 文档" in page
    assert (
        api.stub(REP)
        .ListCustomerAttachments(
            customer_pb2.ListCustomerAttachmentsRequest(customer_id=customer.id)
        )
        .attachments
        == []
    )


def test_the_ticket_page_has_the_same_panel_over_the_ticket_service(
    module_migrated_database, keys, tmp_path
):
    from crm.ticket.v1 import ticket_pb2, ticket_pb2_grpc
    from ticket_service.api import build_bindings as ticket_bindings
    from ticket_service.settings import TicketApiSettings

    api = InProcessApi(
        "ticket",
        ticket_bindings,
        module_migrated_database("ticket_service"),
        keys,
        service=ticket_pb2.DESCRIPTOR.services_by_name["TicketService"],
        stub_class=ticket_pb2_grpc.TicketServiceStub,
        claims=principal_claims,
        settings_cls=TicketApiSettings,
        attachment_local_dir=str(tmp_path / "files"),
    )
    issuer, public_key = keys
    settings = load_settings(
        ConsoleSettings,
        jwt_public_key_file=public_key,
        console_secret_key=SECRET,
        console_secure_cookies=False,
        gateway_url=f"http://127.0.0.1:{free_port()}",
        ticket_addr=api.target,
    )
    app = create_app(settings, peers=Peers(settings.peer_addresses(), timeout_seconds=10))
    try:
        ticket = api.stub(REP).CreateTicket(
            ticket_pb2.CreateTicketRequest(
                ticket=ticket_pb2.Ticket(
                    type=ticket_pb2.TICKET_TYPE_COMPLAINT,
                    title="打印机报错",
                    description="见截图",
                    reporter_phone="+8613812345678",
                )
            )
        )
        rep = ConsoleUnderTest(app, issuer).client(None, token=api.token(REP))
        panel = rep.get(f"/tickets/{ticket.id}/panels/attachments").get_data(as_text=True)
        uploaded = rep.post(
            f"/tickets/{ticket.id}/attachments",
            data={"csrf_token": _csrf(panel), "content": (io.BytesIO(_png()), "报错.png")},
            content_type="multipart/form-data",
            headers={"HX-Request": "true"},
        )

        assert uploaded.status_code == 200, uploaded.get_data(as_text=True)
        assert '<span translate="no">报错.png</span>' in uploaded.get_data(as_text=True)
        assert rep.get(f"/tickets/{ticket.id}/attachments/nope").status_code == 404
    finally:
        app.extensions["crm.console"].peers.close()
        api.stop()

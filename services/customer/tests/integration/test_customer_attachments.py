"""Attachments of customers and contacts through the real customer api on PostgreSQL (issue 20):
the type is sniffed from the bytes, what is not an image, a PDF or an Office document is
refused field by field with nothing stored, another rep meets NOT_FOUND at every door, and an
erasure of the customer deletes the rows and the stored files."""

from __future__ import annotations

import io
import uuid

import grpc
import pytest
from crm.customer.v1 import customer_pb2, customer_pb2_grpc
from crm_devstack.inprocess_api import InProcessApi, failed_call, principal_claims
from crm_shared.attachments import AttachmentStoreSettings
from crm_shared.auth import Principal
from crm_shared.auth.principal import DataScope
from crm_shared.settings import ApiSettings
from customer_service.api import build_bindings
from customer_service.models import Attachment
from PIL import Image
from sqlalchemy import func, select

pytestmark = pytest.mark.integration

SERVICE = customer_pb2.DESCRIPTOR.services_by_name["CustomerService"]
REP = Principal("u-rep", "rep.zhang", frozenset({"sales_rep"}), "/hq/sales/east", DataScope.OWN)
OTHER_REP = Principal("u-li", "rep.li", frozenset({"sales_rep"}), "/hq/sales/north", DataScope.OWN)
DPO = Principal("u-dpo", "dpo.chen", frozenset({"dpo"}), "/hq/legal", DataScope.ALL)


class AttachmentApiSettings(AttachmentStoreSettings, ApiSettings):
    pass


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("attachments")


@pytest.fixture(scope="module")
def api(module_migrated_database, keys, store_dir):
    server = InProcessApi(
        "customer",
        build_bindings,
        module_migrated_database("customer_service", "postgresql"),
        keys,
        service=SERVICE,
        stub_class=customer_pb2_grpc.CustomerServiceStub,
        claims=principal_claims,
        settings_cls=AttachmentApiSettings,
        attachment_local_dir=str(store_dir),
    )
    yield server
    server.stop()


def _png(width=600, height=300) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


def _customer(api, name="杭州云栖科技有限公司") -> customer_pb2.Customer:
    return api.stub(REP).CreateCustomer(
        customer_pb2.CreateCustomerRequest(
            customer=customer_pb2.Customer(
                type=customer_pb2.CUSTOMER_TYPE_ENTERPRISE,
                display_name=name,
                phone="13800138000",
                enterprise=customer_pb2.EnterpriseProfile(legal_name=name, industry="IT"),
            ),
            request_id=str(uuid.uuid4()),
        )
    )


def _upload(api, caller, customer_id, name="名片.pdf", content=None, **more):
    return api.stub(caller).CreateCustomerAttachment(
        customer_pb2.CreateCustomerAttachmentRequest(
            customer_id=customer_id, file_name=name, content=content or _png(), **more
        )
    )


def _download(api, caller, attachment_id, thumbnail=False):
    chunks = list(
        api.stub(caller).DownloadCustomerAttachment(
            customer_pb2.DownloadCustomerAttachmentRequest(id=attachment_id, thumbnail=thumbnail)
        )
    )
    return chunks[0], b"".join(chunk.data for chunk in chunks)


def _stored_files(store_dir) -> list[str]:
    return sorted(p.name for p in store_dir.rglob("*") if p.is_file())


def test_a_png_named_pdf_is_stored_as_png_with_a_thumbnail_and_read_back(api):
    customer = _customer(api)
    content = _png()
    attached = _upload(api, REP, customer.id, content=content)

    assert (attached.file_name, attached.content_type, attached.size_bytes) == (
        "名片.pdf",
        "image/png",
        len(content),
    )
    assert (attached.record_type, attached.record_id) == ("customer", customer.id)
    assert attached.has_thumbnail and attached.uploaded_by == "u-rep"
    first, data = _download(api, REP, attached.id)
    assert (first.content_type, first.file_name, data) == ("image/png", "名片.pdf", content)
    first, thumbnail = _download(api, REP, attached.id, thumbnail=True)
    assert first.content_type == "image/png"
    assert Image.open(io.BytesIO(thumbnail)).size == (256, 128)
    listed = api.stub(REP).ListCustomerAttachments(
        customer_pb2.ListCustomerAttachmentsRequest(customer_id=customer.id)
    )
    assert [a.id for a in listed.attachments] == [attached.id]


def test_an_exe_is_refused_on_its_content_field_and_nothing_is_stored(api, store_dir):
    customer = _customer(api, "宁波海曙贸易有限公司")
    files_before = _stored_files(store_dir)

    error = failed_call(
        _upload, api, REP, customer.id, name="报价单.pdf", content=b"MZ\x90\x00" + bytes(500)
    )

    assert error.code == grpc.StatusCode.INVALID_ARGUMENT
    assert [v.field for v in error.violations] == ["content"]
    assert "application/x-msdownload" in error.violations[0].description
    assert _stored_files(store_dir) == files_before
    listed = api.stub(REP).ListCustomerAttachments(
        customer_pb2.ListCustomerAttachmentsRequest(customer_id=customer.id)
    )
    assert list(listed.attachments) == []


def test_an_attachment_of_one_rep_is_not_found_for_another(api):
    customer = _customer(api, "苏州园区精密制造有限公司")
    attached = _upload(api, REP, customer.id)
    other = api.stub(OTHER_REP)

    calls = [
        lambda: _upload(api, OTHER_REP, customer.id),
        lambda: other.ListCustomerAttachments(
            customer_pb2.ListCustomerAttachmentsRequest(customer_id=customer.id)
        ),
        lambda: _download(api, OTHER_REP, attached.id),
        lambda: other.DeleteCustomerAttachment(
            customer_pb2.DeleteCustomerAttachmentRequest(id=attached.id)
        ),
    ]
    for call in calls:
        assert failed_call(call).code == grpc.StatusCode.NOT_FOUND
    assert _download(api, REP, attached.id)[1]  # still there for its owner


def test_a_contact_attachment_names_a_contact_of_the_same_customer(api):
    customer = _customer(api, "无锡梁溪电子有限公司")
    contact = api.stub(REP).CreateContact(
        customer_pb2.CreateContactRequest(
            contact=customer_pb2.Contact(
                customer_id=customer.id, name="张伟", job_title="采购经理"
            ),
            request_id=str(uuid.uuid4()),
        )
    )
    stranger = _customer(api, "常州武进机械有限公司")

    attached = _upload(api, REP, customer.id, contact_id=contact.id)
    error = failed_call(_upload, api, REP, stranger.id, contact_id=contact.id)

    assert (attached.record_type, attached.record_id) == ("contact", contact.id)
    assert [v.field for v in error.violations] == ["contact_id"]


def test_erasure_deletes_the_attachments_rows_and_files(api, store_dir):
    customer = _customer(api, "韩梅梅工作室")
    attached = _upload(api, REP, customer.id)
    kept = _upload(api, REP, _customer(api, "李雷贸易").id)
    assert any(name.startswith(attached.id) for name in _stored_files(store_dir))

    api.stub(DPO).EraseCustomer(
        customer_pb2.EraseCustomerRequest(
            customer_id=customer.id, reason="DSR-2026-0077", request_id=str(uuid.uuid4())
        )
    )

    assert not any(name.startswith(attached.id) for name in _stored_files(store_dir))
    assert any(name.startswith(kept.id) for name in _stored_files(store_dir))
    with api.database.unit_of_work(readonly=True) as uow:
        assert (
            uow.session.scalar(
                select(func.count())
                .select_from(Attachment)
                .where(Attachment.customer_id == customer.id)
            )
            == 0
        )
    assert failed_call(_download, api, DPO, attached.id).code == grpc.StatusCode.NOT_FOUND

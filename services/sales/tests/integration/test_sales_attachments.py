"""Files on follow-up records through the real sales api (issue 20): stored with their sniffed
type and read back by the record's author; NOT_FOUND for a rep who may not see the record; an
unknown kind of record refused on its field."""

from __future__ import annotations

import io
import uuid

import grpc
import pytest
from crm.customer.v1 import customer_pb2
from crm.customer.v1 import events_pb2 as customer_events
from crm.sales.v1 import sales_pb2
from crm_shared.db import utcnow
from crm_shared.timestamps import to_timestamp
from PIL import Image
from sales_service import follow_up_events

pytestmark = pytest.mark.integration


@pytest.fixture
def api(tmp_path, monkeypatch, start_sales_api):
    # Read by the api's settings (SalesApiSettings) when it starts.
    monkeypatch.setenv("ATTACHMENT_LOCAL_DIR", str(tmp_path / "attachments"))
    return start_sales_api("sqlite")


def _follow_up(api) -> sales_pb2.Activity:
    customer_id, now = str(uuid.uuid4()), utcnow()
    with api.database.unit_of_work() as uow:  # known as the worker learns it
        follow_up_events.customer_created(
            uow,
            customer_events.CustomerCreated(
                customer=customer_pb2.Customer(
                    id=customer_id, owner_id="u-rep", department_path="/hq/sales/east"
                )
            ),
            at=now,
            now=now,
        )
    return api.stub("u-rep").CreateActivity(
        sales_pb2.CreateActivityRequest(
            activity=sales_pb2.Activity(
                customer_id=customer_id,
                method=sales_pb2.FOLLOW_UP_METHOD_VISIT,
                occur_time=to_timestamp(now),
                topic="方案交流",
                summary="客户提供了需求文档",
            ),
            request_id=str(uuid.uuid4()),
        )
    )


def test_a_document_on_a_follow_up_is_read_back_and_hidden_from_another_rep(api, rpc_error):
    follow_up = _follow_up(api)
    out = io.BytesIO()
    Image.new("RGB", (90, 60), (30, 30, 200)).save(out, format="PNG")
    rep = api.stub("u-rep")

    attached = rep.CreateSalesAttachment(
        sales_pb2.CreateSalesAttachmentRequest(
            record_type="follow_up",
            record_id=follow_up.id,
            file_name="沟通记录截图.pdf",
            content=out.getvalue(),
        )
    )
    chunks = list(
        rep.DownloadSalesAttachment(sales_pb2.DownloadSalesAttachmentRequest(id=attached.id))
    )
    listed = rep.ListSalesAttachments(
        sales_pb2.ListSalesAttachmentsRequest(record_type="follow_up", record_id=follow_up.id)
    )

    assert (attached.content_type, attached.record_type, attached.customer_id) == (
        "image/png",
        "follow_up",
        follow_up.customer_id,
    )
    assert b"".join(c.data for c in chunks) == out.getvalue()
    assert [a.id for a in listed.attachments] == [attached.id]
    other = api.stub("u-rep-north")
    for call in (
        lambda: other.ListSalesAttachments(
            sales_pb2.ListSalesAttachmentsRequest(record_type="follow_up", record_id=follow_up.id)
        ),
        lambda: list(
            other.DownloadSalesAttachment(sales_pb2.DownloadSalesAttachmentRequest(id=attached.id))
        ),
        lambda: other.DeleteSalesAttachment(sales_pb2.DeleteSalesAttachmentRequest(id=attached.id)),
    ):
        assert rpc_error(call).code == grpc.StatusCode.NOT_FOUND
    refused = rpc_error(
        lambda: rep.CreateSalesAttachment(
            sales_pb2.CreateSalesAttachmentRequest(
                record_type="lead",
                record_id=follow_up.id,
                file_name="a.png",
                content=out.getvalue(),
            )
        )
    )
    assert [v.field for v in refused.violations] == ["record_type"]

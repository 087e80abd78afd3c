"""ExportCustomerData through the api, in-process on SQLite: everything the ticket service holds
about one customer (tickets with their reporter fields, comments, service records, call-backs),
for the privacy roles only."""

from __future__ import annotations

import uuid

import grpc
import pytest
from crm.ticket.v1 import ticket_pb2
from crm_shared.db import utcnow
from ticket_service import callbacks
from ticket_service.models import ServiceRecordEntry, Ticket, TicketCommentRecord

pytestmark = pytest.mark.integration

# callers: user ids of the organisation in conftest.PEOPLE
SERVICE_LEAD, AGENT, DPO = "u-service-lead", "u-agent", "u-dpo"


def test_the_export_holds_the_customers_tickets_comments_records_and_call_backs(api):
    ticket = api.add_ticket(customer_id="c-1", reporter_name="韩梅梅",
                            reporter_phone="+8613800000000", account_manager_id="u-am", title="发票问题")
    api.add_ticket(customer_id="c-2", title="someone else's")
    now = utcnow()
    with api.database.unit_of_work() as uow:
        uow.session.add(TicketCommentRecord(ticket_id=ticket.id, author_id="u-agent", body="已联系客户",
                                            visibility="public", create_time=now))
        uow.session.add(ServiceRecordEntry(
            id=str(uuid.uuid4()), ticket_id=ticket.id, customer_id="c-1", author_id="u-agent",
            actions_taken="补开发票", customer_feedback="满意", next_plan="", service_time=now,
            late=False, create_time=now))
        callbacks.open_for_resolved_ticket(uow.session, uow.session.get(Ticket, ticket.id), now, uow.emit)

    export = api.stub(DPO).ExportCustomerData(ticket_pb2.ExportCustomerDataRequest(
        customer_id="c-1", access_purpose="DSAR-42"))
    assert (export.customer_id, export.source_service) == ("c-1", "ticket")
    kinds = [record.resource_type for record in export.records]
    assert kinds == ["ticket", "ticket_comment", "service_record", "callback_task"]
    ticket_data = export.records[0].data
    assert ticket_data["id"] == ticket.id
    assert "韩梅梅" in str(ticket_data) and "发票问题" in str(ticket_data)
    assert export.records[1].data["body"] == "已联系客户"


def test_only_the_privacy_roles_export(api, rpc_error):
    request = ticket_pb2.ExportCustomerDataRequest(customer_id="c-1")
    for caller in (AGENT, SERVICE_LEAD):
        assert rpc_error(api.stub(caller).ExportCustomerData, request).code is grpc.StatusCode.PERMISSION_DENIED
    assert rpc_error(api.stub(DPO).ExportCustomerData, ticket_pb2.ExportCustomerDataRequest()).code \
        is grpc.StatusCode.INVALID_ARGUMENT

"""ExportCustomerData through the api, in-process on SQLite: everything the ticket service holds
about one customer (tickets with their reporter fields, comments, service records, call-backs),
for the privacy roles only."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import grpc
import pytest
from crm.ticket.v1 import ticket_pb2, ticket_pb2_grpc
from crm_devstack.ports import free_port
from crm_shared.auth import TokenIssuer, generate_signing_key
from crm_shared.auth.tokens import TokenVerifier
from crm_shared.db import Database, UtcDateTime, utcnow
from crm_shared.grpc.client import connect
from crm_shared.grpc.server import GrpcApi
from crm_shared.grpc.status import describe_rpc_error
from crm_shared.migrations import upgrade
from crm_shared.settings import ApiSettings
from sqlalchemy import JSON, Boolean, Integer
from ticket_service import callbacks
from ticket_service.api import build_bindings
from ticket_service.models import ServiceRecordEntry, Ticket, TicketCommentRecord

pytestmark = pytest.mark.integration

SERVICE = ticket_pb2.DESCRIPTOR.services_by_name["TicketService"]
BACKENDS = ["sqlite"]

# -- the server and its clients (in-process api on a migrated database) ----------------------


@dataclass(frozen=True)
class Caller:
    user_id: str
    role: str
    department_path: str
    data_scope: str


ADMIN = Caller("u-admin", "admin", "/hq", "all")
SERVICE_LEAD = Caller("u-service-lead", "service_lead", "/hq/service", "department")
VIP_LEAD = Caller("u-vip-lead", "service_lead", "/hq/service/vip", "department")
AGENT = Caller("u-agent", "service_agent", "/hq/service", "own")
TECH_LEAD = Caller("u-tech-lead", "service_lead", "/hq/tech", "department")


@pytest.fixture(scope="module")
def keys(tmp_path_factory):
    folder = tmp_path_factory.mktemp("keys")
    generate_signing_key(folder / "signing.pem", folder / "signing.pub")
    issuer = TokenIssuer((folder / "signing.pem").read_bytes(), issuer="crm-gateway", audience="crm")
    return issuer, folder / "signing.pub"


class TicketApi:
    def __init__(self, database_url: str, keys) -> None:
        self.issuer, public_key = keys
        upgrade("ticket_service", database_url)
        settings = ApiSettings(
            service_name="ticket", database_url=database_url,
            amqp_url=f"amqp://guest:guest@127.0.0.1:{free_port()}/%2F",
            jwt_public_key_file=public_key, outbox_relay=False, health_check_seconds=3600,
        )
        self.database = Database(database_url)
        verifier = TokenVerifier.from_file(public_key, issuer="crm-gateway", audience="crm")
        self.server = GrpcApi(settings, self.database, build_bindings(self.database), verifier)
        self.target = f"127.0.0.1:{self.server.start('127.0.0.1:0')}"
        self._channels: list[grpc.Channel] = []
        self._stubs: dict[Caller, ticket_pb2_grpc.TicketServiceStub] = {}

    def stub(self, caller: Caller) -> ticket_pb2_grpc.TicketServiceStub:
        if caller not in self._stubs:
            token = self.issuer.issue(user_id=caller.user_id, username=caller.user_id,
                                      roles=[caller.role], department_path=caller.department_path,
                                      data_scope=caller.data_scope)
            channel = connect(self.target, [SERVICE], token_provider=lambda: token)
            self._channels.append(channel)
            self._stubs[caller] = ticket_pb2_grpc.TicketServiceStub(channel)
        return self._stubs[caller]

    def stop(self) -> None:
        for channel in self._channels:
            channel.close()
        self.server.stop(grace=0)
        self.database.dispose()


@pytest.fixture(params=BACKENDS)
def api(request, keys):
    server = TicketApi(request.getfixturevalue(
        "sqlite_url" if request.param == "sqlite" else "postgres_url"), keys)
    yield server
    server.stop()


def _error(call, *args, **kwargs):
    with pytest.raises(grpc.RpcError) as caught:
        call(*args, **kwargs)
    return describe_rpc_error(caught.value)


def add_ticket(database: Database, **fields) -> Ticket:
    """A ticket row as the ticket core would store it; unnamed required columns get neutral
    values, so this keeps working as the core's table grows."""
    now = fields.get("create_time") or utcnow()
    values = {}
    for column in Ticket.__table__.columns:
        if column.nullable or column.name in fields:
            continue
        if isinstance(column.type, JSON):
            values[column.name] = {} if "dict" in str(Ticket.__annotations__.get(column.name)) else []
        elif isinstance(column.type, Boolean):
            values[column.name] = False
        elif isinstance(column.type, Integer):
            values[column.name] = 0
        elif isinstance(column.type, UtcDateTime):
            values[column.name] = now
        else:
            values[column.name] = ""
    values.update(id=str(uuid.uuid4()), number=f"T{uuid.uuid4().hex[:10]}", type="consultation",
                  priority="normal", state="in_progress", department_path="/hq/service")
    values.update(fields)
    with database.unit_of_work() as uow:
        ticket = Ticket(**values)
        uow.session.add(ticket)
    return ticket


DPO = Caller("u-dpo", "dpo", "/hq", "all")


def test_the_export_holds_the_customers_tickets_comments_records_and_call_backs(api):
    ticket = add_ticket(api.database, customer_id="c-1", reporter_name="韩梅梅",
                        reporter_phone="+8613800000000", account_manager_id="u-am", title="发票问题")
    add_ticket(api.database, customer_id="c-2", title="someone else's")
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


def test_only_the_privacy_roles_export(api):
    request = ticket_pb2.ExportCustomerDataRequest(customer_id="c-1")
    for caller in (AGENT, SERVICE_LEAD):
        assert _error(api.stub(caller).ExportCustomerData, request).code is grpc.StatusCode.PERMISSION_DENIED
    assert _error(api.stub(DPO).ExportCustomerData, ticket_pb2.ExportCustomerDataRequest()).code \
        is grpc.StatusCode.INVALID_ARGUMENT

"""The ticket queue's export in process, against a small ticket service: the queue links to
the file under its filters, and the download asks ExportTickets for what the queue lists, in
the reader's language, with every chunk in order; a refusal is an error page."""

from __future__ import annotations

import re

import grpc
import pytest
from crm.common.v1 import types_pb2
from crm.ticket.v1 import ticket_pb2, ticket_pb2_grpc

AGENT = {"user_id": "u-agent", "username": "agent.wang", "roles": ["service_agent"],
         "department_path": "/hq/service", "data_scope": "own"}


class Tickets(ticket_pb2_grpc.TicketServiceServicer):
    def __init__(self):
        self.export_requests = []

    def ListTickets(self, request, context):
        return ticket_pb2.ListTicketsResponse(total_size=1, tickets=[ticket_pb2.Ticket(
            id="tk-1", number="T20261207-0001", title="快递三天未送达",
            state=ticket_pb2.TICKET_STATE_IN_PROGRESS, department_path="/hq/service")])

    def ListAgents(self, request, context):
        return ticket_pb2.ListAgentsResponse()

    def ExportTickets(self, request, context):
        self.export_requests.append(request)
        if request.query == "refused":
            context.abort(grpc.StatusCode.PERMISSION_DENIED, "not for you")
        yield ticket_pb2.ExportTicketsChunk(data=b"first,", row_count=0)
        yield ticket_pb2.ExportTicketsChunk(data=b"second", row_count=1)


@pytest.fixture(scope="module")
def tickets():
    return Tickets()


@pytest.fixture(scope="module")
def console(serve_grpc, console_for, tickets):
    return console_for(serve_grpc(tickets))


def test_the_queue_exports_its_filters_in_the_readers_language(console, tickets):
    client = console.client(AGENT, language="zh-CN")
    page = client.get("/tickets/?scope=mine&priority=urgent").get_data(as_text=True)
    links = re.findall(r'href="(/tickets/export\.(?:xlsx|csv)\?[^"]*)"', page)
    assert len(links) == 2 and "导出 Excel" in page
    xlsx = links[0].replace("&amp;", "&")
    assert "scope=mine" in xlsx and "priority=urgent" in xlsx

    response = client.get(xlsx)
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response.get_data() == b"first,second"  # every chunk, in order
    assert "filename*=UTF-8''%E5%B7%A5%E5%8D%95%E5%88%97%E8%A1%A8.xlsx" in (
        response.headers["Content-Disposition"])  # 工单列表.xlsx
    sent = tickets.export_requests[-1]
    assert (sent.format, sent.locale, sent.assignee_id) == (
        types_pb2.TABLE_FORMAT_XLSX, "zh-CN", "u-agent")
    assert list(sent.priorities) == [ticket_pb2.TICKET_PRIORITY_URGENT]

    as_csv = console.client(AGENT).get("/tickets/export.csv?q=快递")
    assert (as_csv.status_code, as_csv.mimetype) == (200, "text/csv")
    sent = tickets.export_requests[-1]
    assert (sent.format, sent.locale, sent.department_path, sent.query) == (
        types_pb2.TABLE_FORMAT_CSV, "en-US", "/hq/service", "快递")

    refused = console.client(AGENT).get("/tickets/export.xlsx?q=refused")
    assert refused.status_code == 403
    assert "You do not have access to this." in refused.get_data(as_text=True)

"""The lead list's export in process, against a small sales service: the list links to the
file under its filters, and the download asks ExportLeads for what the list shows, in the
reader's language, with every chunk in order."""

from __future__ import annotations

import re

import pytest
from crm.common.v1 import types_pb2
from crm.sales.v1 import sales_pb2, sales_pb2_grpc

REP = {"user_id": "u-rep", "username": "rep.zhang", "roles": ["sales_rep"],
       "department_path": "/hq/sales/east", "data_scope": "own"}


class Sales(sales_pb2_grpc.SalesServiceServicer):
    def __init__(self):
        self.export_requests = []

    def ListLeads(self, request, context):
        return sales_pb2.ListLeadsResponse(total_size=1, leads=[sales_pb2.Lead(
            id="l-1", number="L20261207-0001", contact_name="李雷", company_name="杭州西湖科技",
            status=sales_pb2.LEAD_STATUS_CONTACTED, owner_id="u-rep")])

    def ListSalesReps(self, request, context):
        return sales_pb2.ListSalesRepsResponse()

    def ExportLeads(self, request, context):
        self.export_requests.append(request)
        yield sales_pb2.ExportLeadsChunk(data=b"first,", row_count=0)
        yield sales_pb2.ExportLeadsChunk(data=b"second", row_count=1)


@pytest.fixture(scope="module")
def sales():
    return Sales()


@pytest.fixture(scope="module")
def console(serve_grpc, console_for, sales):
    return console_for(serve_grpc(sales))


def test_the_lead_list_exports_its_filters_in_the_readers_language(console, sales):
    client = console.client(REP, language="zh-CN")
    page = client.get("/leads/?status=contacted&grade=a&q=西湖").get_data(as_text=True)
    links = re.findall(r'href="(/leads/export\.(?:xlsx|csv)\?[^"]*)"', page)
    assert len(links) == 2 and "导出 Excel" in page
    xlsx = links[0].replace("&amp;", "&")
    assert "status=contacted" in xlsx and "grade=a" in xlsx

    response = client.get(xlsx)
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response.get_data() == b"first,second"  # every chunk, in order
    assert "filename*=UTF-8''%E7%BA%BF%E7%B4%A2%E5%88%97%E8%A1%A8.xlsx" in (
        response.headers["Content-Disposition"])  # 线索列表.xlsx
    sent = sales.export_requests[-1]
    assert (sent.format, sent.locale, sent.query) == (types_pb2.TABLE_FORMAT_XLSX, "zh-CN", "西湖")
    assert list(sent.statuses) == [sales_pb2.LEAD_STATUS_CONTACTED]
    assert list(sent.grades) == [sales_pb2.LEAD_GRADE_A]

    as_csv = console.client(REP).get("/leads/export.csv")  # the default: the open leads
    assert (as_csv.status_code, as_csv.mimetype) == (200, "text/csv")
    sent = sales.export_requests[-1]
    assert (sent.format, sent.locale, len(sent.statuses)) == (types_pb2.TABLE_FORMAT_CSV, "en-US", 4)

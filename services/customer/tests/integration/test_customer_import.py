"""Import through the real api: good rows stored, bad ones reported per row and column,
duplicates skipped, validate-only stores nothing, a retried import creates nothing twice; CSV
in the encodings Excel saves and .xlsx, with English or Chinese headers (issue 20)."""

from __future__ import annotations

import io
import uuid
from datetime import datetime

import grpc
import openpyxl
import pytest
from crm.common.v1 import types_pb2
from crm.customer.v1 import customer_pb2
from crm_shared.auth import Principal
from crm_shared.auth.principal import DataScope
from crm_shared.events.outbox import OutboxMessage
from crm_shared.grpc.status import describe_rpc_error
from customer_service.models import Customer
from sqlalchemy import func, select

pytestmark = pytest.mark.integration

REP = Principal("u-rep", "rep.zhang", frozenset({"sales_rep"}), "/hq/sales/east", DataScope.OWN)
ADMIN = Principal("u-admin", "admin", frozenset({"admin"}), "/hq", DataScope.ALL)
OTHER_REP = Principal(
    "u-rep-2", "rep.li", frozenset({"sales_rep"}), "/hq/sales/north", DataScope.OWN
)
IMPORTED = customer_pb2.IMPORT_ROW_STATUS_IMPORTED
FAILED = customer_pb2.IMPORT_ROW_STATUS_FAILED
SKIPPED = customer_pb2.IMPORT_ROW_STATUS_SKIPPED_DUPLICATE

HEADER = (
    "type,display_name,phone,email,source,first_contact_date,enterprise.legal_name,"
    "enterprise.industry,enterprise.staff_count,individual.gender,individual.age,tags\n"
)
FILE = (
    HEADER
    + (
        "enterprise,西湖科技,13800138000,info@xihu.example,exhibition,2026-03-01,杭州西湖科技有限公司,manufacturing,120,,,VIP\n"  # 2 good
        "individual,李雷,+44 20 7946 0958,,referral,,,,,male,35,\n"  # 3 good (E.164)
        "individual,韩梅梅,12345,,,,,,,,,\n"  # 4 bad phone
        "company,某公司,,,,,,,,,,\n"  # 5 bad type
        "enterprise,缺名称,,,,,,retail,,,,\n"  # 6 legal name missing
        "individual,王五,,wang@example.com,,2026-13-01,,,,,,\n"  # 7 bad date
        "individual,赵六,,,,,,,,,abc,no-such-tag\n"  # 8 bad age and tag
        "individual,李雷2,13800138000,,,,,,,,,\n"  # 9 same phone as line 2
        "enterprise,东湖商贸,,,,,东湖商贸有限公司,retail,,female,,\n"  # 10 individual column
    )
)


@pytest.fixture
def api(start_customer_api):
    server = start_customer_api()
    return server.stub, server.database


def _count(database, model) -> int:
    with database.unit_of_work(readonly=True) as uow:
        return uow.session.scalar(select(func.count()).select_from(model))


def _vip_tag(stub) -> str:
    return (
        stub(ADMIN)
        .CreateTag(
            customer_pb2.CreateTagRequest(tag=customer_pb2.Tag(name="VIP", dimension="free"))
        )
        .id
    )


def _xlsx(rows: list[list]) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    file = io.BytesIO()
    book.save(file)
    return file.getvalue()


def _errors(row) -> dict[str, str]:
    return {error.field: error.description for error in row.errors}


def test_good_rows_are_stored_and_every_bad_row_is_reported_by_column(api):
    stub, database = api
    vip = _vip_tag(stub)
    report = stub(REP).ImportCustomers(
        customer_pb2.ImportCustomersRequest(csv_content=FILE.encode(), file_name="customers.csv")
    )

    assert (report.total_rows, report.imported_rows, report.failed_rows, report.skipped_rows) == (
        9,
        2,
        6,
        1,
    )
    assert report.file_name == "customers.csv"
    assert report.actor_id == "u-rep"
    rows = {row.line_number: row for row in report.rows}
    assert [rows[line].status for line in range(2, 11)] == [
        IMPORTED,
        IMPORTED,
        FAILED,
        FAILED,
        FAILED,
        FAILED,
        FAILED,
        SKIPPED,
        FAILED,
    ]
    assert set(_errors(rows[4])) == {"phone"}
    assert set(_errors(rows[5])) == {"type"}
    assert set(_errors(rows[6])) == {"enterprise.legal_name"}
    assert set(_errors(rows[7])) == {"first_contact_date"}
    assert set(_errors(rows[8])) == {"individual.age", "tags"}
    assert set(_errors(rows[10])) == {"individual.gender"}
    assert rows[9].customer_id == rows[2].customer_id  # the duplicate names the first row

    enterprise = stub(REP).GetCustomer(customer_pb2.GetCustomerRequest(id=rows[2].customer_id))
    assert enterprise.display_name == "西湖科技"
    assert enterprise.phone == "+8613800138000"
    assert enterprise.enterprise.legal_name == "杭州西湖科技有限公司"
    assert enterprise.enterprise.staff_count == 120
    assert enterprise.source == 2  # exhibition
    assert [tag.tag_id for tag in enterprise.tags] == [vip]
    individual = stub(REP).GetCustomer(customer_pb2.GetCustomerRequest(id=rows[3].customer_id))
    assert (individual.phone, individual.individual.age, individual.owner_id) == (
        "+442079460958",
        35,
        "u-rep",
    )
    assert _count(database, Customer) == 2
    with database.unit_of_work(readonly=True) as uow:
        created = uow.session.scalars(
            select(OutboxMessage.routing_key).where(OutboxMessage.routing_key == "customer.created")
        ).all()
    assert len(created) == 2  # imported customers are announced like created ones

    assert (
        stub(REP).GetCustomerImport(customer_pb2.GetCustomerImportRequest(id=report.id)) == report
    )
    listed = stub(REP).ListCustomerImports(customer_pb2.ListCustomerImportsRequest())
    assert [(i.id, len(i.rows)) for i in listed.imports] == [(report.id, 0)]
    with pytest.raises(grpc.RpcError) as caught:
        stub(OTHER_REP).GetCustomerImport(customer_pb2.GetCustomerImportRequest(id=report.id))
    assert caught.value.code() is grpc.StatusCode.NOT_FOUND
    assert (
        stub(OTHER_REP).ListCustomerImports(customer_pb2.ListCustomerImportsRequest()).imports == []
    )


def test_validate_only_reports_the_same_and_stores_no_customer(api):
    stub, database = api
    _vip_tag(stub)
    report = stub(REP).ImportCustomers(
        customer_pb2.ImportCustomersRequest(csv_content=FILE.encode(), validate_only=True)
    )
    assert report.validate_only
    assert [row.status for row in report.rows] == [
        IMPORTED,
        IMPORTED,
        FAILED,
        FAILED,
        FAILED,
        FAILED,
        FAILED,
        SKIPPED,
        FAILED,
    ]
    assert _count(database, Customer) == 0
    with database.unit_of_work(readonly=True) as uow:
        assert (
            uow.session.scalars(
                select(OutboxMessage.routing_key).where(
                    OutboxMessage.routing_key.startswith("customer.")
                )
            ).all()
            == []
        )


def test_duplicate_handling_create_and_fail(api):
    stub, database = api
    stub(REP).CreateCustomer(
        customer_pb2.CreateCustomerRequest(
            customer=customer_pb2.Customer(
                type=customer_pb2.CUSTOMER_TYPE_INDIVIDUAL,
                display_name="已有",
                email="same@example.com",
            )
        )
    )
    content = (HEADER + "individual,又一个,,SAME@example.com,,,,,,,,\n").encode()
    failed = stub(REP).ImportCustomers(
        customer_pb2.ImportCustomersRequest(
            csv_content=content, duplicate_handling=customer_pb2.DUPLICATE_HANDLING_FAIL
        )
    )
    assert (failed.rows[0].status, set(_errors(failed.rows[0]))) == (FAILED, {"email"})
    created = stub(REP).ImportCustomers(
        customer_pb2.ImportCustomersRequest(
            csv_content=content, duplicate_handling=customer_pb2.DUPLICATE_HANDLING_CREATE
        )
    )
    assert created.rows[0].status == IMPORTED
    assert _count(database, Customer) == 2


def test_a_retried_import_answers_with_its_report_and_creates_nothing_twice(api):
    stub, database = api
    _vip_tag(stub)
    request = customer_pb2.ImportCustomersRequest(
        csv_content=FILE.encode(), request_id=str(uuid.uuid4())
    )
    first = stub(REP).ImportCustomers(request)
    again = stub(REP).ImportCustomers(request)
    assert again == first
    assert _count(database, Customer) == 2


@pytest.mark.parametrize(
    "content, problem",
    [
        (b"", "is empty"),
        (b"type,display_name,shoe_size\nindividual,x,42\n", "unknown column 'shoe_size'"),
        (b"display_name,phone\nx,13800138000\n", "column 'type' is missing"),
        (b"type,display_name\n", "no rows"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500), "Excel 97-2003 workbook (.xls)"),
        (b"PK\x03\x04" + bytes(500), "neither CSV nor a readable .xlsx"),
        (_xlsx([["客户名称", "鞋码"], ["李雷", 42]]), "unknown column '鞋码'"),
    ],
)
def test_a_file_that_is_not_a_customer_csv_is_refused_whole(api, content, problem):
    stub, database = api
    with pytest.raises(grpc.RpcError) as caught:
        stub(REP).ImportCustomers(customer_pb2.ImportCustomersRequest(csv_content=content))
    error = describe_rpc_error(caught.value)
    assert error.code is grpc.StatusCode.INVALID_ARGUMENT
    assert [v.field for v in error.violations] == ["csv_content"]
    assert problem in error.violations[0].description
    assert _count(database, Customer) == 0


def test_a_row_duplicating_a_customer_out_of_sight_is_imported_as_if_it_did_not_exist(api):
    """Issue 15 (low): an import betrays no customer the caller may not see. rep.li's
    customer with the same e-mail is no duplicate for rep.zhang (whatever the handling): the row
    is created as CreateCustomer would, and the pair becomes a candidate for whoever sees both."""
    stub, database = api
    stub(OTHER_REP).CreateCustomer(
        customer_pb2.CreateCustomerRequest(
            customer=customer_pb2.Customer(
                type=customer_pb2.CUSTOMER_TYPE_INDIVIDUAL,
                display_name="北方客户",
                email="hidden@example.com",
            )
        )
    )
    content = (HEADER + "individual,又一个,,HIDDEN@example.com,,,,,,,,\n").encode()
    for handling in (customer_pb2.DUPLICATE_HANDLING_FAIL, customer_pb2.DUPLICATE_HANDLING_SKIP):
        checked = stub(REP).ImportCustomers(
            customer_pb2.ImportCustomersRequest(
                csv_content=content, duplicate_handling=handling, validate_only=True
            )
        )
        assert [(row.status, list(row.errors)) for row in checked.rows] == [(IMPORTED, [])]
    imported = stub(REP).ImportCustomers(customer_pb2.ImportCustomersRequest(csv_content=content))
    assert imported.rows[0].status == IMPORTED and imported.rows[0].customer_id
    assert _count(database, Customer) == 2
    candidates = (
        stub(ADMIN)
        .ListDuplicateCandidates(customer_pb2.ListDuplicateCandidatesRequest())
        .duplicate_candidates
    )
    assert len(candidates) == 1


# Chinese headers and words, as a sheet kept in a Chinese office has them (English words still
# read); the report names the column by its key. Line 3 has a bad phone, line 4 a bad age.
CHINESE_FILE = (
    "客户类型,客户名称,手机,邮箱,企业全称,所属行业,年龄,来源\n"
    "企业,西湖科技,13800138000,info@xihu.example,杭州西湖科技有限公司,manufacturing,,展会\n"
    "个人,韩梅梅,12345,,,,,\n"
    "individual,李雷,,li@example.com,,,abc,\n"
    "个人,{name},,,,,40,\n"
)


@pytest.mark.parametrize(
    "encoding, name",
    [
        ("utf-8", "王五"),
        ("utf-8-sig", "王五"),  # what Excel's "CSV UTF-8" writes: a byte-order mark first
        ("gbk", "王五"),  # what Excel's plain "CSV" writes on a zh-CN Windows
        ("gb18030", "王𠀾"),  # a character outside GBK: four bytes in GB18030
    ],
)
def test_a_csv_with_chinese_headers_is_read_in_the_encoding_it_was_saved_in(api, encoding, name):
    stub, database = api
    content = CHINESE_FILE.format(name=name).encode(encoding)
    report = stub(REP).ImportCustomers(
        customer_pb2.ImportCustomersRequest(csv_content=content, file_name="客户.csv")
    )

    assert [(row.line_number, row.status, set(_errors(row))) for row in report.rows] == [
        (2, IMPORTED, set()),
        (3, FAILED, {"phone"}),
        (4, FAILED, {"individual.age"}),
        (5, IMPORTED, set()),
    ]
    stored = {
        (found.display_name, found.type, found.source)
        for found in (
            stub(REP).GetCustomer(customer_pb2.GetCustomerRequest(id=row.customer_id))
            for row in report.rows
            if row.status == IMPORTED
        )
    }
    assert stored == {
        ("西湖科技", customer_pb2.CUSTOMER_TYPE_ENTERPRISE, types_pb2.SOURCE_CHANNEL_EXHIBITION),
        (name, customer_pb2.CUSTOMER_TYPE_INDIVIDUAL, types_pb2.SOURCE_CHANNEL_UNSPECIFIED),
    }
    assert _count(database, Customer) == 2


def test_an_xlsx_with_chinese_headers_is_imported_with_errors_by_row(api):
    """Excel keeps a phone number typed without a + as a number and a date as a date: both
    read as their text; a row's line number is the sheet's row number, blank rows counted."""
    stub, database = api
    content = _xlsx(
        [
            ["客户类型", "客户名称", "手机", "首次接触日期", "年龄"],
            ["individual", "韩梅梅", 13912345678, datetime(2026, 3, 1), 30],
            [],
            ["individual", "李雷", 12345, None, None],
            ["company", "某公司"],
        ]
    )
    report = stub(REP).ImportCustomers(
        customer_pb2.ImportCustomersRequest(csv_content=content, file_name="客户.xlsx")
    )

    assert [(row.line_number, row.status, set(_errors(row))) for row in report.rows] == [
        (2, IMPORTED, set()),
        (4, FAILED, {"phone"}),
        (5, FAILED, {"type"}),
    ]
    stored = stub(REP).GetCustomer(customer_pb2.GetCustomerRequest(id=report.rows[0].customer_id))
    assert (
        stored.display_name,
        stored.phone,
        stored.first_contact_date,
        stored.individual.age,
    ) == (
        "韩梅梅",
        "+8613912345678",
        "2026-03-01",
        30,
    )
    assert _count(database, Customer) == 1


def test_a_named_encoding_is_used_and_an_unknown_or_wrong_one_is_a_field_error(api):
    stub, database = api
    gbk = "type,display_name\nindividual,李雷\n".encode("gbk")
    report = stub(REP).ImportCustomers(
        customer_pb2.ImportCustomersRequest(csv_content=gbk, encoding="GBK")
    )
    assert [row.status for row in report.rows] == [IMPORTED]

    for encoding, field, problem in [
        ("klingon", "encoding", "is not a known encoding"),
        ("ascii", "csv_content", "is not ascii"),
    ]:
        with pytest.raises(grpc.RpcError) as caught:
            stub(REP).ImportCustomers(
                customer_pb2.ImportCustomersRequest(csv_content=gbk, encoding=encoding)
            )
        error = describe_rpc_error(caught.value)
        assert error.code is grpc.StatusCode.INVALID_ARGUMENT
        assert [v.field for v in error.violations] == [field]
        assert problem in error.violations[0].description
    assert _count(database, Customer) == 1

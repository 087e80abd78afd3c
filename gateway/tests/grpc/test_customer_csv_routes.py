"""Import (multipart upload of CSV or .xlsx) and export (streamed download as CSV or .xlsx) of
``/api/v1/customers`` against the real customer service."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest

CSV = (
    "type,display_name,phone,email,enterprise.legal_name,enterprise.industry\n"
    "enterprise,西湖科技,13800138000,info@xihu.example,杭州西湖科技有限公司,manufacturing\n"
    "individual,李雷,12345,,,\n"
    "individual,韩梅梅,13912345678,han@example.com,,\n"
)


@pytest.fixture
def client(make_app, customer_service):
    return make_app(customer_addr=customer_service.address).test_client()


def _upload(client, headers, content: bytes, file_name="customers.csv", **fields):
    return client.post(
        "/api/v1/customers/import",
        headers=headers,
        content_type="multipart/form-data",
        data={"file": (io.BytesIO(content), file_name), **fields},
    )


def test_an_uploaded_file_is_imported_with_a_report_per_row(client, auth_header):
    rep = auth_header("rep.zhang")
    response = _upload(client, rep, CSV.encode())

    assert response.status_code == 200, response.get_data(as_text=True)
    report = response.get_json()
    assert report["file_name"] == "customers.csv"
    assert (report["total_rows"], report["imported_rows"], report["failed_rows"]) == (3, 2, 1)
    assert [(r["line_number"], r["status"]) for r in report["rows"]] == [
        (2, "imported"),
        (3, "failed"),
        (4, "imported"),
    ]
    assert [e["field"] for e in report["rows"][1]["errors"]] == ["phone"]
    listed = client.get("/api/v1/customers", headers=rep).get_json()
    assert {c["display_name"] for c in listed["customers"]} == {"西湖科技", "韩梅梅"}

    again = client.get(f"/api/v1/customers/imports/{report['id']}", headers=rep)
    assert again.status_code == 200
    assert again.get_json()["rows"] == report["rows"]
    assert [
        i["id"] for i in client.get("/api/v1/customers/imports", headers=rep).get_json()["imports"]
    ] == [report["id"]]


def test_validate_only_stores_nothing_and_a_broken_file_is_422(client, auth_header):
    rep = auth_header("rep.zhang")
    checked = _upload(client, rep, CSV.encode(), validate_only="true")
    broken = _upload(client, rep, b"type,display_name,shoe_size\nindividual,x,42\n")

    assert checked.status_code == 200
    assert checked.get_json()["validate_only"] is True
    assert client.get("/api/v1/customers", headers=rep).get_json()["customers"] == []
    assert broken.status_code == 422
    assert [e["field"] for e in broken.get_json()["errors"]] == ["csv_content"]


def test_the_download_is_csv_or_xlsx_of_what_the_caller_may_see(client, auth_header):
    _upload(client, auth_header("rep.zhang"), CSV.encode())
    _upload(client, auth_header("rep.li"), "type,display_name\nindividual,北方客户\n".encode())

    own = client.get(  # for a person: Chinese headers, and a BOM so Excel reads it as UTF-8
        "/api/v1/customers/export?columns=display_name&columns=phone&locale=zh-CN",
        headers=auth_header("rep.zhang"),
    )
    lead = client.get(  # no locale: the machine format, whatever the account's language
        "/api/v1/customers/export?type=individual", headers=auth_header("sales.lead")
    )
    bad = client.get("/api/v1/customers/export?columns=salary", headers=auth_header("rep.zhang"))
    workbook = client.get(
        "/api/v1/customers/export?format=xlsx&columns=display_name&columns=phone&locale=zh-CN",
        headers=auth_header("rep.zhang"),
    )
    keys = client.get(  # rep.zhang's profile is zh-CN, yet without a locale: the keys
        "/api/v1/customers/export?format=xlsx&columns=display_name", headers=auth_header("rep.zhang")
    )

    assert own.status_code == 200
    assert own.mimetype == "text/csv"
    assert "attachment" in own.headers["Content-Disposition"]
    assert own.get_data().startswith("\ufeff客户名称".encode())  # Excel reads it as UTF-8
    rows = list(csv.DictReader(io.StringIO(own.get_data().decode("utf-8-sig"))))
    assert {(r["客户名称"], r["手机"]) for r in rows} == {
        ("韩梅梅", "'+8613912345678"),  # marked as text: a spreadsheet runs no "+..." formula
        ("西湖科技", "'+8613800138000"),
    }
    assert lead.get_data().startswith(b"type,")  # as before: keys, no byte-order mark
    assert {
        r["display_name"] for r in csv.DictReader(io.StringIO(lead.get_data().decode("utf-8")))
    } == {"北方客户", "韩梅梅"}
    assert bad.status_code == 422

    assert workbook.status_code == 200
    assert workbook.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert 'filename="customers.xlsx"' in workbook.headers["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(workbook.get_data())).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == ["客户名称", "手机"]
    assert sorted(rows[1:]) == [["西湖科技", "+8613800138000"], ["韩梅梅", "+8613912345678"]]
    header = next(openpyxl.load_workbook(io.BytesIO(keys.get_data())).active.iter_rows())
    assert [cell.value for cell in header] == ["display_name"]


def test_an_uploaded_row_duplicating_a_customer_out_of_sight_is_imported(client, auth_header):
    """Issue 15 (low): rep.li's customer is no duplicate for rep.zhang's import: the report
    betrays nothing of it."""
    _upload(
        client,
        auth_header("rep.li"),
        "type,display_name,phone\nindividual,北方客户,13700137000\n".encode(),
    )
    report = _upload(
        client,
        auth_header("rep.zhang"),
        "type,display_name,phone\nindividual,华东客户,13700137000\n".encode(),
        duplicate_handling="fail",
    )

    assert report.status_code == 200, report.get_data(as_text=True)
    assert [(r["status"], r["errors"]) for r in report.get_json()["rows"]] == [("imported", [])]


def test_a_gbk_csv_and_an_xlsx_upload_with_chinese_headers_are_imported(client, auth_header):
    """Issue 20: what Excel saves in a Chinese office; a file that is neither is a 422."""
    rep = auth_header("rep.zhang")
    gbk = "客户类型,客户名称,手机\nindividual,韩梅梅,13912345678\nindividual,李雷,12345\n"
    book = openpyxl.Workbook()
    for row in (["客户类型", "客户名称", "手机"], ["individual", "王五", 13700137000]):
        book.active.append(row)
    workbook = io.BytesIO()
    book.save(workbook)

    from_csv = _upload(client, rep, gbk.encode("gbk"), "客户.csv", encoding="gbk")
    from_xlsx = _upload(client, rep, workbook.getvalue(), "客户.xlsx")
    broken = _upload(client, rep, b"PK\x03\x04 not really a workbook", "客户.xlsx")
    unknown = _upload(client, rep, gbk.encode("gbk"), "客户.csv", encoding="klingon")

    assert from_csv.status_code == 200, from_csv.get_data(as_text=True)
    assert [(r["line_number"], r["status"]) for r in from_csv.get_json()["rows"]] == [
        (2, "imported"),
        (3, "failed"),
    ]
    assert [e["field"] for e in from_csv.get_json()["rows"][1]["errors"]] == ["phone"]
    assert from_xlsx.status_code == 200, from_xlsx.get_data(as_text=True)
    assert [r["status"] for r in from_xlsx.get_json()["rows"]] == ["imported"]
    assert (broken.status_code, [e["field"] for e in broken.get_json()["errors"]]) == (
        422,
        ["csv_content"],
    )
    assert (unknown.status_code, [e["field"] for e in unknown.get_json()["errors"]]) == (
        422,
        ["encoding"],
    )

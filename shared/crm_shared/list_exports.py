"""What every list export RPC (ExportCustomers, ExportTickets, ExportLeads) does around the file
itself (which :func:`crm_shared.spreadsheet_cells.encode_table` writes): checking the request's
columns, format, locale and purpose, and reading the caller's selection a page at a time."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator

from crm.common.v1 import types_pb2

from crm_shared.errors import FieldViolation
from crm_shared.grpc.paging import keyset_page_by
from crm_shared.spreadsheet_cells import LOCALES

EXPORT_PAGE = 500
MAX_PURPOSE = 500
# The request fields of every list export besides its list's filters.
FILE_FIELDS = frozenset({"columns", "access_purpose", "format", "locale"})


def audit_log(service: str) -> logging.Logger:
    """The logger of ``service``'s export audit lines (``<service>.audit``): who exported whose
    personal data. Held at INFO whatever ``LOG_LEVEL`` says, since an audit entry is not
    chatter that an operator turns down."""
    logger = logging.getLogger(f"{service}.audit")
    logger.setLevel(logging.INFO)
    return logger


def auditor(
    log: logging.Logger,
    message: str,
    *,
    actor_id: str,
    method: str,
    fields: list[str],
    purpose: str,
    ids_key: str,
) -> Callable[[list[str]], None] | None:
    """The ``audit`` of :func:`pages_of` for a service that keeps no access-log table (the
    ticket and sales services: the customer service's log is about customers, and a reporter
    or a lead need not be one): each page's ids as one structured line of ``log``
    (:func:`audit_log`), naming who, the RPC, the personal ``fields`` and the purpose, never
    the values themselves. None when the export holds no personal field (nothing to audit)."""
    if not fields:
        return None

    def audit(ids: list[str]) -> None:
        log.info(message, extra={"audit": "export", "actor_id": actor_id, "method": method,
                                 "fields": fields, "purpose": purpose, ids_key: ids})

    return audit


def file_violations(request, known_columns: Iterable[str]) -> tuple[list[str], list]:
    """The columns the export writes (all of ``known_columns`` when it names none) and the
    field violations of its file fields."""
    known = list(known_columns)
    columns = list(request.columns) or known
    violations = [
        FieldViolation(f"columns[{index}]", f"is not a column ({', '.join(known)})")
        for index, name in enumerate(columns)
        if name not in known
    ]
    if request.format not in types_pb2.TableFormat.values():
        violations.append(FieldViolation("format", "is not a known table format"))
    if request.locale and request.locale not in LOCALES:
        violations.append(FieldViolation("locale", f"must be one of {', '.join(LOCALES)}"))
    if len(request.access_purpose) > MAX_PURPOSE:
        violations.append(
            FieldViolation("access_purpose", f"must be at most {MAX_PURPOSE} characters")
        )
    return columns, violations


def pages_of(
    database,
    query,
    *,
    order_column,
    id_column,
    descending: bool,
    row_of: Callable[[object], list[str]],
    audit: Callable[[list[str]], None] | None = None,
    sort_value=None,
) -> Iterator[list[list[str]]]:
    """The rows of ``query`` as cells (``row_of``), a page of :data:`EXPORT_PAGE` at a time in
    the list's keyset order, each page read in a transaction of its own (so no transaction
    stays open while the client reads). ``audit`` gets each page's ids (``id_column``) before
    the page is yielded, that is before any of its bytes leave the service."""
    token = ""
    while True:
        with database.unit_of_work(readonly=True) as uow:
            rows, token = keyset_page_by(
                uow.session,
                query,
                order_column=order_column,
                id_column=id_column,
                descending=descending,
                page_size=EXPORT_PAGE,
                page_token=token,
                sort_value=sort_value,
            )
            page = [row_of(row) for row in rows]
            ids = [getattr(row, id_column.key) for row in rows]
        if page:
            if audit is not None:
                audit(ids)
            yield page
        if not token:
            return

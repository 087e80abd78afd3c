"""Paging shared by every List method (AIP-158): page sizes and keyset page tokens.

A page token is the (sort value, id) of the last row of the previous page, so pages stay
stable while rows are added, and the query is an index range scan at any depth. One function
pages every List method: :func:`keyset_page_by` (``keyset_page`` is its creation-time case).
"""

from __future__ import annotations

import base64
import json
from datetime import datetime

from crm_shared.errors import FieldViolation, InvalidArgument

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


def page_size_of(requested: int) -> int:
    """0 means the default; above the maximum is clamped; negative is an error."""
    if requested < 0:
        raise InvalidArgument(FieldViolation("page_size", "must not be negative"))
    return min(requested or DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)


def keyset_page(session, query, *, created_column, id_column, page_size: int, page_token: str,
                ascending: bool = False):
    """Run ``query`` newest first by ``created_column`` (oldest first when ``ascending``) from
    ``page_token``; return (rows, next_page_token)."""
    return keyset_page_by(
        session, query, order_column=created_column, id_column=id_column,
        descending=not ascending, page_size=page_size, page_token=page_token,
    )


def keyset_page_by(session, query, *, order_column, id_column, descending: bool, page_size: int,
                   page_token: str, sort_value=None):
    """Run ``query`` ordered by ``(order_column, id_column)`` from ``page_token``; return
    (rows, next_page_token). ``order_column`` is any non-null sortable column (time, text,
    number; ``id_column`` itself for rows kept in the order they were written), or a labelled
    expression over nullable ones (``func.coalesce(col, FAR_FUTURE).label("due_order")``) with
    ``sort_value(row)`` giving a row's value of it. The token carries the order's name, so a
    token of another order is refused rather than misread."""
    from sqlalchemy import tuple_

    kind = order_column.type.python_type
    id_kind = id_column.type.python_type
    if page_token:
        try:
            column, text, row_id = json.loads(base64.urlsafe_b64decode(page_token.encode()))
            if column != order_column.key:
                raise ValueError("a token of another order")
            value = datetime.fromisoformat(text) if kind is datetime else kind(text)
            row_id = id_kind(row_id)
        # RecursionError: JSON nested deeper than the parser recurses (a forged token).
        except (ValueError, TypeError, ArithmeticError, RecursionError) as exc:
            raise InvalidArgument(
                FieldViolation("page_token", "is not a token this service issued")
            ) from exc
        after = tuple_(order_column, id_column)
        query = query.where(after < tuple_(value, row_id) if descending
                            else after > tuple_(value, row_id))
    order = (order_column.desc(), id_column.desc()) if descending else (
        order_column.asc(), id_column.asc())
    rows = list(session.scalars(query.order_by(*order).limit(page_size + 1)))
    if len(rows) <= page_size:
        return rows, ""
    last = rows[page_size - 1]
    value = sort_value(last) if sort_value is not None else getattr(last, order_column.key)
    text = value.isoformat() if isinstance(value, datetime) else str(value)
    token = [order_column.key, text, getattr(last, id_column.key)]
    return rows[:page_size], base64.urlsafe_b64encode(json.dumps(token).encode()).decode()

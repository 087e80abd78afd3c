"""Paging shared by every List method (AIP-158): page sizes and keyset page tokens.

A page token is the (create_time, id) of the last row of the previous page, so pages stay
stable while rows are added, and the query is an index range scan at any depth.
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


def encode_page_token(create_time: datetime, row_id: str) -> str:
    return base64.urlsafe_b64encode(json.dumps([create_time.isoformat(), row_id]).encode()).decode()


def decode_page_token(token: str) -> tuple[datetime, str]:
    try:
        created, row_id = json.loads(base64.urlsafe_b64decode(token.encode()))
        return datetime.fromisoformat(created), str(row_id)
    except (ValueError, TypeError) as exc:
        raise InvalidArgument(
            FieldViolation("page_token", "is not a token this service issued")
        ) from exc


def keyset_page(session, query, *, created_column, id_column, page_size: int, page_token: str):
    """Run ``query`` newest first from ``page_token``; return (rows, next_page_token)."""
    from sqlalchemy import tuple_

    if page_token:
        created, row_id = decode_page_token(page_token)
        query = query.where(tuple_(created_column, id_column) < tuple_(created, row_id))
    rows = list(
        session.scalars(query.order_by(created_column.desc(), id_column.desc()).limit(page_size + 1))
    )
    if len(rows) > page_size:
        last = rows[page_size - 1]
        next_token = encode_page_token(
            getattr(last, created_column.key), getattr(last, id_column.key)
        )
    else:
        next_token = ""
    return rows[:page_size], next_token

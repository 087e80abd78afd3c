"""A create repeated with the same ``request_id`` (AIP-155) answers with what the first one
stored, for the caller who made it; another caller's use of the id is ALREADY_EXISTS. The
row's table has a unique ``request_id`` column, so a race of two retries ends in an
IntegrityError for one of them, which looks the winner up the same way."""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm_shared.errors import AlreadyExists

Row = TypeVar("Row")


def earlier_request(session: Session, model: type[Row], request_id: str, caller_id: str, *,
                    creator: str = "created_by") -> Row | None:
    """The row an earlier call with ``request_id`` stored, None for a first call (or no id).
    ``creator`` names the column holding who made it."""
    if not request_id:
        return None
    row = session.scalars(select(model).where(model.request_id == request_id)).first()
    if row is not None and getattr(row, creator) != caller_id:
        raise AlreadyExists("request_id was already used by another caller")
    return row

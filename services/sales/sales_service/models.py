"""The sales service's tables.

Grouped by part of the service, each part in its own section (leads and their rules and reps;
opportunities, quotes, contracts and payments; activities, follow-ups and comments), after the
sales policy every part reads.
"""

from __future__ import annotations

from datetime import datetime

from crm_shared.db import NAMING_CONVENTION, UtcDateTime
from sqlalchemy import JSON, Integer, MetaData, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


PERSONAL = {"personal": True}
"""Column ``info`` of columns holding personal data of a customer or contact: erasure blanks
exactly these and the personal-data export lists them. Every table about a customer has a
``customer_id`` column, which a merge re-points to the surviving customer; a table of work that
moves to the new owner on a handover declares ``__handover__ = ("<state column>", (<open
states>))`` and has ``owner_id`` and ``department_path`` columns."""


class SalesPolicyRow(Base):
    """The one row (id 1) of sales configuration: the proto3 JSON of ``crm.sales.v1.SalesPolicy``
    (read through :func:`sales_service.policy.current`, which fills in the defaults)."""

    __tablename__ = "sales_policy"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document: Mapped[dict] = mapped_column(JSON)
    updated_by: Mapped[str] = mapped_column(String(64))
    update_time: Mapped[datetime] = mapped_column(UtcDateTime)


# --- Leads: leads, grading and assignment rules, reps, assignments ------------------------------



# --- Deals: opportunities, stage changes, quotes, contracts, payment plans, payments, purchases -



# --- Activities: follow-up records, comments, follow-up tasks and plans -------------------------

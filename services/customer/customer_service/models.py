"""The customer service's tables."""

from __future__ import annotations

from datetime import datetime

from crm_shared.db import NAMING_CONVENTION, UtcDateTime
from sqlalchemy import BigInteger, Boolean, Index, Integer, MetaData, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Customer(Base):
    __tablename__ = "customers"
    __table_args__ = (
        Index("ix_customers_owner_id", "owner_id"),
        Index("ix_customers_department_path", "department_path"),
        Index("ix_customers_create_time_id", "create_time", "id"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    type: Mapped[str] = mapped_column(String(20))
    display_name: Mapped[str] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(20), index=True)
    email: Mapped[str | None] = mapped_column(String(254), index=True)
    owner_id: Mapped[str] = mapped_column(String(64))
    department_path: Mapped[str] = mapped_column(String(255))
    created_by: Mapped[str] = mapped_column(String(64))
    create_time: Mapped[datetime] = mapped_column(UtcDateTime)
    update_time: Mapped[datetime] = mapped_column(UtcDateTime)
    request_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    """The creating call's request id: a retried create returns the first result."""

    # -- classification and risk, kept current from other services' events (portrait) --


class CustomerNumberSequence(Base):
    """One row holding the last issued customer number (a portable sequence)."""

    __tablename__ = "customer_number_sequence"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_value: Mapped[int] = mapped_column(Integer)


class Employee(Base):
    """What this service knows of the people who own customers (from identity events)."""

    __tablename__ = "employees"

    user_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    username: Mapped[str] = mapped_column(String(100))
    department_path: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    revision: Mapped[int] = mapped_column(BigInteger, default=0)
    """The identity revision held: an older upsert arriving late is ignored."""
    update_time: Mapped[datetime] = mapped_column(UtcDateTime)


# --- Contacts, decision chain, tags, tag rules, revisions, duplicates, merges, handovers -----


# --- Personal data: encrypted fields, access log, consents, erasure, imports ------------------


# --- Portrait: classification policy, timeline, satisfaction, RFM, churn risk -----------------

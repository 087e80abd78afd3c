"""Tables of the gateway's own database (identity); the outbox tables come from the runtime."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Integer, MetaData, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from crm_shared.db import NAMING_CONVENTION, utcnow

LOCALES = ("zh-CN", "en-US")
DEFAULT_TIME_ZONE = "Asia/Shanghai"


class IdentityBase(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Department(IdentityBase):
    """A node of the department tree; its path (``/hq/sales/east``) is its stable identifier."""

    __tablename__ = "departments"

    path: Mapped[str] = mapped_column(String(255), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    parent_path: Mapped[str | None] = mapped_column(
        String(255), ForeignKey("departments.path"), index=True
    )
    # The lead references users.id, and users reference departments: the constraint is added
    # after both tables exist (use_alter), so neither table needs the other first.
    lead_user_id: Mapped[str | None] = mapped_column(
        String(36),
        ForeignKey("users.id", use_alter=True, name="fk_departments_lead_user_id_users"),
    )
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    revision: Mapped[int] = mapped_column(Integer, default=1)
    create_time: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    update_time: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class User(IdentityBase):
    __tablename__ = "users"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(320), default="")
    phone: Mapped[str] = mapped_column(String(32), default="")
    locale: Mapped[str] = mapped_column(String(16), default="zh-CN")
    time_zone: Mapped[str] = mapped_column(String(64), default=DEFAULT_TIME_ZONE)
    job_title: Mapped[str] = mapped_column(String(200), default="")
    department_path: Mapped[str] = mapped_column(
        String(255), ForeignKey("departments.path"), index=True
    )
    roles: Mapped[list[str]] = mapped_column(JSON, default=list)
    data_scope: Mapped[str] = mapped_column(String(16), default="own")
    manager_id: Mapped[str | None] = mapped_column(String(36))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    service_account: Mapped[bool] = mapped_column(Boolean, default=False)
    password_hash: Mapped[str] = mapped_column(String(255))
    revision: Mapped[int] = mapped_column(Integer, default=1)
    create_time: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    update_time: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class SeedMark(IdentityBase):
    """A data set that was seeded once (e.g. the demo organisation) and must not be seeded again."""

    __tablename__ = "seed_marks"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    apply_time: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

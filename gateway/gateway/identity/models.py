"""Tables of the gateway's own database (identity); the outbox tables come from the runtime."""

from __future__ import annotations

from datetime import datetime

from crm_shared.db import NAMING_CONVENTION, UtcDateTime, utcnow
from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    ForeignKey,
    Integer,
    LargeBinary,
    MetaData,
    String,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

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
    create_time: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    update_time: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


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
    # A person's password, or a service account's client secret (argon2id either way).
    password_hash: Mapped[str] = mapped_column(String(255))
    # OAuth scopes granted to a service account (empty for people).
    scopes: Mapped[list[str]] = mapped_column(JSON, default=list)
    # The last security change (ms since the epoch): the access tokens issued before it are
    # void at every door (crm_shared.auth.revocations; set by sessions.revoke_user_tokens).
    tokens_not_before_ms: Mapped[int | None] = mapped_column(BigInteger, index=True)
    revision: Mapped[int] = mapped_column(Integer, default=1)
    create_time: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    update_time: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class SeedMark(IdentityBase):
    """A data set that was seeded once (e.g. the demo organisation) and must not be seeded again."""

    __tablename__ = "seed_marks"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    apply_time: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class RefreshToken(IdentityBase):
    """One refresh token of a login session ("family"). Only its SHA-256 is stored.

    Using a token marks it used and issues its successor in the same family; presenting a
    used (or revoked) token again revokes the whole family (RFC 9700 §4.14.2)."""

    __tablename__ = "refresh_tokens"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    family_id: Mapped[str] = mapped_column(String(36), index=True)
    user_id: Mapped[str] = mapped_column(String(36), ForeignKey("users.id"), index=True)
    create_time: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    expire_time: Mapped[datetime] = mapped_column(UtcDateTime)
    family_expire_time: Mapped[datetime] = mapped_column(UtcDateTime)
    use_time: Mapped[datetime | None] = mapped_column(UtcDateTime)
    revoke_time: Mapped[datetime | None] = mapped_column(UtcDateTime)


class IdempotencyRecord(IdentityBase):
    """The first response to a caller's ``Idempotency-Key`` on a creating POST, replayed for
    a retry with the same body until ``expire_time``. ``status`` is null while in progress."""

    __tablename__ = "idempotency_records"

    caller_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    method: Mapped[str] = mapped_column(String(8))
    path: Mapped[str] = mapped_column(String(500))
    request_hash: Mapped[str] = mapped_column(String(64))
    status: Mapped[int | None] = mapped_column(Integer)
    response_headers: Mapped[dict] = mapped_column(JSON, default=dict)
    response_body: Mapped[bytes | None] = mapped_column(LargeBinary)
    create_time: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    expire_time: Mapped[datetime] = mapped_column(UtcDateTime, index=True)


class RateLimitCounter(IdentityBase):
    """Requests counted in one fixed window of one subject (``user:<id>:<window start>``),
    shared by every worker and replica of the gateway through this database."""

    __tablename__ = "rate_limit_counters"

    bucket: Mapped[str] = mapped_column(String(255), primary_key=True)
    hits: Mapped[int] = mapped_column(Integer)
    expire_at: Mapped[int] = mapped_column(BigInteger, index=True)

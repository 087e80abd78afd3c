"""The ticket service's tables. Its domain tables arrive with the ticket issue; until then the
database holds the runtime tables (outbox, processed events) its api and worker rely on."""

from __future__ import annotations

from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

from crm_shared.db import NAMING_CONVENTION


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)

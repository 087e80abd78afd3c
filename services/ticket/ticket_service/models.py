"""The ticket service's tables."""

from __future__ import annotations

from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

from crm_shared.db import NAMING_CONVENTION


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


# --- Tickets: lifecycle, routing, transfers, history, comments, service records, agents ------


# --- Set-up and read models: SLA policies, calendars, ticket policy, call-backs, knowledge ----

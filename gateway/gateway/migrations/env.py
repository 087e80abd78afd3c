"""Alembic environment of the gateway's database (identity), the same as every service's."""

from crm_shared.migrations import run_env
from gateway.identity.models import IdentityBase

run_env(IdentityBase.metadata)

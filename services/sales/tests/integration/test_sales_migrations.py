"""The sales service's migrations: head matches the models, and they go down and up again."""

import pytest
from crm_devstack.migration_checks import MigrationChecks

pytestmark = pytest.mark.integration


class TestSalesMigrations(MigrationChecks):
    package = "sales_service"

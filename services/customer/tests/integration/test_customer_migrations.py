"""The customer service's migrations: head matches the models, they go down and up again, and
the data migrations rewrite what they promise."""

import pytest
from crm_devstack.migration_checks import MigrationChecks
from crm_shared.migrations import upgrade
from sqlalchemy import create_engine, text

pytestmark = pytest.mark.integration


class TestCustomerMigrations(MigrationChecks):
    package = "customer_service"


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_revisions_recorded_under_the_old_masks_are_masked_again(request, backend):
    url = request.getfixturevalue("sqlite_url" if backend == "sqlite" else "postgres_url")
    upgrade("customer_service", url, "0005")
    rows = [  # (id, field path, old value, new value) as the old masks wrote them
        ("r-1", "individual.id_card_number", "", "1101**********002X"),
        ("r-2", "individual.id_card_number", "1101**********002X", "3201**********5671"),
        ("r-3", "bank_account", "**** **** 3445", "**** **** 3456"),
        ("r-4", "bank_account", "**** **** 3456", ""),
        ("r-5", "phone", "+8613812345678", "+8613900000001"),  # not a secret: left alone
    ]
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            for row_id, path, old, new in rows:
                connection.execute(
                    text(
                        "INSERT INTO customer_revisions (id, customer_id, field_path, old_value,"
                        " new_value, actor_id, change_time, change_source) VALUES (:id, 'c-1',"
                        " :path, :old, :new, 'u-rep', CURRENT_TIMESTAMP, 'api')"
                    ),
                    {"id": row_id, "path": path, "old": old, "new": new},
                )
        upgrade("customer_service", url)
        with engine.connect() as connection:
            after = connection.execute(
                text("SELECT id, old_value, new_value FROM customer_revisions ORDER BY id")
            ).all()
    finally:
        engine.dispose()

    assert [tuple(row) for row in after] == [
        ("r-1", "", "*" * 18),
        ("r-2", "*" * 18, "*" * 18),
        ("r-3", "**** ****", "**** ****"),  # the account's length is not in the old text
        ("r-4", "**** ****", ""),
        ("r-5", "+8613812345678", "+8613900000001"),
    ]

"""The sales service's migrations: head matches the models, they go down and up again, and the
seeded rules' renaming leaves an admin's names alone."""

import uuid

import pytest
from crm_devstack.migration_checks import MigrationChecks
from crm_shared.migrations import upgrade
from sqlalchemy import create_engine, text

pytestmark = pytest.mark.integration

SEEDED = uuid.UUID("6c1f3a52-8e0b-4d7a-9c21-5b3e7f9d0a44")  # 0003's namespace of seeded ids


class TestSalesMigrations(MigrationChecks):
    package = "sales_service"


def test_0012_renames_the_seeded_rules_in_chinese_but_not_one_an_admin_renamed(sqlite_url):
    """Seeded names are data: one an admin changed since stays as they wrote it."""
    upgrade("sales_service", sqlite_url, "0011")
    engine = create_engine(sqlite_url)
    grade_a, grade_b = (str(uuid.uuid5(SEEDED, key)) for key in ("grade-a", "grade-b"))
    try:
        with engine.begin() as connection:
            connection.execute(
                text("UPDATE lead_grading_rules SET display_name = '重点客户' WHERE id = :id"),
                {"id": grade_b},
            )
        upgrade("sales_service", sqlite_url)
        with engine.connect() as connection:
            names = dict(connection.execute(text(
                "SELECT id, display_name FROM lead_grading_rules WHERE id IN (:a, :b)"
            ), {"a": grade_a, "b": grade_b}).all())
    finally:
        engine.dispose()
    assert names == {grade_a: "意向高且需求明确为 A 类", grade_b: "重点客户"}

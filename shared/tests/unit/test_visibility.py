"""The visibility rule, in memory and as SQL, must agree on every case."""

import pytest
from crm_shared.auth import DataScope, Principal, can_see, visibility_clause
from sqlalchemy import Column, MetaData, String, Table, create_engine, insert, select

RECORDS = [
    ("r-own", "rep", "/hq/sales/east"),
    ("r-colleague", "rep2", "/hq/sales/east"),
    ("r-north", "rep3", "/hq/sales/north"),
    ("r-service", "agent", "/hq/service"),
    ("r-lookalike", "x", "/hq/salesforce"),
    ("r-lead-root", "lead", "/hq/sales"),
]


def principal(scope: DataScope, dept: str, user: str = "rep") -> Principal:
    return Principal(user_id=user, username=user, roles=frozenset(), department_path=dept,
                     data_scope=scope)


CASES = [
    (principal(DataScope.OWN, "/hq/sales/east"), {"r-own"}),
    (principal(DataScope.DEPARTMENT, "/hq/sales", user="lead"),
     {"r-own", "r-colleague", "r-north", "r-lead-root"}),
    (principal(DataScope.DEPARTMENT, "/hq/sales/east", user="lead-east"), {"r-own", "r-colleague"}),
    (principal(DataScope.ALL, "/hq", user="admin"), {r[0] for r in RECORDS}),
]


@pytest.mark.parametrize("caller,expected", CASES)
def test_in_memory_rule(caller, expected):
    visible = {rid for rid, owner, dept in RECORDS
               if can_see(caller, owner_id=owner, department_path=dept)}
    assert visible == expected


@pytest.mark.parametrize("caller,expected", CASES)
def test_sql_clause_matches_the_rule(caller, expected):
    engine = create_engine("sqlite://")
    table = Table("records", MetaData(), Column("id", String), Column("owner", String),
                  Column("dept", String))
    table.metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(insert(table), [{"id": i, "owner": o, "dept": d} for i, o, d in RECORDS])
        rows = conn.execute(
            select(table.c.id).where(visibility_clause(caller, table.c.owner, table.c.dept))
        ).scalars()
        assert set(rows) == expected


def test_department_with_like_wildcards_does_not_leak():
    caller = principal(DataScope.DEPARTMENT, "/hq/s_les", user="lead")
    assert not can_see(caller, owner_id="x", department_path="/hq/sales/east")
    engine = create_engine("sqlite://")
    table = Table("records", MetaData(), Column("id", String), Column("owner", String),
                  Column("dept", String))
    table.metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(insert(table), [{"id": "a", "owner": "x", "dept": "/hq/sales/east"}])
        rows = conn.execute(
            select(table.c.id).where(visibility_clause(caller, table.c.owner, table.c.dept))
        ).all()
    assert rows == []

"""crm_shared.rollups on SQLite: the counter upsert, and the mapper events that keep a rollup
in the transaction that writes the counted rows (the services' KPI rollup tests check their
figures on SQLite and PostgreSQL; these check the mechanism on a model of its own)."""

from __future__ import annotations

from collections import Counter

import pytest
from crm_shared.rollups import add_to_counters, keep_in_transaction
from sqlalchemy import Integer, String, create_engine, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column


class Base(DeclarativeBase):
    pass


class Item(Base):
    __tablename__ = "items"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team: Mapped[str] = mapped_column(String)
    points: Mapped[int] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(String, default="")  # counts in no figure


class TeamCount(Base):
    __tablename__ = "team_counts"
    team: Mapped[str] = mapped_column(String, primary_key=True)
    items: Mapped[int] = mapped_column(Integer)
    points: Mapped[int] = mapped_column(Integer)


class TeamRollup:
    writes = 0  # how many times a rollup was written: a flush that changes no share writes none

    def __init__(self) -> None:
        self.teams: dict[str, Counter] = {}

    def add(self, item, sign: int = 1) -> None:
        row = self.teams.setdefault(item.team, Counter())
        row["items"] += sign
        row["points"] += sign * item.points

    def write(self, connection) -> None:
        TeamRollup.writes += 1
        rows = [
            {"team": team, **{n: row[n] for n in ("items", "points")}}
            for team, row in self.teams.items()
        ]
        add_to_counters(connection, TeamCount, ("team",), ("items", "points"), rows)


keep_in_transaction(Item, ("team", "points"), TeamRollup)


@pytest.fixture
def session():
    engine = create_engine("sqlite://")
    Base.metadata.create_all(engine)
    with Session(engine) as session:
        yield session
    engine.dispose()


def stored(session: Session) -> dict[str, tuple[int, int]]:
    rows = session.execute(select(TeamCount.team, TeamCount.items, TeamCount.points))
    return {team: (items, points) for team, items, points in rows if items or points}


def counted(session: Session) -> dict[str, tuple[int, int]]:
    """The rollup computed from the items themselves."""
    teams: dict[str, tuple[int, int]] = {}
    for item in session.scalars(select(Item)):
        items, points = teams.get(item.team, (0, 0))
        teams[item.team] = (items + 1, points + item.points)
    return teams


def test_add_to_counters_adds_to_a_stored_row_and_inserts_a_missing_one(session):
    connection = session.connection()
    add_to_counters(
        connection,
        TeamCount,
        ("team",),
        ("items", "points"),
        [{"team": "east", "items": 2, "points": 10}],
    )
    add_to_counters(
        connection,
        TeamCount,
        ("team",),
        ("items", "points"),
        [{"team": "east", "items": -1, "points": 5}, {"team": "west", "items": 1, "points": 3}],
    )
    add_to_counters(connection, TeamCount, ("team",), ("items", "points"), [])  # no statement
    assert stored(session) == {"east": (1, 15), "west": (1, 3)}


def test_every_write_of_the_counted_rows_keeps_the_rollup_equal_to_a_count_of_them(session):
    session.add_all(
        [
            Item(id=1, team="east", points=3),
            Item(id=2, team="east", points=4),
            Item(id=3, team="west", points=5),
        ]
    )
    session.commit()
    assert stored(session) == counted(session) == {"east": (2, 7), "west": (1, 5)}

    # an attribute set after the session expired the item: its old share comes from the row
    item = session.get(Item, 1)
    session.expire(item)
    item.team = "west"
    session.commit()
    assert stored(session) == counted(session) == {"east": (1, 4), "west": (2, 8)}

    writes = TeamRollup.writes
    session.get(Item, 2).note = "a column no figure reads"
    session.commit()
    assert TeamRollup.writes == writes

    session.get(Item, 2).points = 40
    session.flush()
    assert stored(session)["east"] == (1, 40)
    session.rollback()  # a rolled-back change rolls its share back
    session.delete(session.get(Item, 3))
    session.commit()
    assert stored(session) == counted(session) == {"east": (1, 4), "west": (1, 3)}

"""Keyset paging, the one way every List method pages: any sort column, both directions, ties
broken by id, and tokens that cannot be misread."""

import base64
import json
from datetime import UTC, datetime, timedelta

import pytest
from crm_shared.db import UtcDateTime
from crm_shared.errors import InvalidArgument
from crm_shared.grpc.paging import keyset_page, keyset_page_by
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import Integer, MetaData, String, create_engine, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column


class Base(DeclarativeBase):
    metadata = MetaData()


class Row(Base):
    __tablename__ = "rows"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(20))
    score: Mapped[int] = mapped_column(Integer)
    create_time: Mapped[datetime] = mapped_column(UtcDateTime)


@pytest.fixture
def session():
    engine = create_engine("sqlite://")
    Base.metadata.create_all(engine)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    with Session(engine) as session:
        session.add_all(
            Row(id=i, name=f"n{i % 4}", score=i % 3, create_time=start + timedelta(minutes=i // 2))
            for i in range(1, 12)
        )
        session.commit()
        yield session


def all_pages(fetch):
    ids, token = [], ""
    while True:
        rows, token = fetch(token)
        ids += [row.id for row in rows]
        if not token:
            return ids


@pytest.mark.parametrize("descending", [True, False])
@pytest.mark.parametrize("column", ["score", "name", "create_time", "id"])
def test_pages_visit_every_row_once_in_order(session, column, descending):
    order_column = getattr(Row, column)
    ids = all_pages(lambda token: keyset_page_by(
        session, select(Row), order_column=order_column, id_column=Row.id,
        descending=descending, page_size=3, page_token=token))
    expected = sorted(session.scalars(select(Row)), reverse=descending,
                      key=lambda row: (getattr(row, column), row.id))
    assert ids == [row.id for row in expected]


def test_creation_time_pages_are_newest_first_unless_ascending(session):
    newest_first = all_pages(lambda token: keyset_page(
        session, select(Row), created_column=Row.create_time, id_column=Row.id,
        page_size=4, page_token=token))
    oldest_first = all_pages(lambda token: keyset_page(
        session, select(Row), created_column=Row.create_time, id_column=Row.id,
        page_size=4, page_token=token, ascending=True))
    assert newest_first == list(range(11, 0, -1))
    assert oldest_first == list(range(1, 12))


def test_a_token_of_another_order_or_a_forged_one_is_refused(session):
    _, token = keyset_page_by(session, select(Row), order_column=Row.score, id_column=Row.id,
                              descending=False, page_size=2, page_token="")
    for bad in (token, "not-a-token"):
        with pytest.raises(InvalidArgument) as caught:
            keyset_page_by(session, select(Row), order_column=Row.name, id_column=Row.id,
                           descending=False, page_size=2, page_token=bad)
        assert caught.value.violations[0].field == "page_token"


def _encoded(document: str) -> str:
    return base64.urlsafe_b64encode(document.encode()).decode()


@pytest.mark.parametrize("bad", [
    _encoded("[" * 1500),  # nested deeper than the JSON parser recurses: RecursionError
    _encoded('{"a": 1}'),
    _encoded('["score", [1], 2]'),
    _encoded('["score", "1e999999", 2]'),
    "é" * 10,
    "x" * 100_000,
])
def test_a_token_that_is_no_token_of_ours_is_a_field_error(session, bad):
    with pytest.raises(InvalidArgument) as caught:
        keyset_page_by(session, select(Row), order_column=Row.score, id_column=Row.id,
                       descending=False, page_size=2, page_token=bad)
    assert caught.value.violations[0].field == "page_token"


@settings(max_examples=200, derandomize=True, database=None)
@given(document=st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=30),
                             lambda inner: st.lists(inner, max_size=4), max_leaves=12))
def test_any_json_in_a_token_is_read_or_refused_as_a_field_error(document):
    """Whatever a token decodes to, the caller gets rows or INVALID_ARGUMENT, never a crash."""
    engine = create_engine("sqlite://")
    Base.metadata.create_all(engine)
    with Session(engine) as fresh:
        for column in (Row.score, Row.name, Row.create_time):
            try:
                keyset_page_by(fresh, select(Row), order_column=column, id_column=Row.id,
                               descending=True, page_size=2,
                               page_token=_encoded(json.dumps(document)))
            except InvalidArgument:
                pass

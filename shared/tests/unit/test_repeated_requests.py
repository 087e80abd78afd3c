"""earlier_request on a real (SQLite) table: a first call finds nothing, a repeat by the same
caller finds the stored row, another caller's use of the id is ALREADY_EXISTS."""

import pytest
from crm_shared.errors import AlreadyExists
from crm_shared.repeated_requests import earlier_request
from sqlalchemy import String, create_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column


class Base(DeclarativeBase):
    pass


class Note(Base):
    __tablename__ = "notes"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    request_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    author_id: Mapped[str] = mapped_column(String(64))


@pytest.fixture
def session(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'notes.db'}")
    Base.metadata.create_all(engine)
    with Session(engine) as session:
        session.add(Note(id="n-1", request_id="r-1", author_id="u-1"))
        session.commit()
        yield session
    engine.dispose()


def test_a_first_call_or_no_request_id_finds_nothing(session):
    assert earlier_request(session, Note, "r-2", "u-1", creator="author_id") is None
    assert earlier_request(session, Note, "", "u-1", creator="author_id") is None


def test_the_same_caller_repeating_gets_the_stored_row(session):
    assert earlier_request(session, Note, "r-1", "u-1", creator="author_id").id == "n-1"


def test_another_caller_reusing_the_id_is_already_exists(session):
    with pytest.raises(AlreadyExists):
        earlier_request(session, Note, "r-1", "u-2", creator="author_id")

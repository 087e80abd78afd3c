import crm_shared.events.ledger
import crm_shared.events.outbox  # noqa: F401  (registers the runtime tables)
import pytest
from crm_shared.db import Database, RuntimeBase


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request):
    """The same test against both supported databases."""
    if request.param == "sqlite":
        return request.getfixturevalue("sqlite_url")
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def runtime_db(database_url):
    database = Database(database_url)
    RuntimeBase.metadata.create_all(database.engine)
    yield database
    database.dispose()

"""PostgresCluster against real PostgreSQL 15 binaries, and the postgres/sqlite fixtures."""

import shutil
import tempfile
from pathlib import Path

import psycopg
import pytest
import sqlalchemy as sa
from crm_devstack._util import pid_alive  # a zombie counts as gone
from crm_devstack.ports import port_open
from crm_devstack.postgres import PostgresCluster

pytestmark = pytest.mark.integration


@pytest.fixture
def cluster_dir():
    path = Path(tempfile.mkdtemp(prefix="crm-pg-test-", dir="/tmp"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


def _databases(cluster: PostgresCluster) -> set[str]:
    with psycopg.connect(cluster.dsn()) as conn:
        return {r[0] for r in conn.execute("SELECT datname FROM pg_database")}


def test_cluster_creates_and_drops_databases_that_psycopg_can_use(cluster_dir):
    with PostgresCluster(cluster_dir) as cluster:
        url = cluster.create_database("crm_orders")
        assert url == f"postgresql+psycopg://postgres@127.0.0.1:{cluster.port}/crm_orders"
        engine = sa.create_engine(url)
        with engine.begin() as conn:
            conn.execute(sa.text("CREATE TABLE t (id int)"))
            conn.execute(sa.text("INSERT INTO t VALUES (1)"))
        with psycopg.connect(cluster.dsn("crm_orders")) as conn:
            row = conn.execute(
                "SELECT current_database(), current_setting('fsync'), count(*) FROM t"
            ).fetchone()
        assert row == ("crm_orders", "off", 1)
        # the pooled connection is still open: drop must not care
        cluster.drop_database("crm_orders")
        engine.dispose()
        assert "crm_orders" not in _databases(cluster)
        with pytest.raises(psycopg.OperationalError, match="does not exist"):
            psycopg.connect(cluster.dsn("crm_orders"))
        postmaster = cluster._postmaster_pid()
    assert not cluster.is_running()
    assert not port_open("127.0.0.1", cluster.port)
    assert not pid_alive(postmaster)
    cluster.stop()  # idempotent


def test_restart_on_the_same_dir_keeps_the_data(cluster_dir):
    with PostgresCluster(cluster_dir) as cluster:
        cluster.create_database("kept")
        with psycopg.connect(cluster.dsn("kept")) as conn:
            conn.execute("CREATE TABLE t AS SELECT 42 AS answer")
    with PostgresCluster(cluster_dir) as again, psycopg.connect(again.dsn("kept")) as conn:
        assert conn.execute("SELECT answer FROM t").fetchone() == (42,)


def test_rejects_unsafe_database_names(cluster_dir):
    cluster = PostgresCluster(cluster_dir)
    with pytest.raises(ValueError):
        cluster.create_database('x"; DROP DATABASE postgres; --')


def test_postgres_url_fixture_is_a_fresh_database(postgres, postgres_url):
    name = postgres_url.rsplit("/", 1)[1]
    assert name.startswith("test_") and name in _databases(postgres)
    with sa.create_engine(postgres_url).connect() as conn:
        tables = conn.execute(
            sa.text("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
        ).scalar()
    assert tables == 0


def test_sqlite_url_fixture_points_into_tmp_path(sqlite_url, tmp_path):
    assert sqlite_url == f"sqlite:///{tmp_path / 'test.db'}"
    with sa.create_engine(sqlite_url).begin() as conn:
        conn.execute(sa.text("CREATE TABLE t (id int)"))
    assert (tmp_path / "test.db").exists()


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_migrated_database_fixture_gives_separate_copies_at_the_head_revision(
    migrated_database, backend
):
    from alembic.migration import MigrationContext
    from alembic.script import ScriptDirectory
    from crm_shared.migrations import alembic_config

    urls = [migrated_database("gateway", backend) for _ in range(2)]
    assert urls[0] != urls[1]
    head = ScriptDirectory.from_config(alembic_config("gateway", urls[0])).get_current_head()
    engines = [sa.create_engine(url) for url in urls]
    try:
        for engine in engines:
            with engine.connect() as conn:
                assert MigrationContext.configure(conn).get_current_revision() == head
                assert "users" in sa.inspect(conn).get_table_names()
        with engines[0].begin() as conn:
            conn.execute(sa.text("CREATE TABLE only_in_the_first (id int)"))
        with engines[1].connect() as conn:
            assert "only_in_the_first" not in sa.inspect(conn).get_table_names()
        engines.append(sa.create_engine(migrated_database("gateway", backend)))
        with engines[-1].connect() as conn:  # the template itself is untouched
            assert "only_in_the_first" not in sa.inspect(conn).get_table_names()
    finally:
        for engine in engines:
            engine.dispose()

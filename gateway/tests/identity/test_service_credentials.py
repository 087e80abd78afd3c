"""A service's own credentials: `crm-gateway service-account` bootstraps the account from a
secret file, and `ClientCredentials` gets (and caches) its token from the real token route."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from crm_shared.auth.service_credentials import (
    REFRESH_MARGIN_SECONDS,
    ClientCredentials,
    ServiceTokenUnavailable,
)
from gateway.__main__ import main as gateway_cli
from werkzeug.serving import make_server


@pytest.fixture
def token_url(app) -> Iterator[str]:
    """The gateway app served over real HTTP on a free port (the provider uses sockets)."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/api/v1/auth/token"
    finally:
        server.shutdown()
        thread.join(5)


def bootstrap(monkeypatch, database_url, secret_file, *extra) -> int:
    monkeypatch.setenv("DATABASE_URL", database_url)
    return gateway_cli(["service-account", "--client-id", "svc.marketing", "--secret-file",
                        str(secret_file), "--department", "/hq/marketing", "--scope",
                        "notification.send", *extra])


def test_bootstrap_writes_a_secret_that_the_token_route_accepts(
        monkeypatch, database_url, tmp_path, token_url, app):
    secret_file = tmp_path / "keys" / "svc.marketing.secret"
    assert bootstrap(monkeypatch, database_url, secret_file) == 0
    assert secret_file.stat().st_mode & 0o777 == 0o600
    token = ClientCredentials(token_url, "svc.marketing", secret_file.read_text().strip())()
    claims = app.extensions["crm.gateway"].verifier.verify(token)
    assert set(claims.roles) == {"service"}
    assert claims.scopes == {"notification.send"}  # what its sends need, and nothing else
    assert claims.data_scope.value == "all"


def test_a_second_bootstrap_keeps_the_secret_and_a_changed_file_rotates_it(
        monkeypatch, database_url, tmp_path, token_url, capsys):
    secret_file = tmp_path / "svc.secret"
    bootstrap(monkeypatch, database_url, secret_file)
    first = secret_file.read_text().strip()
    assert bootstrap(monkeypatch, database_url, secret_file) == 0
    assert secret_file.read_text().strip() == first
    assert "already up to date" in capsys.readouterr().err

    secret_file.write_text("a-new-secret-from-the-platform-team\n")
    bootstrap(monkeypatch, database_url, secret_file)
    with pytest.raises(ServiceTokenUnavailable, match="HTTP 401"):
        ClientCredentials(token_url, "svc.marketing", first)()
    assert ClientCredentials(token_url, "svc.marketing", "a-new-secret-from-the-platform-team")()


def test_the_token_is_reused_until_shortly_before_it_expires(
        monkeypatch, database_url, tmp_path, token_url):
    secret_file = tmp_path / "svc.secret"
    bootstrap(monkeypatch, database_url, secret_file)
    now = [1000.0]
    provider = ClientCredentials(token_url, "svc.marketing", secret_file.read_text().strip(),
                                 clock=lambda: now[0])
    fetched = []
    real_fetch = provider._fetch
    provider._fetch = lambda: fetched.append(1) or real_fetch()
    token = provider()
    lifetime = provider._expires_at - now[0]
    assert provider() == token and len(fetched) == 1
    now[0] += lifetime - REFRESH_MARGIN_SECONDS  # inside the margin: fetch a fresh one
    provider()
    assert len(fetched) == 2


def test_an_unreachable_endpoint_raises_instead_of_returning_nothing():
    with pytest.raises(ServiceTokenUnavailable, match="unreachable"):
        ClientCredentials("http://127.0.0.1:9/api/v1/auth/token", "svc.x", "secret",
                          timeout_seconds=1)()


def test_the_three_settings_go_together():
    from crm_shared.settings import ConfigurationError, ServiceCredentialsSettings, load_settings

    with pytest.raises(ConfigurationError):
        load_settings(ServiceCredentialsSettings, service_client_id="svc.marketing")
    assert load_settings(ServiceCredentialsSettings).service_token_provider() is None


def test_the_bootstrap_grants_only_the_suites_scopes(monkeypatch, database_url, tmp_path, capsys):
    with pytest.raises(SystemExit) as refused:
        bootstrap(monkeypatch, database_url, tmp_path / "svc.secret", "--scope", "everything")
    assert refused.value.code == 2
    assert "notification.send" in capsys.readouterr().err  # the choices are listed

"""A service's own access token, for calls no user is behind (a worker's timer, a scheduled send).

Calls made while serving a request forward the caller's token (:mod:`crm_shared.grpc.client`).
Background work has no caller, so the service authenticates as its service account with the
OAuth 2.0 client-credentials grant (RFC 6749 §4.4) at the gateway's token endpoint, and is then
scoped like any caller by the service it calls::

    token = ClientCredentials(settings.service_token_url, settings.service_client_id,
                              settings.service_client_secret)
    channel = connect(settings.notification_addr, [SERVICE], token_provider=token)

The token is fetched on first use and again shortly before it expires; a failure raises
:class:`ServiceTokenUnavailable` (the caller's next attempt tries again), never returns a stale
token. Thread-safe; plain sockets, so it also runs under eventlet.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable

REFRESH_MARGIN_SECONDS = 60.0
"""Fetch a new token this long before the current one expires (clock skew, slow calls)."""


class ServiceTokenUnavailable(RuntimeError):
    """The token endpoint could not be reached or refused the credentials."""


class ClientCredentials:
    """A token provider (``() -> str``) for ``crm_shared.grpc.client.connect``."""

    def __init__(self, token_url: str, client_id: str, client_secret: str, *,
                 timeout_seconds: float = 5.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.token_url = token_url
        self.client_id = client_id
        self._client_secret = client_secret
        self.timeout_seconds = timeout_seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._token: str | None = None
        self._expires_at = 0.0

    def __call__(self) -> str:
        with self._lock:
            if self._token is None or self._clock() >= self._expires_at - REFRESH_MARGIN_SECONDS:
                self._token, lifetime = self._fetch()
                self._expires_at = self._clock() + lifetime
            return self._token

    def _fetch(self) -> tuple[str, float]:
        body = json.dumps({"grant_type": "client_credentials", "client_id": self.client_id,
                           "client_secret": self._client_secret}).encode()
        request = urllib.request.Request(self.token_url, data=body, method="POST", headers={
            "Content-Type": "application/json", "Accept": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout_seconds) as response:
                answer = json.loads(response.read())
        except urllib.error.HTTPError as error:
            detail = error.read()[:300].decode("utf-8", "replace")
            raise ServiceTokenUnavailable(
                f"token endpoint {self.token_url} refused client {self.client_id}: "
                f"HTTP {error.code} {detail}") from None
        except (OSError, ValueError) as error:
            raise ServiceTokenUnavailable(
                f"token endpoint {self.token_url} unreachable: {error}") from None
        token = answer.get("access_token") if isinstance(answer, dict) else None
        if not isinstance(token, str) or not token:
            raise ServiceTokenUnavailable(f"token endpoint {self.token_url} sent no access_token")
        return token, float(answer.get("expires_in") or 300)

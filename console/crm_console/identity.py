"""The gateway's identity, over its REST API: sign-in (password grant), refresh, sign-out, the
caller's profile and the directory (users, departments). The gateway owns identity; the console
holds no user store of its own."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

import requests

from crm_console.refusals import Refusal


@dataclass(frozen=True)
class TokenPair:
    access_token: str
    refresh_token: str
    expires_in: int
    refresh_expires_in: int


@dataclass
class GatewayIdentity:
    """A thin client of ``/api/v1/auth/*``, ``/api/v1/me``, ``/api/v1/users`` and
    ``/api/v1/departments``. One per process; a ``requests.Session`` per thread."""

    base_url: str
    timeout_seconds: float = 5.0
    _local: threading.local = field(default_factory=threading.local, repr=False)

    def _session(self) -> requests.Session:
        session = getattr(self._local, "session", None)
        if session is None:
            session = self._local.session = requests.Session()
        return session

    def request(self, method: str, path: str, *, token: str | None = None,
                body: dict[str, Any] | None = None, params: dict[str, Any] | None = None,
                client_address: str | None = None) -> Any:
        """The JSON answer of ``method path``; a problem document becomes a :class:`Refusal`.

        ``client_address`` goes as ``X-Forwarded-For``: the console is one proxy hop in front
        of the gateway (which trusts one hop in the chart), so the gateway's login throttle
        sees each person's address rather than the console's, shared by everyone."""
        headers = {"Accept": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        if client_address:
            headers["X-Forwarded-For"] = client_address
        try:
            response = self._session().request(
                method, self.base_url + path, json=body, params=params, headers=headers,
                timeout=self.timeout_seconds)
        except requests.RequestException as exc:
            raise Refusal.unavailable("gateway", str(exc)) from exc
        if response.status_code >= 400:
            raise Refusal.from_problem(response.status_code, _json_or_empty(response))
        return _json_or_empty(response)

    def sign_in(self, username: str, password: str, *, client_address: str | None = None
                ) -> TokenPair:
        return self._pair(self.request("POST", "/api/v1/auth/token",
                                       body={"username": username, "password": password},
                                       client_address=client_address))

    def refresh(self, refresh_token: str) -> TokenPair:
        return self._pair(self.request("POST", "/api/v1/auth/token", body={
            "grant_type": "refresh_token", "refresh_token": refresh_token}))

    def sign_out(self, refresh_token: str) -> None:
        self.request("POST", "/api/v1/auth/logout", body={"refresh_token": refresh_token})

    @staticmethod
    def _pair(answer: dict[str, Any]) -> TokenPair:
        return TokenPair(answer["access_token"], answer.get("refresh_token") or "",
                         int(answer["expires_in"]), int(answer.get("refresh_expires_in") or 0))


def _json_or_empty(response: requests.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return {}

"""The gateway's identity, over its REST API: sign-in (password grant), refresh, sign-out, the
caller's profile and the directory (users, departments). The gateway owns identity; the console
holds no user store of its own."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

import requests
from cachetools import TTLCache

from crm_console.refusals import Refusal

DEPARTMENTS_PATH = "/api/v1/departments"
DEPARTMENTS_SECONDS = 60.0


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
    # caller's user id → the department directory as the gateway gave it to them: the ticket
    # pages and the dashboard name departments on every view, and departments change rarely
    # (a change made through this console forgets them at once).
    _departments: TTLCache = field(default_factory=lambda: TTLCache(4096, DEPARTMENTS_SECONDS),
                                   repr=False)
    _departments_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def departments(self, token: str, user_id: str) -> list[dict[str, Any]]:
        """``GET /api/v1/departments`` for this caller, kept a minute."""
        with self._departments_lock:
            kept = self._departments.get(user_id)
        if kept is not None:
            return kept
        found = self.request("GET", DEPARTMENTS_PATH, token=token).get("departments") or []
        with self._departments_lock:
            self._departments[user_id] = found
        return found

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
        if method != "GET" and path.startswith(DEPARTMENTS_PATH):
            with self._departments_lock:
                self._departments.clear()
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

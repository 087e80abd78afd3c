"""An integrator's client of the gateway, written the way the README tells them to: every create
carries an ``Idempotency-Key``, and a request that got no answer, a 5xx, a 429 or the 409 "key
still in progress" is sent again, with the same key, after ``Retry-After`` (or a back-off), until
it is answered or the client gives up."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

import requests

# Answers that say "try again later": the gateway restarting, an api down (503/504), a
# throttle, or the first attempt of this key still running.
TRANSIENT = {429, 502, 503, 504}
IN_PROGRESS = "idempotency-key-in-use"  # the end of the problem's `type`


@dataclass
class Outcome:
    status: int | None
    body: object = None
    attempts: int = 0
    server_errors: int = 0  # 500s seen: never allowed, counted whatever happens next
    gave_up: str = ""  # why the client stopped retrying (empty: it got an answer)
    statuses: list = field(default_factory=list)

    @property
    def answered(self) -> bool:
        return not self.gave_up


class Client:
    def __init__(
        self,
        base_url: str,
        *,
        give_up_after: float,
        in_progress_give_up: float,
        request_timeout: float = 15.0,
    ) -> None:
        self.base_url = base_url
        self.give_up_after = give_up_after
        # A key stays "in progress" only while its first request runs (well under the request
        # timeout); one that stays so longer was abandoned by a gateway that died holding it.
        self.in_progress_give_up = in_progress_give_up
        self.request_timeout = request_timeout
        self._local = threading.local()
        self._tokens: dict[str, str] = {}
        self._lock = threading.Lock()

    def _session(self) -> requests.Session:
        if not hasattr(self._local, "session"):
            self._local.session = requests.Session()
        return self._local.session

    def token(self, username: str) -> str:
        with self._lock:
            if username in self._tokens:
                return self._tokens[username]
        deadline = time.monotonic() + self.give_up_after
        while True:
            try:
                answer = self._session().post(
                    f"{self.base_url}/api/v1/auth/token",
                    timeout=self.request_timeout,
                    json={"username": username, "password": "demo"},
                )
                if answer.status_code == 200:
                    token = answer.json()["access_token"]
                    with self._lock:
                        self._tokens[username] = token
                    return token
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"cannot sign in as {username}")
            time.sleep(0.5)

    def _forget_token(self, username: str) -> None:
        with self._lock:
            self._tokens.pop(username, None)

    def call(
        self, method: str, path: str, body=None, *, user: str, key: str | None = None
    ) -> Outcome:
        outcome = Outcome(None)
        started = time.monotonic()
        in_progress_since = None
        delay = 0.2
        while True:
            outcome.attempts += 1
            headers = {"Authorization": f"Bearer {self.token(user)}"}
            if key:
                headers["Idempotency-Key"] = key
            wait = delay
            try:
                answer = self._session().request(
                    method,
                    self.base_url + path,
                    json=body,
                    headers=headers,
                    timeout=self.request_timeout,
                )
            except requests.RequestException:
                status = None
            else:
                status = answer.status_code
                parsed = _json(answer)
                outcome.body = parsed  # the last answer, kept for the report if it gives up
                outcome.statuses.append(status)
                if status == 500:
                    outcome.server_errors += 1
                retry_after = answer.headers.get("Retry-After", "")
                if retry_after.isdigit():
                    wait = max(0.2, min(float(retry_after), 2.0))
                if status == 401:  # a token from before a restart of the keys: sign in again
                    self._forget_token(user)
                elif (
                    status == 409
                    and isinstance(parsed, dict)
                    and str(parsed.get("type", "")).endswith(IN_PROGRESS)
                ):
                    in_progress_since = in_progress_since or time.monotonic()
                    if time.monotonic() - in_progress_since > self.in_progress_give_up:
                        outcome.status, outcome.body = status, parsed
                        outcome.gave_up = "key stuck in progress"
                        return outcome
                elif status not in TRANSIENT and status != 500:
                    outcome.status, outcome.body = status, parsed
                    return outcome
            outcome.status = status
            if time.monotonic() - started > self.give_up_after:
                last = (
                    str(outcome.body.get("detail", ""))
                    if status and isinstance(outcome.body, dict)
                    else ""
                )
                outcome.gave_up = f"no answer but {status} after {self.give_up_after:g} s" + (
                    f" ({last[:160]})" if last else ""
                )
                return outcome
            time.sleep(wait)
            delay = min(delay * 2, 2.0)


def _json(answer: requests.Response):
    try:
        return answer.json()
    except ValueError:
        return None

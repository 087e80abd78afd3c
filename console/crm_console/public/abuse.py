"""Abuse resistance of the public pages, in one place: every public form calls
:func:`guard` before it reads anything and reads its fields through :class:`FormFields`.

- **Rate limits** per client address and per target (the survey link, the unsubscribe link,
  the phone or e-mail a lookup names), fixed windows counted in this process
  (:class:`WindowCounters`). The client address is ``request.remote_addr`` as ``ProxyFix``
  resolved it from the trusted hops (``HTTP_TRUSTED_PROXIES``), the same address a sign-in
  forwards. Counting in the process keeps the console free of a database; a deployment of
  *n* processes admits at most *n* times the limit, and the gateway behind counts its public
  routes for the whole deployment (its rate-limit middleware). Over a limit: 429 with
  ``Retry-After``, before the form is read, so nothing is stored.
- **A honeypot**: :data:`HONEYPOT_FIELD`, an input people never see (``honeypot()`` in
  ``templates/public/_form.html``, hidden by ``public.css``); a filled one is refused as a bad
  request and nothing is stored.
- **Size limits**: the body (:data:`MAX_BODY_BYTES` unless a form says otherwise; 413) and
  every field (:meth:`FormFields.text`; a field error next to the field, 422).
- **CSRF**: the console's flask-wtf check works without sign-in (its secret lives in the
  sealed session cookie, which an anonymous visitor gets with the form), so every public
  form carries ``{{ ui.csrf() }}`` like the staff forms. The one exception is a link's own
  one-click POST (RFC 8058), which the mail provider sends without a cookie: the signed token
  in its path is its whole authority (:func:`csrf_exempt`).
- **No enumeration**: a refusal page never repeats a service's message
  (``render_public_refusal`` shows only a title per status), and lookups answer "not found"
  the same way whatever was wrong.
"""

from __future__ import annotations

import hashlib
import math
import threading
import time
from dataclasses import dataclass, field

from cachetools import TTLCache
from flask import current_app, request
from werkzeug.exceptions import BadRequest, RequestEntityTooLarge, TooManyRequests

from crm_console.i18n import N_
from crm_console.i18n import gettext as _

HONEYPOT_FIELD = "website"
"""The trap's name: a word a form-filling robot fills in and no public form asks for."""
MAX_BODY_BYTES = 32 * 1024
"""A public form's body, unless the form says otherwise: far above any honest answer."""
_MAX_SUBJECTS = 100_000  # bounded memory however many addresses and targets come by

REQUIRED = N_("Required.")
TOO_LONG = N_("At most %(n)s characters.")


@dataclass
class WindowCounters:
    """Fixed-window counters of this process (thread-safe, bounded)."""

    clock: callable = time.time
    _hits: TTLCache = field(default_factory=lambda: TTLCache(_MAX_SUBJECTS, 3600))
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def hit(self, subject: str, *, limit: int, window_seconds: int) -> int | None:
        """Count one request of ``subject``; the seconds to wait when it is over ``limit``,
        else None."""
        now = self.clock()
        start = int(now // window_seconds) * window_seconds
        bucket = f"{subject}:{window_seconds}:{start}"
        with self._lock:
            hits = self._hits.get(bucket, 0) + 1
            self._hits[bucket] = hits
        if hits > limit:
            return max(1, math.ceil(start + window_seconds - now))
        return None


def counters() -> WindowCounters:
    extensions = current_app.extensions
    if "crm.public.counters" not in extensions:
        extensions["crm.public.counters"] = WindowCounters()
    return extensions["crm.public.counters"]


def client_address() -> str:
    return request.remote_addr or "unknown"


def _target_key(target: str) -> str:
    # Kept hashed: the counters may name a phone or an e-mail, which a memory dump need not show.
    return hashlib.sha256(target.strip().lower().encode()).hexdigest()[:32]


def guard(action: str, *, target: str | None = None, max_body: int = MAX_BODY_BYTES) -> None:
    """Refuse this request before anything reads it: too large (413), too many from this
    address or for this target in the window (429 with ``Retry-After``), or a filled honeypot
    (400). ``action`` names the form (``survey``, ``unsubscribe``, ``lead``…), so one form's
    traffic does not use up another's allowance."""
    if request.content_length is not None and request.content_length > max_body:
        raise RequestEntityTooLarge()
    settings = current_app.extensions["crm.console"].settings
    window = settings.public_rate_limit_window_seconds
    limits = [(f"{action}:address:{client_address()}", settings.public_rate_limit_per_address)]
    if target:
        limits.append(
            (f"{action}:target:{_target_key(target)}", settings.public_rate_limit_per_target)
        )
    waits = [
        wait
        for subject, limit in limits
        if (wait := counters().hit(subject, limit=limit, window_seconds=window))
    ]
    if waits:
        raise TooManyRequests(retry_after=max(waits))
    if request.method == "POST" and request.form.get(HONEYPOT_FIELD):
        raise BadRequest()


def csrf_exempt(view):
    """Mark a view whose POST carries no CSRF token by design (a link's RFC 8058 one-click
    POST, sent by a mail provider without cookies). The app exempts exactly the views so
    marked; only a view whose path holds a signed token may be."""
    view.csrf_exempt = True
    return view


class FormFields:
    """A public form's fields, each read with its size limit; errors keyed by field name."""

    def __init__(self, form) -> None:
        self.form = form
        self.errors: dict[str, str] = {}

    def text(self, name: str, *, max_length: int, required: bool = False) -> str:
        value = (self.form.get(name) or "").strip()
        if len(value) > max_length:
            self.errors[name] = _(TOO_LONG, n=max_length)
        elif required and not value:
            self.errors[name] = _(REQUIRED)
        return value[:max_length]

    def choice(self, name: str, allowed, *, required: bool = False) -> str:
        value = (self.form.get(name) or "").strip()
        if value and value not in allowed:
            self.errors[name] = _("Choose one of the options.")
            return ""
        if required and not value:
            self.errors[name] = _(REQUIRED)
        return value

"""The security headers of the suite's web apps (the gateway and the console), declared once.

Every response, error pages and static files included, carries:

- ``X-Content-Type-Options: nosniff`` — a browser never guesses a script or a page out of a
  download (a CSV, a JSON body holding a customer's notes);
- ``X-Frame-Options: DENY`` and CSP ``frame-ancestors 'none'`` — no other site frames a page
  to trick a click (clickjacking); the first for browsers that predate CSP 2, left out of a
  page whose own policy names the sites that may frame it;
- ``Referrer-Policy`` — the app's own (the console keeps record ids to itself:
  ``same-origin``), and ``no-referrer`` on paths whose URL is a credential (a survey link's
  token), so it never reaches another site through a link or a loaded resource;
- ``Content-Security-Policy`` — the app's policy, unless the view set its own (a page that
  needs more than the app's policy declares it where it says what it loads);
- ``Strict-Transport-Security`` only when the request came over TLS: directly, or — as far
  as the app trusts its proxies (``HTTP_TRUSTED_PROXIES``) — by a proxy's
  ``X-Forwarded-Proto``. Sent over plain HTTP it would be ignored by browsers, and a local
  ``make run`` must stay reachable over http.

A header a view has already set is left as it is.
"""

from __future__ import annotations

from collections.abc import Sequence

from flask import Flask, Request, Response, request

NOSNIFF = "nosniff"
FRAME_OPTIONS = "DENY"
STRICT_REFERRER = "strict-origin-when-cross-origin"
NO_REFERRER = "no-referrer"
# A year, the subdomains too (what the HSTS preload list asks for; a CRM has no plain-HTTP
# subdomain to keep reachable).
HSTS = "max-age=31536000; includeSubDomains"
# A JSON API renders nothing: a response opened in a browser may load and run nothing.
JSON_API_POLICY = "default-src 'none'; frame-ancestors 'none'"


def came_over_tls(req: Request, trusted_proxies: int) -> bool:
    """Whether the client reached us over HTTPS. ``X-Forwarded-Proto`` counts only with
    trusted proxies, read as werkzeug's ``ProxyFix`` reads it: the entry ``trusted_proxies``
    from the right (a value the client wrote itself sits further left and is ignored)."""
    if req.is_secure:
        return True
    if trusted_proxies < 1:
        return False
    forwarded = req.headers.get("X-Forwarded-Proto", "").split(",")
    if len(forwarded) < trusted_proxies:
        return False
    return forwarded[-trusted_proxies].strip().lower() == "https"


def _frames_allowed(policy: str) -> bool:
    """Whether a view's own policy lets some sites frame it (the embeddable web-to-lead form:
    ``frame-ancestors https://www.example.com``). Such a page gets no ``X-Frame-Options``:
    the old header cannot list sites, and DENY would block them where browsers still read it."""
    for directive in policy.split(";"):
        name, _, sources = directive.strip().partition(" ")
        if name == "frame-ancestors":
            return sources.strip() not in ("", "'none'")
    return False


def install_security_headers(
    app: Flask,
    *,
    content_security_policy: str,
    referrer_policy: str = STRICT_REFERRER,
    no_referrer_paths: Sequence[str] = (),
    trusted_proxies: int = 0,
) -> None:
    """Stamp every response of ``app`` with the headers above."""
    token_paths = tuple(no_referrer_paths)

    @app.after_request
    def _security_headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("X-Content-Type-Options", NOSNIFF)
        if not _frames_allowed(headers.get("Content-Security-Policy", "")):
            headers.setdefault("X-Frame-Options", FRAME_OPTIONS)
        referrer = NO_REFERRER if request.path.startswith(token_paths) else referrer_policy
        headers.setdefault("Referrer-Policy", referrer)
        headers.setdefault("Content-Security-Policy", content_security_policy)
        if came_over_tls(request, trusted_proxies):
            headers.setdefault("Strict-Transport-Security", HSTS)
        return response

"""Public pages: what the customers of our users open without an account (issue 14).

A survey link (``/s/<token>``), an unsubscribe link (``/u/<token>``), the web-to-lead form and
the help pages. Every module here that defines ``blueprint`` is registered like a view module,
and its blueprint is a :class:`PublicBlueprint`: that class is the one marker the console's
sign-in check reads (``app._session``), so no list of public paths exists anywhere else.

The rules every public page follows (see ``abuse.py`` for the guards and the README's "Public
pages"): the page calls only the gateway's public REST endpoints (``gateway()``), never a
service with anyone's token; a refusal is a plain page on the public layout that says what
happened and reveals nothing (``render_public_refusal``); tokens in the path are redacted from
telemetry by their route (``crm_shared.redaction``).
"""

from __future__ import annotations

import logging

from flask import Blueprint, current_app, render_template, request
from werkzeug.exceptions import HTTPException

from crm_console.i18n import N_
from crm_console.refusals import Refusal

log = logging.getLogger(__name__)

# What a visitor reads for each status (message ids; no service's own message is ever shown,
# so a refusal says nothing about what exists).
PUBLIC_TITLES = {
    400: N_("This request could not be accepted."),
    404: N_("This page does not exist or is no longer available."),
    413: N_("What you sent is too large."),
    422: N_("Some fields need correcting."),
    429: N_("Too many requests. Wait a moment and try again."),
}
PUBLIC_UNAVAILABLE = N_("This service is not available right now. Try again shortly.")
PUBLIC_CSRF = N_("This form has expired. Reload the page and try again.")


class PublicBlueprint(Blueprint):
    """A blueprint whose pages need no sign-in. Its errors are shown on the public layout."""

    public = True

    def __init__(self, name: str, import_name: str, **kwargs) -> None:
        super().__init__(name, import_name, **kwargs)
        self.register_error_handler(Refusal, _refused)
        self.register_error_handler(HTTPException, _http_error)
        self.context_processor(lambda: {"company_name": settings().public_company_name})


def is_public_endpoint(app, blueprint_name: str | None) -> bool:
    blueprint = app.blueprints.get(blueprint_name) if blueprint_name else None
    return isinstance(blueprint, PublicBlueprint)


def gateway():
    """The console's HTTP client of the gateway (``identity.GatewayIdentity.request``): public
    pages call the gateway's public endpoints with no token, forwarding the visitor's address
    so the gateway's per-address limits see the visitor, not the console."""
    return current_app.extensions["crm.console"].identity


def settings():
    return current_app.extensions["crm.console"].settings


def render_public_refusal(status: int, *, retry_after: int | None = None,
                          title: str | None = None):
    status = status if 400 <= status < 600 else 500
    if title is None:
        title = PUBLIC_TITLES.get(status, PUBLIC_UNAVAILABLE)
    headers = {"Retry-After": str(retry_after)} if retry_after else {}
    return render_template("public/error.html", status=status, title=title), status, headers


def _refused(exc: Refusal):
    if exc.status >= 500:
        log.warning("public page %s: %s", request.endpoint, exc)
    return render_public_refusal(exc.status)


def _http_error(exc: HTTPException):
    from flask_wtf.csrf import CSRFError

    if isinstance(exc, CSRFError):
        return render_public_refusal(400, title=PUBLIC_CSRF)
    retry_after = dict(exc.get_headers()).get("Retry-After")
    return render_public_refusal(exc.code or 500,
                                 retry_after=int(retry_after) if retry_after else None)

"""The console's Flask application, built by :func:`create_app` (nothing is built at import).

A request: language → session (the user's verified token, renewed when due) → the view, run
as that principal so every gRPC call carries the user's own token → a refusal of the suite
becomes a readable page or message, never a stack trace. Every view module in
:mod:`crm_console.views` that defines ``blueprint`` is registered, with its ``NAV`` entries.
"""

from __future__ import annotations

import hashlib
import importlib
import logging
import pkgutil
from dataclasses import dataclass

from crm_shared.auth import TokenVerifier, audiences
from crm_shared.auth.revocations import PolledRevocations
from crm_shared.grpc.peers import Peers
from crm_shared.security_headers import install_security_headers
from flask import Flask, g, redirect, render_template, request, session, url_for
from flask_compress import Compress
from flask_wtf.csrf import CSRFError, CSRFProtect
from opentelemetry.instrumentation.flask import FlaskInstrumentor
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

from crm_console import display, public, views
from crm_console.i18n import (
    DEFAULT_LANGUAGE,
    LANGUAGES,
    N_,
    load_catalogs,
    match_language,
    normalise,
    translations,
)
from crm_console.identity import GatewayIdentity
from crm_console.navigation import SECTION_ORDER, NavItem
from crm_console.refusals import Refusal
from crm_console.service_texts import message_text, status_title
from crm_console.session import (
    NeedsSignIn,
    SealedSessionInterface,
    authenticate,
    enter_principal,
    leave_principal,
)
from crm_console.settings import ConsoleSettings

log = logging.getLogger(__name__)

UNTRACED_URLS = "healthz,readyz,static"
# Endpoints that need no session (besides every page of a public.PublicBlueprint).
PUBLIC_ENDPOINTS = frozenset({"auth.sign_in", "auth.set_language", "health.healthz",
                              "health.readyz", "static"})
# Every script and style is a file of the console's own (htmx is told not to inject styles or
# evaluate code; ECharts draws on a canvas, tooltips included): nothing inline is allowed.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)


@dataclass
class Dependencies:
    settings: ConsoleSettings
    peers: Peers
    identity: GatewayIdentity
    verifier: TokenVerifier
    catalogs: dict
    nav: list[NavItem]


def _view_modules():
    # The staff views, then the public pages (their blueprints are public.PublicBlueprint).
    for package in (views, public):
        for info in pkgutil.iter_modules(package.__path__):
            module = importlib.import_module(f"{package.__name__}.{info.name}")
            if hasattr(module, "blueprint"):
                yield module


def _static_version(app: Flask) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in __import__("pathlib").Path(app.static_folder).rglob("*")
                       if p.is_file()):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def _revocations(settings: ConsoleSettings) -> PolledRevocations | None:
    """The gateway's token watermarks, polled by this worker (crm_shared.auth.revocations): a
    disabled user's session ends at the next request, not when the token expires."""
    if not settings.jwt_revocations_url:
        return None
    revocations = PolledRevocations(settings.jwt_revocations_url,
                                    interval_seconds=settings.jwt_revocations_poll_seconds)
    revocations.start()
    return revocations


def create_app(settings: ConsoleSettings, *, peers: Peers | None = None) -> Flask:
    app = Flask(__name__)
    # The span first, so every later hook and the view run inside it.
    FlaskInstrumentor().instrument_app(app, excluded_urls=UNTRACED_URLS)
    app.secret_key = settings.console_secret_key
    app.config.update(
        SESSION_COOKIE_NAME="crm_console",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.console_secure_cookies,
        PERMANENT_SESSION_LIFETIME=7 * 24 * 3600,
        WTF_CSRF_TIME_LIMIT=None,  # bound to the session, which ends with the sign-in
        WTF_CSRF_SSL_STRICT=settings.console_secure_cookies,
        SEND_FILE_MAX_AGE_DEFAULT=365 * 24 * 3600,  # static URLs carry a content version
        COMPRESS_MIMETYPES=["text/html", "text/css", "application/javascript",
                            "text/javascript", "application/json", "image/svg+xml"],
        COMPRESS_ALGORITHM=["gzip"],
        MAX_CONTENT_LENGTH=2 * 1024 * 1024,
    )
    app.session_interface = SealedSessionInterface()
    Compress(app)
    app.jinja_env.add_extension("jinja2.ext.i18n")
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.jinja_env.install_gettext_callables(
        lambda message: translations().gettext(message),
        lambda singular, plural, n: translations().ngettext(singular, plural, n),
        newstyle=True,
    )
    display.install(app)

    nav: list[NavItem] = []
    for module in _view_modules():
        app.register_blueprint(module.blueprint)
        nav.extend(getattr(module, "NAV", ()))
    nav.sort(key=lambda item: (SECTION_ORDER.index(item.section)
                               if item.section in SECTION_ORDER else 99, item.order))
    deps = Dependencies(
        settings=settings,
        peers=peers or Peers(settings.peer_addresses(),
                             timeout_seconds=settings.grpc_timeout_seconds),
        identity=GatewayIdentity(settings.gateway_url,
                                 timeout_seconds=settings.grpc_timeout_seconds),
        verifier=TokenVerifier.from_file(settings.jwt_public_key_file,
                                         issuer=settings.jwt_issuer,
                                         audience=audiences.CONSOLE,
                                         revocations=_revocations(settings)),
        catalogs=load_catalogs(),
        nav=nav,
    )
    app.extensions["crm.console"] = deps
    static_version = _static_version(app)

    # Hooks in this order: the language (so even a refused form is answered in it), the CSRF
    # check (before anything acts on the request), then the session.
    @app.before_request
    def _language():
        from_url = normalise(request.args.get("lang"))
        if from_url and session.get("language") != from_url:
            session["language"] = from_url  # a link's explicit choice is remembered
        chosen = from_url or normalise(session.get("language"))
        g.language = chosen or (
            normalise(session.get("profile_language"))
            or match_language(request.accept_languages) or DEFAULT_LANGUAGE)
        g.translations = deps.catalogs[g.language]

    # A view that takes a file raises the body limit for itself (``max_body_bytes``: the
    # customer attachment upload), here, before the CSRF check parses the form.
    @app.before_request
    def _body_limit():
        limit = getattr(app.view_functions.get(request.endpoint), "max_body_bytes", None)
        if limit:
            request.max_content_length = limit

    csrf = CSRFProtect(app)
    for view in app.view_functions.values():
        if getattr(view, "csrf_exempt", False):  # public.abuse.csrf_exempt: a link's one-click POST
            csrf.exempt(view)

    @app.before_request
    def _session():
        if (request.endpoint in PUBLIC_ENDPOINTS or request.endpoint is None
                or public.is_public_endpoint(app, request.blueprint)):
            return
        enter_principal(authenticate(deps.verifier, deps.identity))
        return

    @app.teardown_request
    def _leave(_exc):
        leave_principal()

    # Record ids in the console's URLs are nobody else's business: no Referer leaves it.
    install_security_headers(app, content_security_policy=CONTENT_SECURITY_POLICY,
                             referrer_policy="same-origin",
                             trusted_proxies=settings.http_trusted_proxies)

    @app.after_request
    def _headers(response):
        if request.endpoint != "static":
            response.headers.setdefault("Cache-Control", "no-store")
            response.headers["Content-Language"] = g.get("language", DEFAULT_LANGUAGE)
            response.vary.add("Cookie")
        return response

    @app.context_processor
    def _globals():
        principal = g.get("principal")
        return {
            "principal": principal,
            "language": g.get("language", DEFAULT_LANGUAGE),
            "languages": LANGUAGES,
            "nav": [item for item in deps.nav if principal and item.visible_to(principal)],
            "nav_sections": SECTION_ORDER,
            "static_version": static_version,
            "display_name": session.get("display_name") or (principal.display_name
                                                            if principal else ""),
        }

    @app.errorhandler(NeedsSignIn)
    def _sign_in_first(_exc):
        target = url_for("auth.sign_in", next=request.full_path if request.method == "GET"
                         and not request.headers.get("HX-Request") else None)
        if request.headers.get("HX-Request"):
            return "", 401, {"HX-Redirect": target}
        return redirect(target)

    @app.errorhandler(Refusal)
    def _refused(exc: Refusal):
        return render_refusal(exc)

    @app.errorhandler(CSRFError)
    def _csrf(exc: CSRFError):
        return render_refusal(Refusal(status=400, message="", service_message=exc.description),
                              title_id=CSRF_TITLE)

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException):
        status = exc.code or 500
        return render_refusal(Refusal(status=status, message=message_text(status, exc.description
                                                                          or ""),
                                      service_message=exc.description or ""))

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        log.exception("unexpected error in %s", request.path)
        return render_refusal(Refusal(status=500, message=""))

    if settings.http_trusted_proxies:
        # request.remote_addr becomes the client's address, which a sign-in forwards.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=settings.http_trusted_proxies)
    return app


CSRF_TITLE = N_("The form has expired. Reload the page and try again.")


def render_refusal(refusal: Refusal, *, title_id: str | None = None):
    """A refused request as a readable page (or, for htmx, a message in the page's message
    area). Never a stack trace: the service's message, in the reader's language
    (:mod:`crm_console.service_texts`), is shown under a plain title."""
    status = refusal.status if 400 <= refusal.status < 600 else 500
    title = title_id or status_title(status)
    context = {"status": status, "title": title, "refusal": refusal}
    if request.headers.get("HX-Request"):
        return (render_template("_message.html", kind="error", **context), status,
                {"HX-Retarget": "#messages", "HX-Reswap": "innerHTML"})
    return render_template("error.html", **context), status

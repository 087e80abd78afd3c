"""The gateway's Flask application, built by :func:`create_app` (nothing is built at import).

Order of a request: OpenTelemetry server span → request id → authentication against the
route's access rule → flask-openapi3 request validation (422) → the view, inside
``principal_scope(caller)`` → any error becomes a problem document → ``X-Request-Id`` and
``traceparent`` on the response, one access-log line.
"""

from __future__ import annotations

from dataclasses import dataclass

from crm_shared.auth import TokenIssuer, TokenVerifier, audiences, public_jwks
from crm_shared.db import Database
from crm_shared.security_headers import JSON_API_POLICY, install_security_headers
from flask_openapi3 import Info
from opentelemetry.instrumentation.flask import FlaskInstrumentor

from gateway.authn import install_authentication
from gateway.cors import install_cors
from gateway.endpoints import BEARER_SCHEME, GatewayOpenAPI
from gateway.identity.passwords import PARAMETERS, PasswordHashing, hashing_slots
from gateway.identity.revocations import DatabaseRevocations
from gateway.peers import Peers
from gateway.problems import Problem, from_validation_error, install_error_handlers
from gateway.ratelimits import LoginThrottle, WindowCounters, install_rate_limits
from gateway.request_context import install_request_context
from gateway.settings import GatewaySettings

API_VERSION = "1.0.0"
# Probes are polled every few seconds; their spans would bury the traces worth reading.
UNTRACED_URLS = "healthz,readyz"


@dataclass
class Dependencies:
    """What the views use; one set per process."""

    settings: GatewaySettings
    database: Database
    issuer: TokenIssuer
    verifier: TokenVerifier
    hashing: PasswordHashing
    peers: Peers
    jwks: dict
    counters: WindowCounters
    login_throttle: LoginThrottle


def build_dependencies(
    settings: GatewaySettings,
    *,
    database: Database | None = None,
    hashing: PasswordHashing | None = None,
    peers: Peers | None = None,
) -> Dependencies:
    public_pem = settings.jwt_public_key_file.read_bytes()
    database = database or Database(settings.database_url)
    counters = WindowCounters(database)
    return Dependencies(
        settings=settings,
        database=database,
        # each token names whom it is for (crm_shared.auth.audiences), and this door accepts
        # only tokens naming the gateway, issued after their user's last security change
        issuer=TokenIssuer(
            settings.jwt_private_key_file.read_bytes(),
            issuer=settings.jwt_issuer,
            ttl_seconds=settings.access_token_ttl_seconds,
        ),
        verifier=TokenVerifier(
            public_pem,
            issuer=settings.jwt_issuer,
            audience=audiences.GATEWAY,
            revocations=DatabaseRevocations(
                database,
                longest_token_seconds=settings.longest_token_seconds(),
                interval_seconds=settings.jwt_revocations_poll_seconds,
            ),
        ),
        hashing=hashing
        or PasswordHashing(
            slots=hashing_slots(
                settings.password_hashing_memory_mib,
                workers=settings.http_workers,
                memory_cost_kib=PARAMETERS.memory_cost,
            ),
            wait_seconds=settings.password_hashing_wait_seconds,
        ),
        peers=peers
        or Peers(settings.peer_addresses(), timeout_seconds=settings.grpc_timeout_seconds),
        jwks={"keys": public_jwks(public_pem)},
        counters=counters,
        login_throttle=LoginThrottle(
            counters,
            window_seconds=settings.login_throttle_window_seconds,
            per_address=settings.login_failures_per_address,
            per_account_address=settings.login_failures_per_account_address,
            per_account=settings.login_failures_per_account,
        ),
    )


def create_app(
    settings: GatewaySettings,
    *,
    database: Database | None = None,
    hashing: PasswordHashing | None = None,
    peers: Peers | None = None,
) -> GatewayOpenAPI:
    """The WSGI application. ``database``, ``hashing`` and ``peers`` may be supplied (tests,
    or a server that shares the database with its outbox relay); otherwise built here."""
    from gateway.forwarded import TrustedForwardedFor
    from gateway.views import (
        auth,
        customer_approvals,
        customer_attachments,
        customer_collaborators,
        customers,
        dashboard,
        directory,
        explorer,
        health,
        knowledge,
        marketing_campaigns,
        marketing_segments,
        marketing_surveys,
        notifications,
        opportunity_collaborators,
        public_consents,
        public_help,
        sales_activities,
        sales_approvals,
        sales_attachments,
        sales_deals,
        sales_leads,
        sales_targets,
        service_targets,
        ticket_attachments,
        ticket_setup,
        tickets,
    )

    deps = build_dependencies(settings, database=database, hashing=hashing, peers=peers)
    app = GatewayOpenAPI(
        __name__,
        info=Info(
            title="CRM suite API",
            version=API_VERSION,
            description=(
                "REST front door of the CRM suite. Errors are `application/problem+json` "
                "(RFC 9457); field names are snake_case, enums lower-case words, timestamps "
                "RFC 3339. Authenticate with `POST /api/v1/auth/token`, then send "
                "`Authorization: Bearer <access_token>`."
            ),
        ),
        security_schemes={
            BEARER_SCHEME: {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
        },
        doc_ui=False,
        validation_error_status=422,
        validation_error_model=Problem,
        validation_error_callback=from_validation_error,
        static_folder=None,
    )
    app.config["MAX_CONTENT_LENGTH"] = settings.http_max_body_bytes
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.extensions["crm.gateway"] = deps

    # The span first, so every later hook and the view run inside it.
    FlaskInstrumentor().instrument_app(app, excluded_urls=UNTRACED_URLS)
    install_request_context(app)
    install_authentication(app, deps.verifier)
    install_rate_limits(app, deps.counters, settings)
    install_cors(app, settings.cors_origins())
    install_security_headers(
        app,
        content_security_policy=JSON_API_POLICY,  # the explorer page declares its own
        no_referrer_paths=(marketing_surveys.RESPOND,),  # a survey link's URL is its token
        trusted_proxies=settings.http_trusted_proxies,
    )
    install_error_handlers(app)
    if settings.http_trusted_proxies:
        app.wsgi_app = TrustedForwardedFor(  # type: ignore[method-assign]
            app.wsgi_app, hops=settings.http_trusted_proxies, peers=settings.trusted_proxy_peers()
        )

    health.register(app, deps)
    auth.register(app, deps)
    customers.register(app, deps)
    customer_collaborators.register(app, deps)
    customer_attachments.register(app, deps)
    customer_approvals.register(app, deps)
    notifications.register(app, deps)
    tickets.register(app, deps)
    ticket_attachments.register(app, deps)
    ticket_setup.register(app, deps)
    knowledge.register(app, deps)
    sales_leads.register(app, deps)
    sales_deals.register(app, deps)
    opportunity_collaborators.register(app, deps)
    sales_activities.register(app, deps)
    sales_attachments.register(app, deps)
    sales_targets.register(app, deps)
    sales_approvals.register(app, deps)
    service_targets.register(app, deps)
    marketing_segments.register(app, deps)
    marketing_campaigns.register(app, deps)
    marketing_surveys.register(app, deps)
    public_help.register(app, deps)
    public_consents.register(app, deps)
    directory.register(app, deps)
    dashboard.register(app, deps)
    explorer.register(app, deps)
    return app

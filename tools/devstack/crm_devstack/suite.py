"""The whole suite as local processes: every service's api and worker, and the gateway.

Used by ``make run`` (``crm-dev run``) and by the e2e tests, so what a developer runs is
what the tests run. Databases are SQLite files in the data folder unless ``database_urls``
names others (the tests use PostgreSQL that way).
"""

from __future__ import annotations

import base64
import os
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Self

from crm_shared.auth.revocations import DOCUMENT_PATH as REVOCATIONS_PATH

from crm_devstack.readiness import grpc_serving, http_ok, tcp_open
from crm_devstack.supervisor import ProcessSpec, Supervisor

SERVICES = ("customer", "sales", "ticket", "marketing", "notification")
DEFAULT_GRPC_PORTS = {
    "customer": 50051, "sales": 50052, "ticket": 50053, "marketing": 50054, "notification": 50055,
}
DEFAULT_WORKER_PORTS = {
    "customer": 8101, "sales": 8102, "ticket": 8103, "marketing": 8104, "notification": 8105,
}
# Services whose background work calls peers with no user behind it authenticate as their own
# service account (client credentials): component -> (client id, OAuth scopes). An account is
# judged by its scopes only (crm_shared.access), so it gets exactly what its calls need: the
# marketing api's dispatcher reads each message's address from the customer api and sends
# through the notification api.
SERVICE_ACCOUNTS = {"marketing": ("svc.marketing",
                                  ("notification.send", "customers.contact_details",
                                   "consents.withdraw"))}
DEMO_USERS = (
    ("admin", "everything"),
    ("sales.lead", "lead of /hq/sales"),
    ("rep.zhang", "sales rep, /hq/sales/east"),
    ("rep.li", "sales rep, /hq/sales/north"),
    ("agent.wang", "service agent, /hq/service"),
    ("service.lead", "lead of /hq/service"),
    ("tech.zhao", "technical agent, /hq/tech"),
    ("tech.lead", "lead of /hq/tech"),
    ("product.lead", "lead of /hq/product"),
    ("logistics.lead", "lead of /hq/logistics"),
    ("marketer.chen", "marketer, /hq/marketing"),
)


@dataclass
class SuiteConfig:
    data_dir: Path
    amqp_url: str
    gateway_port: int = 8080
    console_port: int = 8090
    grpc_ports: Mapping[str, int] = field(default_factory=lambda: dict(DEFAULT_GRPC_PORTS))
    worker_ports: Mapping[str, int] = field(default_factory=lambda: dict(DEFAULT_WORKER_PORTS))
    otlp_endpoint: str | None = None
    smtp_port: int = 2525
    """The local mail sink's port: the notification service's e-mail lands in ``mail_dir``."""
    sms_port: int = 2526
    """The local SMS gateway's port: the notification service's text messages land in
    ``sms_dir``."""
    demo_mode: bool = True
    database_urls: Mapping[str, str] = field(default_factory=dict)
    extra_env: Mapping[str, str] = field(default_factory=dict)
    echo: bool = False
    log_level: str = "INFO"
    console: bool = True
    """Start the staff console too (the chaos harness drives the REST API only, and one
    process fewer to start is seconds on two cores)."""

    @property
    def key_dir(self) -> Path:
        return self.data_dir / "keys"

    @property
    def mail_dir(self) -> Path:
        """A maildir (``mailbox.Maildir``) holding every e-mail the suite sent."""
        return self.data_dir / "mail"

    @property
    def sms_dir(self) -> Path:
        """One ``<delivery id>.json`` per text message the suite sent."""
        return self.data_dir / "sms"

    @property
    def gateway_url(self) -> str:
        return f"http://127.0.0.1:{self.gateway_port}"

    @property
    def console_url(self) -> str:
        return f"http://127.0.0.1:{self.console_port}"

    def grpc_target(self, service: str) -> str:
        return f"127.0.0.1:{self.grpc_ports[service]}"

    def database_url(self, component: str) -> str:
        return self.database_urls.get(component) or f"sqlite:///{self.data_dir / 'db' / component}.db"


def ensure_keys(key_dir: Path) -> tuple[Path, Path]:
    """The token signing key pair of a local suite (made once, kept with the data)."""
    from crm_shared.auth import generate_signing_key

    private, public = key_dir / "jwt-signing.pem", key_dir / "jwt-signing.pub.pem"
    if not (private.exists() and public.exists()):
        generate_signing_key(private, public)
    return private, public


def ensure_field_key(key_dir: Path, name: str = "field-encryption") -> str:
    """A field key of a local suite (base64 of 32 random bytes, made once and kept with the
    data, so sealed values stay readable across restarts): ``field-encryption``, the customer
    service's personal fields; ``staff-addresses``, the staff e-mail and phone the gateway
    seals in identity.user_upserted for the notification worker."""
    path = key_dir / f"{name}.key"
    if not path.exists():
        key_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(base64.b64encode(os.urandom(32)).decode())
        path.chmod(0o600)
    return path.read_text().strip()


def ensure_secret(key_dir: Path, name: str) -> Path:
    """A random secret of a local suite (a service account's client secret, the survey-link
    key), made once and kept with the data."""
    path = key_dir / f"{name}.secret"
    if not path.exists():
        key_dir.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.write_text(base64.urlsafe_b64encode(os.urandom(32)).decode().rstrip("=") + "\n")
    return path


def _module(component: str) -> str:
    if component in ("gateway", "console"):
        return {"gateway": "gateway", "console": "crm_console"}[component]
    return f"{component}_service"


class Suite:
    def __init__(self, config: SuiteConfig) -> None:
        self.config = config
        (config.data_dir / "db").mkdir(parents=True, exist_ok=True)
        self.private_key, self.public_key = ensure_keys(config.key_dir)
        self.field_key = ensure_field_key(config.key_dir)
        self.staff_address_key = ensure_field_key(config.key_dir, "staff-addresses")
        self.survey_link_secret = ensure_secret(
            config.key_dir, "survey-links").read_text().strip()
        self.sms_secret_file = ensure_secret(config.key_dir, "sms-gateway")
        self.console_secret = ensure_secret(config.key_dir, "console-session").read_text().strip()
        self.service_secrets = {component: ensure_secret(config.key_dir, client_id)
                                for component, (client_id, _) in SERVICE_ACCOUNTS.items()}
        self.supervisor = Supervisor(self._specs(), config.data_dir / "logs", echo=config.echo)

    # -- environment ----------------------------------------------------------------------
    def _base_env(self, component: str) -> dict[str, str]:
        cfg = self.config
        env = {
            "DATABASE_URL": cfg.database_url(component),
            "AMQP_URL": cfg.amqp_url,
            "JWT_PUBLIC_KEY_FILE": str(self.public_key),
            # the apis and the console refuse a disabled user's tokens within a poll
            "JWT_REVOCATIONS_URL": f"{cfg.gateway_url}{REVOCATIONS_PATH}",
            "LOG_LEVEL": cfg.log_level,
            "PYTHONUNBUFFERED": "1",
            "OTEL_BSP_SCHEDULE_DELAY": "200",
        }
        # Attachments (crm_shared.attachments) in a folder of the suite's data, one per
        # service, the same for its api (uploads) and its worker (erasure); a cluster uses an
        # S3 store (the chart's `attachments` values).
        env["ATTACHMENT_LOCAL_DIR"] = str(cfg.data_dir / "attachments" / component)
        if component == "marketing":
            env.update(SURVEY_LINK_SECRET=self.survey_link_secret,
                       SURVEY_LINK_BASE_URL=cfg.console_url)  # the public pages
        if component in SERVICE_ACCOUNTS:
            env.update(SERVICE_TOKEN_URL=f"{cfg.gateway_url}/api/v1/auth/token",
                       SERVICE_CLIENT_ID=SERVICE_ACCOUNTS[component][0],
                       SERVICE_CLIENT_SECRET=self.service_secrets[component].read_text().strip())
        if cfg.otlp_endpoint:
            env["OTEL_EXPORTER_OTLP_ENDPOINT"] = cfg.otlp_endpoint
            env["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf"
        env.update(cfg.extra_env)
        return env

    def env_for(self, component: str, role: str) -> dict[str, str]:
        cfg = self.config
        env = self._base_env(component)
        if component == "gateway":
            env.update(
                HTTP_PORT=str(cfg.gateway_port),
                JWT_PRIVATE_KEY_FILE=str(self.private_key),
                DEMO_MODE="true" if cfg.demo_mode else "false",
                # the SMS gateway's inbound webhook (a customer's 退订 reply) is signed like
                # the calls the notification worker makes to it
                SMS_INBOUND_SECRET=self.sms_secret_file.read_text().strip(),
                # seals staff addresses in identity events; only the notification worker opens
                FIELD_ENCRYPTION_KEY=self.staff_address_key,
                # The console is one hop in front: its public pages forward their visitor's
                # address, so each visitor has their own public-route bucket here, not the
                # console's shared one. Believed from loopback only (where the console calls
                # from): a visitor reaching this port from elsewhere cannot write it.
                HTTP_TRUSTED_PROXIES="1",
                HTTP_TRUSTED_PROXY_PEERS="127.0.0.1,::1",
                **{f"{svc.upper()}_ADDR": cfg.grpc_target(svc) for svc in SERVICES},
            )
        elif component == "console":
            env = {key: value for key, value in env.items() if key != "DATABASE_URL"}
            env.update(
                CONSOLE_PORT=str(cfg.console_port),
                CONSOLE_SECRET_KEY=self.console_secret,
                CONSOLE_SECURE_COOKIES="false",  # plain HTTP on this machine
                PUBLIC_COMPANY_NAME="示例科技有限公司",  # shown on the public pages
                GATEWAY_URL=cfg.gateway_url,
                HTTP_WORKERS="1",
                **{f"{svc.upper()}_ADDR": cfg.grpc_target(svc) for svc in SERVICES},
            )
        elif role == "api":
            env["GRPC_PORT"] = str(cfg.grpc_ports[component])
            env["GRPC_REFLECTION"] = "true"  # for grpcurl on a developer's machine; off elsewhere
            if component == "customer":  # only the api opens personal fields, not the worker
                env["FIELD_ENCRYPTION_KEY"] = self.field_key
            env.update({f"{svc.upper()}_ADDR": cfg.grpc_target(svc) for svc in SERVICES})
        elif role == "worker":
            env["WORKER_HTTP_PORT"] = str(cfg.worker_ports[component])
            if component == "notification":
                env.update(SMTP_HOST="127.0.0.1", SMTP_PORT=str(cfg.smtp_port),
                           SMS_GATEWAY_URL=f"http://127.0.0.1:{cfg.sms_port}/sms",
                           SMS_GATEWAY_SECRET=self.sms_secret_file.read_text().strip(),
                           SMS_SENDER="【CRM】",
                           # opens the staff addresses the gateway seals in identity events
                           FIELD_ENCRYPTION_KEY=self.staff_address_key)
            env.update({f"{svc.upper()}_ADDR": cfg.grpc_target(svc) for svc in SERVICES})
        return env

    def command(self, component: str, role: str) -> list[str]:
        return [sys.executable, "-m", _module(component), role]

    # -- processes ------------------------------------------------------------------------
    def _specs(self) -> list[ProcessSpec]:
        cfg = self.config
        # A real SMTP server (aiosmtpd) that keeps every message in a maildir: e-mail is
        # delivered and readable, and nothing leaves the machine.
        specs = [ProcessSpec(
            name="mail-sink",
            argv=[sys.executable, "-m", "aiosmtpd", "--nosetuid", "--listen",
                  f"127.0.0.1:{cfg.smtp_port}", "--class", "aiosmtpd.handlers.Mailbox",
                  str(cfg.mail_dir)],
            ready=tcp_open("127.0.0.1", cfg.smtp_port),
        ), ProcessSpec(  # and the SMS gateway, keeping each text message as a file
            name="sms-sink",
            argv=[sys.executable, "-m", "crm_devstack.sms_sink", "--port", str(cfg.sms_port),
                  "--dir", str(cfg.sms_dir), "--secret-file", str(self.sms_secret_file)],
            ready=tcp_open("127.0.0.1", cfg.sms_port),
        )]
        # Workers first: their queues exist before any api publishes, so no event is unrouted.
        # Each group starts side by side: nothing in it needs another to become ready.
        for svc in SERVICES:
            specs.append(ProcessSpec(
                name=f"{svc}-worker",
                argv=self.command(svc, "worker"),
                env=self.env_for(svc, "worker"),
                ready=http_ok(f"http://127.0.0.1:{cfg.worker_ports[svc]}/readyz"),
                group="workers",
            ))
        for svc in SERVICES:
            specs.append(ProcessSpec(
                name=f"{svc}-api",
                argv=self.command(svc, "api"),
                env=self.env_for(svc, "api"),
                ready=grpc_serving(cfg.grpc_target(svc)),
                group="apis",
            ))
        specs.append(ProcessSpec(
            name="gateway",
            argv=self.command("gateway", "serve"),
            env=self.env_for("gateway", "serve"),
            ready=http_ok(f"{cfg.gateway_url}/readyz"),
        ))
        if cfg.console:
            specs.append(self._console_spec())
        return specs

    def _console_spec(self) -> ProcessSpec:
        cfg = self.config
        return ProcessSpec(
            name="console",
            argv=self.command("console", "serve"),
            env=self.env_for("console", "serve"),
            ready=http_ok(f"{cfg.console_url}/readyz"),
        )

    def migrate(self) -> None:
        """Bring every database to the newest schema (in parallel; each is independent)."""
        procs = {}
        for component in (*SERVICES, "gateway"):
            env = {**os.environ, **self.env_for(component, "migrate")}
            procs[component] = subprocess.Popen(
                self.command(component, "migrate"), env=env,
                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            )
        failed = {}
        for component, proc in procs.items():
            output, _ = proc.communicate(timeout=120)
            if proc.returncode != 0:
                failed[component] = output[-3000:]
        if failed:
            details = "\n".join(f"--- {name}\n{out}" for name, out in failed.items())
            raise RuntimeError(f"migrations failed for {', '.join(failed)}:\n{details}")

    def bootstrap_service_accounts(self) -> None:
        """Store each service account (with the secret its service was started with) in the
        gateway; run once the gateway has seeded the organisation. Until then the services'
        first background calls fail and are retried."""
        env = {**os.environ, **self.env_for("gateway", "migrate")}
        for component, (client_id, scopes) in SERVICE_ACCOUNTS.items():
            argv = [*self.command("gateway", "service-account"), "--client-id", client_id,
                    "--secret-file", str(self.service_secrets[component]), "--department", "/hq",
                    *(arg for scope in scopes for arg in ("--scope", scope))]
            done = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=120,
                                  check=False)
            if done.returncode != 0:
                raise RuntimeError(f"service account {client_id}: {done.stderr[-2000:]}")

    def start(self) -> Suite:
        self.migrate()
        self.supervisor.start()
        if self.config.demo_mode:
            self.bootstrap_service_accounts()
        return self

    def stop(self) -> None:
        self.supervisor.stop()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

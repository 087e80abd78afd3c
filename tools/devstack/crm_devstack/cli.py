"""``crm-dev run``: the whole suite on this machine, with nothing to install by hand.

Installs RabbitMQ (Debian package) if missing, starts a private node on its own ports with
its data under ``var/``, a local trace collector (unless ``OTEL_EXPORTER_OTLP_ENDPOINT``
points elsewhere), migrates every database, seeds the demo organisation on first start,
starts every api, worker and the gateway, and stops all of it on Ctrl-C. Data is kept.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from pathlib import Path

from crm_devstack.rabbitmq import RabbitNode, ensure_rabbitmq_installed
from crm_devstack.suite import DEFAULT_GRPC_PORTS, DEMO_USERS, SERVICES, Suite, SuiteConfig
from crm_devstack.traces import TraceCollector


def _int_env(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def _interrupt(signum, _frame):
    raise KeyboardInterrupt  # SIGTERM takes the same path as Ctrl-C


def run(args: argparse.Namespace) -> int:
    data_dir = Path(args.data_dir).resolve()
    signal.signal(signal.SIGTERM, _interrupt)
    ensure_rabbitmq_installed()
    node = RabbitNode(
        data_dir / "rabbitmq", "crm-dev",
        port=_int_env("AMQP_PORT", 5673), dist_port=_int_env("AMQP_DIST_PORT", 25673),
    )
    collector = None
    suite = None
    try:
        print(f"starting RabbitMQ node {node.node} on port {node.port} ...", flush=True)
        node.start()
        otlp = os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT")
        if not otlp:
            collector = TraceCollector(data_dir / "traces.sqlite", port=_int_env("TRACE_PORT", 4318))
            collector.start()
            otlp = collector.endpoint
        config = SuiteConfig(
            data_dir=data_dir,
            amqp_url=node.amqp_url,
            gateway_port=_int_env("GATEWAY_PORT", 8080),
            console_port=_int_env("CONSOLE_PORT", 8090),
            grpc_ports={s: _int_env(f"{s.upper()}_GRPC_PORT", DEFAULT_GRPC_PORTS[s]) for s in SERVICES},
            otlp_endpoint=otlp,
            smtp_port=_int_env("SMTP_SINK_PORT", 2525),
            sms_port=_int_env("SMS_SINK_PORT", 2526),
            demo_mode=os.environ.get("DEMO_MODE", "true").lower() == "true",
            echo=not args.quiet,
            log_level=os.environ.get("LOG_LEVEL", "INFO"),
        )
        suite = Suite(config)
        print(f"migrating databases and starting {len(suite.supervisor.specs)} processes ...",
              flush=True)
        suite.start()
        _banner(config, collector)
        crashed = suite.supervisor.wait()
        if crashed:
            print(f"\n{crashed} exited unexpectedly; stopping everything (logs in {data_dir}/logs)")
            return 1
        return 0
    except KeyboardInterrupt:
        return 0
    finally:
        print("\nstopping ...", flush=True)
        if suite is not None:
            suite.stop()
        if collector is not None:
            collector.stop()
        node.stop()


def _banner(config: SuiteConfig, collector: TraceCollector | None) -> None:
    lines = [
        "",
        f"CRM console:      {config.console_url}   (sign in as one of the demo logins below)",
        f"CRM suite is up:  gateway {config.gateway_url}   (OpenAPI: {config.gateway_url}/api/v1/openapi.json)",
        "gRPC apis:        " + "  ".join(f"{s} {config.grpc_target(s)}" for s in SERVICES),
        f"RabbitMQ:         {config.amqp_url}",
        f"data and logs:    {config.data_dir}",
        (f"e-mail:           sent to a local SMTP sink on port {config.smtp_port}; "
        f"read it in {config.mail_dir} (a maildir)"),
        (f"SMS:              sent to a local SMS gateway on port {config.sms_port}; one file "
        f"per message in {config.sms_dir}"),
    ]
    if collector is not None:
        lines.append(f"traces:           collector {collector.endpoint}; show one with `make trace` "
                     "(newest) or `uv run crm-trace list`")
    if config.demo_mode:
        lines.append("demo logins (password `demo`): " + ", ".join(u for u, _ in DEMO_USERS))
        lines.append(
            f"try:  curl -s -X POST {config.gateway_url}/api/v1/auth/token "
            "-H 'Content-Type: application/json' -d '{\"username\":\"rep.zhang\",\"password\":\"demo\"}'"
        )
    lines.append("Ctrl-C stops everything.")
    print("\n".join(lines), flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="crm-dev")
    sub = parser.add_subparsers(dest="command", required=True)
    run_parser = sub.add_parser("run", help="run the whole suite locally")
    run_parser.add_argument("--data-dir", default=os.environ.get("CRM_DATA_DIR", "var"))
    run_parser.add_argument("--quiet", action="store_true", help="do not echo process logs")
    args = parser.parse_args(argv)
    if args.command == "run":
        return run(args)
    return 2


if __name__ == "__main__":
    sys.exit(main())

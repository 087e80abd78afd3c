"""``<svc>-service api | worker | migrate | deadletters``: one command line for every service.

Nothing heavy is imported here: the worker must monkey-patch with eventlet before grpc,
sqlalchemy or the service's modules are imported (grpcio does not support eventlet, so the
api and the worker never share a process).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from dataclasses import dataclass


@dataclass(frozen=True)
class ServiceEntryPoints:
    name: str  # "customer"
    package: str  # "customer_service" (holds migrations/)
    api: str  # "customer_service.api:build_bindings"
    worker: str  # "customer_service.worker:CustomerWorker"
    api_settings: str = "crm_shared.settings:ApiSettings"
    worker_settings: str = "crm_shared.settings:WorkerSettings"


def _load(ref: str):
    module, _, attr = ref.partition(":")
    return getattr(importlib.import_module(module), attr)


def run_service_cli(entry: ServiceEntryPoints, argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog=f"{entry.name}-service")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("api", help="serve the gRPC api (and relay the outbox)")
    sub.add_parser("worker", help="run the nameko worker (event handlers, timers)")
    sub.add_parser("migrate", help="upgrade the database schema to the newest revision")
    sub.add_parser("deadletters", help="list or replay dead-lettered events", add_help=False)
    args, rest = parser.parse_known_args(argv)

    if args.command == "worker":
        import eventlet

        eventlet.monkey_patch()

    from crm_shared.settings import MigrateSettings, load_settings

    if args.command == "api":
        from crm_shared.grpc.server import run_api

        settings = load_settings(_load(entry.api_settings), service_name=entry.name)
        run_api(settings, _load(entry.api))
    elif args.command == "worker":
        from crm_shared.events.worker import run_worker

        settings = load_settings(_load(entry.worker_settings), service_name=entry.name)
        run_worker(_load(entry.worker), settings)
    elif args.command == "migrate":
        from crm_shared.log import configure_logging
        from crm_shared.migrations import upgrade

        settings = load_settings(MigrateSettings, service_name=entry.name)
        configure_logging(f"{entry.name}-migrate", settings.log_level)
        upgrade(entry.package, settings.database_url)
        print(f"{entry.name}: database at head", file=sys.stderr)
        if settings.amqp_url:
            from crm_shared.events.handlers import declare_worker_topology

            queues = declare_worker_topology(
                settings.amqp_url, _load(entry.worker),
                queue_type=settings.amqp_queue_type, retry_delays=settings.retry_delays_seconds,
            )
            print(f"{entry.name}: {len(queues)} consumer queue(s) declared", file=sys.stderr)
        else:
            print(f"{entry.name}: AMQP_URL not set, queues left to the worker", file=sys.stderr)
    elif args.command == "deadletters":
        from crm_shared.events.deadletters import main as deadletters

        return deadletters(rest, service=entry.name)
    return 0

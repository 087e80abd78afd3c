"""``ticket-service api | worker | migrate | deadletters``."""

import sys

from crm_shared.cli import ServiceEntryPoints, run_service_cli

ENTRY_POINTS = ServiceEntryPoints(
    name="ticket",
    package="ticket_service",
    api="ticket_service.api:build_bindings",
    worker="ticket_service.worker:TicketWorker",
    api_settings="ticket_service.settings:TicketApiSettings",
    worker_settings="ticket_service.settings:TicketWorkerSettings",
)


def main() -> None:
    sys.exit(run_service_cli(ENTRY_POINTS))


if __name__ == "__main__":
    main()

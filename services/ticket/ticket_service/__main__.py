"""``ticket-service api | worker | migrate | deadletters``."""

import sys

from crm_shared.cli import ServiceEntryPoints, run_service_cli

ENTRY_POINTS = ServiceEntryPoints(
    name="ticket",
    package="ticket_service",
    api="ticket_service.api:build_bindings",
    worker="ticket_service.worker:TicketWorker",
)


def main() -> None:
    sys.exit(run_service_cli(ENTRY_POINTS))


if __name__ == "__main__":
    main()

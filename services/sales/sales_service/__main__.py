"""``sales-service api | worker | migrate | deadletters``."""

import sys

from crm_shared.cli import ServiceEntryPoints, run_service_cli

ENTRY_POINTS = ServiceEntryPoints(
    name="sales",
    package="sales_service",
    api="sales_service.api:build_bindings",
    worker="sales_service.worker:SalesWorker",
    api_settings="sales_service.settings:SalesApiSettings",
    worker_settings="sales_service.settings:SalesWorkerSettings",
)


def main() -> None:
    sys.exit(run_service_cli(ENTRY_POINTS))


if __name__ == "__main__":
    main()

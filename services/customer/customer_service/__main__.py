"""``customer-service api | worker | migrate | deadletters``."""

import sys

from crm_shared.cli import ServiceEntryPoints, run_service_cli

ENTRY_POINTS = ServiceEntryPoints(
    name="customer",
    package="customer_service",
    api="customer_service.api:build_bindings",
    worker="customer_service.worker:CustomerWorker",
    api_settings="customer_service.settings:CustomerApiSettings",
    worker_settings="customer_service.settings:CustomerWorkerSettings",
)


def main() -> None:
    sys.exit(run_service_cli(ENTRY_POINTS))


if __name__ == "__main__":
    main()

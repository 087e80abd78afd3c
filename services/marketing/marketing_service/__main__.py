"""``marketing-service api | worker | migrate | deadletters``."""

import sys

from crm_shared.cli import ServiceEntryPoints, run_service_cli

ENTRY_POINTS = ServiceEntryPoints(
    name="marketing",
    package="marketing_service",
    api="marketing_service.api:build_bindings",
    worker="marketing_service.worker:MarketingWorker",
    api_settings="marketing_service.settings:MarketingApiSettings",
    worker_settings="marketing_service.settings:MarketingWorkerSettings",
)


def main() -> None:
    sys.exit(run_service_cli(ENTRY_POINTS))


if __name__ == "__main__":
    main()

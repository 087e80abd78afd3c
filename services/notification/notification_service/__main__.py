"""``notification-service api | worker | migrate | deadletters``."""

import sys

from crm_shared.cli import ServiceEntryPoints, run_service_cli

ENTRY_POINTS = ServiceEntryPoints(
    name="notification",
    package="notification_service",
    api="notification_service.api:build_bindings",
    worker="notification_service.worker:NotificationWorker",
    api_settings="notification_service.settings:NotificationApiSettings",
    worker_settings="notification_service.settings:NotificationWorkerSettings",
)


def main() -> None:
    sys.exit(run_service_cli(ENTRY_POINTS))


if __name__ == "__main__":
    main()

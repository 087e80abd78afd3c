"""The marketing worker's one timer kind: nameko's timer with its interval from
``MARKETING_SCAN_SECONDS`` (known only at start, so it is read in ``setup``)."""

from __future__ import annotations

from crm_shared.events.handlers import CONFIG_SETTINGS
from nameko.timer import Timer

from marketing_service.settings import MarketingWorkerSettings


class ScanTimer(Timer):
    def setup(self) -> None:
        settings = self.container.config.get(CONFIG_SETTINGS)
        if isinstance(settings, MarketingWorkerSettings):
            self.interval = settings.marketing_scan_seconds


scan_timer = ScanTimer.decorator

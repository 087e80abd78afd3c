"""The marketing service's nameko worker. It runs, with health and the dead-letter set-up, and gains
its event handlers (`@on_event`) and timers with the marketing issue."""


class MarketingWorker:
    name = "marketing"

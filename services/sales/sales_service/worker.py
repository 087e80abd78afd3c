"""The sales service's nameko worker. It runs, with health and the dead-letter set-up, and gains
its event handlers (`@on_event`) and timers with the sales issue."""


class SalesWorker:
    name = "sales"

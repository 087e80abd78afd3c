"""The ticket service's nameko worker. It runs, with health and the dead-letter set-up, and gains
its event handlers (`@on_event`) and timers with the ticket issue."""


class TicketWorker:
    name = "ticket"

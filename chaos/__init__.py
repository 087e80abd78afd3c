"""The chaos harness (issue 17): the whole suite on PostgreSQL and RabbitMQ (quorum queues)
under a steady load through the gateway while processes are SIGKILLed, a worker is paused and
the broker and the database are restarted; afterwards it waits for quiescence and checks that
nothing accepted was lost or doubled.

    uv run --frozen python -m chaos            # make chaos: >= 1,000 tickets, >= 20 faults
    uv run --frozen python -m chaos --short    # in make test: >= 100 tickets, one fault of each kind

Modules: ``stack`` (the broker, the database cluster and the suite, started with the devstack's
own launcher), ``client`` (an integrator's HTTP client: ``Idempotency-Key`` retries as the README
tells), ``load`` (the workload and its ledger of intents), ``faults`` (the fault schedule),
``invariants`` (quiescence and the checks), ``__main__`` (the run and its report).
"""

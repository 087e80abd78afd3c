"""What the harness runs and breaks: a private RabbitMQ node, a private PostgreSQL cluster and
the suite's processes on them, started by the devstack (``crm_devstack.suite``), the launcher
``make run`` and the e2e tests use. The broker and the database belong to this run alone,
because restarting them is part of the fault schedule."""

from __future__ import annotations

import os
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from crm_devstack.ports import free_port
from crm_devstack.postgres import PostgresCluster
from crm_devstack.rabbitmq import RabbitNode, list_queues
from crm_devstack.suite import SERVICES, Suite, SuiteConfig

COMPONENTS = (*SERVICES, "gateway")


class Stack:
    def __init__(self, base: Path, *, settings: dict[str, str]) -> None:
        self.base = base
        os.chmod(base, 0o755)  # the broker and the database run as their own users
        self.rabbit = RabbitNode(base / "rabbitmq", f"chaos-{os.getpid()}")
        self.postgres = PostgresCluster(base / "postgres")
        self.settings = settings  # the run's own settings of the suite (see chaos.__main__)
        self.suite: Suite | None = None
        self.database_urls: dict[str, str] = {}

    @property
    def config(self) -> SuiteConfig:
        return self.suite.config

    @property
    def supervisor(self):
        return self.suite.supervisor

    def start(self) -> Stack:
        # side by side: the broker takes seconds to boot, the database one
        with ThreadPoolExecutor(max_workers=2) as pool:
            for started in [pool.submit(self.rabbit.start), pool.submit(self.postgres.start)]:
                started.result()
        self.database_urls = {c: self.postgres.create_database(f"chaos_{c}") for c in COMPONENTS}
        config = SuiteConfig(
            data_dir=self.base / "suite",
            amqp_url=self.rabbit.amqp_url,
            gateway_port=free_port(),
            grpc_ports={s: free_port() for s in SERVICES},
            worker_ports={s: free_port() for s in SERVICES},
            smtp_port=free_port(),
            sms_port=free_port(),
            database_urls=self.database_urls,
            log_level="WARNING",
            console=False,
            extra_env={
                # what a cluster runs (README: AMQP_QUEUE_TYPE); every queue is replicated
                # and dead-letters at least once
                "AMQP_QUEUE_TYPE": "quorum",
                # the load is one client per user; the per-user limit is not under test here
                "RATE_LIMIT_USER_REQUESTS": "100000000",
                "HEALTH_CHECK_SECONDS": "1",
                **self.settings,
            },
        )
        self.suite = Suite(config).start()
        return self

    def process_names(self) -> list[str]:
        return [
            spec.name
            for spec in self.supervisor.specs
            if spec.name not in ("mail-sink", "sms-sink")
        ]

    def queues(self) -> dict[str, int]:
        return list_queues(self.rabbit)

    def stop(self, keep: bool = False) -> None:
        """Stop everything; ``keep`` leaves the folder (every process's log) for a post-mortem."""
        if self.suite is not None:
            self.suite.stop()
        self.postgres.stop()
        self.rabbit.stop()
        if not keep:
            shutil.rmtree(self.base, ignore_errors=True)

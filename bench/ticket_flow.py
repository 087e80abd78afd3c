"""Benchmark (not a test): tickets created at a steady rate, and how fast each is routed and
its department told.

Starts the whole suite (every api, worker and the gateway as processes, a private RabbitMQ
node, SQLite databases or PostgreSQL with ``--postgres``) on free loopback ports, then creates
tickets over HTTP at ``--rate`` per second for ``--seconds``. For each ticket it records:

- create → routed: the HTTP create's round trip (routing, including the gRPC call to the
  customer service, happens inside it; the answer names the department);
- create → notified: until the department lead's inbox entry for it exists (the entry's own
  ``create_time``, so polling adds no error), i.e. outbox → RabbitMQ → notification worker.

It prints p50/p99 of both, the sustained tickets/s (tickets whose lead was told, per second of
the run), and the setup. Everything is stopped at the end.

    uv run python bench/ticket_flow.py [--rate 5] [--seconds 30] [--postgres]
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path

import requests
from crm_devstack.ports import free_port
from crm_devstack.postgres import PostgresCluster
from crm_devstack.rabbitmq import RabbitNode
from crm_devstack.suite import SERVICES, Suite, SuiteConfig

# (title, description, department whose lead is told); the texts pick the routing rule.
PROBLEMS = (
    ("产品质量问题", "收到的产品外壳破损，质量有问题", "product.lead"),
    ("系统故障", "登录时报错，无法使用", "tech.lead"),
    ("物流延迟", "快递一周还没有配送到", "logistics.lead"),
    ("客服态度差", "客服人员服务态度恶劣", "service.lead"),
)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def login(url: str, username: str) -> str:
    answer = requests.post(f"{url}/api/v1/auth/token",
                           json={"username": username, "password": "demo"}, timeout=10)
    answer.raise_for_status()
    return answer.json()["access_token"]


def parse_time(text: str) -> float:
    return datetime.fromisoformat(text).timestamp()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=5.0, help="tickets created per second")
    parser.add_argument("--seconds", type=float, default=30.0, help="length of the steady phase")
    parser.add_argument("--settle-seconds", type=float, default=60.0,
                        help="how long to wait afterwards for the last notifications")
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL instead of SQLite")
    args = parser.parse_args()

    base = Path(tempfile.mkdtemp(prefix="crm-bench-tickets-"))
    os.chmod(base, 0o755)  # the broker runs as the rabbitmq user
    rabbit = RabbitNode(base / "rabbitmq", f"bench-{os.getpid()}")
    postgres = PostgresCluster(base / "postgres") if args.postgres else None
    suite = None
    try:
        rabbit.start()
        database_urls = {}
        if postgres is not None:
            postgres.start()
            database_urls = {c: postgres.create_database(f"bench_{c}")
                             for c in (*SERVICES, "gateway")}
        config = SuiteConfig(
            data_dir=base / "suite", amqp_url=rabbit.amqp_url, gateway_port=free_port(),
            grpc_ports={s: free_port() for s in SERVICES},
            worker_ports={s: free_port() for s in SERVICES}, smtp_port=free_port(),
            database_urls=database_urls, log_level="WARNING",
            extra_env={"RATE_LIMIT_USER_REQUESTS": "100000000"},
        )
        suite = Suite(config).start()
        url = config.gateway_url
        agent = login(url, "agent.wang")
        rep = login(url, "rep.zhang")
        leads = {name: login(url, name) for _, _, name in PROBLEMS}
        customer = requests.post(
            f"{url}/api/v1/customers", json={
                "type": "enterprise", "display_name": "基准客户公司",
                "enterprise": {"legal_name": "基准客户有限公司", "industry": "retail"}},
            headers={"Authorization": f"Bearer {rep}"}, timeout=10).json()

        created: dict[str, tuple[float, float, str]] = {}  # id → (sent, answered, lead)
        failures: list[str] = []
        lock = threading.Lock()
        local = threading.local()

        def create(index: int) -> None:
            if not hasattr(local, "session"):
                local.session = requests.Session()
                local.session.headers["Authorization"] = f"Bearer {agent}"
            title, description, lead = PROBLEMS[index % len(PROBLEMS)]
            sent = time.time()
            answer = local.session.post(f"{url}/api/v1/tickets", timeout=30, json={
                "type": "complaint", "channel": "phone", "title": f"{title} #{index}",
                "description": description, "customer_id": customer["id"],
            }, headers={"Idempotency-Key": str(uuid.uuid4())})
            answered = time.time()
            with lock:
                if answer.status_code == 201:
                    created[answer.json()["id"]] = (sent, answered, lead)
                else:
                    failures.append(f"{answer.status_code} {answer.text[:200]}")

        total = int(args.rate * args.seconds)
        started = time.time()
        with ThreadPoolExecutor(max_workers=32) as pool:
            for index in range(total):  # a steady schedule, independent of how fast answers come
                delay = started + index / args.rate - time.time()
                if delay > 0:
                    time.sleep(delay)
                pool.submit(create, index)
        creating_ended = time.time()

        notified: dict[str, float] = {}
        deadline = time.time() + args.settle_seconds
        while len(notified) < len(created) and time.time() < deadline:
            for token in leads.values():
                page = ""
                while True:
                    answer = requests.get(
                        f"{url}/api/v1/notifications",
                        params={"page_size": 200, "page_token": page, "category": "ticket.routed"},
                        headers={"Authorization": f"Bearer {token}"}, timeout=30).json()
                    for entry in answer["notifications"]:
                        if entry["subject_id"] in created:
                            notified[entry["subject_id"]] = parse_time(entry["create_time"])
                    page = answer.get("next_page_token", "")
                    if not page:
                        break
            time.sleep(0.5)

        routed_ms = [(answered - sent) * 1000 for sent, answered, _ in created.values()]
        told_ms = [(notified[i] - created[i][0]) * 1000 for i in notified]
        last_told = max(notified.values(), default=started)
        print("setup:")
        print(f"  machine        {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}")
        print(f"  databases      {'PostgreSQL' if args.postgres else 'SQLite'}; RabbitMQ {rabbit.amqp_url.split('@')[-1]}")
        print(f"  load           {args.rate:g} tickets/s for {args.seconds:g} s ({total} tickets), "
              "4 categories, one customer")
        print("results:")
        print(f"  created        {len(created)} (failed {len(failures)})"
              + (f"; first failure: {failures[0]}" if failures else ""))
        if routed_ms:
            print(f"  create→routed  p50 {statistics.median(routed_ms):8.1f} ms   "
                  f"p99 {percentile(routed_ms, 0.99):8.1f} ms")
        if told_ms:
            print(f"  create→told    p50 {statistics.median(told_ms):8.1f} ms   "
                  f"p99 {percentile(told_ms, 0.99):8.1f} ms   ({len(told_ms)} of {len(created)} told)")
        print(f"  sustained      {len(notified) / max(last_told - started, 1e-9):.2f} tickets/s "
              f"routed and told (offered {args.rate:g}/s; creating took "
              f"{creating_ended - started:.1f} s)")
        return 0 if created and len(notified) == len(created) else 1
    finally:
        if suite is not None:
            suite.stop()
        if postgres is not None:
            postgres.stop()
        rabbit.stop()
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())

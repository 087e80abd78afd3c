"""Benchmark (not a test): the console's main pages with many customers and tickets on
PostgreSQL — server-side render time and page weight.

Starts, on free loopback ports, a private PostgreSQL cluster and RabbitMQ node and the whole
suite as processes (every api and worker, the gateway and the console: ``Suite``), then loads
``--customers`` customers and ``--tickets`` tickets:

- customers: the first ``--import-customers`` through the customer service's own code path,
  ``ImportCustomers`` over gRPC in CSV files of ``--batch`` rows (each row validated,
  numbered, checked for duplicates, its ``customer.created`` event in the outbox), half
  owned by rep.zhang, half by rep.li; the rest with SQL ``COPY`` into the ``customers``
  table, each a clone of an imported row of the same type and owner (every column as the
  service wrote it) with its own id, number, name, phone, e-mail and creation time
  (ImportCustomers takes minutes per thousand rows on two cores; the clones have no events,
  so the other services' read models know only the imported ones); then the customer KPI
  rollup is rebuilt (``customer_service.kpi_rollup.rebuild``: COPY passes by the writes that
  keep it) and the tables vacuumed;
- tickets with SQL ``COPY`` into the ticket service's ``tickets`` table (there is no bulk
  create, and creating 100,000 one by one routes and notifies each): spread over the four
  service departments, a third open, the SLA clocks already past their reminders and
  breaches and the resolved ones resolved within a day (older ones closed) so the SLA timer has
  nothing to fire (auto-closing thousands queued as many ``ticket.closed`` events, which the
  workers took longer to digest than the load); one customer gets 30 of them. Then the KPI
  rollup is rebuilt from them (``ticket_service.kpi_rollup.rebuild``, as its migration does:
  COPY passes by the writes that keep it) and the table vacuumed.

It waits until the outbox is published and RabbitMQ's queues are empty (the workers have
digested the load), then measures, one request at a time after ``--warmup`` requests, the
response time of the HTML request of the customer list, the customer 360 page, the ticket
queue and the dashboard (each includes its gRPC calls), next to the bare gRPC calls behind
that page made with grpcio in the same run with the same user's token, and the ratio. The
dashboard twice: looked at again (the console keeps each service's report a minute per
person, ``CONSOLE_DASHBOARD_CACHE_SECONDS``) and with "Refresh figures" (every service asked). Then
the page weight: every resource of a cold load (no cache) in Debian's chromium driven by
Playwright, bytes transferred (gzip) summed over the responses, against the quality bar
(sign-in ≤ 200 KB, any page ≤ 1.5 MB). A page that is not there (404) is reported missing.
Everything is stopped at the end.

    uv run python bench/console_pages.py [--customers 100000] [--tickets 100000]
        [--import-customers 2000] [--requests 200] [--warmup 10] [--batch 100] [--keep]

A smoke run: ``--customers 2000 --tickets 2000 --import-customers 200 --requests 30``
(a few minutes, most of it starting the suite).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import platform
import random
import re
import shutil
import signal
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import requests
from crm.customer.v1 import customer_pb2, customer_pb2_grpc
from crm.sales.v1 import sales_pb2, sales_pb2_grpc
from crm.ticket.v1 import ticket_pb2, ticket_pb2_grpc
from crm_console.views.tickets import PAGE_SIZE as QUEUE_PAGE_SIZE
from crm_console.views.tickets_forms import OPEN_STATES as QUEUE_OPEN_STATES
from crm_console.views.tickets_forms import QUEUE_ORDER
from crm_devstack.ports import free_port
from crm_devstack.postgres import PostgresCluster
from crm_devstack.rabbitmq import RabbitNode
from crm_devstack.suite import SERVICES, Suite, SuiteConfig
from crm_devstack.waiting import wait_until
from crm_shared.auth import Principal
from crm_shared.auth.principal import principal_scope
from crm_shared.db import make_engine
from crm_shared.grpc.client import connect
from crm_shared.grpc.peers import Peers
from crm_shared.kpis import SOURCES, KpiGatherer, date_range, period_range
from customer_service import kpi_rollup as customer_kpi_rollup
from ticket_service import kpi_rollup

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
SIGN_IN_LIMIT, PAGE_LIMIT = 200 * 1024, int(1.5 * 1024 * 1024)
DEPARTMENTS = ("/hq/service", "/hq/tech", "/hq/product", "/hq/logistics")
OPEN_STATES = ("routed", "in_progress", "waiting_on_customer")
TICKET_TYPES = ("complaint", "consultation", "fault", "demand")
PRIORITIES = ("urgent", "high", "normal", "normal", "low")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂"
INDUSTRIES = ("manufacturing", "retail", "software", "logistics", "finance")
CSV_HEADER = ("type,display_name,phone,email,source,first_contact_date,owner_id,"
              "enterprise.legal_name,enterprise.industry,enterprise.staff_count,"
              "individual.gender,individual.age\n")


def progress(text: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def login(url: str, username: str) -> str:
    answer = requests.post(f"{url}/api/v1/auth/token",
                           json={"username": username, "password": "demo"}, timeout=30)
    answer.raise_for_status()
    return answer.json()["access_token"]


def me(url: str, token: str) -> dict:
    return requests.get(f"{url}/api/v1/me", headers={"Authorization": f"Bearer {token}"},
                        timeout=30).json()


# -- loading -------------------------------------------------------------------------------

def customer_csv(start: int, count: int, owners: list[str], rng: random.Random) -> bytes:
    out = io.StringIO()
    out.write(CSV_HEADER)
    for n in range(start, start + count):
        owner = owners[n % len(owners)]
        phone = f"137{n:08d}"
        day = f"2026-{1 + n % 11:02d}-{1 + n % 28:02d}"
        if n % 5 == 0:
            name = f"{rng.choice(SURNAMES)}{rng.choice(GIVEN)}{n}科技"
            out.write(f"enterprise,{name},{phone},info{n}@corp.example,referral,{day},{owner},"
                      f"{name}有限公司,{INDUSTRIES[n % len(INDUSTRIES)]},{10 + n % 500},,\n")
        else:
            name = f"{rng.choice(SURNAMES)}{rng.choice(GIVEN)}{rng.choice(GIVEN)}"
            out.write(f"individual,{name},{phone},p{n}@mail.example,website_form,{day},{owner},"
                      f",,,{'female' if n % 2 else 'male'},{20 + n % 50}\n")
    return out.getvalue().encode()


def import_customers(target: str, token: str, total: int, batch: int, owners: list[str],
                     rng: random.Random) -> tuple[int, int, float]:
    channel = connect(target, [customer_pb2.DESCRIPTOR.services_by_name["CustomerService"]],
                      token_provider=lambda: token, default_timeout=900)
    stub = customer_pb2_grpc.CustomerServiceStub(channel)
    imported = failed = 0
    started = time.perf_counter()
    try:
        for start in range(0, total, batch):
            report = stub.ImportCustomers(customer_pb2.ImportCustomersRequest(
                csv_content=customer_csv(start, min(batch, total - start), owners, rng),
                file_name=f"bench-{start}.csv"))
            imported += report.imported_rows
            failed += report.failed_rows + report.skipped_rows
    finally:
        channel.close()
    return imported, failed, time.perf_counter() - started


def copy_customers(customer_url: str, count: int, rng: random.Random) -> tuple[int, float]:
    """``count`` clones of the imported customers, by SQL COPY (see the module's docstring)."""
    started = time.perf_counter()
    with psycopg.connect(plain_url(customer_url)) as db, db.cursor() as cursor:
        cursor.execute("SELECT * FROM customers ORDER BY number")
        columns = [c.name for c in cursor.description]
        templates: dict[tuple[str, str], tuple] = {}
        last_number = ""
        for row in cursor.fetchall():
            record = dict(zip(columns, row, strict=True))
            templates.setdefault((record["type"], record["owner_id"]), row)
            last_number = max(last_number, record["number"])
        prefix, digits = re.match(r"^(.*?)(\d+)$", last_number).groups()
        width, start = len(digits), int(digits)
        keys = sorted(templates)
        at = {name: columns.index(name) for name in columns}
        now = datetime.now(UTC)
        with cursor.copy(f"COPY customers ({', '.join(columns)}) FROM STDIN") as copy:
            for n in range(count):
                kind, owner = keys[n % len(keys)]
                row = list(templates[(kind, owner)])
                serial = start + 1 + n
                name = (f"{rng.choice(SURNAMES)}{rng.choice(GIVEN)}{serial}科技"
                        if kind == "enterprise"
                        else f"{rng.choice(SURNAMES)}{rng.choice(GIVEN)}{rng.choice(GIVEN)}")
                created = now - timedelta(minutes=rng.randint(1, 365 * 24 * 60))
                row[at["id"]] = str(uuid.uuid4())
                row[at["number"]] = f"{prefix}{serial:0{width}d}"
                row[at["display_name"]] = name
                row[at["phone"]] = f"136{serial:08d}"
                row[at["email"]] = f"c{serial}@copy.example"
                row[at["create_time"]] = row[at["update_time"]] = created
                if kind == "enterprise" and "legal_name" in at:
                    row[at["legal_name"]] = f"{name}有限公司"
                copy.write_row(row)
    # COPY passes by the ORM writes that keep the KPI rollup: rebuilt as its migration does.
    engine = make_engine(customer_url)
    with engine.begin() as connection:
        customer_kpi_rollup.rebuild(connection)
    engine.dispose()
    with psycopg.connect(plain_url(customer_url), autocommit=True) as db:
        for table in ("customers", "customer_kpi_counts", "customer_kpi_days"):
            db.execute(f"VACUUM ANALYZE {table}")
    return count, time.perf_counter() - started


TICKET_COLUMNS = (
    "id", "number", "type", "category", "title", "description", "channel", "product",
    "keywords", "priority", "priority_reason", "state", "customer_id", "contact_id",
    "reporter_name", "reporter_phone", "reporter_email", "customer_value_class",
    "customer_at_risk", "department_path", "assignee_id", "account_manager_id", "resolution",
    "transfer_count", "reopen_count", "escalation_level", "satisfaction_score", "external_ids",
    "create_time", "update_time", "route_time", "first_response_time", "resolve_time",
    "confirm_time", "close_time", "last_activity_time", "created_by", "updated_by", "version",
    "request_id", "transfer_request_id", "trace_parent", "sla_policy_id",
    "first_response_due_time", "resolution_due_time", "first_response_breached",
    "resolution_breached", "sla_paused_since", "sla_paused_seconds",
    "first_response_warning_time", "resolution_warning_time", "reminder_time", "escalate_time",
)


def ticket_rows(count: int, customers: list[tuple[str, str]], featured: str, agent_id: str,
                rng: random.Random):
    now = datetime.now(UTC)
    for n in range(count):
        customer_id, customer_name = (featured, "") if n < 30 else rng.choice(customers)
        created = now - timedelta(minutes=rng.randint(60, 90 * 24 * 60))
        roll = rng.random()
        state = (OPEN_STATES[n % 3] if roll < 0.34 else "resolved" if roll < 0.5 else "closed")
        routed = created + timedelta(minutes=2)
        responded = None if state == "routed" else routed + timedelta(minutes=rng.randint(5, 600))
        resolved = (responded + timedelta(hours=rng.randint(1, 72))
                    if state in ("resolved", "closed") else None)
        if state == "resolved" and resolved < now - timedelta(days=1):
            state = "closed"  # as the auto-close (72 h unconfirmed) would have left it
        closed = resolved + timedelta(days=1) if state == "closed" else None
        first_due = routed + timedelta(hours=4)
        resolution_due = routed + timedelta(hours=rng.choice((24, 48, 72)))
        last_activity = max(t for t in (routed, responded, resolved, closed) if t is not None)
        quiet = last_activity  # the SLA timer's reminder and escalation already happened
        yield (
            str(uuid.uuid4()), f"T{created:%Y%m%d}-B{n:07d}", TICKET_TYPES[n % 4], "general",
            f"{customer_name or '客户'}反映的问题 #{n}", "基准数据：客户来电反映的问题描述。", "phone",
            "", "[]", PRIORITIES[n % len(PRIORITIES)], "", state, customer_id, None, None, None,
            None, "", False, DEPARTMENTS[n % len(DEPARTMENTS)],
            agent_id if n % 7 == 0 else None, None,
            "已处理" if resolved else None, 0, 0, 0,
            float(rng.randint(1, 5)) if closed else None, "{}", created, last_activity, routed,
            responded, resolved, None, closed, last_activity, "bench", "bench", 1, None, None,
            None, None, first_due, resolution_due, bool(responded is None and now >= first_due),
            bool(resolved is None and now >= resolution_due), None, 0, first_due, resolution_due,
            quiet, quiet,
        )


def copy_tickets(ticket_url: str, rows) -> tuple[int, float]:
    """COPY the tickets, then rebuild the KPI rollup from them as the migration that added it
    does (COPY passes by the ORM writes that keep it), and vacuum: the visibility map lets
    the queue's and the report's indexes answer without the table, as autovacuum would."""
    started = time.perf_counter()
    count = 0
    with (psycopg.connect(plain_url(ticket_url)) as db, db.cursor() as cursor,
          cursor.copy(f"COPY tickets ({', '.join(TICKET_COLUMNS)}) FROM STDIN") as copy):
        for row in rows:
            copy.write_row(row)
            count += 1
    engine = make_engine(ticket_url)
    with engine.begin() as connection:
        kpi_rollup.rebuild(connection)
    engine.dispose()
    with psycopg.connect(plain_url(ticket_url), autocommit=True) as db:
        db.execute("VACUUM ANALYZE tickets")
        db.execute("VACUUM ANALYZE ticket_kpi_sums")
        db.execute("VACUUM ANALYZE ticket_response_counts")
    return count, time.perf_counter() - started


def plain_url(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


def settle(rabbit: RabbitNode, customer_url: str, timeout: float) -> float:
    """Until the customer outbox is published and every queue is empty; seconds waited."""
    started = time.perf_counter()

    def quiet() -> bool:
        with psycopg.connect(plain_url(customer_url)) as db:
            pending = db.execute("SELECT count(*) FROM outbox WHERE status = 'pending'"
                                 ).fetchone()[0]
        if pending:
            return False
        listed = rabbit.ctl("list_queues", "-q", "--no-table-headers", "messages",
                            check=False).stdout
        return all(int(n) == 0 for n in re.findall(r"^\s*(\d+)\s*$", listed, re.MULTILINE))

    wait_until(quiet, timeout=timeout, interval=2.0,
               message="the workers did not digest the load")
    return time.perf_counter() - started


# -- measuring -----------------------------------------------------------------------------

class ConsoleUser:
    """A signed-in console session over HTTP (cookies, gzip), like a browser's."""

    def __init__(self, console_url: str, username: str) -> None:
        self.url = console_url
        self.session = requests.Session()
        self.session.headers["Accept-Encoding"] = "gzip"
        page = self.session.get(f"{console_url}/sign-in?lang=zh-CN", timeout=30)
        token = CSRF.search(page.text).group(1)
        answer = self.session.post(f"{console_url}/sign-in", timeout=30, allow_redirects=False,
                                   data={"csrf_token": token, "username": username,
                                         "password": "demo"})
        assert answer.status_code == 302, answer.text[:500]

    def get(self, path: str) -> requests.Response:
        return self.session.get(self.url + path, timeout=60, allow_redirects=False)


def timed(call, count: int, warmup: int) -> list[float]:
    for _ in range(warmup):
        call()
    out = []
    for _ in range(count):
        started = time.perf_counter()
        call()
        out.append((time.perf_counter() - started) * 1000)
    return out


def page_weight(console_url: str, username: str, paths: list[tuple[str, str]]) -> list[tuple]:
    """(name, bytes transferred, requests, limit) of a cold load of each page in chromium:
    the sign-in page, then each page signed in as ``username`` in a fresh context (its
    cookies, no cache)."""
    from playwright.sync_api import sync_playwright

    results = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            def load(context, url: str) -> tuple[int, int]:
                page = context.new_page()
                seen = []
                page.on("requestfinished", lambda request: seen.append(request))
                page.goto(url)
                page.wait_for_load_state("networkidle")
                total = 0
                for request in seen:
                    sizes = request.sizes()
                    total += sizes["responseBodySize"] + sizes["responseHeadersSize"]
                page.close()
                return total, len(seen)

            viewport = {"width": 1366, "height": 900}
            context = browser.new_context(viewport=viewport)
            size, count = load(context, f"{console_url}/sign-in?lang=zh-CN")
            results.append(("sign-in", size, count, SIGN_IN_LIMIT))
            page = context.new_page()
            page.goto(f"{console_url}/sign-in?lang=zh-CN")
            page.fill("input[name=username]", username)
            page.fill("input[name=password]", "demo")
            page.click("form.stacked button[type=submit]")
            page.wait_for_url(lambda u: "/sign-in" not in u)
            state = context.storage_state()
            context.close()
            for name, path in paths:
                cold = browser.new_context(viewport=viewport, storage_state=state)
                size, count = load(cold, console_url + path)
                results.append((name, size, count, PAGE_LIMIT))
                cold.close()
        finally:
            browser.close()
    return results


def hold(config: SuiteConfig, database_urls: dict[str, str]) -> None:
    """Keep everything running until SIGINT or SIGTERM (then ``main`` stops it all)."""
    def interrupt(_signum, _frame):
        raise KeyboardInterrupt
    signal.signal(signal.SIGTERM, interrupt)
    signal.signal(signal.SIGINT, interrupt)  # also when started in the background (ignored)
    print(f"\nkept running (SIGINT or SIGTERM to stop): console {config.console_url}, gateway "
          f"{config.gateway_url}", flush=True)
    for name, url in database_urls.items():
        print(f"  {name:13} {plain_url(url)}", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        while True:
            signal.pause()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--import-customers", type=int, default=2_000,
                        help="how many of the customers go through ImportCustomers")
    # Each call must end within the servers' max_connection_age grace (30 s) once the channel
    # is five minutes old: at about 9 rows/s on a busy machine, 1,000 rows did not.
    parser.add_argument("--batch", type=int, default=100, help="rows per ImportCustomers call")
    parser.add_argument("--requests", type=int, default=200, help="per page and per baseline")
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--settle-seconds", type=float, default=1800.0)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", action="store_true",
                        help="after the report, keep the suite and its data running (to look at "
                             "the pages or profile a query) until interrupted")
    args = parser.parse_args()
    rng = random.Random(args.seed)

    base = Path(tempfile.mkdtemp(prefix="crm-bench-console-"))
    os.chmod(base, 0o755)  # the broker runs as the rabbitmq user, PostgreSQL as postgres
    rabbit = RabbitNode(base / "rabbitmq", f"bench-{os.getpid()}")
    postgres = PostgresCluster(base / "postgres")
    suite = None
    try:
        rabbit.start()
        postgres.start()
        database_urls = {c: postgres.create_database(f"bench_{c}") for c in (*SERVICES, "gateway")}
        config = SuiteConfig(
            data_dir=base / "suite", amqp_url=rabbit.amqp_url, gateway_port=free_port(),
            console_port=free_port(), grpc_ports={s: free_port() for s in SERVICES},
            worker_ports={s: free_port() for s in SERVICES}, smtp_port=free_port(),
            sms_port=free_port(), database_urls=database_urls, log_level="WARNING",
            extra_env={"RATE_LIMIT_USER_REQUESTS": "100000000"},
        )
        t0 = time.perf_counter()
        progress("starting the suite")
        suite = Suite(config).start()
        started_in = time.perf_counter() - t0
        gateway = config.gateway_url
        tokens = {u: login(gateway, u) for u in ("admin", "rep.zhang", "rep.li", "agent.wang",
                                                 "service.lead")}
        ids = {u: me(gateway, t)["id"] for u, t in tokens.items()}

        # The customer service learns of the reps from the identity events before it can
        # give them customers.
        def knows_owners() -> bool:
            with psycopg.connect(plain_url(database_urls["customer"])) as db:
                found = db.execute("SELECT count(*) FROM employees WHERE user_id = ANY(%s)",
                                   ([ids["rep.zhang"], ids["rep.li"]],)).fetchone()[0]
            return found == 2

        wait_until(knows_owners, timeout=120, interval=1.0,
                   message="the customer service never heard of the reps")
        to_import = max(10, min(args.import_customers, args.customers))
        progress(f"importing {to_import} customers")
        imported, failed, import_s = import_customers(
            config.grpc_target("customer"), tokens["admin"], to_import, args.batch,
            [ids["rep.zhang"], ids["rep.li"]], rng)
        progress(f"copying {args.customers - to_import} customers")
        cloned, clone_s = copy_customers(database_urls["customer"], args.customers - to_import,
                                         rng)
        with psycopg.connect(plain_url(database_urls["customer"])) as db:
            customers = db.execute("SELECT id, display_name FROM customers").fetchall()
            featured = db.execute("SELECT id FROM customers ORDER BY number LIMIT 1"
                                  ).fetchone()[0]  # imported: the other services know it
        progress(f"copying {args.tickets} tickets")
        copied, copy_s = copy_tickets(database_urls["ticket"], ticket_rows(
            args.tickets, customers, featured, ids["agent.wang"], rng))
        progress("waiting for the outbox and the queues to empty")
        settled_s = settle(rabbit, database_urls["customer"], args.settle_seconds)
        # Signed in again: on a busy machine the load outlasts an access token.
        tokens.update({u: login(gateway, u) for u in tokens})

        # -- render time at the console, next to the bare gRPC calls behind each page ------
        console = config.console_url
        users = {u: ConsoleUser(console, u) for u in ("admin", "service.lead")}

        def channel_for(peer: str, user: str):
            service = {"customer": customer_pb2, "ticket": ticket_pb2,
                       "sales": sales_pb2}[peer].DESCRIPTOR.services_by_name
            name = {"customer": "CustomerService", "ticket": "TicketService",
                    "sales": "SalesService"}[peer]
            return connect(config.grpc_target(peer), [service[name]],
                           token_provider=lambda: tokens[user], default_timeout=60)

        admin_customer = customer_pb2_grpc.CustomerServiceStub(channel_for("customer", "admin"))
        admin_sales = sales_pb2_grpc.SalesServiceStub(channel_for("sales", "admin"))
        lead_ticket = ticket_pb2_grpc.TicketServiceStub(channel_for("ticket", "service.lead"))
        lead_customer = customer_pb2_grpc.CustomerServiceStub(
            channel_for("customer", "service.lead"))

        def list_calls():
            admin_customer.ListCustomers(customer_pb2.ListCustomersRequest(page_size=50))
            admin_customer.ListTags(customer_pb2.ListTagsRequest(page_size=500))
            admin_sales.ListSalesReps(sales_pb2.ListSalesRepsRequest(page_size=500))

        def customer_calls():
            portrait = admin_customer.GetCustomerPortrait(
                customer_pb2.GetCustomerPortraitRequest(customer_id=featured))
            if portrait.customer.type == customer_pb2.CUSTOMER_TYPE_ENTERPRISE:
                admin_customer.GetDecisionChain(
                    customer_pb2.GetDecisionChainRequest(customer_id=featured))
            admin_customer.ListSatisfactionRecords(customer_pb2.ListSatisfactionRecordsRequest(
                customer_id=featured, page_size=50))
            admin_customer.ListTags(customer_pb2.ListTagsRequest(page_size=500))

        def queue_calls():
            # What the queue page asks (crm_console.views.tickets.queue): a page of the
            # department's open tickets, SLA due time first, the customers' names, the agents.
            read = lead_ticket.ListTickets(ticket_pb2.ListTicketsRequest(
                page_size=QUEUE_PAGE_SIZE, department_path="/hq/service",
                states=list(QUEUE_OPEN_STATES), order_by=QUEUE_ORDER))
            shown = {t.customer_id for t in read.tickets if t.customer_id}
            if shown:
                lead_customer.BatchGetCustomers(customer_pb2.BatchGetCustomersRequest(
                    ids=sorted(shown)))
            lead_ticket.ListAgents(ticket_pb2.ListAgentsRequest(page_size=500))

        admin_principal = Principal(user_id=ids["admin"], username="admin",
                                    roles=frozenset({"admin"}), department_path="/hq",
                                    data_scope="all", token=tokens["admin"])
        # The console's own deadline (3 s): a report slower than that is an unavailable panel
        # on the page, and in the baseline too, so both wait as long.
        gatherer = KpiGatherer(Peers({s: config.grpc_target(s) for s in SERVICES},
                                     timeout_seconds=3.0), timeout_seconds=3.0)
        missed: dict[str, dict[str, int]] = {"page": {}, "grpc": {}}

        def dashboard_calls():
            with principal_scope(admin_principal):
                panels = gatherer.gather(date_range(*period_range(
                    "last_30_days", datetime.now(UTC).date())))
            for panel in panels:
                if not panel.available:
                    key = f"{panel.service} ({panel.reason})"
                    missed["grpc"][key] = missed["grpc"].get(key, 0) + 1

        pages = [
            ("customer list", "/customers/", "admin", list_calls,
             "ListCustomers(50) + ListTags + ListSalesReps"),
            ("customer 360", f"/customers/{featured}", "admin", customer_calls,
             "GetCustomerPortrait + GetDecisionChain + ListSatisfactionRecords + ListTags"),
            ("ticket queue", "/tickets/", "service.lead", queue_calls,
             (f"ListTickets(open, /hq/service, {QUEUE_PAGE_SIZE}, SLA due first) + "
              "BatchGetCustomers + ListAgents")),
            # The console keeps each report a minute (CONSOLE_DASHBOARD_CACHE_SECONDS): a
            # dashboard looked at again, and one whose "Refresh figures" asks every service.
            ("dashboard", "/dashboard/", "admin", dashboard_calls,
             "5 x Get<Svc>Kpis in parallel (crm_shared.kpis), not kept"),
            ("dashboard, refresh", "/dashboard/?refresh=1", "admin", dashboard_calls,
             "5 x Get<Svc>Kpis in parallel (crm_shared.kpis)"),
        ]
        rows = []
        for name, path, user, calls, what in pages:
            progress(f"measuring {name}")
            probe = users[user].get(path)
            if probe.status_code != 200:
                rows.append((name, path, user, None, None, what, probe.status_code))
                continue

            def html(user=user, path=path, name=name):
                answer = users[user].get(path)
                assert answer.status_code == 200, (path, answer.status_code)
                if name.startswith("dashboard"):
                    for service in re.findall(r'data-service="(\w+)"\s+data-status="unavailable"',
                                              answer.text):
                        missed["page"][service] = missed["page"].get(service, 0) + 1

            html_ms = timed(html, args.requests, args.warmup)
            grpc_ms = timed(calls, args.requests, args.warmup)
            rows.append((name, path, user, html_ms, grpc_ms, what, 200))
            progress(f"  {name}: HTML p50 {statistics.median(html_ms):.1f} p95 "
                     f"{percentile(html_ms, 0.95):.1f} ms; gRPC p50 "
                     f"{statistics.median(grpc_ms):.1f} p95 {percentile(grpc_ms, 0.95):.1f} ms")
        progress("each KPI report alone")
        kpi_times = {}
        with principal_scope(admin_principal):
            period = date_range(*period_range("last_30_days", datetime.now(UTC).date()))
            for source in SOURCES:
                kpi_times[source.peer] = timed(lambda s=source: gatherer.fetch(s, period),
                                               max(5, args.requests // 5), 1)
        gatherer.close()

        progress("page weight")
        weights = page_weight(console, "admin", [(name, path) for name, path, _u, _h, _g, _w,
                                                 status in rows if status == 200])

        # -- report ----------------------------------------------------------------------
        print("setup:")
        print(f"  machine     {platform.machine()}, {os.cpu_count()} CPUs, Python "
              f"{platform.python_version()}; everything on loopback")
        print(f"  suite       every api and worker, gateway and console as processes "
              f"(console: gunicorn, 1 worker), started in {started_in:.0f} s; PostgreSQL "
              f"(private cluster, fsync off), RabbitMQ {rabbit.amqp_url.split('@')[-1]}")
        print(f"  customers   {imported} imported, {failed} not, with ImportCustomers (the "
              f"service's own code path, files of {args.batch}) in {import_s:.1f} s = "
              f"{imported / max(import_s, 1e-9):.1f} rows/s; half rep.zhang's, half rep.li's")
        print(f"              + {cloned} with SQL COPY into the customers table (clones of "
              f"imported rows) in {clone_s:.1f} s = {cloned / max(clone_s, 1e-9):.0f} rows/s; "
              f"{len(customers)} in all")
        print(f"  tickets     {copied} with SQL COPY into the ticket service's tickets table, "
              f"KPI rollup rebuilt, vacuumed, in {copy_s:.1f} s; 4 departments, "
              "a third open; customer 360 page's customer has 30")
        print(f"  settled     outbox published and queues empty after {settled_s:.0f} s more")
        print(f"  requests    {args.requests} per row, one at a time, after {args.warmup} "
              "warm-up; HTML: requests.Session with gzip, as the signed-in user; baseline: "
              "the page's gRPC calls with grpcio, same user's token")
        print()
        print("server-side render time (ms), HTML request at the console vs the bare gRPC calls")
        print(f"{'page':18} {'user':13} {'p50':>7} {'p95':>7} {'grpc p50':>9} {'grpc p95':>9} "
              f"{'ratio p50':>9} {'p95<=150':>8}  baseline calls")
        for name, path, user, html_ms, grpc_ms, what, status in rows:
            if html_ms is None:
                print(f"{name:18} {user:13} MISSING: GET {path} answered {status}")
                continue
            p50, p95 = statistics.median(html_ms), percentile(html_ms, 0.95)
            g50, g95 = statistics.median(grpc_ms), percentile(grpc_ms, 0.95)
            print(f"{name:18} {user:13} {p50:7.1f} {p95:7.1f} {g50:9.1f} {g95:9.1f} "
                  f"{p50 / max(g50, 1e-9):8.2f}x {'yes' if p95 <= 150 else 'NO':>8}  {what}")
        if missed["page"] or missed["grpc"]:
            print("  dashboard panels unavailable (3 s deadline), times: page "
                  + (", ".join(f"{k} {v}" for k, v in missed["page"].items()) or "none")
                  + "; baseline " + (", ".join(f"{k} {v}" for k, v in missed["grpc"].items())
                                     or "none"))
        print("  dashboard's calls one at a time (p50 / p95 ms): " + ", ".join(
            f"{peer} {statistics.median(ms):.0f} / {percentile(ms, 0.95):.0f}"
            for peer, ms in kpi_times.items()))
        print()
        print("page weight (cold load in chromium as admin, every resource, bytes transferred with "
              "gzip, headers included)")
        print(f"{'page':15} {'KB':>8} {'requests':>9} {'limit KB':>9} {'ok':>4}")
        for name, size, count, limit in weights:
            print(f"{name:15} {size / 1024:8.1f} {count:>9} {limit / 1024:9.0f} "
                  f"{'yes' if size <= limit else 'NO':>4}")
        if args.keep:
            hold(config, database_urls)
        return 0
    finally:
        if suite is not None:
            suite.stop()
        postgres.stop()
        rabbit.stop()
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

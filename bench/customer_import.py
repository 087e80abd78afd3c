"""Benchmark (not a test): CSV import of many customers, then listing, filtering and exporting them.

Runs the real customer service in this process (the real servicer in the real gRPC server
bootstrap: authentication, error mapping) on a SQLite file (or PostgreSQL with
``--database-url``), called over loopback gRPC with a signed token. It imports ``--rows``
customers with ``ImportCustomers`` in files of ``--batch`` rows (every row validated and
created like ``CreateCustomer``: numbering, tags, completeness, duplicate detection, its
``customer.created`` event in the outbox), then runs list queries with and without filters
as an admin (scope all) and as a rep (own customers only), and prints rows/s and the p50/p99
latency of each, and exports every customer as CSV and as .xlsx (rows/s). The outbox relay is
off (no broker needed).

    uv run python bench/customer_import.py [--rows 100000] [--batch 2000] [--queries 200]
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import tempfile
import time
from pathlib import Path

from crm.common.v1 import types_pb2
from crm.customer.v1 import customer_pb2, customer_pb2_grpc
from crm_devstack.ports import free_port
from crm_shared.auth import TokenIssuer, generate_signing_key
from crm_shared.db import Database, utcnow
from crm_shared.grpc.client import connect
from crm_shared.grpc.server import GrpcApi, service_verifier
from crm_shared.migrations import upgrade
from crm_shared.settings import ApiSettings
from customer_service.api import build_bindings
from customer_service.models import Employee

SERVICE = customer_pb2.DESCRIPTOR.services_by_name["CustomerService"]
ADMIN = {
    "user_id": "u-admin",
    "username": "admin",
    "roles": ["admin"],
    "department_path": "/hq",
    "data_scope": "all",
}
REPS = [
    {
        "user_id": f"u-rep-{n}",
        "username": f"rep.{n}",
        "roles": ["sales_rep"],
        "department_path": f"/hq/sales/r{n % 4}",
        "data_scope": "own",
    }
    for n in range(10)
]
HEADER = (
    "type,display_name,phone,email,source,first_contact_date,owner_id,enterprise.legal_name,"
    "enterprise.industry,enterprise.staff_count,individual.gender,individual.age\n"
)
INDUSTRIES = ["manufacturing", "retail", "software", "logistics", "finance"]
SOURCES = ["exhibition", "referral", "website_form", "phone", "partner"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂"


def csv_rows(start: int, count: int, rng: random.Random) -> str:
    lines = [HEADER]
    for n in range(start, start + count):
        owner = REPS[n % len(REPS)]["user_id"]
        phone = f"139{n:08d}"
        source = SOURCES[(n // 5) % len(SOURCES)]
        day = f"2025-{1 + n % 12:02d}-{1 + n % 28:02d}"
        if n % 5 == 0:  # one in five is a company
            name = f"{rng.choice(SURNAMES)}{rng.choice(GIVEN)}{n}科技"
            lines.append(
                f"enterprise,{name},{phone},info{n}@corp.example,{source},{day},{owner},"
                f"{name}有限公司,{INDUSTRIES[(n // 7) % len(INDUSTRIES)]},{10 + n % 500},,\n"
            )
        else:
            name = f"{rng.choice(SURNAMES)}{rng.choice(GIVEN)}{rng.choice(GIVEN)}"
            gender = "female" if n % 2 else "male"
            lines.append(
                f"individual,{name},{phone},p{n}@mail.example,{source},{day},{owner},,,,"
                f"{gender},{20 + n % 50}\n"
            )
    return "".join(lines)


def percentiles(latencies: list[float]) -> tuple[float, float]:
    ordered = sorted(latencies)
    return (
        statistics.median(ordered) * 1000,
        ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=2_000, help="rows per ImportCustomers call")
    parser.add_argument("--queries", type=int, default=200, help="per list query")
    parser.add_argument(
        "--database-url", default="", help="default: a SQLite file in a temp folder"
    )
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)

    with tempfile.TemporaryDirectory(prefix="crm-bench-import-") as folder:
        base = Path(folder)
        generate_signing_key(base / "jwt.key", base / "jwt.pub")
        # each token names what its roles and scopes reach, as the gateway mints it
        issuer = TokenIssuer((base / "jwt.key").read_bytes(), issuer="crm-gateway")
        url = args.database_url or f"sqlite:///{base / 'customer.db'}"
        upgrade("customer_service", url)
        database = Database(url)
        with (
            database.unit_of_work() as uow
        ):  # the owners, as the identity events would have made them
            for rep in REPS:
                uow.session.add(
                    Employee(
                        user_id=rep["user_id"],
                        username=rep["username"],
                        department_path=rep["department_path"],
                        active=True,
                        update_time=utcnow(),
                    )
                )
        settings = ApiSettings(
            service_name="customer",
            database_url=url,
            log_level="WARNING",
            amqp_url=f"amqp://guest:guest@127.0.0.1:{free_port()}/%2F",
            jwt_public_key_file=base / "jwt.pub",
            outbox_relay=False,
            health_check_seconds=3600,
        )
        verifier = service_verifier(settings)
        server = GrpcApi(settings, database, build_bindings(database), verifier)
        target = f"127.0.0.1:{server.start('127.0.0.1:0')}"
        channels = []

        def stub(who: dict, timeout: float = 600.0) -> customer_pb2_grpc.CustomerServiceStub:
            token = issuer.issue(**who)
            channel = connect(
                target, [SERVICE], token_provider=lambda: token, default_timeout=timeout
            )
            channels.append(channel)
            return customer_pb2_grpc.CustomerServiceStub(channel)

        try:
            admin = stub(ADMIN)
            batch_latencies: list[float] = []
            imported = failed = 0
            started = time.perf_counter()
            for start in range(0, args.rows, args.batch):
                content = csv_rows(start, min(args.batch, args.rows - start), rng).encode()
                t0 = time.perf_counter()
                report = admin.ImportCustomers(
                    customer_pb2.ImportCustomersRequest(
                        csv_content=content, file_name=f"bench-{start}.csv"
                    )
                )
                batch_latencies.append(time.perf_counter() - t0)
                imported += report.imported_rows
                failed += report.failed_rows + report.skipped_rows
            import_seconds = time.perf_counter() - started

            rep = stub(REPS[3], timeout=30)
            admin_lists = stub(ADMIN, timeout=30)
            queries = [
                (
                    "admin: first page (50), no filter",
                    admin_lists,
                    customer_pb2.ListCustomersRequest(),
                ),
                (
                    "admin: type=enterprise",
                    admin_lists,
                    customer_pb2.ListCustomersRequest(type=customer_pb2.CUSTOMER_TYPE_ENTERPRISE),
                ),
                (
                    "admin: industry=software",
                    admin_lists,
                    customer_pb2.ListCustomersRequest(industry="software"),
                ),
                (
                    "admin: source=referral+enterprise",
                    admin_lists,
                    customer_pb2.ListCustomersRequest(
                        source=3, type=customer_pb2.CUSTOMER_TYPE_ENTERPRISE
                    ),
                ),
                (
                    "admin: text query '科技'",
                    admin_lists,
                    customer_pb2.ListCustomersRequest(query="科技"),
                ),
                (
                    "admin: phone lookup",
                    admin_lists,
                    customer_pb2.ListCustomersRequest(phone="13900000042"),
                ),
                ("admin: page 20 (cursor)", admin_lists, None),
                ("rep: own customers, first page", rep, customer_pb2.ListCustomersRequest()),
                (
                    "rep: own + type=individual",
                    rep,
                    customer_pb2.ListCustomersRequest(type=customer_pb2.CUSTOMER_TYPE_INDIVIDUAL),
                ),
            ]
            deep_token = ""
            for _ in range(19):
                deep_token = admin_lists.ListCustomers(
                    customer_pb2.ListCustomersRequest(page_token=deep_token)
                ).next_page_token
            results = []
            for name, client, request in queries:
                request = request or customer_pb2.ListCustomersRequest(page_token=deep_token)
                for _ in range(min(5, args.queries)):  # warm-up
                    client.ListCustomers(request)
                latencies = []
                rows = 0
                for _ in range(args.queries):
                    t0 = time.perf_counter()
                    page = client.ListCustomers(request)
                    latencies.append(time.perf_counter() - t0)
                    rows = len(page.customers)
                p50, p99 = percentiles(latencies)
                results.append(
                    (name, rows, page.total_size, len(latencies) / sum(latencies), p50, p99)
                )

            # The whole book exported as the admin (every column, so each customer also gets
            # its access-log entry), once per format.
            exports = []
            exporter = stub(ADMIN)
            for file_format in (types_pb2.TABLE_FORMAT_CSV, types_pb2.TABLE_FORMAT_XLSX):
                t0 = time.perf_counter()
                size = rows = 0
                for chunk in exporter.ExportCustomers(
                    customer_pb2.ExportCustomersRequest(format=file_format, locale="zh-CN")
                ):
                    size += len(chunk.data)
                    rows = chunk.row_count
                exports.append(
                    (types_pb2.TableFormat.Name(file_format), rows, size, time.perf_counter() - t0)
                )

            p50, p99 = percentiles(batch_latencies)
            engine = "PostgreSQL" if url.startswith("postgresql") else "SQLite (WAL) file"
            print(
                f"setup: {platform.python_implementation()} {platform.python_version()}, "
                f"{os.cpu_count()} CPUs; customer api in-process (grpcio), {engine}; loopback gRPC; "
                "outbox relay off"
            )
            print(
                f"       import: {args.rows} rows in files of {args.batch} (1 in 5 an enterprise), "
                f"{len(REPS)} owners; lists: {args.queries} calls each after 5 warm-up, page size 50"
            )
            print()
            print(
                f"import: {imported} imported, {failed} not, in {import_seconds:.1f} s = "
                f"{imported / import_seconds:.0f} rows/s; per file of {args.batch}: "
                f"p50 {p50:.0f} ms, p99 {p99:.0f} ms"
            )
            for name, rows, size, seconds in exports:
                print(
                    f"export {name.removeprefix('TABLE_FORMAT_').lower()}: {rows} rows, "
                    f"{size / 1e6:.1f} MB in {seconds:.1f} s = {rows / seconds:.0f} rows/s"
                )
            print()
            print(
                f"{'list query':38} {'rows':>5} {'matching':>9} {'calls/s':>8} {'p50 ms':>8} {'p99 ms':>8}"
            )
            for name, rows, total, rate, q50, q99 in results:
                print(f"{name:38} {rows:>5} {total:>9} {rate:>8.1f} {q50:>8.1f} {q99:>8.1f}")
        finally:
            for channel in channels:
                channel.close()
            server.stop(grace=0)
            database.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

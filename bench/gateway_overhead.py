"""Benchmark (not a test): what the gateway costs on top of a direct gRPC call.

Starts, on free loopback ports, a private RabbitMQ node, the real customer api (a process)
and the gateway (``crm-gateway serve``: gunicorn, a process), then runs the same read
(get a customer) and write (create a customer) through the gateway over HTTP and directly
over gRPC with the same caller's token, from a few concurrent clients, and prints
requests/s and p50/p99 latency of each. Everything is stopped at the end.

The raw baseline, measured in the same run: a bare grpcio server (a process, the same thread
pool size and channel options as the services' bootstrap, no interceptors) that answers
``GetCustomer`` with the seed customer's bytes, called through the same client channel with
the same token; the read's ratio to it is what issue 17 targets (>= 50 %, p99 <= 5 x p50).
The machine is often shared: the load average is printed with the figures, and only ratios
within one run compare.

    uv run python bench/gateway_overhead.py [--requests 400] [--concurrency 8] [--max-seconds 60]
                                            [--postgres]

The gateway runs as configured by default (authentication, rate limits counted in its
database with a limit high enough not to refuse, request ids, access log, tracing off).
"""

from __future__ import annotations

import argparse
import base64
import itertools
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests
from crm.customer.v1 import customer_pb2, customer_pb2_grpc
from crm_devstack.ports import free_port, wait_for_port
from crm_devstack.postgres import PostgresCluster
from crm_devstack.rabbitmq import RabbitNode
from crm_devstack.readiness import grpc_serving, http_ok
from crm_shared.auth import generate_signing_key
from crm_shared.grpc.client import connect
from crm_shared.grpc.server import CONNECTION_AGE_OPTIONS, KEEPALIVE_OPTIONS
from crm_shared.migrations import upgrade
from crm_shared.settings import ApiSettings

SERVICE = customer_pb2.DESCRIPTOR.services_by_name["CustomerService"]
_phones = itertools.count(10_000_000)
_phone_lock = threading.Lock()


def next_phone() -> str:
    with _phone_lock:
        return f"139{next(_phones):08d}"


def wait_until(check, timeout: float, what: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited:\n{log.read_text()[-3000:]}")
        if check():
            return
        time.sleep(0.1)
    raise TimeoutError(f"{what} not ready after {timeout} s:\n{log.read_text()[-3000:]}")


def start_process(argv, env, log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        argv, env={**os.environ, **env}, stdout=log.open("w"), stderr=subprocess.STDOUT
    )


def stop_process(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def serve_echo(port: int, workers: int, payload_file: str) -> None:
    """The raw baseline's server: grpcio alone answering GetCustomer with fixed bytes."""
    from concurrent import futures

    import grpc

    payload = Path(payload_file).read_bytes()
    server = grpc.server(
        futures.ThreadPoolExecutor(max_workers=workers),
        options=[*KEEPALIVE_OPTIONS, *CONNECTION_AGE_OPTIONS],
    )
    handler = grpc.unary_unary_rpc_method_handler(lambda _request, _context: payload)
    server.add_generic_rpc_handlers(
        [grpc.method_handlers_generic_handler(SERVICE.full_name, {"GetCustomer": handler})]
    )
    server.add_insecure_port(f"127.0.0.1:{port}")
    server.start()
    server.wait_for_termination()


def measure(name: str, call, requests_total: int, concurrency: int, max_seconds: float) -> dict:
    """Run ``call`` ``requests_total`` times from ``concurrency`` threads (bounded in time);
    a call that fails (a deadline, a refusal) is counted, not timed."""
    for _ in range(min(20, requests_total)):  # warm-up: connections, caches
        call()
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    counter = itertools.count()
    deadline = time.monotonic() + max_seconds

    def worker() -> None:
        while next(counter) < requests_total and time.monotonic() < deadline:
            started = time.perf_counter()
            try:
                call()
            except Exception as exc:  # noqa: BLE001 - a failed call is a figure too
                with lock:
                    errors.append(type(exc).__name__)
                continue
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)

    started = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        for future in [pool.submit(worker) for _ in range(concurrency)]:
            future.result()
    wall = time.perf_counter() - started
    latencies.sort()
    if not latencies:  # every call failed: no latency to show
        latencies.append(float("nan"))
    return {
        "name": name,
        "count": len(latencies),
        "errors": len(errors),
        "rps": len(latencies) / wall,
        "p50": statistics.median(latencies) * 1000,
        "p99": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=400, help="per operation and path")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--max-seconds", type=float, default=60.0, help="per operation and path")
    parser.add_argument("--gateway-workers", type=int, default=2)
    parser.add_argument("--gateway-threads", type=int, default=8)
    parser.add_argument(
        "--no-rate-limit",
        action="store_true",
        help="turn the gateway's rate limits off (to see what counting costs)",
    )
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL instead of SQLite")
    parser.add_argument(
        "--echo-server", nargs=3, metavar=("PORT", "WORKERS", "PAYLOAD"), help=argparse.SUPPRESS
    )  # the baseline's own process
    args = parser.parse_args()
    if args.echo_server:
        port, workers, payload = args.echo_server
        serve_echo(int(port), int(workers), payload)
        return 0
    grpc_workers = ApiSettings.model_fields["grpc_max_workers"].default

    with tempfile.TemporaryDirectory(prefix="crm-bench-") as folder:
        base = Path(folder)
        os.chmod(base, 0o755)  # the broker runs as the rabbitmq user
        keys = base / "keys"
        generate_signing_key(keys / "jwt.key", keys / "jwt.pub")
        rabbit = RabbitNode(base / "rabbitmq", f"bench-{os.getpid()}")
        postgres = PostgresCluster(base / "postgres") if args.postgres else None
        processes: list[subprocess.Popen] = []
        try:
            if postgres is not None:
                postgres.start()
                customer_db = postgres.create_database("bench_customer")
                gateway_db = postgres.create_database("bench_gateway")
            else:
                customer_db = f"sqlite:///{base / 'customer.db'}"
                gateway_db = f"sqlite:///{base / 'gateway.db'}"
            upgrade("customer_service", customer_db)
            upgrade("gateway", gateway_db)
            rabbit.start()
            grpc_port, http_port = free_port(), free_port()
            common = {
                "AMQP_URL": rabbit.amqp_url,
                "JWT_PUBLIC_KEY_FILE": str(keys / "jwt.pub"),
                "LOG_LEVEL": "WARNING",
                "OTEL_EXPORTER_OTLP_ENDPOINT": "",
                "PYTHONUNBUFFERED": "1",
            }
            customer_log = base / "customer-api.log"
            customer = start_process(
                [sys.executable, "-m", "customer_service", "api"],
                {
                    **common,
                    "DATABASE_URL": customer_db,
                    "GRPC_PORT": str(grpc_port),
                    "FIELD_ENCRYPTION_KEY": base64.b64encode(os.urandom(32)).decode(),
                },
                customer_log,
            )
            processes.append(customer)
            target = f"127.0.0.1:{grpc_port}"
            wait_until(grpc_serving(target), 60, "customer api", customer, customer_log)

            gateway_log = base / "gateway.log"
            gateway = start_process(
                [sys.executable, "-m", "gateway", "serve"],
                {
                    **common,
                    "DATABASE_URL": gateway_db,
                    "JWT_PRIVATE_KEY_FILE": str(keys / "jwt.key"),
                    "HTTP_HOST": "127.0.0.1",
                    "HTTP_PORT": str(http_port),
                    "HTTP_WORKERS": str(args.gateway_workers),
                    "HTTP_THREADS": str(args.gateway_threads),
                    "DEMO_MODE": "true",
                    "CUSTOMER_ADDR": target,
                    "RATE_LIMIT_USER_REQUESTS": "100000000",
                    "RATE_LIMIT_ENABLED": "false" if args.no_rate_limit else "true",
                },
                gateway_log,
            )
            processes.append(gateway)
            url = f"http://127.0.0.1:{http_port}"
            wait_for_port("127.0.0.1", http_port, timeout=60)
            wait_until(http_ok(f"{url}/readyz"), 60, "gateway", gateway, gateway_log)

            token = requests.post(
                f"{url}/api/v1/auth/token",
                json={"username": "rep.zhang", "password": "demo"},
                timeout=10,
            ).json()["access_token"]
            headers = {"Authorization": f"Bearer {token}"}
            local = threading.local()

            def session() -> requests.Session:
                if not hasattr(local, "session"):
                    local.session = requests.Session()
                    local.session.headers.update(headers)
                return local.session

            channel = connect(target, [SERVICE], token_provider=lambda: token)
            stub = customer_pb2_grpc.CustomerServiceStub(channel)
            seed = stub.CreateCustomer(
                customer_pb2.CreateCustomerRequest(
                    customer=customer_pb2.Customer(
                        type=customer_pb2.CUSTOMER_TYPE_INDIVIDUAL,
                        display_name="基准客户",
                        phone=next_phone(),
                    )
                )
            )

            def http_read():
                response = session().get(f"{url}/api/v1/customers/{seed.id}", timeout=10)
                assert response.status_code == 200, response.text

            def grpc_read():
                stub.GetCustomer(customer_pb2.GetCustomerRequest(id=seed.id))

            payload = base / "customer.bin"
            payload.write_bytes(
                stub.GetCustomer(customer_pb2.GetCustomerRequest(id=seed.id)).SerializeToString()
            )
            echo_port = free_port()
            echo_log = base / "echo.log"
            echo = start_process(
                [
                    sys.executable,
                    __file__,
                    "--echo-server",
                    str(echo_port),
                    str(grpc_workers),
                    str(payload),
                ],
                {},
                echo_log,
            )
            processes.append(echo)
            echo_target = f"127.0.0.1:{echo_port}"
            wait_for_port("127.0.0.1", echo_port, timeout=60)
            echo_channel = connect(echo_target, [SERVICE], token_provider=lambda: token)
            echo_stub = customer_pb2_grpc.CustomerServiceStub(echo_channel)

            def bare_read():
                echo_stub.GetCustomer(customer_pb2.GetCustomerRequest(id=seed.id))

            def http_write():
                response = session().post(
                    f"{url}/api/v1/customers",
                    timeout=10,
                    json={"type": "individual", "display_name": "基准客户", "phone": next_phone()},
                )
                assert response.status_code == 201, response.text

            def grpc_write():
                stub.CreateCustomer(
                    customer_pb2.CreateCustomerRequest(
                        customer=customer_pb2.Customer(
                            type=customer_pb2.CUSTOMER_TYPE_INDIVIDUAL,
                            display_name="基准客户",
                            phone=next_phone(),
                        )
                    )
                )

            results = []
            load_before = os.getloadavg()
            for name, call in (
                ("bare grpcio echo (baseline)", bare_read),
                ("read  GetCustomer  direct gRPC", grpc_read),
                ("read  GetCustomer  via gateway", http_read),
                ("write CreateCustomer direct gRPC", grpc_write),
                ("write CreateCustomer via gateway", http_write),
            ):
                results.append(
                    measure(name, call, args.requests, args.concurrency, args.max_seconds)
                )
            channel.close()
            echo_channel.close()

            print(
                f"setup: {platform.python_implementation()} {platform.python_version()}, "
                f"{os.cpu_count()} CPUs, loopback; "
                f"{'PostgreSQL' if postgres else 'SQLite'} databases; "
                f"RabbitMQ node {rabbit.amqp_url}"
            )
            print(
                f"       customer api: 1 process (grpcio, {grpc_workers} threads) at {target}; "
                f"baseline: bare grpcio, {grpc_workers} threads; gateway: gunicorn "
                f"{args.gateway_workers} workers x {args.gateway_threads} threads at {url} "
                "(auth, access log, rate limit "
                + ("off" if args.no_rate_limit else "counted in its DB")
                + ")"
            )
            print(
                f"       {args.concurrency} concurrent clients, {args.requests} requests per row "
                f"(after 20 warm-up), at most {args.max_seconds:.0f} s per row"
            )
            print(f"       load average before / after: {load_before} / {os.getloadavg()}")
            print()
            print(
                f"{'operation':34} {'count':>6} {'errors':>6} {'req/s':>9} {'p50 ms':>8} "
                f"{'p99 ms':>8} {'p99/p50':>7}"
            )
            for row in results:
                print(
                    f"{row['name']:34} {row['count']:>6} {row['errors']:>6} {row['rps']:>9.1f} "
                    f"{row['p50']:>8.2f} {row['p99']:>8.2f} {row['p99'] / row['p50']:>7.1f}"
                )
            bare, direct = results[0], results[1]
            print(
                f"direct read vs bare grpcio: {direct['rps'] / bare['rps']:.0%} of its "
                f"throughput (target >= 50 %), p99 = {direct['p99'] / direct['p50']:.1f} x p50 "
                "(target <= 5)"
            )
            for kind in ("read", "write"):
                direct, via = [r for r in results if r["name"].startswith(kind)]
                print(
                    f"gateway cost, {kind}: +{via['p50'] - direct['p50']:.2f} ms at p50, "
                    f"{via['rps'] / direct['rps']:.0%} of the direct throughput"
                )
        finally:
            for process in reversed(processes):
                stop_process(process)
            rabbit.stop()
            if postgres is not None:
                postgres.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark (not a test): lead intake through the in-process sales api.

Starts the real sales servicer inside the real server bootstrap (auth and error interceptors)
on a SQLite file (or ``--database-url``) built by the real migrations, with the seeded grading
and assignment rules, ``--reps`` reps in ``/hq/sales`` (a third of them senior), and
``--existing`` leads already stored; then creates ``--leads`` leads one after another through
gRPC as an admin (every CreateLead labels the source, finds duplicates by normalised phone and
e-mail — one lead in ten repeats a known phone —, grades by the rules, assigns round robin and
writes its events to the outbox) and prints leads per second with the p50/p99 latency.

    uv run --frozen python bench/sales_lead_intake.py [--leads 2000] [--reps 30] [--existing 20000]
"""

from __future__ import annotations

import argparse
import platform
import random
import statistics
import tempfile
import time
import uuid
from pathlib import Path

from crm.sales.v1 import sales_pb2, sales_pb2_grpc
from crm_devstack.ports import free_port
from crm_shared.auth import TokenIssuer, generate_signing_key
from crm_shared.db import Database, utcnow
from crm_shared.grpc.client import connect
from crm_shared.grpc.server import GrpcApi, ServiceBinding, service_verifier
from crm_shared.migrations import upgrade
from sales_service.api import SalesServicer
from sales_service.models import Lead, SalesRep
from sales_service.settings import SalesApiSettings

S = sales_pb2
INTENTS = [S.INTENT_LEVEL_HIGH, S.INTENT_LEVEL_MEDIUM, S.INTENT_LEVEL_LOW,
           S.INTENT_LEVEL_UNSPECIFIED]
CLARITIES = [S.NEED_CLARITY_CLEAR, S.NEED_CLARITY_PARTIAL, S.NEED_CLARITY_UNCLEAR]
PARAMS = [{"exhibition": "CIIE"}, {"form_id": "contact-us"}, {"utm_source": "baidu"},
          {"referrer_customer_id": "c-1"}, {"call_id": "CC-1"}, {}]


def phone(n: int) -> str:
    return f"139{n:08d}"


def seed(database: Database, reps: int, existing: int) -> None:
    now = utcnow()
    with database.unit_of_work() as uow:
        for n in range(reps):
            uow.session.add(SalesRep(
                user_id=f"u-rep-{n}", username=f"rep{n}", display_name=f"rep {n}",
                department_path=f"/hq/sales/team-{n % 4}", team_lead=False, active=True,
                seniority="senior" if n % 3 == 0 else "regular", max_open_leads=0,
                available=True, revision=1, update_time=now, updated_by="bench"))
        for n in range(existing):
            uow.session.add(Lead(
                id=str(uuid.uuid4()), number=f"L20260101-{n:05d}", contact_name=f"客户{n}",
                company_name="", job_title="", phone=phone(n), email=None,
                phone_key=f"+86{phone(n)}", email_key=None, source="phone", source_detail="",
                source_labelled=False, intake_params={}, intent_level="low", need_clarity="",
                need_description="", product_interests=[], decision_maker="", grade="C",
                grade_reason="", grade_locked=False, status="assigned",
                owner_id=f"u-rep-{n % reps}", department_path=f"/hq/sales/team-{n % 4}",
                first_contact_overdue=False, last_activity_time=now, customer_created=False,
                create_time=now, update_time=now, created_by="bench", updated_by="bench",
                version=1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--leads", type=int, default=2000)
    parser.add_argument("--reps", type=int, default=30)
    parser.add_argument("--existing", type=int, default=20000)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="bench-leads-"))
    url = args.database_url or f"sqlite:///{folder / 'sales.db'}"
    upgrade("sales_service", url)
    generate_signing_key(folder / "k.pem", folder / "k.pub")
    # each token names what its roles and scopes reach, as the gateway mints it
    issuer = TokenIssuer((folder / "k.pem").read_bytes(), issuer="crm-gateway")
    settings = SalesApiSettings(
        service_name="sales", database_url=url, jwt_public_key_file=folder / "k.pub",
        amqp_url=f"amqp://guest:guest@127.0.0.1:{free_port()}/%2F", outbox_relay=False,
        health_check_seconds=3600)
    database = Database(url)
    seed(database, args.reps, args.existing)
    servicer = SalesServicer(database, settings, rng=random.Random(1))
    server = GrpcApi(settings, database, [ServiceBinding(
        descriptor=S.DESCRIPTOR.services_by_name["SalesService"], servicer=servicer,
        add_to_server=sales_pb2_grpc.add_SalesServiceServicer_to_server)],
        service_verifier(settings))
    target = f"127.0.0.1:{server.start('127.0.0.1:0')}"
    token = issuer.issue(user_id="u-admin", username="admin", roles=["admin"],
                         department_path="/hq", data_scope="all")
    channel = connect(target, [S.DESCRIPTOR.services_by_name["SalesService"]],
                      token_provider=lambda: token)
    stub = sales_pb2_grpc.SalesServiceStub(channel)
    rng = random.Random(2)
    latencies = []
    started = time.perf_counter()
    for n in range(args.leads):
        known = rng.random() < 0.1 and args.existing
        lead = S.Lead(contact_name=f"新客户{n}", company_name=f"公司{n}" if n % 2 else "",
                      phone=phone(rng.randrange(args.existing)) if known else
                      phone(args.existing + n), email=f"lead{n}@example.com",
                      intent_level=rng.choice(INTENTS), need_clarity=rng.choice(CLARITIES),
                      intake_params=rng.choice(PARAMS), product_interests=["CRM"])
        begin = time.perf_counter()
        stub.CreateLead(S.CreateLeadRequest(lead=lead, request_id=str(uuid.uuid4())))
        latencies.append(time.perf_counter() - begin)
    elapsed = time.perf_counter() - started
    channel.close()
    server.stop(grace=0)
    database.dispose()

    cuts = statistics.quantiles(latencies, n=100)
    print(f"set-up: {platform.python_implementation()} {platform.python_version()} on "
          f"{platform.machine()}, {url.split(':')[0]} database, {args.reps} reps, "
          f"{args.existing} leads stored before, {args.leads} leads created sequentially "
          "(grading + duplicate check + round-robin assignment + outbox events each)")
    print(f"leads/s: {args.leads / elapsed:.1f}")
    print(f"latency p50: {cuts[49] * 1000:.1f} ms   p99: {cuts[98] * 1000:.1f} ms   "
          f"max: {max(latencies) * 1000:.1f} ms")


if __name__ == "__main__":
    main()

"""Benchmark (not a test): the sales funnel and forecast over many opportunities.

Runs the real sales service in this process (the real servicer in the real gRPC server
bootstrap: authentication, error mapping) on a SQLite file migrated by the real migrations,
called over loopback gRPC with signed tokens. The set-up bulk-inserts ``--rows``
opportunities (default 100,000) spread over 40 reps in 8 teams of 2 regions, every stage
(weighted towards the early ones), amounts of 1,000-1,000,000 CNY and expected close dates
over two years, with their stage history (opened in potential, then one change per stage
climbed up to the furthest reached, lost ones a last change to lost: about 2.5 changes per
opportunity, each stay 1-30 days). Then it runs GetSalesFunnel and
GetSalesForecast (per rep and per team, monthly, over one year) ``--queries`` times each as a
rep (own), a team lead (department subtree) and an admin (all), and prints p50/p99.

    uv run python bench/sales_pipeline.py [--rows 100000] [--queries 50]
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import tempfile
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

from crm.common.v1 import types_pb2
from crm.sales.v1 import sales_pb2, sales_pb2_grpc
from crm_devstack.ports import free_port
from crm_shared.auth import TokenIssuer, generate_signing_key
from crm_shared.db import Database, utcnow
from crm_shared.grpc.client import connect
from crm_shared.grpc.server import GrpcApi, service_verifier
from crm_shared.migrations import upgrade
from sales_service.api import build_bindings
from sales_service.models import Opportunity, OpportunityStageChange
from sales_service.settings import SalesApiSettings

SERVICE = sales_pb2.DESCRIPTOR.services_by_name["SalesService"]
TEAMS = [f"/hq/sales/{region}/team{n}" for region in ("east", "north") for n in range(4)]
REPS = [(f"rep-{i:02d}", TEAMS[i % len(TEAMS)]) for i in range(40)]
STAGES = (["potential"] * 30 + ["intent"] * 25 + ["proposal"] * 15 + ["negotiation"] * 10
          + ["won"] * 12 + ["lost"] * 8)
PROBABILITY = {"potential": 10, "intent": 30, "proposal": 50, "negotiation": 70, "won": 100,
               "lost": 0}
PEAK = {"lost": "proposal"}
CLIMB = ["potential", "intent", "proposal", "negotiation", "won"]


def history(opportunity_id: str, owner: str, stage: str, created, rng: random.Random) -> list:
    """The stage changes of an opportunity opened in potential that climbed to its peak."""
    peak = PEAK.get(stage, stage)
    path = ["potential", *CLIMB[1:CLIMB.index(peak) + 1]] + (["lost"] if stage == "lost" else [])
    rows, at, previous = [], created, ""
    for to_stage in path:
        stayed = rng.randrange(86_400, 30 * 86_400) if previous else 0
        at += timedelta(seconds=stayed)
        rows.append({"opportunity_id": opportunity_id, "from_stage": previous,
                     "to_stage": to_stage, "actor_id": owner, "change_time": at, "note": "",
                     "seconds_in_from_stage": stayed})
        previous = to_stage
    return rows


def populate(database: Database, rows: int, rng: random.Random) -> None:
    now = utcnow()
    start = date(2026, 1, 1)
    opportunities, changes = [], []
    for index in range(rows):
        owner, team = rng.choice(REPS)
        stage = rng.choice(STAGES)
        close = start + timedelta(days=rng.randrange(730))
        created = now - timedelta(days=rng.randrange(400))
        oid = str(uuid.uuid4())
        opportunities.append({
            "id": oid, "name": f"deal {index}", "customer_id": str(uuid.uuid4()), "lead_id": None,
            "stage": stage, "peak_stage": PEAK.get(stage, stage),
            "amount_minor": rng.randrange(1_000_00, 1_000_000_00), "currency_code": "CNY",
            "expected_close_date": close, "probability": PROBABILITY[stage], "lost_reason": None,
            "close_date": close if stage in ("won", "lost") else None, "owner_id": owner,
            "department_path": team, "campaign_id": None, "campaign_variant_id": None, "source": None,
            "next_step": "", "description": "", "stage_enter_time": created, "cycle_start_time": created,
            "create_time": created, "update_time": created, "created_by": owner, "updated_by": owner,
            "request_id": None, "version": 1})
        steps = history(oid, owner, stage, created, rng)
        changes.extend(steps)
        for from_stage in ("potential", "intent", "proposal", "negotiation"):
            stays = [step["seconds_in_from_stage"] for step in steps
                     if step["from_stage"] == from_stage]
            opportunities[-1][f"{from_stage}_stays"] = len(stays)
            opportunities[-1][f"{from_stage}_stay_seconds"] = sum(stays)
    with database.unit_of_work() as uow:
        uow.session.execute(Opportunity.__table__.insert(), opportunities)
        uow.session.execute(OpportunityStageChange.__table__.insert(), changes)


def timed(call, request, queries: int) -> tuple[float, float]:
    samples = []
    for _ in range(queries):
        began = time.perf_counter()
        call(request)
        samples.append((time.perf_counter() - began) * 1000)
    samples.sort()
    return statistics.median(samples), samples[min(int(len(samples) * 0.99), len(samples) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=50)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="sales-bench-"))
    url = f"sqlite:///{folder / 'sales.db'}"
    upgrade("sales_service", url)
    database = Database(url)
    began = time.perf_counter()
    populate(database, args.rows, random.Random(7))
    print(f"set-up: {args.rows} opportunities bulk-inserted in {time.perf_counter() - began:.1f}s "
          f"on SQLite ({platform.python_implementation()} {platform.python_version()}, "
          f"{os.cpu_count()} cores)")
    generate_signing_key(folder / "signing.pem", folder / "signing.pub")
    # each token names what its roles and scopes reach, as the gateway mints it
    issuer = TokenIssuer((folder / "signing.pem").read_bytes(), issuer="crm-gateway")
    settings = SalesApiSettings(
        service_name="sales", database_url=url,
        amqp_url=f"amqp://guest:guest@127.0.0.1:{free_port()}/%2F",
        jwt_public_key_file=folder / "signing.pub", outbox_relay=False, health_check_seconds=3600)
    verifier = service_verifier(settings)
    server = GrpcApi(settings, database, build_bindings(database, settings), verifier)
    target = f"127.0.0.1:{server.start('127.0.0.1:0')}"
    callers = {"rep (own)": ("rep-00", ["sales_rep"], REPS[0][1], "own"),
               "team lead (east)": ("lead-east", ["sales_lead"], "/hq/sales/east", "department"),
               "admin (all)": ("admin", ["admin"], "/hq", "all")}
    period = types_pb2.DateRange(start_date="2026-01-01", end_date="2026-12-31")
    try:
        for label, (user, roles, path, scope) in callers.items():
            token = issuer.issue(user_id=user, username=user, roles=roles, department_path=path,
                                 data_scope=scope)
            channel = connect(target, [SERVICE], token_provider=lambda token=token: token)
            stub = sales_pb2_grpc.SalesServiceStub(channel)
            for name, call, request in (
                    ("funnel", stub.GetSalesFunnel, sales_pb2.GetSalesFunnelRequest(
                        period=period)),
                    ("forecast per rep", stub.GetSalesForecast,
                     sales_pb2.GetSalesForecastRequest(period=period)),
                    ("forecast per team", stub.GetSalesForecast,
                     sales_pb2.GetSalesForecastRequest(
                         period=period, group_by=sales_pb2.REPORT_GROUP_BY_DEPARTMENT))):
                p50, p99 = timed(call, request, args.queries)
                print(f"{label:18} {name:18} p50 {p50:7.1f} ms   p99 {p99:7.1f} ms")
            channel.close()
    finally:
        server.stop(grace=0)
        database.dispose()


if __name__ == "__main__":
    main()

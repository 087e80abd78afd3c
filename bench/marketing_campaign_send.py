"""Benchmark (not a test): launching a campaign over a large audience and sending it.

Builds a SQLite marketing database with the migrations, bulk-inserts ``--audience`` customer
profiles (default 20,000; 90 % with marketing consent) in one segment, then times:

* ``campaigns.launch`` of a two-variant (50/50) e-mail campaign: audience frozen, split,
  one recipient row per member and one queue row per consenting member, in one transaction;
* the dispatcher (``outbound.dispatch_due``) against a real in-process notification api on its
  own migrated SQLite database, pass after pass (claims of ``--batch``), until nothing is due:
  messages handed over per second, end to end (claim, SendMessages, record). The customers'
  addresses, which the dispatcher reads from the customer service as it hands messages over,
  come from the seeded profiles here (:func:`seeded_addresses`): the customer service's
  ``BatchGetContactDetails`` (one call per 200 messages) is not part of the figure.

    uv run python bench/marketing_campaign_send.py [--audience 20000] [--batch 500]
"""

from __future__ import annotations

import argparse
import platform
import tempfile
import time
import uuid
from pathlib import Path

from crm.common.v1 import types_pb2
from crm.notification.v1 import notification_pb2, notification_pb2_grpc
from crm_devstack.ports import free_port
from crm_shared.auth import TokenIssuer, generate_signing_key
from crm_shared.db import Database, utcnow
from crm_shared.grpc.client import connect
from crm_shared.grpc.server import GrpcApi, service_verifier
from crm_shared.migrations import upgrade
from crm_shared.settings import ApiSettings
from marketing_service import campaigns, outbound
from marketing_service.contact_details import ContactDetails
from marketing_service.models import Campaign, CustomerProfile, Segment, SegmentMember
from notification_service.api import build_bindings as notification_bindings
from sqlalchemy import insert, select


def seed(database: Database, audience: int) -> str:
    now = utcnow()
    segment_id = str(uuid.uuid4())
    profiles = [{
        "customer_id": str(uuid.uuid4()), "state": "active", "customer_type": "individual",
        "display_name": f"客户{index}", "owner_id": "u-rep", "department_path": "/hq/sales/east",
        "email": f"c{index}@example.com", "phone": "13812345678", "locale": "zh-CN",
        "tag_ids": [], "rfm_recency_score": 0, "rfm_frequency_score": 0,
        "rfm_monetary_score": 0, "at_risk": False, "marketing_consent": index % 10 != 0,
        "facts_version": 1, "fact_times": {}, "create_time": now, "update_time": now}
        for index in range(audience)]
    with database.unit_of_work() as uow:
        uow.session.add(Segment(
            id=segment_id, display_name="bench", description="", kind="custom", rule={},
            contact_strategy={}, active=True, time_relative=False, member_count=audience,
            owner_id="u-marketer", department_path="/hq/marketing", create_time=now,
            update_time=now, created_by="bench", updated_by="bench", version=1))
        uow.session.execute(insert(CustomerProfile), profiles)
        uow.session.execute(insert(SegmentMember), [
            {"segment_id": segment_id, "customer_id": row["customer_id"], "join_time": now}
            for row in profiles])
    return segment_id


def seeded_addresses(database: Database):
    """The address book of the seeded customers, standing in for the customer service."""

    def addresses(customer_ids):
        with database.unit_of_work(readonly=True) as uow:
            return {row.customer_id: ContactDetails(row.email, row.phone)
                    for row in uow.session.scalars(select(CustomerProfile).where(
                        CustomerProfile.customer_id.in_(list(customer_ids))))}

    return addresses


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--audience", type=int, default=20_000)
    parser.add_argument("--batch", type=int, default=outbound.CLAIM_BATCH)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="campaign-bench-"))
    marketing_url = f"sqlite:///{folder / 'marketing.db'}"
    notification_url = f"sqlite:///{folder / 'notification.db'}"
    upgrade("marketing_service", marketing_url)
    upgrade("notification_service", notification_url)
    generate_signing_key(folder / "k.pem", folder / "k.pub")
    # each token names what its roles and scopes reach, as the gateway mints it
    issuer = TokenIssuer((folder / "k.pem").read_bytes(), issuer="crm-gateway")
    database = Database(marketing_url)
    segment_id = seed(database, args.audience)

    now = utcnow()
    with database.unit_of_work() as uow:
        campaign = Campaign(
            id=str(uuid.uuid4()), name="bench", description="", objective="", state="draft",
            channel="email", segment_ids=[segment_id], excluded_segment_ids=[],
            variants=[{"id": key, "name": "", "weight_percent": 50, "template_key": "",
                       "subject": f"Offer {key}", "body": "您好 {{display_name}}",
                       "locale": "", "landing_url": ""} for key in "AB"],
            budget_minor=0, cost_minor=0, audience_count=0, owner_id="u-marketer",
            department_path="/hq/marketing", audience_scope="all", create_time=now,
            update_time=now,
            created_by="bench", updated_by="bench")
        uow.session.add(campaign)
    started = time.perf_counter()
    with database.unit_of_work() as uow:
        campaigns.launch(uow, uow.session.get(Campaign, campaign.id), utcnow(), actor_id="bench")
    launch_seconds = time.perf_counter() - started

    settings = ApiSettings(service_name="notification", database_url=notification_url,
                           amqp_url=f"amqp://guest:guest@127.0.0.1:{free_port()}/%2F",
                           jwt_public_key_file=folder / "k.pub", outbox_relay=False,
                           health_check_seconds=3600)
    notification_db = Database(notification_url)
    server = GrpcApi(settings, notification_db, notification_bindings(notification_db, settings),
                     service_verifier(settings))
    target = f"127.0.0.1:{server.start('127.0.0.1:0')}"
    token = issuer.issue(user_id="svc.marketing", username="svc.marketing", roles=["service"],
                         department_path="/hq", data_scope="all", scopes=["notification.send"])
    channel = connect(target, [notification_pb2.DESCRIPTOR.services_by_name[
        "NotificationService"]], default_timeout=30.0, token_provider=lambda: token)
    stub = notification_pb2_grpc.NotificationServiceStub(channel)
    addresses = seeded_addresses(database)
    sent = passes = 0
    started = time.perf_counter()
    while True:
        report = outbound.dispatch_due(database, stub, utcnow(), limit=args.batch,
                                       addresses=addresses)
        if not report.claimed:
            break
        sent += report.sent
        passes += 1
    send_seconds = time.perf_counter() - started
    channel.close()
    server.stop(grace=0)

    print(f"machine: {platform.processor() or platform.machine()}, python "
          f"{platform.python_version()}, SQLite files in {folder}")
    print(f"audience {args.audience} (90 % consenting), channel {types_pb2.DeliveryChannel.Name(2)}")
    print(f"launch (freeze, split, {args.audience} recipients, queue): {launch_seconds:.2f} s")
    print(f"dispatch: {sent} messages in {passes} passes of <= {args.batch}: {send_seconds:.2f} s "
          f"({sent / send_seconds:.0f} messages/s, notification api in-process, same machine)")


if __name__ == "__main__":
    main()

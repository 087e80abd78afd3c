"""Benchmark (not a test): segment evaluation over a large marketing read model.

Builds a SQLite file with the marketing migrations, bulk-inserts ``--profiles`` customer
profiles (default 1,000,000) with a realistic spread (value classes A 5 % / B 20 % / C 50 % /
unknown 25 %, lifecycle stages, 0-5 tags out of 60 with a skewed popularity, RFM scores, 8 %
at risk, 60 % marketing consent, birth dates of individuals, contract end dates for 30 %, last
purchases for 70 %) and ``--interactions`` dated campaign responses and survey scores, then
times, over the same SQL the service runs (``segment_rules.where_clause``):

* the typical segment (the default "high value": value class A): member count + first page of
  50, as PreviewSegment does;
* a complex one (A or B, and any of three tags, and (recency ≥ 4 or bought within 90 days), and
  not at risk, with marketing consent, birthday within 30 days or satisfaction below 4);
* a full EvaluateSegment of the typical one (membership rows and one event per member written
  in one transaction).

    uv run python bench/marketing_segment.py [--profiles 1000000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import platform
import random
import statistics
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from crm.common.v1 import rules_pb2
from crm_shared.db import Database
from crm_shared.migrations import upgrade
from marketing_service import segment_rules, segments
from marketing_service.models import CustomerProfile, ProfileInteraction, Segment
from sqlalchemy import func, select

Op = rules_pb2.ConditionOperator
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
TAGS = [f"tag-{n:02d}" for n in range(60)]
TAG_WEIGHTS = [1 / (n + 1) for n in range(60)]
STAGES = ["potential", "intent", "customer", "lost", None]
DEPARTMENTS = ["/hq/sales/east", "/hq/sales/north", "/hq/sales/south", "/hq/sales/west"]
HIGH_VALUE = "8eb44d46-573c-5465-9516-71a979d6d71d"


def _condition(field: str, op: int, *values: str) -> rules_pb2.Condition:
    return rules_pb2.Condition(field=field, operator=op, values=list(values))


TYPICAL = rules_pb2.ConditionGroup(conditions=[
    _condition("value_class", Op.CONDITION_OPERATOR_EQUALS, "VALUE_CLASS_A")])
COMPLEX = rules_pb2.ConditionGroup(
    conditions=[
        _condition("value_class", Op.CONDITION_OPERATOR_IN, "VALUE_CLASS_A", "VALUE_CLASS_B"),
        _condition("tags", Op.CONDITION_OPERATOR_CONTAINS_ANY, "tag-00", "tag-03", "tag-07"),
        _condition("at_risk", Op.CONDITION_OPERATOR_EQUALS, "false"),
        _condition("marketing_consent", Op.CONDITION_OPERATOR_EQUALS, "true"),
    ],
    groups=[
        rules_pb2.ConditionGroup(match=rules_pb2.MATCH_MODE_ANY, conditions=[
            _condition("rfm_recency_score", Op.CONDITION_OPERATOR_GREATER_THAN_OR_EQUAL, "4"),
            _condition("last_purchase_date", Op.CONDITION_OPERATOR_WITHIN_LAST_DAYS, "90")]),
        rules_pb2.ConditionGroup(match=rules_pb2.MATCH_MODE_ANY, conditions=[
            _condition("birth_date", Op.CONDITION_OPERATOR_WITHIN_NEXT_DAYS, "30"),
            _condition("satisfaction_average", Op.CONDITION_OPERATOR_LESS_THAN, "4")]),
    ])


def _profiles(rng: random.Random, count: int):
    for _ in range(count):
        individual = rng.random() < 0.4
        born = (date(1950, 1, 1) + timedelta(days=rng.randint(0, 20000))) if individual else None
        value_class = rng.choices(["A", "B", "C", None], [5, 20, 50, 25])[0]
        owner = rng.randint(1, 400)
        yield {
            "customer_id": str(uuid.UUID(int=rng.getrandbits(128))), "state": "active",
            "merged_into_id": None, "customer_type": "individual" if individual else "enterprise",
            "display_name": "客户", "owner_id": f"u-{owner}",
            "department_path": DEPARTMENTS[owner % 4], "email": None, "phone": None,
            "locale": "zh-CN",
            "tag_ids": sorted(set(rng.choices(TAGS, TAG_WEIGHTS, k=rng.randint(0, 5)))),
            "value_class": value_class, "lifecycle_stage": rng.choice(STAGES),
            "rfm_recency_score": rng.randint(0, 5), "rfm_frequency_score": rng.randint(0, 5),
            "rfm_monetary_score": rng.randint(0, 5), "at_risk": rng.random() < 0.08,
            "risk_reason": None, "marketing_consent": rng.random() < 0.6, "birth_date": born,
            "birth_month_day": born.strftime("%m-%d") if born else None,
            "contract_end_date": NOW.date() + timedelta(days=rng.randint(-30, 700))
            if rng.random() < 0.3 else None,
            "last_purchase_date": NOW.date() - timedelta(days=rng.randint(0, 720))
            if rng.random() < 0.7 else None,
            "facts_version": 1, "industry": rng.choice(["manufacturing", "retail", None]),
            "source": rng.choice(["exhibition", "referral", "website_form", None]),
            "purchase_count_12m": rng.randint(0, 20), "spend_12m_minor": rng.randint(0, 10**9),
            "last_interaction_time": NOW - timedelta(minutes=rng.randint(0, 10**6)),
            "fact_times": {}, "create_time": NOW, "update_time": NOW,
        }


def _insert(database: Database, rows, table, batch: int = 20_000) -> int:
    total, chunk = 0, []
    for row in rows:
        chunk.append(row)
        if len(chunk) == batch:
            with database.unit_of_work() as uow:
                uow.session.execute(table.insert(), chunk)
            total, chunk = total + len(chunk), []
    if chunk:
        with database.unit_of_work() as uow:
            uow.session.execute(table.insert(), chunk)
        total += len(chunk)
    return total


def _timed(repeat: int, action) -> tuple[list[float], object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = action()
        times.append(time.perf_counter() - start)
    return times, result


def _count_and_page(database: Database, rule: rules_pb2.ConditionGroup):
    with database.unit_of_work(readonly=True) as uow:
        session = uow.session
        clause = segment_rules.where_clause(rule, NOW, "sqlite")
        where = (CustomerProfile.state == "active", clause)
        count = session.scalar(select(func.count()).select_from(CustomerProfile).where(*where))
        page = session.scalars(select(CustomerProfile.customer_id).where(*where)
                               .order_by(CustomerProfile.customer_id).limit(50)).all()
        return count, len(page)


def _report(name: str, times: list[float], result) -> None:
    print(f"{name:<34} result={result}  p50={statistics.median(times) * 1000:8.1f} ms  "
          f"min={min(times) * 1000:8.1f} ms  max={max(times) * 1000:8.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profiles", type=int, default=1_000_000)
    parser.add_argument("--interactions", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--folder", type=Path, default=None)
    args = parser.parse_args()
    folder = args.folder or Path(tempfile.mkdtemp(prefix="marketing-bench-"))
    url = f"sqlite:///{folder / 'marketing.db'}"
    print(f"set-up: {platform.python_implementation()} {platform.python_version()}, "
          f"{platform.machine()}, SQLite file {folder / 'marketing.db'}")
    upgrade("marketing_service", url)
    database = Database(url)
    rng = random.Random(42)

    start = time.perf_counter()
    inserted = _insert(database, _profiles(rng, args.profiles), CustomerProfile.__table__)
    with database.unit_of_work(readonly=True) as uow:
        ids = uow.session.scalars(select(CustomerProfile.customer_id).limit(
            args.interactions)).all()
    interactions = ({"customer_id": rng.choice(ids), "source_id": str(uuid.uuid4()),
                     "kind": kind, "occur_time": NOW - timedelta(days=rng.randint(0, 500)),
                     "score_hundredths": rng.randint(100, 500) if kind == "survey_answer"
                     else None}
                    for kind in (rng.choice(["campaign_response", "survey_answer"])
                                 for _ in range(args.interactions)))
    stored = _insert(database, interactions, ProfileInteraction.__table__)
    print(f"bulk insert: {inserted:,} profiles + {stored:,} interactions in "
          f"{time.perf_counter() - start:.1f} s")

    typical = _timed(args.repeat, lambda: _count_and_page(database, TYPICAL))
    _report("typical (value class A)", *typical)
    complex_ = _timed(args.repeat, lambda: _count_and_page(database, COMPLEX))
    _report("complex (6 fields, 3 groups)", *complex_)

    def evaluate():
        with database.unit_of_work() as uow:
            segment = uow.session.get(Segment, HIGH_VALUE)
            change = segments.evaluate_segment(uow, segment, now=NOW)
        return f"{change.joined} joined"

    full = _timed(1, evaluate)
    _report("EvaluateSegment high value (first)", *full)
    again = _timed(1, evaluate)
    _report("EvaluateSegment again (no change)", *again)
    database.dispose()


if __name__ == "__main__":
    main()

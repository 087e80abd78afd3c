"""Segment rules compiled to SQL select exactly the profiles the Python matcher accepts: a
property test over generated profiles and generated rules (every field, every operator a field
takes, nested groups), on SQLite and on PostgreSQL (JSON tag sets differ between the two)."""

from __future__ import annotations

import random
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from crm.common.v1 import rules_pb2
from crm_shared.db import Database
from crm_shared.migrations import upgrade
from marketing_service import segment_rules, segments
from marketing_service.models import CustomerProfile, ProfileInteraction
from marketing_service.profiles import CHANNEL_CONSENT_COLUMNS, NEW_PROFILE
from marketing_service.segment_rules import FIELDS, Op
from sqlalchemy import select

pytestmark = pytest.mark.integration

NOWS = (datetime(2025, 2, 26, 9, 30, tzinfo=UTC),   # common year, next to 28 February
        datetime(2028, 2, 27, 23, 0, tzinfo=UTC))   # leap year
TAGS = [f"t{n}" for n in range(6)]
TEXTS = {"industry": ["manufacturing", "Retail", "零售", "bio_tech", "50%off"],
         "owner_id": ["u-1", "u-2", "u-3"],
         "department_path": ["/hq/sales", "/hq/sales/east", "/hq/marketing"]}
PROFILES = 120
RULES = 150


def _maybe(rng: random.Random, value, none_share: float = 0.25):
    return None if rng.random() < none_share else value


def _day(rng: random.Random, now: datetime, spread: int = 400) -> date:
    return now.date() + timedelta(days=rng.randint(-spread, spread))


def _profile(rng: random.Random, now: datetime) -> dict:
    birth = _maybe(rng, rng.choice([date(1988, 2, 29), date(1990, 2, 28), date(1975, 3, 1)])
                   if rng.random() < 0.3 else _day(rng, now, 20000))
    values = dict(NEW_PROFILE)
    values.update(
        customer_id=str(uuid.uuid4()),
        customer_type=rng.choice(["enterprise", "individual", ""]),
        industry=_maybe(rng, rng.choice(TEXTS["industry"])),
        source=_maybe(rng, rng.choice(list(segment_rules.SOURCES.stored_to_full))),
        tag_ids=rng.sample(TAGS, rng.randint(0, 4)),
        value_class=_maybe(rng, rng.choice("ABC")),
        lifecycle_stage=_maybe(rng, rng.choice(list(segment_rules.STAGES.stored_to_full))),
        rfm_recency_score=rng.randint(0, 5), rfm_frequency_score=rng.randint(0, 5),
        rfm_monetary_score=rng.randint(0, 5),
        at_risk=rng.random() < 0.3, marketing_consent=rng.random() < 0.6,
        # a channel's own consent, or none (NULL: as the every-channel one)
        **{column: rng.choice([None, True, False]) for column in CHANNEL_CONSENT_COLUMNS.values()},
        birth_date=birth, birth_month_day=birth.strftime("%m-%d") if birth else None,
        contract_end_date=_maybe(rng, _day(rng, now, 60)),
        last_purchase_date=_maybe(rng, _day(rng, now, 200)),
        purchase_count_12m=_maybe(rng, rng.randint(0, 12)),
        spend_12m_minor=_maybe(rng, rng.randint(0, 90_000_000)),
        last_interaction_time=_maybe(rng, now + timedelta(minutes=rng.randint(-90000, 9000))),
        owner_id=rng.choice(TEXTS["owner_id"] + [""]),
        department_path=rng.choice(TEXTS["department_path"]),
        display_name="客户", state="active" if rng.random() < 0.9 else "merged",
        create_time=now, update_time=now,
    )
    return values


def _interactions(rng: random.Random, customer_id: str, now: datetime) -> list[dict]:
    rows = []
    for _ in range(rng.randint(0, 4)):
        kind = rng.choice([segment_rules.CAMPAIGN_RESPONSE, segment_rules.SURVEY_ANSWER])
        rows.append({"customer_id": customer_id, "kind": kind, "source_id": str(uuid.uuid4()),
                     "occur_time": now - timedelta(days=rng.randint(0, 500), hours=rng.random()),
                     "score_hundredths": rng.choice([100, 250, 333, 400, 425, 500])
                     if kind == segment_rules.SURVEY_ANSWER else None})
    return rows


def _number(rng: random.Random, name: str) -> str:
    if name.startswith("rfm_"):
        return rng.choice(["0", "1", "2.5", "3", "4", "5"])
    if name == "satisfaction_average":
        return rng.choice(["1", "2.5", "3.33", "4", "4.25", "5"])
    if name == "spend_12m":
        return str(rng.choice([0, 1_000_000, 45_000_000.5, 89_999_999]))
    return rng.choice(["0", "1", "2", "3.5", "6", "11"])


def _value(rng: random.Random, field: segment_rules.RuleField, now: datetime) -> str:
    if field.enum is not None:
        return rng.choice(list(field.enum.full_to_stored))
    if field.kind is segment_rules.BOOL:
        return rng.choice(["true", "false"])
    if field.kind is segment_rules.NUMBER:
        return _number(rng, field.name)
    if field.kind is segment_rules.TIME:
        day = _day(rng, now, 300)
        if field.date_only:
            return day.isoformat()
        moment = datetime.combine(day, datetime.min.time(), UTC) + timedelta(
            minutes=rng.randint(0, 1440))
        return rng.choice([day.isoformat(), moment.isoformat()])
    if field.kind is segment_rules.SET:
        return rng.choice(TAGS)
    return rng.choice(TEXTS[field.name])


def _condition(rng: random.Random, now: datetime) -> rules_pb2.Condition:
    field = rng.choice(list(FIELDS.values()))
    op = rng.choice(sorted(field.operators))
    if op in (Op.CONDITION_OPERATOR_EXISTS, Op.CONDITION_OPERATOR_NOT_EXISTS):
        values = []
    elif op in segment_rules.conditions.DAY_OPS:
        values = [str(rng.choice([0, 1, 3, 7, 30, 90, 365, 400]))]
    elif op == Op.CONDITION_OPERATOR_BETWEEN:
        values = sorted((_value(rng, field, now) for _ in range(2)),
                        key=lambda v: float(v) if field.kind is segment_rules.NUMBER else v)
    elif op in (Op.CONDITION_OPERATOR_IN, Op.CONDITION_OPERATOR_NOT_IN) or (
            field.kind is segment_rules.SET and op != Op.CONDITION_OPERATOR_CONTAINS):
        values = [_value(rng, field, now) for _ in range(rng.randint(1, 3))]
    elif op == Op.CONDITION_OPERATOR_CONTAINS and field.kind is segment_rules.TEXT:
        values = [rng.choice(["e", "TAIL", "零", "_", "%", "/hq/sales", "u-"])]
    else:
        values = [_value(rng, field, now)]
    return rules_pb2.Condition(field=field.name, operator=op, values=values)


def _rule(rng: random.Random, now: datetime, depth: int = 0) -> rules_pb2.ConditionGroup:
    group = rules_pb2.ConditionGroup(match=rng.choice(
        [rules_pb2.MATCH_MODE_UNSPECIFIED, rules_pb2.MATCH_MODE_ALL, rules_pb2.MATCH_MODE_ANY]))
    group.conditions.extend(_condition(rng, now) for _ in range(rng.randint(1, 3)))
    if depth < 2 and rng.random() < 0.4:
        group.groups.extend(_rule(rng, now, depth + 1) for _ in range(rng.randint(1, 2)))
    return group


@pytest.fixture
def database(request) -> Database:
    url = request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "postgres_url")
    upgrade("marketing_service", url)
    database = Database(url)
    yield database
    database.dispose()


@pytest.mark.parametrize(("database", "now"), [("sqlite", NOWS[0]), ("postgresql", NOWS[1])],
                         ids=["sqlite-common-year", "postgresql-leap-year"],
                         indirect=["database"])
def test_sql_and_python_select_the_same_profiles(database, now):
    rng = random.Random(f"segments-{now.year}")
    profiles = [_profile(rng, now) for _ in range(PROFILES)]
    interactions = [row for p in profiles for row in _interactions(rng, p["customer_id"], now)]
    with database.unit_of_work() as uow:
        uow.session.execute(CustomerProfile.__table__.insert(), profiles)
        uow.session.execute(ProfileInteraction.__table__.insert(), interactions)
    matched_somewhere = 0
    with database.unit_of_work(readonly=True) as uow:
        session = uow.session
        rows = session.scalars(select(CustomerProfile)).all()
        facts = {row.customer_id: segments.facts_of(session, row, now) for row in rows
                 if row.state == "active"}
        for _ in range(RULES):
            rule = _rule(rng, now)
            assert segment_rules.rule_violations(rule, "rule") == [], rule
            compiled = segment_rules.CompiledRule(rule)
            expected = {customer_id for customer_id, fact in facts.items()
                        if compiled.matches(fact, now)}
            selected = set(session.scalars(
                select(CustomerProfile.customer_id).where(
                    CustomerProfile.customer_id.in_(
                        segments.matching_query(rule, now, database.engine.dialect.name)
                        .with_only_columns(CustomerProfile.customer_id)))))
            assert selected == expected, segment_rules.conditions.describe(rule)
            assert segments.count_matching(session, rule, now) == len(expected)
            matched_somewhere += 0 < len(expected) < len(facts)
    # the generated rules discriminate: most select some profiles but not all of them
    assert matched_somewhere > RULES // 3

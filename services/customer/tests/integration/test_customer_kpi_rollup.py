"""The customer KPI rollup (:mod:`customer_service.kpi_rollup`), on SQLite and PostgreSQL: after
a mix of writes through the real api and the ORM - creations, updates, a reassignment, class,
stage and risk changes, creation times moved back, lost customers whose stage change time is
unknown or before their creation, a merge, an erasure (a bulk update), a deletion, a rolled-back
change, the daily sweep; with orders and survey scores - the stored rollup is exactly what rebuilding it from the customers gives, and
GetCustomerKpis answers, for every kind of caller, department filter, grouping and period, the
figures the aggregate over the customers gives (computed here as the report did before the
rollup), also after the completeness target changes."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, datetime, time, timedelta

import pytest
from crm.common.v1 import types_pb2
from crm.customer.v1 import customer_pb2, customer_pb2_grpc
from crm_devstack.inprocess_api import InProcessApi, principal_claims
from crm_shared.auth import Principal, visibility_clause
from crm_shared.auth.principal import DataScope
from crm_shared.db import utcnow
from customer_service import classification, kpi_rollup, portrait, timeline
from customer_service.api import build_bindings
from customer_service.models import (
    Customer,
    CustomerKpiCount,
    CustomerKpiDay,
    Employee,
    SatisfactionRecord,
    TimelineEntry,
)
from google.protobuf import field_mask_pb2
from sqlalchemy import and_, func, not_, or_, select

pytestmark = [
    pytest.mark.integration,
    pytest.mark.parametrize("api", ["sqlite", "postgresql"], indirect=True),
]

SERVICE = customer_pb2.DESCRIPTOR.services_by_name["CustomerService"]
INDIVIDUAL = customer_pb2.CUSTOMER_TYPE_INDIVIDUAL
ENTERPRISE = customer_pb2.CUSTOMER_TYPE_ENTERPRISE

REP_EAST = Principal(
    "u-rep-east", "rep.zhang", frozenset({"sales_rep"}), "/hq/sales/east", DataScope.OWN
)
REP_NORTH = Principal(
    "u-rep-north", "rep.li", frozenset({"sales_rep"}), "/hq/sales/north", DataScope.OWN
)
SALES_LEAD = Principal(
    "u-sales-lead", "sales.lead", frozenset({"sales_lead"}), "/hq/sales", DataScope.DEPARTMENT
)
EAST_LEAD = Principal(
    "u-east-lead", "east.lead", frozenset({"sales_lead"}), "/hq/sales/east", DataScope.DEPARTMENT
)
ADMIN = Principal("u-admin", "admin", frozenset({"admin"}), "/hq", DataScope.ALL)
DPO = Principal("u-dpo", "dpo.chen", frozenset({"dpo"}), "/hq/legal", DataScope.ALL)
CALLERS = (REP_EAST, REP_NORTH, SALES_LEAD, EAST_LEAD, ADMIN)
DEPARTMENTS = ("", "/hq/sales", "/hq/sales/east")


class KpiApi(InProcessApi):
    def __init__(self, database_url: str, keys) -> None:
        super().__init__(
            "customer",
            build_bindings,
            database_url,
            keys,
            service=SERVICE,
            stub_class=customer_pb2_grpc.CustomerServiceStub,
            claims=principal_claims,
        )
        with self.database.unit_of_work() as uow:
            for person in (*CALLERS, DPO):
                uow.session.add(
                    Employee(
                        user_id=person.user_id,
                        username=person.username,
                        department_path=person.department_path,
                        active=True,
                        update_time=utcnow(),
                    )
                )

    def create(self, caller: Principal, **fields) -> str:
        values = {"type": INDIVIDUAL, "display_name": "李雷", **fields}
        return (
            self.stub(caller)
            .CreateCustomer(
                customer_pb2.CreateCustomerRequest(customer=customer_pb2.Customer(**values))
            )
            .id
        )

    def order(self, customer_id: str, kind: str, when: datetime) -> None:
        """An order in the timeline, as the portrait records a contract or a purchase."""
        self._add(
            TimelineEntry(
                id=str(uuid.uuid4()),
                customer_id=customer_id,
                kind=kind,
                title="合同",
                summary="",
                source_service="sales",
                subject_type="contract",
                subject_id=str(uuid.uuid4()),
                occur_time=when,
                attributes={},
                source_event_id=str(uuid.uuid4()),
                create_time=when,
            )
        )

    def score(self, customer_id: str, score: float, when: datetime, source="survey") -> None:
        """A satisfaction record, as the portrait records a survey answer (or a call-back)."""
        self._add(
            SatisfactionRecord(
                id=str(uuid.uuid4()),
                customer_id=customer_id,
                source=source,
                score=score,
                dimension_scores={},
                record_time=when,
                source_event_id=str(uuid.uuid4()),
            )
        )

    def _add(self, row) -> None:
        with self.database.unit_of_work() as uow:
            uow.session.add(row)

    def set_columns(self, customer_id: str, **values) -> None:
        """What the portrait and the daily sweep write (class, stage, risk), or a test's past."""
        with self.database.unit_of_work() as uow:
            customer = uow.session.get(Customer, customer_id)
            for name, value in values.items():
                setattr(customer, name, value)


@pytest.fixture
def api(request, keys, migrated_database):
    server = KpiApi(migrated_database("customer_service", request.param), keys)
    yield server
    server.stop()


# -- the rollup as stored vs rebuilt -------------------------------------------------------------


def _rows(connection) -> dict:
    counts = {
        (r.department_path, r.owner_id, r.completeness_score): tuple(
            getattr(r, n) for n in kpi_rollup.COUNTS
        )
        for r in connection.execute(select(CustomerKpiCount.__table__))
    }
    days = {
        (r.day, r.department_path, r.owner_id): (r.created, r.went_lost)
        for r in connection.execute(select(CustomerKpiDay.__table__))
    }
    return {
        "counts": {k: v for k, v in counts.items() if any(v)},
        "days": {k: v for k, v in days.items() if any(v)},
    }


def assert_kept(api) -> None:
    """The stored rollup equals the one rebuilt from the customers (rebuilt, then rolled back)."""
    with api.database.engine.connect() as connection:
        kept = _rows(connection)
        kpi_rollup.rebuild(connection)
        rebuilt = _rows(connection)
        connection.rollback()
    assert kept == rebuilt
    assert kept["counts"]  # not trivially equal


# -- the figures as the aggregate over the customers gives them ---------------------------------


def _subtree(path: str):
    root = path.rstrip("/")
    return or_(
        Customer.department_path == root,
        Customer.department_path.startswith(root + "/", autoescape=True),
    )


def _direct_counts(session, where: list, start, end, target: int) -> dict:
    """The counts the report made over the customers before the rollup (its one aggregate), and
    its orders and survey scores, a query each per period."""
    lost = Customer.lifecycle_stage == classification.LOST
    changed = Customer.lifecycle_stage_change_time
    conditions = {
        "total": None,
        "complete": Customer.completeness_score >= target,
        "at_risk": Customer.at_risk.is_(True),
    }
    length = end - start
    for suffix, (begin, stop) in (("", (start, end)), ("_before", (start - length, start))):
        conditions[f"new{suffix}"] = and_(
            Customer.create_time >= begin, Customer.create_time < stop
        )
        conditions[f"went_lost{suffix}"] = and_(lost, changed >= begin, changed < stop)
        conditions[f"churn_base{suffix}"] = and_(
            Customer.create_time < stop, not_(and_(lost, changed < begin))
        )
    for value_class in kpi_rollup.VALUE_CLASSES:
        conditions[f"class_{value_class}"] = (
            Customer.value_class == value_class if value_class else Customer.value_class.is_(None)
        )
    for stage in classification.STAGES:
        conditions[f"stage_{stage}"] = Customer.lifecycle_stage == stage
    columns = [
        (func.count() if c is None else func.count().filter(c)).label(name)
        for name, c in conditions.items()
    ]
    count = dict(
        session.execute(select(*columns).select_from(Customer).where(*where)).one()._mapping
    )
    customer_ids = select(Customer.id).where(*where)
    for suffix, (begin, stop) in (("", (start, end)), ("_before", (start - length, start))):
        orders = select(TimelineEntry.customer_id).where(
            TimelineEntry.kind.in_(timeline.ORDER_KINDS),
            TimelineEntry.customer_id.in_(customer_ids),
        )
        buyers = (
            orders.where(TimelineEntry.occur_time >= begin, TimelineEntry.occur_time < stop)
            .distinct()
            .subquery()
        )
        earlier = orders.where(TimelineEntry.occur_time < begin)
        count[f"buyers{suffix}"] = session.scalar(select(func.count()).select_from(buyers))
        count[f"repeat{suffix}"] = session.scalar(
            select(func.count()).select_from(buyers).where(buyers.c.customer_id.in_(earlier))
        )
        average, count[f"answers{suffix}"] = session.execute(
            select(func.avg(SatisfactionRecord.score), func.count()).where(
                SatisfactionRecord.customer_id.in_(customer_ids),
                SatisfactionRecord.source == "survey",
                SatisfactionRecord.score > 0,
                SatisfactionRecord.record_time >= begin,
                SatisfactionRecord.record_time < stop,
            )
        ).one()
        count[f"score{suffix}"] = round(float(average or 0.0), 2)
    return count


def _expected(count: dict) -> dict:
    """The report's figures from those counts: (value, previous value, sample)."""

    def ratio(part, whole):
        return part / whole if whole else 0.0

    total = count["total"]
    expected = {
        "new_customers": (count["new"], count["new_before"], total),
        "churn_rate": (
            ratio(count["went_lost"], count["churn_base"]),
            ratio(count["went_lost_before"], count["churn_base_before"])
            if count["churn_base_before"]
            else None,
            count["churn_base"],
        ),
        "repurchase_rate": (
            ratio(count["repeat"], count["buyers"]),
            ratio(count["repeat_before"], count["buyers_before"])
            if count["buyers_before"]
            else None,
            count["buyers"],
        ),
        "satisfaction_score": (
            count["score"],
            count["score_before"] if count["answers_before"] else None,
            count["answers"],
        ),
        "data_completeness_rate": (ratio(count["complete"], total), None, total),
        "at_risk_customers": (count["at_risk"], None, total),
    }
    for value_class in kpi_rollup.VALUE_CLASSES:
        label = (value_class or "unclassified").lower()
        expected[f"customers_value_class_{label}"] = (count[f"class_{value_class}"], None, total)
    for stage in classification.STAGES:
        expected[f"customers_stage_{stage}"] = (count[f"stage_{stage}"], None, total)
    return expected


def _answered(kpis) -> dict:
    return {
        k.key: (k.value, k.previous_value if k.HasField("previous_value") else None, k.sample_size)
        for k in kpis
    }


def _direct_report(api, caller: Principal, department: str, start_day, end_day) -> dict:
    """{group key ("" for the whole report): expected figures}, as the report grouped them."""
    start = datetime.combine(start_day, time(), tzinfo=UTC)
    end = datetime.combine(end_day + timedelta(days=1), time(), tzinfo=UTC)
    where = [
        visibility_clause(caller, Customer.owner_id, Customer.department_path),
        Customer.state == "active",
    ]
    if department:
        where.append(_subtree(department))
    with api.database.unit_of_work(readonly=True) as uow:
        target = classification.load_policy(uow.session).completeness_target
        result = {"": _expected(_direct_counts(uow.session, where, start, end, target))}
        root = (
            department or ("" if caller.data_scope is DataScope.ALL else caller.department_path)
        ).rstrip("/")
        keys = set()
        for path in uow.session.scalars(select(Customer.department_path).where(*where).distinct()):
            rest = path[len(root) :].strip("/")
            keys.add(f"{root}/{rest.split('/')[0]}" if rest else (root or "/"))
        for key in sorted(keys):
            scope = Customer.department_path == key if key == (root or "/") else _subtree(key)
            result[key] = _expected(
                _direct_counts(uow.session, [*where, scope], start, end, target)
            )
    return result


def assert_same_figures(api, callers=CALLERS, departments=DEPARTMENTS) -> None:
    """For each caller, department filter and period: the rollup's report, grouped by
    department, gives exactly the figures of the aggregate over the customers. The periods:
    the default one, and a past one with customers created after it and lost before it."""
    today = utcnow().date()
    periods = (
        (today - timedelta(days=29), today),
        (today - timedelta(days=120), today - timedelta(days=61)),
    )
    checked = 0
    for caller in callers:
        for department in departments:
            for start_day, end_day in periods:
                report = api.stub(caller).GetCustomerKpis(
                    customer_pb2.GetCustomerKpisRequest(
                        period=types_pb2.DateRange(
                            start_date=start_day.isoformat(), end_date=end_day.isoformat()
                        ),
                        department_path=department,
                        group_by_department=True,
                    )
                )
                answered = {
                    "": _answered(report.kpis),
                    **{g.key: _answered(g.kpis) for g in report.groups},
                }
                expected = _direct_report(api, caller, department, start_day, end_day)
                for key, figures in expected.items():
                    assert {k: answered[key][k] for k in figures} == figures, (
                        caller.username,
                        department,
                        start_day,
                        end_day,
                        key,
                    )
                assert answered.keys() == expected.keys()
                checked += 1
    assert checked == len(callers) * len(departments) * len(periods)


def test_the_rollup_answers_what_the_customers_say_after_every_kind_of_write(api):
    now = utcnow()
    east = [api.create(REP_EAST) for _ in range(4)]
    full = api.create(
        REP_EAST,
        type=ENTERPRISE,
        display_name="上海某某科技有限公司",
        phone="13812345678",
        email="info@example.com",
        enterprise=customer_pb2.EnterpriseProfile(
            legal_name="上海某某科技有限公司", industry="manufacturing", staff_count=120
        ),
    )
    north = [api.create(REP_NORTH) for _ in range(3)]
    lead_own = api.create(SALES_LEAD)
    admin_own = api.create(ADMIN)
    assert_kept(api)
    # Orders and survey scores in both periods of the reports and before them.
    day = timedelta(days=1)
    for customer_id, kind, days_ago in (
        (east[0], "contract_signed", 5),
        (east[0], "purchase", 45),
        (east[3], "purchase", 70),
        (north[0], "contract_signed", 1),
        (full, "purchase", 100),
        (full, "purchase", 80),
        (lead_own, "visit", 3),
    ):
        api.order(customer_id, kind, now - days_ago * day)
    for customer_id, score, days_ago, source in (
        (east[0], 4, 2, "survey"),
        (north[0], 5, 3, "survey"),
        (north[1], 3, 40, "survey"),
        (east[1], 1, 4, "callback"),
        (full, 0, 4, "survey"),
        (lead_own, 4.5, 90, "survey"),
    ):
        api.score(customer_id, score, now - days_ago * day, source)

    # An update that changes the completeness score, a reassignment to another team.
    rep = api.stub(REP_EAST)
    rep.UpdateCustomer(
        customer_pb2.UpdateCustomerRequest(
            customer=customer_pb2.Customer(
                id=east[0],
                phone="13900000001",
                email="li.lei@example.com",
                address="杭州市文三路 90 号",
            ),
            update_mask=field_mask_pb2.FieldMask(paths=["phone", "email", "address"]),
        )
    )
    api.stub(SALES_LEAD).ReassignCustomer(
        customer_pb2.ReassignCustomerRequest(
            id=east[1], owner_id=REP_NORTH.user_id, reason="territory"
        )
    )
    # What the portrait and the sweep write: classes, stages, risk; and pasts to report on.
    api.set_columns(
        east[2],
        value_class="A",
        lifecycle_stage=classification.CUSTOMER,
        lifecycle_stage_change_time=now,
        at_risk=True,
    )
    api.set_columns(north[0], value_class="B", create_time=now - timedelta(days=100))
    api.set_columns(
        north[0],
        lifecycle_stage=classification.LOST,
        lifecycle_stage_change_time=now - timedelta(days=70),
    )
    api.set_columns(
        north[1],
        create_time=now - timedelta(days=300),
        value_class="C",
        lifecycle_stage=classification.LOST,
        lifecycle_stage_change_time=now - timedelta(days=40),
    )
    api.set_columns(full, create_time=now - timedelta(days=35), at_risk=True)
    # Lost customers the days cannot place: no change time; a change time before the creation.
    api.set_columns(north[2], lifecycle_stage=classification.LOST)
    api.set_columns(
        lead_own,
        lifecycle_stage=classification.LOST,
        lifecycle_stage_change_time=now - timedelta(days=250),
    )
    assert_kept(api)

    # A merge (the merged record is no customer any more), an erasure (a bulk update of the
    # state), a deletion, and a change rolled back.
    rep.MergeCustomers(
        customer_pb2.MergeCustomersRequest(
            surviving_customer_id=east[0],
            merged_customer_ids=[east[3]],
            reason="same person",
            request_id=str(uuid.uuid4()),
        )
    )
    api.stub(DPO).EraseCustomer(
        customer_pb2.EraseCustomerRequest(
            customer_id=east[2], reason="DSR-2026-0042", request_id=str(uuid.uuid4())
        )
    )
    with api.database.unit_of_work() as uow:
        uow.session.delete(uow.session.get(Customer, admin_own))
    with pytest.raises(RuntimeError), api.database.unit_of_work() as uow:
        uow.session.get(Customer, north[1]).owner_id = REP_EAST.user_id
        uow.session.flush()  # its share moved, then the transaction rolls back
        raise RuntimeError("rolled back")
    assert_kept(api)
    assert_same_figures(api)
    with api.database.unit_of_work(readonly=True) as uow:
        states = dict(uow.session.execute(select(Customer.id, Customer.state)).all())
    assert (states[east[3]], states[east[2]], admin_own in states) == ("merged", "erased", False)

    # The daily sweep (classes, stages, risk from the facts), then a completeness target of
    # the policy's changed (stored directly: the api would start the sweep in the background,
    # racing with the comparison).
    portrait.sweep(api.database, now=utcnow())
    assert_kept(api)
    with api.database.unit_of_work() as uow:
        policy = classification.load_policy(uow.session)
        classification.save_policy(
            uow.session,
            replace(policy, completeness_target=40),
            actor_id=ADMIN.user_id,
            now=utcnow(),
        )
    assert_same_figures(api, callers=(ADMIN, REP_EAST), departments=("",))
    figures = _answered(api.stub(ADMIN).GetCustomerKpis(customer_pb2.GetCustomerKpisRequest()).kpis)
    # none of the figures compared is trivially zero
    assert figures["repurchase_rate"][0] and figures["satisfaction_score"][0]
    assert figures["churn_rate"][1] and figures["data_completeness_rate"][0]

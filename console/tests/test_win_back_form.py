"""The win-back visit form (issue 19) against the REAL sales service (in process, on SQLite):
a lost customer's win-back task on "my work" opens the form, where the owner chooses why the
customer left from the service's list, in the reader's language; without a reason the service's
refusal comes back next to the field, in Chinese, with what was typed kept and nothing stored;
with one the visit is recorded and the task done."""

from __future__ import annotations

import re
import uuid

import pytest
from crm.common.v1 import types_pb2
from crm.customer.v1 import customer_pb2
from crm.customer.v1 import events_pb2 as customer_events
from crm.sales.v1 import sales_pb2, sales_pb2_grpc
from crm_console.app import create_app
from crm_console.settings import ConsoleSettings
from crm_devstack.inprocess_api import InProcessApi, principal_claims
from crm_devstack.ports import free_port
from crm_shared.auth import Principal
from crm_shared.auth.principal import DataScope
from crm_shared.db import utcnow
from crm_shared.grpc.peers import Peers
from crm_shared.settings import load_settings
from sales_service import follow_up_events
from sales_service.api import build_bindings
from sales_service.models import Activity, FollowUpTask
from sales_service.settings import SalesApiSettings
from sqlalchemy import func, select

from .conftest import SECRET, ConsoleUnderTest

REP = Principal("u-rep", "rep.zhang", frozenset({"sales_rep"}), "/hq/sales/east", DataScope.OWN)


@pytest.fixture(scope="module")
def stack(module_migrated_database, keys):
    api = InProcessApi(
        "sales",
        build_bindings,
        module_migrated_database("sales_service"),
        keys,
        service=sales_pb2.DESCRIPTOR.services_by_name["SalesService"],
        stub_class=sales_pb2_grpc.SalesServiceStub,
        claims=principal_claims,
        settings_cls=SalesApiSettings,
        customer_addr=f"127.0.0.1:{free_port()}",  # down: the customer is known from its events
    )
    issuer, public_key = keys
    settings = load_settings(
        ConsoleSettings,
        jwt_public_key_file=public_key,
        console_secret_key=SECRET,
        console_secure_cookies=False,
        gateway_url=f"http://127.0.0.1:{free_port()}",
        sales_addr=api.target,
    )
    app = create_app(settings, peers=Peers(settings.peer_addresses(), timeout_seconds=10))
    yield api, ConsoleUnderTest(app, issuer)
    app.extensions["crm.console"].peers.close()
    api.stop()


def lost_customer_task(api) -> str:
    """What the sales worker does when the rep's customer is lost: the win-back task's id."""
    customer_id, now = str(uuid.uuid4()), utcnow()
    with api.database.unit_of_work() as uow:
        follow_up_events.customer_created(
            uow,
            customer_events.CustomerCreated(
                customer=customer_pb2.Customer(
                    id=customer_id, owner_id=REP.user_id, department_path=REP.department_path
                )
            ),
            at=now,
            now=now,
        )
        task = follow_up_events.customer_stage_changed(
            uow,
            customer_events.CustomerStageChanged(
                customer_id=customer_id,
                owner_id=REP.user_id,
                department_path=REP.department_path,
                previous=types_pb2.LIFECYCLE_STAGE_CUSTOMER,
                current=types_pb2.LIFECYCLE_STAGE_LOST,
            ),
            at=now,
            now=now,
        )
        return task.id


def stored(api, model, **where) -> int:
    with api.database.unit_of_work(readonly=True) as uow:
        query = select(func.count()).select_from(model)
        for column, value in where.items():
            query = query.where(getattr(model, column) == value)
        return uow.session.scalar(query)


def test_the_owner_records_the_win_back_visit_with_why_the_customer_left(stack):
    api, console = stack
    task_id = lost_customer_task(api)
    english = console.client(None, "en-US", token=api.token(REP))
    work = english.get("/").get_data(as_text=True)
    assert f'href="/win-back/{task_id}"' in work and "Win-back visit: ask why they left" in work

    form = english.get(f"/win-back/{task_id}")
    page = form.get_data(as_text=True)
    assert form.status_code == 200, page
    assert '<option value="competitor" translate="no">Replaced by a competitor</option>' in page
    assert '<label for="f-churn_reason">' in page

    chinese = console.client(None, "zh-CN", token=api.token(REP))
    page = chinese.get(f"/win-back/{task_id}").get_data(as_text=True)
    assert "被竞争对手替代" in page and "客户流失的原因" in page
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    visit = {
        "csrf_token": csrf,
        "request_id": str(uuid.uuid4()),
        "method": "visit",
        "topic": "流失客户回访",
        "summary": "客户已改用其他供应商",
        "churn_note": "对方报价更低",
    }
    refused = chinese.post(f"/win-back/{task_id}", data=visit)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert 'id="f-churn_reason-error">流失客户回访必须填写：客户为何流失？</p>' in page
    assert "客户已改用其他供应商" in page  # what was typed is kept
    assert stored(api, Activity) == 0

    done = chinese.post(f"/win-back/{task_id}", data={**visit, "churn_reason": "competitor"})
    assert done.status_code == 302, done.get_data(as_text=True)
    assert stored(api, Activity, churn_reason="competitor", churn_note="对方报价更低") == 1
    assert stored(api, FollowUpTask, id=task_id, state="done") == 1


LEAD = Principal(
    "u-east-lead", "sales.lead", frozenset({"sales_lead"}), "/hq/sales/east", DataScope.DEPARTMENT
)


def test_the_sales_reports_show_why_lost_customers_left_in_the_readers_language(stack):
    api, console = stack
    task_id = lost_customer_task(api)
    rep = console.client(None, "zh-CN", token=api.token(REP))
    csrf = re.search(
        r'name="csrf_token" value="([^"]+)"', rep.get(f"/win-back/{task_id}").get_data(as_text=True)
    ).group(1)
    recorded = rep.post(
        f"/win-back/{task_id}",
        data={
            "csrf_token": csrf,
            "request_id": str(uuid.uuid4()),
            "method": "visit",
            "topic": "流失客户回访",
            "summary": "预算削减",
            "churn_reason": "price",
        },
    )
    assert recorded.status_code == 302, recorded.get_data(as_text=True)

    for language, name in (("zh-CN", "价格"), ("en-US", "Price")):
        lead = console.client(None, language, token=api.token(LEAD))
        page = lead.get("/sales/reports?period=this_month").get_data(as_text=True)
        section = page[page.index('id="churn-reasons"') :]
        assert f'<span translate="no">{name}</span>' in section, language

"""The demo organisation, seeded once when ``DEMO_MODE=true`` (every password is ``demo``).

Seeding is recorded in ``seed_marks`` in the same transaction as the data, so it happens at
most once per database: a second start keeps what is there (including changes made since),
and two processes racing to seed end with one organisation.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass

from crm_shared.db import Database
from sqlalchemy.exc import IntegrityError

from gateway.identity import directory
from gateway.identity.models import SeedMark
from gateway.identity.passwords import PasswordHashing

log = logging.getLogger(__name__)

DEMO_MARK = "demo-organisation"
DEMO_PASSWORD = "demo"
# User ids are derived from the username, so every demo database has the same ids.
DEMO_NAMESPACE = uuid.UUID("6f0b7a52-3c1e-5d8a-9b4f-2e7c1d0a9e63")

DEPARTMENTS: tuple[tuple[str, str], ...] = (
    ("/hq", "总部"),
    ("/hq/sales", "销售部"),
    ("/hq/sales/east", "华东销售组"),
    ("/hq/sales/north", "华北销售组"),
    ("/hq/service", "客户服务部"),
    ("/hq/product", "产品部"),
    ("/hq/tech", "技术支持部"),
    ("/hq/logistics", "物流部"),
    ("/hq/marketing", "市场部"),
)


@dataclass(frozen=True)
class DemoUser:
    username: str
    display_name: str
    department_path: str
    roles: tuple[str, ...]
    data_scope: str
    job_title: str
    phone: str
    leads_department: bool = False
    locale: str = "zh-CN"

    @property
    def user_id(self) -> str:
        return str(uuid.uuid5(DEMO_NAMESPACE, self.username))

    @property
    def email(self) -> str:
        return f"{self.username}@example.com"


USERS: tuple[DemoUser, ...] = (
    DemoUser(
        "admin",
        "系统管理员",
        "/hq",
        ("admin",),
        "all",
        "系统管理员",
        "+8613800138000",
        leads_department=True,
        locale="en-US",
    ),
    DemoUser(
        "sales.lead",
        "刘强",
        "/hq/sales",
        ("manager", "sales_lead"),
        "department",
        "销售总监",
        "+8613800138001",
        leads_department=True,
    ),
    DemoUser(
        "rep.zhang", "张伟", "/hq/sales/east", ("sales_rep",), "own", "销售代表", "+8613800138002"
    ),
    DemoUser(
        "rep.li", "李娜", "/hq/sales/north", ("sales_rep",), "own", "销售代表", "+8613800138003"
    ),
    DemoUser(
        "agent.wang",
        "王磊",
        "/hq/service",
        ("agent", "service_agent"),
        "own",
        "客服专员",
        "+8613800138004",
    ),
    DemoUser(
        "service.lead",
        "赵敏",
        "/hq/service",
        ("manager", "service_lead"),
        "department",
        "客服主管",
        "+8613800138005",
        leads_department=True,
    ),
    DemoUser(
        "tech.zhao", "赵军", "/hq/tech", ("agent",), "own", "技术支持工程师", "+8613800138006"
    ),
    DemoUser(
        "tech.lead",
        "孙浩",
        "/hq/tech",
        ("manager",),
        "department",
        "技术支持经理",
        "+8613800138007",
        leads_department=True,
    ),
    DemoUser(
        "product.lead",
        "周婷",
        "/hq/product",
        ("manager",),
        "department",
        "产品经理",
        "+8613800138008",
        leads_department=True,
    ),
    DemoUser(
        "logistics.lead",
        "吴刚",
        "/hq/logistics",
        ("manager",),
        "department",
        "物流主管",
        "+8613800138009",
        leads_department=True,
    ),
    DemoUser(
        "marketer.chen", "陈静", "/hq/marketing", ("marketer",), "own", "市场专员", "+8613800138010"
    ),
)


def seed_demo_organisation(database: Database, hashing: PasswordHashing | None = None) -> bool:
    """Create the demo departments and users unless done before; True if it seeded now."""
    hashing = hashing or PasswordHashing()
    try:
        with database.unit_of_work() as uow:
            if uow.session.get(SeedMark, DEMO_MARK) is not None:
                return False
            # The mark first: a concurrent seeder blocks on it and then fails, not duplicates.
            uow.session.add(SeedMark(name=DEMO_MARK))
            uow.session.flush()
            for path, name in DEPARTMENTS:
                directory.create_department(uow, path=path, name=name)
            for demo in USERS:
                directory.create_user(
                    uow,
                    hashing=hashing,
                    user_id=demo.user_id,
                    username=demo.username,
                    password=DEMO_PASSWORD,
                    display_name=demo.display_name,
                    department_path=demo.department_path,
                    roles=demo.roles,
                    data_scope=demo.data_scope,
                    email=demo.email,
                    phone=demo.phone,
                    locale=demo.locale,
                    job_title=demo.job_title,
                )
            for demo in USERS:
                if demo.leads_department:
                    directory.set_department_lead(
                        uow, path=demo.department_path, user_id=demo.user_id
                    )
    except IntegrityError:
        log.info("the demo organisation was seeded concurrently by another process")
        return False
    log.info("seeded the demo organisation", extra={"users": len(USERS)})
    return True

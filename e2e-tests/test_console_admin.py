"""The console's administration, profile and "my work" pages, in a real browser.

Each test works on records of its own (unique names), so it does not depend on the others or
disturb the other tests of the shared suite: new routing rules only match a keyword nobody
else uses, and the language test changes the profile of a user it creates."""

from __future__ import annotations

import uuid

import pika
import pytest
from crm_devstack.waiting import wait_until
from crm_shared.events import wire
from playwright.sync_api import expect

PHONE = {"width": 390, "height": 844}

pytestmark = pytest.mark.e2e


def _unique() -> str:
    return uuid.uuid4().hex[:8]


def _phone() -> str:
    return "139" + str(uuid.uuid4().int)[:8]


def _create_user(running_suite, *, username: str, password: str, roles=("sales_rep",),
                 department="/hq/sales/east") -> dict:
    admin = running_suite.http.login("admin")
    created = running_suite.http.call("POST", "/api/v1/users", {
        "username": username, "password": password, "display_name": "测试用户",
        "department_path": department, "roles": list(roles), "locale": "zh-CN"}, admin)
    assert created.status == 201, created
    return created.body


@pytest.fixture(scope="module")
def leads_of_rep_zhang(running_suite, lead_assigned_to):
    """Two leads assigned to rep.zhang by sales.lead: an A lead (first contact within 2 h)
    and a C lead (days); their company names are unique to this run."""
    tag = _unique()
    made = {}
    for grade, intent, clarity in (("a", "high", "clear"), ("c", "low", "unclear")):
        company = f"E2E{tag}{grade.upper()}精密机械有限公司"
        lead = lead_assigned_to("rep.zhang", {
            "contact_name": "周杰", "company_name": company, "phone": _phone(),
            "intent_level": intent, "need_clarity": clarity})
        assert lead["first_contact_due_time"], lead
        made[grade] = {"id": lead["id"], "company": company,
                       "due": lead["first_contact_due_time"]}
    assert made["a"]["due"] < made["c"]["due"]
    return made


def test_admin_creates_a_user_after_a_field_error_and_the_user_can_sign_in(console):
    page = console.page_as("admin", language="zh-CN")
    username = f"e2e.user{_unique()}"
    page.goto(f"{console.url}/admin/users/new")
    page.fill("#f-username", username)
    page.fill("#f-display_name", "吴芳")
    page.select_option("#f-department_path", "/hq/sales/east")
    page.check("input[name=roles][value=sales_rep]")
    page.click("form.stacked button[type=submit]")  # no password

    password_field = page.locator(".field.has-error", has=page.locator("#f-password"))
    expect(password_field.locator(".field-error")).to_be_visible()
    expect(page.locator("#f-username")).to_have_value(username)  # what was typed is kept
    expect(page.locator("#f-display_name")).to_have_value("吴芳")
    expect(page.locator("input[name=roles][value=sales_rep]")).to_be_checked()

    page.fill("#f-password", "a long passphrase")
    page.click("form.stacked button[type=submit]")
    expect(page).to_have_url(f"{console.url}/admin/users?created={username}")
    expect(page.locator("table.data", has_text=username)).to_be_visible()

    newcomer = console.page_as(username, password="a long passphrase")
    expect(newcomer.locator("main h1")).to_have_text("我的工作台")


def test_a_rep_opening_the_users_page_is_refused_and_sees_no_users(console):
    page = console.page_as("rep.zhang")
    response = page.goto(f"{console.url}/admin/users")
    assert response.status == 403
    expect(page.locator("main h1")).to_have_text("您无权访问此内容。")
    expect(page.locator("table")).to_have_count(0)
    expect(page.locator("main")).not_to_contain_text("sales.lead")
    expect(page.locator("#sidebar")).not_to_contain_text("用户管理")


def test_my_work_shows_a_reps_assigned_lead_with_its_first_contact_countdown_most_urgent_first(
        console, leads_of_rep_zhang):
    page = console.page_as("rep.zhang")
    page.goto(console.url + "/")
    rows = page.locator("table.work-list tbody tr")
    urgent = rows.filter(has_text=leads_of_rep_zhang["a"]["company"])
    later = rows.filter(has_text=leads_of_rep_zhang["c"]["company"])
    expect(urgent).to_have_count(1)
    expect(urgent.locator(".due")).to_have_text("2小时后到期")
    expect(urgent.locator(".due")).to_have_class("due due-soon")
    expect(urgent.locator("a")).to_have_attribute("href", f"/leads/{leads_of_rep_zhang['a']['id']}")
    expect(urgent).to_contain_text("首次接触")
    expect(later.locator(".due")).to_have_class("due due-later")

    companies = [text for text in rows.all_inner_texts()]
    position = {grade: next(i for i, text in enumerate(companies)
                            if leads_of_rep_zhang[grade]["company"] in text)
                for grade in ("a", "c")}
    assert position["a"] < position["c"], companies  # sorted by due time
    # Whatever is overdue comes before everything that is not.
    overdue = [row.get_attribute("class") == "overdue" for row in rows.all()]
    assert overdue == sorted(overdue, reverse=True), overdue


def test_my_work_fits_a_phone_without_sideways_scrolling(console, leads_of_rep_zhang):
    page = console.page_as("rep.zhang", viewport=PHONE)
    page.goto(console.url + "/")
    expect(page.locator("table.work-list tbody tr").first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_choosing_english_on_the_profile_page_switches_the_pages_to_english(
        console, running_suite):
    username = f"e2e.lang{_unique()}"
    _create_user(running_suite, username=username, password="a long passphrase")
    page = console.page_as(username, password="a long passphrase", language="zh-CN")
    page.goto(console.url + "/profile")
    expect(page.locator("main h1")).to_have_text("个人资料与通知设置")
    page.select_option("#f-locale", "en-US")
    page.click("text=保存个人资料")
    expect(page.locator("main h1")).to_have_text("Profile and notifications")
    expect(page.locator("html")).to_have_attribute("lang", "en-US")
    page.goto(console.url + "/")
    expect(page.locator("main h1")).to_have_text("My work")
    token = running_suite.http.login(username, "a long passphrase")
    assert running_suite.http.call("GET", "/api/v1/me", token=token).body["locale"] == "en-US"


def test_quiet_hours_are_saved_and_a_category_someone_must_act_on_cannot_be_muted(
        console, running_suite):
    username = f"e2e.quiet{_unique()}"
    _create_user(running_suite, username=username, password="a long passphrase")
    page = console.page_as(username, password="a long passphrase", language="en-US")
    page.goto(console.url + "/profile")
    page.check("#f-quiet_hours-enabled")
    page.fill("#f-quiet_hours-starts_at", "22:00")
    page.fill("#f-quiet_hours-ends_at", "08:00")
    escalated = page.locator("table.profile-categories tbody tr", has_text="Ticket escalated")
    escalated.locator("input[name$='.muted']").check()
    page.click("text=Save notification preferences")

    expect(escalated.locator(".field-error")).to_contain_text("cannot be muted")
    expect(page.locator("#f-quiet_hours-starts_at")).to_have_value("22:00")  # kept
    escalated.locator("input[name$='.muted']").uncheck()
    page.click("text=Save notification preferences")
    expect(page.locator(".message-ok")).to_be_visible()
    expect(page.locator("#f-quiet_hours-enabled")).to_be_checked()
    expect(page.locator("#f-quiet_hours-ends_at")).to_have_value("08:00")


def test_a_routing_rule_created_on_the_page_shows_in_the_list(console):
    page = console.page_as("admin", language="en-US")
    name = f"E2E keyword {_unique()} to technical support"
    page.goto(f"{console.url}/admin/routing-rules/new")
    page.fill("#f-display_name", name)
    page.select_option("#f-target_department_path", "/hq/tech")
    page.fill("#f-priority", "900")
    page.select_option("#f-condition-conditions-0-field", "keywords")
    page.select_option("#f-condition-conditions-0-operator", label="Contains any")
    page.fill("#f-condition-conditions-0-values", f"e2e-{_unique()}")
    page.click("form.stacked button[type=submit]")

    row = page.locator("table.admin-routing-rules tbody tr", has_text=name)
    expect(row).to_have_count(1)
    expect(row).to_contain_text("/hq/tech")
    expect(row).to_contain_text("Enabled")
    row.get_by_role("button", name="Disable").click()  # leave the suite's routing as it was
    expect(page.locator("table.admin-routing-rules tbody tr", has_text=name)).to_contain_text(
        "Disabled")


def test_a_parked_event_is_listed_and_discarded_only_with_a_reason(console, running_suite):
    """A customer event the notification worker cannot read is parked as a dead letter; the
    admin sees it, is asked why before discarding it, and then it is no longer parked."""
    poison = str(uuid.uuid4())
    connection = pika.BlockingConnection(pika.URLParameters(running_suite.config.amqp_url))
    try:
        channel = connection.channel()
        channel.confirm_delivery()
        channel.basic_publish(
            exchange="customer.events", routing_key="customer.created", body=b'{"customer": 5}',
            properties=pika.BasicProperties(
                content_type="application/json", message_id=poison, delivery_mode=2,
                headers={wire.HEADER_EVENT_ID: poison,
                         wire.HEADER_EVENT_TYPE: "crm.customer.v1.CustomerCreated"}),
            mandatory=True)
    finally:
        connection.close()

    page = console.page_as("admin", language="en-US")
    row = page.locator(f"#dead-letter-{poison}")

    def parked() -> bool:
        page.goto(f"{console.url}/admin/dead-letters")
        return row.count() == 1

    wait_until(parked, timeout=30, interval=0.5, message="the poison event was never parked")
    expect(row).to_contain_text("customer.created")
    row.get_by_role("button", name="Discard").click()  # no reason given
    expect(row.locator(".field-error")).to_be_visible()

    row.get_by_label("Why discard it").fill("malformed by the e2e test")
    row.get_by_role("button", name="Discard").click()
    expect(page.locator(".message-ok")).to_contain_text("discarded")
    expect(page.locator(f"#dead-letter-{poison}")).to_have_count(0)
    page.goto(f"{console.url}/admin/dead-letters?state=3")
    expect(page.locator(f"#dead-letter-{poison}")).to_contain_text("Discarded")

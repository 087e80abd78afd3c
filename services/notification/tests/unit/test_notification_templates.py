"""Message templates: which language is chosen for a locale, and how values are filled in."""

import importlib.util
from pathlib import Path

import notification_service
import pytest
from notification_service.templates import DEFAULT_LOCALE, TEMPLATES, fill, placeholders, render

VALUES = {"customer.number": "C00000042", "customer.display_name": "上海某某科技有限公司"}
CHINESE = (
    "新客户 C00000042：上海某某科技有限公司",
    "客户 上海某某科技有限公司（C00000042）已创建，您是负责人。",
)
ENGLISH = (
    "New customer C00000042: 上海某某科技有限公司",
    "Customer 上海某某科技有限公司 (C00000042) was created and you are its owner.",
)


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        ("zh-CN", CHINESE),  # exact match
        ("en", ENGLISH),  # exact match of a language-only template
        ("en-US", ENGLISH),  # region falls back to its language
        ("en-GB", ENGLISH),
        ("zh", CHINESE),  # no "zh" template: the default
        ("zh-TW", CHINESE),  # neither exact nor language match: the default
        ("fr-FR", CHINESE),
        ("de", CHINESE),
        ("", CHINESE),  # no locale at all
    ],
)
def test_render_chooses_exact_then_language_then_default(locale, expected):
    assert render("customer_created", locale, **VALUES) == expected


def test_every_template_has_chinese_and_english():
    assert DEFAULT_LOCALE == "zh-CN"
    assert all({"zh-CN", "en"} <= set(by_locale) for by_locale in TEMPLATES.values())


@pytest.mark.parametrize(("locale", "title", "body"), [
    ("zh-CN", "工单 T20260301-0007 已转入 /hq/tech",
     "工单 T20260301-0007「无法登录」由 /hq/service 转入 /hq/tech，原因：技术问题"),
    ("en-US", "Ticket T20260301-0007 transferred to /hq/tech",
     'Ticket T20260301-0007 "无法登录" was transferred from /hq/service to /hq/tech. Reason: 技术问题'),
])
def test_a_transfer_reads_naturally_in_both_languages(locale, title, body):
    values = {"ticket.number": "T20260301-0007", "ticket.title": "无法登录",
              "from_department_path": "/hq/service", "to_department_path": "/hq/tech",
              "reason": "技术问题"}
    assert render("ticket_transferred", locale, **values) == (title, body)


@pytest.mark.parametrize("key", sorted(TEMPLATES))
@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
def test_every_placeholder_is_filled(key, locale):
    subject, body = TEMPLATES[key]["en" if locale == "en-US" else locale]
    values = {name: f"<{name}>" for name in placeholders(subject, body)}
    for text in render(key, locale, **values):
        assert "{{" not in text and "}}" not in text
    assert values, f"{key} names nothing it is about"


def test_values_are_inserted_verbatim_never_interpreted():
    title, body = render("customer_created", "en", **{
        "customer.number": "{{customer.display_name}}", "customer.display_name": "{0} %s"})
    assert title == "New customer {{customer.display_name}}: {0} %s"
    assert body == "Customer {0} %s ({{customer.display_name}}) was created and you are its owner."


def test_a_missing_value_is_left_empty_and_reported_as_a_placeholder():
    assert fill("Hi {{ name }}, {{missing}}!", {"name": "Li"}) == "Hi Li, !"
    assert placeholders("{{a}} {{b.c}}", "{{a}}") == ["a", "b.c"]


def test_an_unknown_key_is_an_error_not_a_blank_message():
    with pytest.raises(KeyError):
        render("no.such.category", "zh-CN", **VALUES)


def test_every_seeded_rule_names_a_built_in_template():
    path = (Path(notification_service.__file__).parent / "migrations" / "versions"
            / "0004_default_rules.py")
    spec = importlib.util.spec_from_file_location("seeded_rules", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert {rule[3] for rule in module.RULES} <= set(TEMPLATES)

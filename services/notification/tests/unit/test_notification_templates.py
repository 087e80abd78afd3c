"""Message templates: which language is chosen for a locale, and how values are filled in."""

import pytest
from notification_service.templates import DEFAULT_LOCALE, TEMPLATES, render

VALUES = {"number": "C00000042", "display_name": "上海某某科技有限公司"}
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
    assert render("customer.created", locale, **VALUES) == expected


def test_the_default_locale_is_chinese_and_has_every_category():
    assert DEFAULT_LOCALE == "zh-CN"
    assert all(DEFAULT_LOCALE in by_locale for by_locale in TEMPLATES.values())


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
def test_every_placeholder_is_filled(locale):
    title, body = render("customer.created", locale, number="C1", display_name="ACME")
    for text in (title, body):
        assert "{" not in text and "}" not in text
        assert "C1" in text and "ACME" in text


def test_values_are_inserted_verbatim_never_interpreted():
    title, body = render("customer.created", "en", number="{display_name}", display_name="{0} %s")
    assert title == "New customer {display_name}: {0} %s"
    assert body == "Customer {0} %s ({display_name}) was created and you are its owner."


def test_an_unknown_category_is_an_error_not_a_blank_message():
    with pytest.raises(KeyError):
        render("no.such.category", "zh-CN", **VALUES)

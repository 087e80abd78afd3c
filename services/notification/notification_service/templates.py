"""Message templates per category and locale (data, not code)."""

from __future__ import annotations

DEFAULT_LOCALE = "zh-CN"

TEMPLATES: dict[str, dict[str, tuple[str, str]]] = {
    "customer.created": {
        "zh-CN": ("新客户 {number}：{display_name}", "客户 {display_name}（{number}）已创建，您是负责人。"),
        "en": ("New customer {number}: {display_name}", "Customer {display_name} ({number}) was created and you are its owner."),
    },
}


def render(category: str, locale: str, **values: str) -> tuple[str, str]:
    """Exact locale (``zh-CN``), else its language (``en-US`` → ``en``), else the default."""
    by_locale = TEMPLATES[category]
    chosen = (
        by_locale.get(locale)
        or by_locale.get(locale.split("-")[0])
        or by_locale[DEFAULT_LOCALE]
    )
    title, body = chosen
    return title.format(**values), body.format(**values)

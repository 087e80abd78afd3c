"""Message templates per key and locale (data, not code), and the one renderer.

Placeholders are ``{{name}}``; a dotted name reads the event's proto3 JSON in snake_case
(``{{ticket.number}}``). Values are inserted verbatim, never interpreted, so a value that
looks like a placeholder stays text. Stored templates (MessageTemplate rows) override these
built-in ones; see :func:`notification_service.template_store.render_message`.
"""

from __future__ import annotations

import re

DEFAULT_LOCALE = "zh-CN"

PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z0-9_.]+)\s*\}\}")

TEMPLATES: dict[str, dict[str, tuple[str, str]]] = {
    "customer_created": {
        "zh-CN": ("新客户 {{customer.number}}：{{customer.display_name}}",
                  "客户 {{customer.display_name}}（{{customer.number}}）已创建，您是负责人。"),
        "en": ("New customer {{customer.number}}: {{customer.display_name}}",
               "Customer {{customer.display_name}} ({{customer.number}}) was created and you are its owner."),
    },
    "customer_at_risk": {
        "zh-CN": ("客户流失风险：{{display_name}}", "客户 {{display_name}} 被标记为有流失风险，请尽快跟进。"),
        "en": ("Customer at risk: {{display_name}}", "Customer {{display_name}} is at risk of churning; please follow up soon."),
    },
    "ticket_routed": {
        "zh-CN": ("新工单 {{ticket.number}}：{{ticket.title}}", "工单 {{ticket.number}}「{{ticket.title}}」已分派到 {{ticket.department_path}}。"),
        "en": ("New ticket {{ticket.number}}: {{ticket.title}}", "Ticket {{ticket.number}} \"{{ticket.title}}\" was routed to {{ticket.department_path}}."),
    },
    "ticket_transferred": {
        "zh-CN": ("工单 {{ticket.number}} 已转入 {{to_department_path}}",
                  "工单 {{ticket.number}}「{{ticket.title}}」由 {{from_department_path}} 转入 {{to_department_path}}，原因：{{reason}}"),
        "en": ("Ticket {{ticket.number}} transferred to {{to_department_path}}",
               "Ticket {{ticket.number}} \"{{ticket.title}}\" was transferred from {{from_department_path}} to {{to_department_path}}. Reason: {{reason}}"),
    },
    "ticket_assigned": {
        "zh-CN": ("工单 {{ticket.number}} 已分配给您", "工单 {{ticket.number}}「{{ticket.title}}」已分配给您处理。"),
        "en": ("Ticket {{ticket.number}} assigned to you", "Ticket {{ticket.number}} \"{{ticket.title}}\" was assigned to you."),
    },
    "sla_reminder": {
        "zh-CN": ("工单 {{ticket.number}} 长时间未处理", "工单 {{ticket.number}}「{{ticket.title}}」已 {{untouched_duration}} 未处理，请尽快跟进。"),
        "en": ("Ticket {{ticket.number}} is waiting", "Ticket {{ticket.number}} \"{{ticket.title}}\" has been untouched for {{untouched_duration}}."),
    },
    "ticket_escalated": {
        "zh-CN": ("工单 {{ticket.number}} 已升级", "工单 {{ticket.number}}「{{ticket.title}}」已升级给您：{{reason}}"),
        "en": ("Ticket {{ticket.number}} escalated", "Ticket {{ticket.number}} \"{{ticket.title}}\" was escalated to you: {{reason}}"),
    },
    "sla_warning": {
        "zh-CN": ("工单 {{ticket.number}} 即将超时", "工单 {{ticket.number}} 的 SLA 将于 {{due_time}} 到期。"),
        "en": ("Ticket {{ticket.number}} is about to breach its SLA", "The SLA of ticket {{ticket.number}} is due at {{due_time}}."),
    },
    "sla_breached": {
        "zh-CN": ("工单 {{ticket.number}} 已超时", "工单 {{ticket.number}} 的 SLA 已于 {{due_time}} 超时。"),
        "en": ("Ticket {{ticket.number}} breached its SLA", "The SLA of ticket {{ticket.number}} was due at {{due_time}}."),
    },
    "callback_due": {
        "zh-CN": ("回访任务：工单 {{task.ticket_number}}", "请在 {{task.due_time}} 前回访工单 {{task.ticket_number}} 的客户。"),
        "en": ("Call-back for ticket {{task.ticket_number}}", "Please call the customer of ticket {{task.ticket_number}} back by {{task.due_time}}."),
    },
    "callback_overdue": {
        "zh-CN": ("回访已逾期：工单 {{task.ticket_number}}", "工单 {{task.ticket_number}} 的回访已逾期（应于 {{task.due_time}} 前完成）。"),
        "en": ("Call-back overdue: ticket {{task.ticket_number}}", "The call-back for ticket {{task.ticket_number}} was due at {{task.due_time}}."),
    },
    "lead_assigned": {
        "zh-CN": ("新线索 {{lead_number}}：{{company_name}}", "线索 {{lead_number}}（{{contact_name}}，{{company_name}}）已分配给您。"),
        "en": ("New lead {{lead_number}}: {{company_name}}", "Lead {{lead_number}} ({{contact_name}}, {{company_name}}) was assigned to you."),
    },
    "manager_comment": {
        "zh-CN": ("您的跟进记录有新批注", "「{{activity_topic}}」有新批注：{{comment.body}}"),
        "en": ("New comment on your activity", "New comment on \"{{activity_topic}}\": {{comment.body}}"),
    },
    "follow_up_due": {
        "zh-CN": ("跟进提醒：{{task.title}}", "跟进任务「{{task.title}}」将于 {{task.due_date}} 到期。"),
        "en": ("Follow-up due: {{task.title}}", "Follow-up \"{{task.title}}\" is due on {{task.due_date}}."),
    },
    "follow_up_overdue": {
        "zh-CN": ("跟进已逾期：{{task.title}}", "跟进任务「{{task.title}}」已逾期 {{days_overdue}} 天。"),
        "en": ("Follow-up overdue: {{task.title}}", "Follow-up \"{{task.title}}\" is {{days_overdue}} day(s) overdue."),
    },
    "renewal_due": {
        "zh-CN": ("合同 {{contract.number}} 即将到期", "合同 {{contract.number}}「{{contract.title}}」将在 {{days_until_end}} 天后到期，请安排续约。"),
        "en": ("Contract {{contract.number}} expires soon", "Contract {{contract.number}} \"{{contract.title}}\" ends in {{days_until_end}} day(s); plan the renewal."),
    },
    # Marketing: to customers (sent through SendMessages with the recipient's display_name)
    # and to owners (trigger.fired with a notify_owner action).
    "survey_invitation": {
        "zh-CN": ("{{survey_title}}", "{{display_name}}，您好！感谢您选择我们。{{context}}\n请花一分钟告诉我们您的感受：{{survey_url}}\n（链接 {{expire_date}} 前有效）"),
        "en": ("{{survey_title}}", "Hello {{display_name}}, thank you for choosing us. {{context}}\nPlease tell us how we did, it takes a minute: {{survey_url}}\n(The link works until {{expire_date}}.)"),
    },
    "birthday_greeting": {
        "zh-CN": ("生日快乐，{{display_name}}！", "{{display_name}}，祝您生日快乐！感谢您一直以来的信任与支持。"),
        "en": ("Happy birthday, {{display_name}}!", "Happy birthday, {{display_name}}! Thank you for your trust and support."),
    },
    # Care occasions (issue 19): the festival and cooperation-anniversary triggers' greetings
    # (marketing sends festival_name "春节", festival_name_en "Spring Festival", and years).
    "festival_greeting": {
        "zh-CN": ("{{festival_name}}祝福", "{{display_name}}，您好！值此佳节，感谢您一直以来的信任与支持，祝您节日快乐、阖家安康！"),
        "en": ("Season's greetings", "Hello {{display_name}}, on the occasion of {{festival_name_en}}, thank you for your trust and support. We wish you a happy holiday!"),
    },
    "anniversary_greeting": {
        "zh-CN": ("感谢 {{years}} 年的合作", "{{display_name}}，您好！今天是我们合作 {{years}} 周年的日子，感谢您一路以来的信任与支持，期待继续携手前行。"),
        "en": ("Thank you for {{years}} years together", "Hello {{display_name}}, today marks {{years}} years of working together. Thank you for your trust and support; we look forward to the years ahead."),
    },
    # A segment's contact strategy carried out (issue 19): the content actions of the seeded
    # potential segment, under the keys its strategy names (marketing sends segment_name).
    "marketing.white_paper": {
        "zh-CN": ("本季度行业解决方案白皮书", "{{display_name}}，您好！本季度的行业解决方案白皮书已为您准备好，如需获取或希望与您的客户经理交流，请直接回复本邮件。"),
        "en": ("This quarter's industry solutions white paper", "Hello {{display_name}}, this quarter's industry solutions white paper is ready for you. Reply to this e-mail to get it or to talk it over with your account manager."),
    },
    "marketing.event_invitation": {
        "zh-CN": ("诚邀您参加客户活动", "{{display_name}}，您好！诚邀您参加我们近期的客户活动与产品体验，您的客户经理将与您确认时间和地点。"),
        "en": ("You are invited to our customer event", "Hello {{display_name}}, you are invited to our next customer event and product experience; your account manager will confirm the time and place with you."),
    },
    "renewal_offer": {
        "zh-CN": ("续约专属优惠", "{{display_name}}，您的合同即将到期，现在续约可享专属优惠，详情请联系您的客户经理。"),
        "en": ("Your renewal offer", "{{display_name}}, your contract ends soon: renew now for an offer reserved for you. Your account manager has the details."),
    },
    "trigger_fired": {
        "zh-CN": ("{{trigger_name}}：{{customer_display_name}}", "客户 {{customer_display_name}} 触发了「{{trigger_name}}」（{{firing.occasion_key}}），请及时跟进。"),
        "en": ("{{trigger_name}}: {{customer_display_name}}", "Customer {{customer_display_name}} triggered \"{{trigger_name}}\" ({{firing.occasion_key}}); please follow up."),
    },
    "payment_overdue": {
        "zh-CN": ("合同 {{receivable.contract_number}} 回款逾期", "合同 {{receivable.contract_number}} 的回款已逾期 {{receivable.days_overdue}} 天。"),
        "en": ("Payment overdue on contract {{receivable.contract_number}}", "A payment on contract {{receivable.contract_number}} is {{receivable.days_overdue}} day(s) overdue."),
    },
}


def choose(by_locale: dict[str, tuple[str, str]], locale: str) -> tuple[str, str]:
    """Exact locale (``zh-CN``), else its language (``en-US`` → ``en``), else the default."""
    return (
        by_locale.get(locale)
        or by_locale.get(locale.split("-")[0])
        or by_locale[DEFAULT_LOCALE]
    )


def fill(text: str, values: dict[str, str]) -> str:
    """Replace each ``{{name}}``; an unknown name becomes empty (see :func:`placeholders`)."""
    return PLACEHOLDER.sub(lambda match: str(values.get(match.group(1), "")), text)


def placeholders(*texts: str) -> list[str]:
    """Names used by the texts, in order of first use."""
    names: list[str] = []
    for text in texts:
        for name in PLACEHOLDER.findall(text):
            if name not in names:
                names.append(name)
    return names


def render(key: str, locale: str, **values: str) -> tuple[str, str]:
    """The built-in template ``key`` in ``locale``; an unknown key is a KeyError."""
    title, body = choose(TEMPLATES[key], locale)
    return fill(title, values), fill(body, values)

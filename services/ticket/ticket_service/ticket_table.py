"""The ticket table that ExportTickets writes: its columns (key and Chinese header, declared once
here), the Chinese words of the enum columns, and a stored ticket as a row of text cells. The
cells are written by :func:`crm_shared.spreadsheet_cells.encode_table`, so none runs as a
formula. No I/O.

Keys are Ticket field paths (``number``, ``reporter_phone``), which are also the English
headers; enum values are the lower-case words the service stores (``in_progress``), in Chinese
for a zh-CN export; times are UTC in ISO 8601.
"""

from __future__ import annotations

from collections.abc import Iterable

from crm_shared import spreadsheet_cells

from ticket_service.models import Ticket
from ticket_service.views import CHANNELS, PRIORITIES, STATES, TYPES

COLUMNS: dict[str, str] = {
    "number": "工单编号",
    "title": "标题",
    "type": "工单类型",
    "category": "分类",
    "priority": "优先级",
    "state": "状态",
    "channel": "渠道",
    "product": "产品",
    "customer_id": "客户ID",
    "reporter_name": "报告人",
    "reporter_phone": "报告人电话",
    "reporter_email": "报告人邮箱",
    "department_path": "处理部门",
    "assignee_id": "处理人ID",
    "account_manager_id": "客户经理ID",
    "create_time": "创建时间",
    "resolve_time": "解决时间",
    "description": "问题描述",
}
# The reporter's contact details: an export holding any of them is written to the audit log.
PERSONAL_COLUMNS = ("reporter_name", "reporter_phone", "reporter_email")
TIME_COLUMNS = ("create_time", "resolve_time")
# A word for each of the contract's values (a unit test holds this to the enums).
CHINESE_WORDS: dict[str, dict[str, str]] = {
    "type": {"consultation": "咨询", "complaint": "投诉", "demand": "需求", "fault": "故障"},
    "priority": {"urgent": "紧急", "high": "高", "normal": "普通", "low": "低"},
    "state": {
        "new": "新建",
        "routed": "已分派",
        "in_progress": "处理中",
        "waiting_on_customer": "待客户回复",
        "resolved": "已解决",
        "confirmed": "已确认",
        "closed": "已关闭",
    },
    "channel": {
        "phone": "电话",
        "email": "邮件",
        "web": "网页",
        "wechat": "微信",
        "in_app": "应用内",
        "walk_in": "到访",
        "api": "接口",
    },
}
ENUMS = {"type": TYPES, "priority": PRIORITIES, "state": STATES, "channel": CHANNELS}
SHEET_TITLES = {False: "Tickets", True: "工单"}


def header_of(columns: Iterable[str], locale: str) -> list[str]:
    """The header line of an export in ``locale`` (``zh-CN``: Chinese names, else the keys)."""
    return spreadsheet_cells.header_of(columns, COLUMNS, locale)


def row_of(ticket: Ticket, columns: Iterable[str], locale: str) -> list[str]:
    """The stored ``ticket`` as text cells, one per column."""
    return spreadsheet_cells.record_row(
        ticket, columns, locale, chinese_words=CHINESE_WORDS, time_columns=TIME_COLUMNS
    )

"""The lead table that ExportLeads writes: its columns (key and Chinese header, declared once
here), the Chinese words of the status column, and a stored lead as a row of text cells. The
cells are written by :func:`crm_shared.spreadsheet_cells.encode_table`, so none runs as a
formula. No I/O.

Keys are Lead field paths (``number``, ``phone``), which are also the English headers; the
status is the lower-case word the service stores (``assigned``), in Chinese for a zh-CN export;
source words stay as stored (``exhibition``); times are UTC in ISO 8601.
"""

from __future__ import annotations

from collections.abc import Iterable

from crm_shared import spreadsheet_cells

from sales_service.models import Lead

COLUMNS: dict[str, str] = {
    "number": "线索编号",
    "contact_name": "联系人",
    "company_name": "公司名称",
    "job_title": "职务",
    "phone": "手机",
    "email": "邮箱",
    "source": "来源",
    "status": "状态",
    "grade": "等级",
    "owner_id": "负责人ID",
    "department_path": "所属部门",
    "campaign_id": "营销活动ID",
    "customer_id": "客户ID",
    "first_contact_time": "首次联系时间",
    "create_time": "创建时间",
}
# The lead's contact details: an export holding any of them is written to the audit log.
PERSONAL_COLUMNS = ("contact_name", "phone", "email")
TIME_COLUMNS = ("first_contact_time", "create_time")
# A word for each of the contract's statuses (a unit test holds this to the enum).
CHINESE_WORDS: dict[str, dict[str, str]] = {
    "status": {
        "new": "新线索",
        "assigned": "已分配",
        "contacted": "已联系",
        "converted": "已转化",
        "disqualified": "已作废",
        "cold": "冷线索",
    },
}
SHEET_TITLES = {False: "Leads", True: "线索"}


def header_of(columns: Iterable[str], locale: str) -> list[str]:
    """The header line of an export in ``locale`` (``zh-CN``: Chinese names, else the keys)."""
    return spreadsheet_cells.header_of(columns, COLUMNS, locale)


def row_of(lead: Lead, columns: Iterable[str], locale: str) -> list[str]:
    """The stored ``lead`` as text cells, one per column."""
    return spreadsheet_cells.record_row(
        lead, columns, locale, chinese_words=CHINESE_WORDS, time_columns=TIME_COLUMNS
    )

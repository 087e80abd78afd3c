"""The customer table format shared by ImportCustomers and ExportCustomers: its columns, reading
a file (CSV or .xlsx, by :mod:`crm_shared.spreadsheet_upload`) into rows, a row into a
``Customer`` message, and a message back into a row (written by
:func:`crm_shared.spreadsheet_cells.encode_csv` or ``encode_xlsx``, so no cell runs as a
formula). No I/O.

Columns are Customer field paths (see ``ImportCustomersRequest.csv_content``); enum values
are written as lower-case words (``enterprise``, ``exhibition``, ``female``) and tags as
names separated by ``;``. Only the shape of each value is checked here; what a value must be
is decided by the same rules as CreateCustomer, which the import goes through.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from crm.common.v1 import types_pb2
from crm.customer.v1 import customer_pb2
from crm_shared import spreadsheet_cells
from crm_shared.errors import FieldViolation, InvalidArgument
from crm_shared.spreadsheet_cells import CHINESE_LOCALE
from crm_shared.spreadsheet_upload import read_table

# Every column once: its key (the Customer field path, which is also its English header) and
# the header a Chinese user's sheet has (客户名称...). The import reads either; the export
# writes the caller's (``ExportCustomersRequest.locale``).
COLUMNS: dict[str, str] = {
    "type": "客户类型",
    "display_name": "客户名称",
    "phone": "手机",
    "email": "邮箱",
    "source": "来源",
    "source_detail": "来源说明",
    "first_contact_date": "首次接触日期",
    "needs": "需求",
    "owner_id": "负责人ID",
    "enterprise.legal_name": "企业全称",
    "enterprise.industry": "所属行业",
    "enterprise.staff_count": "员工人数",
    "individual.gender": "性别",
    "individual.age": "年龄",
    "individual.birth_date": "出生日期",
    "individual.occupation": "职业",
    "tags": "标签",
}
COLUMN_OF_HEADER = {**{key: key for key in COLUMNS}, **{zh: key for key, zh in COLUMNS.items()}}
REQUIRED_COLUMNS = ("type", "display_name")
MAX_BYTES = 4 * 1024 * 1024
TAG_SEPARATOR = ";"
INTEGER_COLUMNS = ("enterprise.staff_count", "individual.age")


def _words(enum, prefix: str) -> dict[str, int]:
    return {
        value.name.removeprefix(prefix).lower(): value.number
        for value in enum.DESCRIPTOR.values
        if value.number
    }


TYPE_WORDS = _words(customer_pb2.CustomerType, "CUSTOMER_TYPE_")
SOURCE_WORDS = _words(types_pb2.SourceChannel, "SOURCE_CHANNEL_")
GENDER_WORDS = _words(customer_pb2.Gender, "GENDER_")
ENUM_COLUMNS = {"type": TYPE_WORDS, "source": SOURCE_WORDS, "individual.gender": GENDER_WORDS}
# What a sheet kept in Chinese writes in the enum columns, a word for each of the contract's
# values (a unit test holds this to the enums); the import reads it like the English word, an
# export with locale zh-CN writes it.
CHINESE_WORDS: dict[str, dict[str, str]] = {
    "type": {"enterprise": "企业", "individual": "个人"},
    "source": {
        "website_form": "官网表单",
        "exhibition": "展会",
        "referral": "转介绍",
        "phone": "电话",
        "partner": "合作伙伴",
        "campaign": "营销活动",
        "e_commerce": "电商",
        "import": "导入",
        "other": "其他",
    },
    "individual.gender": {"male": "男", "female": "女", "other": "其他"},
}
WORD_OF_CHINESE = {
    column: {chinese: word for word, chinese in words.items()}
    for column, words in CHINESE_WORDS.items()
}


def read(content: bytes, encoding: str = "") -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """The header (as column keys) and the data rows with their line numbers (the header is
    line 1).

    A file that is not a readable CSV or .xlsx with a usable header is refused whole
    (INVALID_ARGUMENT on ``csv_content``); problems of single rows are left to the row checks.
    """

    def refuse(message: str) -> InvalidArgument:
        return InvalidArgument(FieldViolation("csv_content", message))

    if not content.strip():
        raise refuse("is empty: a header line and at least one row are expected")
    if len(content) > MAX_BYTES:
        raise refuse(f"is larger than {MAX_BYTES // (1024 * 1024)} MiB: split the file")
    table = read_table(content, field="csv_content", encoding=encoding)
    names = table.header
    unknown = [name for name in names if name not in COLUMN_OF_HEADER]
    header = [COLUMN_OF_HEADER.get(name, name) for name in names]
    problems = [f"unknown column {name!r}" for name in unknown]
    problems += [
        f"column {name!r} appears twice"
        for name in dict.fromkeys(header)
        if name in COLUMNS and header.count(name) > 1
    ]
    problems += [f"column {name!r} is missing" for name in REQUIRED_COLUMNS if name not in header]
    if problems:
        raise refuse(
            "; ".join(problems)
            + f" (columns: {', '.join(f'{key} / {zh}' for key, zh in COLUMNS.items())})"
        )
    rows: list[tuple[int, dict[str, str]]] = []
    for line, cells in table.rows:
        values = {
            name: (cells[index] if index < len(cells) else "") for index, name in enumerate(header)
        }
        extra = [cell for cell in cells[len(header) :] if cell.strip()]
        if extra:
            values["__extra__"] = ",".join(extra)
        rows.append((line, values))
    if not rows:
        raise refuse("has a header but no rows")
    return header, rows


def header_of(columns: Iterable[str], locale: str) -> list[str]:
    """The header line of an export in ``locale`` (``zh-CN``: Chinese names, else the keys)."""
    return spreadsheet_cells.header_of(columns, COLUMNS, locale)


def to_customer(
    values: Mapping[str, str], tag_ids_by_name: Mapping[str, list[str]]
) -> tuple[customer_pb2.Customer, list[FieldViolation]]:
    """The ``Customer`` a row describes, or the violations of its shape (field = column)."""
    violations: list[FieldViolation] = []
    if "__extra__" in values:
        violations.append(FieldViolation("csv_content", "the row has more cells than the header"))
    cell = {name: values.get(name, "").strip() for name in COLUMNS}
    numbers: dict[str, int] = {}
    for column, words in ENUM_COLUMNS.items():
        word = WORD_OF_CHINESE[column].get(cell[column]) or cell[column].lower()
        if word and word not in words:
            choices = ", ".join(f"{w} ({CHINESE_WORDS[column][w]})" for w in words)
            violations.append(FieldViolation(column, f"must be one of {choices}"))
        numbers[column] = words.get(word, 0)
    integers: dict[str, int] = {}
    for column in INTEGER_COLUMNS:
        text = cell[column]
        if text and not (text.isascii() and text.isdigit()):
            violations.append(FieldViolation(column, "must be a whole number"))
        integers[column] = int(text) if text.isascii() and text.isdigit() else 0
    tag_ids: list[str] = []
    for name in (part.strip() for part in cell["tags"].split(TAG_SEPARATOR)):
        if not name:
            continue
        found = tag_ids_by_name.get(name, [])
        if len(found) != 1:
            violations.append(
                FieldViolation(
                    "tags",
                    f"no tag is named {name!r}"
                    if not found
                    else f"several tags are named {name!r}; tag it after the import",
                )
            )
        else:
            tag_ids.append(found[0])
    customer_type = numbers["type"]
    enterprise = {
        "legal_name": cell["enterprise.legal_name"],
        "industry": cell["enterprise.industry"],
        "staff_count": integers["enterprise.staff_count"],
    }
    individual = {
        "gender": numbers["individual.gender"],
        "age": integers["individual.age"],
        "birth_date": cell["individual.birth_date"],
        "occupation": cell["individual.occupation"],
    }
    message = customer_pb2.Customer(
        type=customer_type,
        display_name=cell["display_name"],
        phone=cell["phone"],
        email=cell["email"],
        source=numbers["source"],
        source_detail=cell["source_detail"],
        first_contact_date=cell["first_contact_date"],
        needs=cell["needs"],
        owner_id=cell["owner_id"],
        tags=[customer_pb2.CustomerTag(tag_id=tag_id) for tag_id in dict.fromkeys(tag_ids)],
    )
    other = None
    if customer_type == customer_pb2.CUSTOMER_TYPE_ENTERPRISE:
        message.enterprise.CopyFrom(customer_pb2.EnterpriseProfile(**enterprise))
        message.enterprise.SetInParent()
        other = "individual"
    elif customer_type == customer_pb2.CUSTOMER_TYPE_INDIVIDUAL:
        message.individual.CopyFrom(customer_pb2.IndividualProfile(**individual))
        message.individual.SetInParent()
        other = "enterprise"
    if other:
        violations += [
            FieldViolation(column, f"does not apply to {cell['type'].lower()} customers")
            for column in COLUMNS
            if column.startswith(other + ".") and cell[column]
        ]
    return message, violations


def column_of(field: str) -> str:
    """The CSV column of a CreateCustomer field violation (``customer.enterprise.industry``)."""
    path = field.removeprefix("customer.")
    if path.startswith("tags"):
        return "tags"
    if path.startswith("enterprise.annual_revenue"):
        return "enterprise"
    return path


# --- writing ----------------------------------------------------------------------------------

TYPE_NAMES = {number: word for word, number in TYPE_WORDS.items()}
SOURCE_NAMES = {number: word for word, number in SOURCE_WORDS.items()}
GENDER_NAMES = {number: word for word, number in GENDER_WORDS.items()}


def row_of(customer: customer_pb2.Customer, columns: Iterable[str], locale: str = "") -> list[str]:
    """The cells of ``customer`` for ``columns`` (what :func:`to_customer` reads back), enum
    words in Chinese for ``locale`` zh-CN."""
    enterprise, individual = customer.enterprise, customer.individual
    cells = {
        "type": TYPE_NAMES.get(customer.type, ""),
        "display_name": customer.display_name,
        "phone": customer.phone,
        "email": customer.email,
        "source": SOURCE_NAMES.get(customer.source, ""),
        "source_detail": customer.source_detail,
        "first_contact_date": customer.first_contact_date,
        "needs": customer.needs,
        "owner_id": customer.owner_id,
        "enterprise.legal_name": enterprise.legal_name,
        "enterprise.industry": enterprise.industry,
        "enterprise.staff_count": str(enterprise.staff_count or ""),
        "individual.gender": GENDER_NAMES.get(individual.gender, ""),
        "individual.age": str(individual.age or ""),
        "individual.birth_date": individual.birth_date,
        "individual.occupation": individual.occupation,
        "tags": TAG_SEPARATOR.join(tag.name for tag in customer.tags),
    }
    if locale == CHINESE_LOCALE:
        for column, words in CHINESE_WORDS.items():
            cells[column] = words.get(cells[column], cells[column])
    return [cells[column] for column in columns]

"""Data-subject export (access request): everything this service holds about one customer.

Found, not listed: every row of every table that has a ``customer_id`` column (and the
``customers`` row itself) for the customer and the customers merged into it, all columns,
with the encrypted fields decrypted (the export is for the data subject). A table added later
is exported without touching this module.
"""

from __future__ import annotations

import base64
from datetime import date, datetime
from decimal import Decimal

from crm.common.v1 import privacy_pb2, types_pb2
from crm_shared.db import utcnow
from crm_shared.timestamps import to_timestamp
from google.protobuf import struct_pb2
from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from customer_service import erasure, personal_data
from customer_service.models import CustomerPersonalField

SOURCE_SERVICE = "customer"

# Resource types of the tables whose name does not say it plainly.
RESOURCE_TYPES = {
    "customers": "customer",
    "contacts": "contact",
    "customer_personal_data": "sensitive_field",
    "customer_access_log": "access_log_entry",
    "customer_consents": "consent",
    "customer_consent_changes": "consent_change",
    "customer_erasure_requests": "erasure_request",
}


def resource_type_of(table: Table) -> str:
    if table.name in RESOURCE_TYPES:
        return RESOURCE_TYPES[table.name]
    name = table.name.removeprefix("customer_")
    return name.removesuffix("s")


def json_value(value):
    """A column value as a JSON-compatible value for ``google.protobuf.Struct``."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, (int, float)):
        return value  # Struct numbers are doubles; ids and amounts here fit exactly
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    if isinstance(value, (list, tuple)):
        return [json_value(item) for item in value]
    if isinstance(value, dict):
        return {str(key): json_value(item) for key, item in value.items()}
    return str(value)


def _audit(row: dict) -> types_pb2.AuditStamp:
    def stamp(name):
        value = row.get(name)
        return to_timestamp(value) if isinstance(value, datetime) else None

    return types_pb2.AuditStamp(
        create_time=stamp("create_time")
        or stamp("access_time")
        or stamp("request_time")
        or stamp("change_time"),
        created_by=str(
            row.get("created_by") or row.get("actor_id") or row.get("requested_by") or ""
        ),
        update_time=stamp("update_time"),
        updated_by=str(row.get("updated_by") or row.get("recorded_by") or ""),
    )


def _resource_id(table: Table, row: dict) -> str:
    if "id" in row:
        return str(row["id"])
    return ":".join(str(row[column.name]) for column in table.primary_key.columns)


def build_export(
    session: Session, customer_id: str, keys: personal_data.FieldKeys | None = None
) -> privacy_pb2.PersonalDataExport:
    ids = [customer_id, *erasure.alias_ids(session, customer_id)]
    clear = personal_data.load_clear(session, ids, keys)
    records: list[privacy_pb2.PersonalDataRecord] = []
    for table in erasure.tables_about_customers():
        key = erasure.customer_key(table)
        for mapping in session.execute(select(table).where(key.in_(ids))).mappings():
            row = dict(mapping)
            if table.name == CustomerPersonalField.__tablename__:
                # The value in clear instead of its ciphertext and key id.
                data = {
                    "customer_id": row["customer_id"],
                    "field_path": row["field_path"],
                    "value": clear[row["customer_id"]].get(row["field_path"], ""),
                    "update_time": json_value(row["update_time"]),
                }
            else:
                data = {name: json_value(value) for name, value in row.items()}
            content = struct_pb2.Struct()
            content.update(data)
            records.append(
                privacy_pb2.PersonalDataRecord(
                    resource_type=resource_type_of(table),
                    resource_id=_resource_id(table, row),
                    audit=_audit(row),
                    data=content,
                )
            )
    return privacy_pb2.PersonalDataExport(
        customer_id=customer_id,
        source_service=SOURCE_SERVICE,
        generate_time=to_timestamp(utcnow()),
        records=records,
    )

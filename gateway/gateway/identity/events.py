"""Identity events (``crm.identity.v1``) built from the gateway's records.

Upserts carry the complete current state and the record's ``revision``, so a consumer
replaces what it holds and ignores an upsert older than the one it has. A user's e-mail and
phone go masked and sealed for the notification worker, never in clear
(:mod:`crm_shared.staff_addresses`; sealed with this process's ``FIELD_ENCRYPTION_KEY``).
"""

from __future__ import annotations

from crm.identity.v1 import events_pb2, identity_pb2
from crm_shared.staff_addresses import put_addresses
from crm_shared.timestamps import to_timestamp

from gateway.identity.models import Department, User

DATA_SCOPE_VALUES = {
    "own": identity_pb2.DATA_SCOPE_OWN,
    "department": identity_pb2.DATA_SCOPE_DEPARTMENT,
    "all": identity_pb2.DATA_SCOPE_ALL,
}


def user_upserted(
    user: User, *, is_department_lead: bool, previous_department_path: str = ""
) -> events_pb2.UserUpserted:
    event = events_pb2.UserUpserted(
        user_id=user.id,
        username=user.username,
        display_name=user.display_name,
        department_path=user.department_path,
        roles=sorted(user.roles),
        data_scope=DATA_SCOPE_VALUES[user.data_scope],
        locale=user.locale,
        active=user.active,
        is_department_lead=is_department_lead,
        time_zone=user.time_zone,
        job_title=user.job_title,
        manager_id=user.manager_id or "",
        previous_department_path=previous_department_path,
        revision=user.revision,
        update_time=to_timestamp(user.update_time),
        service_account=user.service_account,
    )
    return put_addresses(event, email=user.email, phone=user.phone)


def department_upserted(department: Department) -> events_pb2.DepartmentUpserted:
    return events_pb2.DepartmentUpserted(
        path=department.path,
        name=department.name,
        lead_user_id=department.lead_user_id or "",
        parent_path=department.parent_path or "",
        active=department.active,
        revision=department.revision,
        update_time=to_timestamp(department.update_time),
    )

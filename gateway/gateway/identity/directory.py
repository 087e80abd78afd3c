"""The company directory: departments and users, and logging in.

Module-level functions with keyword-only arguments over a unit of work opened by the caller;
none of them commits. Each change bumps the record's ``revision`` and emits its identity
event through ``uow.emit`` in the same transaction.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm_shared.auth import DataScope
from crm_shared.db import UnitOfWork, utcnow
from crm_shared.errors import AlreadyExists, FieldViolation, InvalidArgument, NotFound
from gateway.identity import events
from gateway.identity.models import LOCALES, Department, User
from gateway.identity.passwords import PasswordHashing

DEPARTMENT_PATH = re.compile(r"^(/[a-z0-9][a-z0-9_-]{0,62})+$")
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
ROLE = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def parent_of(path: str) -> str | None:
    parent = path.rsplit("/", 1)[0]
    return parent or None


def get_department(session: Session, path: str) -> Department | None:
    return session.get(Department, path)


def get_user(session: Session, user_id: str) -> User | None:
    return session.get(User, user_id)


def find_user(session: Session, username: str) -> User | None:
    return session.scalars(select(User).where(User.username == username)).one_or_none()


def leads_own_department(session: Session, user: User) -> bool:
    department = session.get(Department, user.department_path)
    return department is not None and department.lead_user_id == user.id


def create_department(uow: UnitOfWork, *, path: str, name: str) -> Department:
    """Add a department under an existing parent (the root ``/hq`` has none)."""
    violations = []
    if not DEPARTMENT_PATH.match(path):
        violations.append(
            FieldViolation("path", "must look like /hq/sales/east (lower-case segments)")
        )
    if not name.strip():
        violations.append(FieldViolation("name", "is required"))
    if violations:
        raise InvalidArgument(violations)
    session = uow.session
    if session.get(Department, path) is not None:
        raise AlreadyExists(f"department {path} already exists")
    parent = parent_of(path)
    if parent is not None and session.get(Department, parent) is None:
        raise InvalidArgument(FieldViolation("path", f"parent department {parent} does not exist"))
    now = utcnow()
    department = Department(
        path=path,
        name=name.strip(),
        parent_path=parent,
        lead_user_id=None,
        active=True,
        revision=1,
        create_time=now,
        update_time=now,
    )
    session.add(department)
    session.flush()
    uow.emit(events.department_upserted(department), key=path)
    return department


def create_user(
    uow: UnitOfWork,
    *,
    hashing: PasswordHashing,
    username: str,
    password: str,
    display_name: str,
    department_path: str,
    roles: Iterable[str],
    data_scope: DataScope | str,
    email: str = "",
    phone: str = "",
    locale: str = "zh-CN",
    time_zone: str = "Asia/Shanghai",
    job_title: str = "",
    user_id: str | None = None,
) -> User:
    roles = sorted(set(roles))
    violations = []
    if not USERNAME.match(username):
        violations.append(FieldViolation("username", "must be 2-64 of a-z, 0-9, '.', '_', '-'"))
    if not password:
        violations.append(FieldViolation("password", "is required"))
    if not display_name.strip():
        violations.append(FieldViolation("display_name", "is required"))
    if email and not EMAIL.match(email):
        violations.append(FieldViolation("email", "is not an e-mail address"))
    if locale not in LOCALES:
        violations.append(FieldViolation("locale", f"must be one of {', '.join(LOCALES)}"))
    for index, role in enumerate(roles):
        if not ROLE.match(role):
            violations.append(FieldViolation(f"roles[{index}]", "must be a lower_snake_case name"))
    try:
        scope = DataScope(data_scope)
    except ValueError:
        violations.append(FieldViolation("data_scope", "must be own, department or all"))
        scope = DataScope.OWN
    session = uow.session
    if session.get(Department, department_path) is None:
        violations.append(FieldViolation("department_path", "no such department"))
    if violations:
        raise InvalidArgument(violations)
    if find_user(session, username) is not None:
        raise AlreadyExists(f"username {username} is taken")
    now = utcnow()
    user = User(
        id=user_id or str(uuid.uuid4()),
        username=username,
        display_name=display_name.strip(),
        email=email,
        phone=phone,
        locale=locale,
        time_zone=time_zone,
        job_title=job_title,
        department_path=department_path,
        roles=roles,
        data_scope=scope.value,
        manager_id=None,
        active=True,
        service_account=False,
        password_hash=hashing.hash(password),
        revision=1,
        create_time=now,
        update_time=now,
    )
    session.add(user)
    session.flush()
    uow.emit(events.user_upserted(user, is_department_lead=False), key=user.id)
    return user


def set_department_lead(uow: UnitOfWork, *, path: str, user_id: str | None) -> Department:
    """Make ``user_id`` (a member of the department) its lead, or clear the lead with ``None``."""
    session = uow.session
    department = session.get(Department, path)
    if department is None:
        raise NotFound(f"department {path} not found")
    if department.lead_user_id == user_id:
        return department
    lead = None
    if user_id is not None:
        lead = session.get(User, user_id)
        if lead is None:
            raise InvalidArgument(FieldViolation("lead_user_id", "no such user"))
        if lead.department_path != path:
            raise InvalidArgument(
                FieldViolation("lead_user_id", f"the lead must be a member of {path}")
            )
    previous = session.get(User, department.lead_user_id) if department.lead_user_id else None
    now = utcnow()
    department.lead_user_id = user_id
    department.revision += 1
    department.update_time = now
    session.flush()
    uow.emit(events.department_upserted(department), key=path)
    # is_department_lead is part of a user's published state: republish whom it changed for.
    for user, leads in ((previous, False), (lead, True)):
        if user is not None:
            user.revision += 1
            user.update_time = now
            session.flush()
            uow.emit(events.user_upserted(user, is_department_lead=leads), key=user.id)
    return department


def authenticate(
    session: Session, *, hashing: PasswordHashing, username: str, password: str
) -> User | None:
    """The active user with these credentials, or ``None`` (taking the same time either way).

    Usernames are lower-case, so ``Rep.Zhang`` logs in as ``rep.zhang``."""
    username = username.strip().lower()
    user = find_user(session, username) if username else None
    if user is None or not user.active or user.service_account:
        hashing.burn_verification(password)
        return None
    if not hashing.verify(user.password_hash, password):
        return None
    return user


def rehash_password(
    uow: UnitOfWork, *, hashing: PasswordHashing, user_id: str, password: str
) -> None:
    """Store the password again with the current parameters (after a successful login)."""
    user = uow.session.get(User, user_id)
    if user is not None:
        user.password_hash = hashing.hash(password)

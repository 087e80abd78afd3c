"""The company directory: departments and users, and logging in.

Module-level functions with keyword-only arguments over a unit of work opened by the caller;
none of them commits. Each change bumps the record's ``revision`` and emits its identity
event through ``uow.emit`` in the same transaction.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable

from crm_shared.auth import DataScope
from crm_shared.db import UnitOfWork, utcnow
from crm_shared.errors import AlreadyExists, Conflict, FieldViolation, InvalidArgument, NotFound
from sqlalchemy import select
from sqlalchemy.orm import Session

from gateway.identity import events, sessions
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


def list_departments(session: Session) -> list[Department]:
    return list(session.scalars(select(Department).order_by(Department.path)))


def list_users(session: Session, *, service_accounts: bool = False) -> list[User]:
    return list(
        session.scalars(
            select(User).where(User.service_account.is_(service_accounts)).order_by(User.username)
        )
    )


def _publish_user(uow: UnitOfWork, user: User, *, previous_department_path: str = "") -> None:
    user.revision += 1
    user.update_time = utcnow()
    uow.session.flush()
    uow.emit(
        events.user_upserted(
            user,
            is_department_lead=leads_own_department(uow.session, user),
            previous_department_path=previous_department_path,
        ),
        key=user.id,
    )


def rename_department(uow: UnitOfWork, *, path: str, name: str) -> Department:
    department = uow.session.get(Department, path)
    if department is None:
        raise NotFound(f"department {path} not found")
    if not name.strip():
        raise InvalidArgument(FieldViolation("name", "is required"))
    if department.name != name.strip():
        department.name = name.strip()
        department.revision += 1
        department.update_time = utcnow()
        uow.session.flush()
        uow.emit(events.department_upserted(department), key=path)
    return department


def update_user(
    uow: UnitOfWork,
    *,
    hashing: PasswordHashing,
    user_id: str,
    changes: dict,
) -> User:
    """Apply ``changes`` (only the keys given) to a user: profile fields, ``department_path``
    (a move: the user stops leading the old department), ``roles``, ``data_scope``,
    ``active``, ``password``. One ``UserUpserted`` event for the whole change."""
    session = uow.session
    user = session.get(User, user_id)
    if user is None or user.service_account != changes.pop("_service_account", False):
        raise NotFound(f"user {user_id} not found")
    violations = []
    if "display_name" in changes and not str(changes["display_name"]).strip():
        violations.append(FieldViolation("display_name", "is required"))
    if changes.get("email") and not EMAIL.match(changes["email"]):
        violations.append(FieldViolation("email", "is not an e-mail address"))
    if "locale" in changes and changes["locale"] not in LOCALES:
        violations.append(FieldViolation("locale", f"must be one of {', '.join(LOCALES)}"))
    if "roles" in changes:
        changes["roles"] = sorted(set(changes["roles"]))
        for index, role in enumerate(changes["roles"]):
            if not ROLE.match(role):
                violations.append(
                    FieldViolation(f"roles[{index}]", "must be a lower_snake_case name")
                )
    if "scopes" in changes:
        changes["scopes"] = sorted(set(changes["scopes"]))
    if "data_scope" in changes:
        try:
            changes["data_scope"] = DataScope(changes["data_scope"]).value
        except ValueError:
            violations.append(FieldViolation("data_scope", "must be own, department or all"))
    if "department_path" in changes and session.get(Department, changes["department_path"]) is None:
        violations.append(FieldViolation("department_path", "no such department"))
    if "password" in changes and not changes["password"]:
        violations.append(FieldViolation("password", "is required"))
    if violations:
        raise InvalidArgument(violations)

    previous_department = ""
    revoke = False
    for name, value in changes.items():
        if name == "password":
            user.password_hash = hashing.hash(value)
            revoke = True
            continue
        if getattr(user, name) == value:
            continue
        if name == "department_path":
            previous_department = user.department_path
            old = session.get(Department, user.department_path)
            if old is not None and old.lead_user_id == user.id:
                old.lead_user_id = None
                old.revision += 1
                old.update_time = utcnow()
                session.flush()
                uow.emit(events.department_upserted(old), key=old.path)
        if name in ("active", "roles", "data_scope", "department_path", "scopes"):
            revoke = True  # sessions re-read the directory only at login
        setattr(
            user,
            name,
            value.strip() if isinstance(value, str) and name == "display_name" else value,
        )
    if revoke:
        sessions.revoke_user_tokens(uow, user=user)
    _publish_user(uow, user, previous_department_path=previous_department)
    return user


def create_service_account(
    uow: UnitOfWork,
    *,
    hashing: PasswordHashing,
    client_id: str,
    display_name: str,
    department_path: str,
    roles: Iterable[str],
    scopes: Iterable[str],
    data_scope: str,
    secret: str | None = None,
) -> tuple[User, str]:
    """A service account (an internal system): returns it and its client secret (shown once;
    generated unless given)."""
    import secrets

    secret = secret or secrets.token_urlsafe(32)
    user = create_user(
        uow,
        hashing=hashing,
        username=client_id,
        password=secret,
        display_name=display_name,
        department_path=department_path,
        roles=sorted({"service", *roles}),
        data_scope=data_scope,
    )
    user.service_account = True
    user.scopes = sorted(set(scopes))
    _publish_user(uow, user)
    return user, secret


def ensure_service_account(
    uow: UnitOfWork,
    *,
    hashing: PasswordHashing,
    client_id: str,
    secret: str,
    display_name: str,
    department_path: str,
    roles: Iterable[str],
    scopes: Iterable[str],
    data_scope: str,
) -> tuple[User, bool]:
    """The service account ``client_id`` with exactly this secret, roles, scopes and data scope,
    created when missing (bootstrapping a service's own credentials); returns it and whether
    anything changed. Running it again with the same values changes nothing."""
    user = find_user(uow.session, client_id)
    if user is None:
        user, _ = create_service_account(
            uow, hashing=hashing, client_id=client_id, display_name=display_name,
            department_path=department_path, roles=roles, scopes=scopes,
            data_scope=data_scope, secret=secret)
        return user, True
    if not user.service_account:
        raise Conflict(f"{client_id} is a person's account, not a service account")
    wanted_roles, wanted_scopes = sorted({"service", *roles}), sorted(set(scopes))
    changed = not hashing.verify(user.password_hash, secret)
    if changed:
        user.password_hash = hashing.hash(secret)
    if (list(user.roles) != wanted_roles or list(user.scopes or []) != wanted_scopes
            or user.data_scope != data_scope or not user.active):
        user.roles, user.scopes, user.data_scope, user.active = (
            wanted_roles, wanted_scopes, data_scope, True)
        changed = True
    if changed:
        sessions.revoke_user_tokens(uow, user=user)  # a secret, a scope or a role went
        user.update_time = utcnow()
        _publish_user(uow, user)
    return user, changed


def rotate_client_secret(uow: UnitOfWork, *, hashing: PasswordHashing, user_id: str) -> str:
    import secrets

    user = uow.session.get(User, user_id)
    if user is None or not user.service_account:
        raise NotFound(f"service account {user_id} not found")
    secret = secrets.token_urlsafe(32)
    user.password_hash = hashing.hash(secret)
    sessions.revoke_user_tokens(uow, user=user)  # a secret is rotated because it may have leaked
    user.update_time = utcnow()
    return secret


def authenticate_client(
    session: Session, *, hashing: PasswordHashing, client_id: str, client_secret: str
) -> User | None:
    """The active service account with these client credentials, or ``None`` (same time)."""
    user = find_user(session, client_id.strip().lower()) if client_id.strip() else None
    if user is None or not user.active or not user.service_account:
        hashing.burn_verification(client_secret)
        return None
    if not hashing.verify(user.password_hash, client_secret):
        return None
    return user

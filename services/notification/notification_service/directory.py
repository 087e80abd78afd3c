"""The recipients directory (people and departments from identity events), read for rules."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from notification_service.models import Department, Recipient


class SqlDirectory:
    """:class:`notification_service.rules.Directory` over this service's tables."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def department_lead(self, department_path: str) -> str | None:
        department = self.session.get(Department, department_path)
        if department is not None and department.lead_user_id:
            return department.lead_user_id
        # No department event seen yet: a user flagged as its lead will do.
        return self.session.scalars(
            select(Recipient.user_id).where(
                Recipient.department_path == department_path,
                Recipient.is_department_lead.is_(True), Recipient.active.is_(True),
            ).order_by(Recipient.user_id).limit(1)
        ).first()

    def department_members(self, department_path: str) -> list[str]:
        return list(self.session.scalars(
            select(Recipient.user_id).where(
                Recipient.department_path == department_path, Recipient.active.is_(True)
            ).order_by(Recipient.user_id)
        ))

    def users_with_role(self, role: str, department_path: str) -> list[str]:
        subtree = department_path.rstrip("/") + "/"
        rows = self.session.execute(
            select(Recipient.user_id, Recipient.roles).where(
                Recipient.active.is_(True),
                (Recipient.department_path == department_path)
                | Recipient.department_path.startswith(subtree, autoescape=True),
            ).order_by(Recipient.user_id)
        )
        return [user_id for user_id, roles in rows if role in (roles or "").split(",")]

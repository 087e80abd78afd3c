"""The customer service's nameko worker: event handlers that keep its own data current."""

from __future__ import annotations

from crm.identity.v1 import events_pb2 as identity_events
from crm_shared.db import utcnow
from crm_shared.events.handlers import EventContext, on_event

from customer_service.models import Employee


class CustomerWorker:
    name = "customer"

    @on_event(identity_events.UserUpserted)
    def user_upserted(self, event, ctx: EventContext) -> None:
        """Keep the employee directory that owner assignment and handover rely on."""
        employee = ctx.session.get(Employee, event.user_id)
        if employee is None:
            employee = Employee(user_id=event.user_id, revision=0)
            ctx.session.add(employee)
        elif event.revision <= employee.revision:
            return  # reordered by a retry or another replica: we already hold newer state
        employee.revision = event.revision
        employee.username = event.username
        employee.department_path = event.department_path
        employee.active = event.active
        employee.update_time = utcnow()
